"""The doors of a session: the facilitator closes them once the hall is in, and no new participant can join
(phones that joined carry on, and staff can still enter someone without a phone). Kept in the session's
`permissions` beside slow mode, so it lasts through every phase until opened again.

With a rotating code the session's join link carries a door code that changes every few minutes (the QR on
the projector follows it): a photo of the screen, or a link passed on, stops admitting shortly after its
window ends. Phones that joined keep working, since their pages use the session's own code. The door code is
an HMAC of the session code and the time window under a salt kept with the session, so every app process
computes the same one without storing it.

The join figures the console shows come from the participants' own join times: how many joined in each of
the last minutes, so a facilitator sees a burst that no hall makes.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from datetime import UTC, datetime, timedelta

from tortoise.transactions import in_transaction

from deliberate import events
from deliberate.actors import Actor, require_facilitator
from deliberate.errors import PermissionDenied, ValidationError
from deliberate.i18n import N_
from deliberate.sessions.codes import ALPHABET, LENGTH, normalise_code
from deliberate.sessions.models import Participant, Session
from deliberate.staffrecord.models import StaffAction

KEY = "doors_closed"
ROTATE, SALT = "rotate_minutes", "door_salt"
MAX_ROTATE = 60
GRACE_S = 90  # the code of the window just ended still admits this long (a phone that scanned at the turn)
MINUTES = 10  # the join figures cover this many minutes, one count per minute


def doors_open(session: Session) -> bool:
    permissions = session.permissions if isinstance(session.permissions, dict) else {}
    return permissions.get(KEY) is not True


async def set_doors(actor: Actor, session: Session, open_: object) -> Session:
    """Open or close the doors; pressing for what already is changes nothing and records nothing."""
    staff = await require_facilitator(actor, session.assembly_id)
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


def rotation_of(session: Session) -> int | None:
    permissions = session.permissions if isinstance(session.permissions, dict) else {}
    minutes = permissions.get(ROTATE)
    return minutes if isinstance(minutes, int) and 0 < minutes <= MAX_ROTATE and permissions.get(SALT) else None


def _window(session: Session, at: float) -> tuple[int, float]:
    """The rotation window `at` falls in, and when it started."""
    span = (rotation_of(session) or 1) * 60
    index = int(at // span)
    return index, index * span


def _code_for(session: Session, index: int) -> str:
    salt = str((session.permissions or {}).get(SALT, ""))
    digest = hmac.new(salt.encode(), f"{session.code}:{index}".encode(), hashlib.sha256).digest()
    return "".join(ALPHABET[b % len(ALPHABET)] for b in digest[:LENGTH])


def door_code(session: Session, at: float | None = None) -> str | None:
    """The code the join link carries now, or None when the session's code does not rotate."""
    if rotation_of(session) is None:
        return None
    return _code_for(session, _window(session, time.time() if at is None else at)[0])


def rotates_at(session: Session, at: float | None = None) -> float | None:
    """When the door code next changes (seconds since the epoch), or None."""
    minutes = rotation_of(session)
    if minutes is None:
        return None
    return _window(session, time.time() if at is None else at)[1] + minutes * 60


def door_admits(session: Session, given: object, at: float | None = None) -> bool:
    """Whether a join carrying `given` may come in: always without rotation; else the current code, or the one
    just before it during the grace after the turn."""
    if rotation_of(session) is None:
        return True
    now = time.time() if at is None else at
    wanted = normalise_code(given)
    index, started = _window(session, now)
    if hmac.compare_digest(wanted, _code_for(session, index)):
        return True
    return now - started < GRACE_S and hmac.compare_digest(wanted, _code_for(session, index - 1))


def require_door(session: Session, given: object) -> None:
    if not door_admits(session, given):
        raise PermissionDenied(
            N_("This join link has expired. Please scan the QR code on the screen again."), field="door"
        )


async def set_rotation(actor: Actor, session: Session, minutes: object) -> Session:
    """Rotate the join code every `minutes` (1 to 60), or stop rotating (None or 0)."""
    staff = await require_facilitator(actor, session.assembly_id)
    if minutes in (None, 0, "", "0"):
        value = None
    else:
        try:
            value = int(str(minutes).strip())
        except ValueError:
            value = -1
        if not 1 <= value <= MAX_ROTATE:
            raise ValidationError(
                N_("The join code can change every 1 to {n} minutes, or not at all."),
                field="rotate_minutes",
                n=MAX_ROTATE,
            )
    if value == rotation_of(session):
        return session
    current = dict(session.permissions or {})
    current[ROTATE] = value
    if value and not current.get(SALT):
        current[SALT] = secrets.token_hex(16)
    session.permissions = current
    async with in_transaction():
        await session.save(update_fields=["permissions"])
        await StaffAction.create(session=session, action="doors", actor=staff, data={"rotate_minutes": value})
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
    await require_facilitator(actor, session.assembly_id)
    return {
        "open": doors_open(session),
        "rotate_minutes": rotation_of(session),
        "door_code": door_code(session),
        "joins_per_minute": await joins_per_minute(session),
    }
