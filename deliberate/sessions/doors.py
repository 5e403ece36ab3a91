"""The doors of a session: the facilitator closes them once the hall is in, and no new participant can join
(phones that joined carry on, and staff can still enter someone without a phone). Kept in the session's
`permissions` beside slow mode, so it lasts through every phase until opened again.

The join figures the console shows come from the participants' own join times: how many joined in each of
the last minutes, so a facilitator sees a burst that no hall makes.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tortoise.transactions import in_transaction

from deliberate import events
from deliberate.actors import Actor, require_facilitator
from deliberate.errors import ValidationError
from deliberate.i18n import N_
from deliberate.sessions.models import Participant, Session
from deliberate.staffrecord.models import StaffAction

KEY = "doors_closed"
MINUTES = 10  # the join figures cover this many minutes, one count per minute


def doors_open(session: Session) -> bool:
    permissions = session.permissions if isinstance(session.permissions, dict) else {}
    return permissions.get(KEY) is not True


async def set_doors(actor: Actor, session: Session, open_: object) -> Session:
    """Open or close the doors; pressing for what already is changes nothing and records nothing."""
    staff = require_facilitator(actor)
    if not isinstance(open_, bool):
        raise ValidationError(N_("Say whether the doors are open: true or false."), field="open")
    if open_ == doors_open(session):
        return session
    current = dict(session.permissions or {})
    current[KEY] = not open_
    session.permissions = current
    async with in_transaction():
        await session.save(update_fields=["permissions"])
        await StaffAction.create(session=session, action="doors", actor=staff, data={"open": open_})
    await events.publish(events.Event("doors.changed", session.id))
    return session


async def joins_per_minute(session: Session, now: datetime | None = None) -> list[int]:
    """Phones that joined in each of the last MINUTES minutes, oldest first (people entered by staff left out)."""
    now = now or datetime.now(UTC)
    since = now - timedelta(minutes=MINUTES)
    times = await Participant.filter(session_id=session.id, assisted=False, created_at__gte=since).values_list(
        "created_at", flat=True
    )
    counts = [0] * MINUTES
    for at in times:
        if isinstance(at, datetime):
            at = at if at.tzinfo else at.replace(tzinfo=UTC)
            ago = int((now - at).total_seconds() // 60)
            if 0 <= ago < MINUTES:
                counts[MINUTES - 1 - ago] += 1
    return counts


async def joining_report(actor: Actor, session: Session) -> dict[str, object]:
    require_facilitator(actor)
    return {"open": doors_open(session), "rotate_minutes": None, "joins_per_minute": await joins_per_minute(session)}
