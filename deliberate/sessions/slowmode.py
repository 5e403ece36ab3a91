"""Slow mode: the facilitator spaces out what participants post, one text per N seconds each.

Kept in the session's `permissions` JSON under its own key, beside the per-phase switches, so it needs no
column of its own; the throttle middleware reads it on every text a participant posts.
"""

from __future__ import annotations

from tortoise.transactions import in_transaction

from deliberate.actors import Actor, require_facilitator
from deliberate.errors import ValidationError
from deliberate.i18n import N_
from deliberate.sessions.models import Session
from deliberate.staffrecord.models import StaffAction

KEY = "slow_mode_s"
MAX_SECONDS = 600


def slow_mode_of(permissions: object) -> int:
    value = permissions.get(KEY) if isinstance(permissions, dict) else None
    return value if isinstance(value, int) and 0 < value <= MAX_SECONDS else 0


async def set_slow_mode(actor: Actor, session: Session, seconds: object) -> Session:
    staff = await require_facilitator(actor, session.assembly_id)
    try:
        value = int(str(seconds).strip() or "0")
    except ValueError as exc:
        raise ValidationError(N_("Please enter the seconds as a whole number."), field="slow_mode") from exc
    if not 0 <= value <= MAX_SECONDS:
        raise ValidationError(N_("Slow mode can be from 0 (off) to {n} seconds."), field="slow_mode", n=MAX_SECONDS)
    current = dict(session.permissions or {})
    current[KEY] = value
    session.permissions = current
    async with in_transaction():
        await session.save(update_fields=["permissions"])
        await StaffAction.create(session=session, action="slow_mode", actor=staff, data={"seconds": value})
    return session
