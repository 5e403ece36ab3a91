"""Purging personal data after the retention period (PDPA), keeping every aggregate.

What goes: display names, organisations, participant tokens (so old links stop working), the choice to be
named on a pledge. What stays: sector and sub-district (the participation counts and group breakdowns are
built from them), proposals, comments, supports, votes and pledges as anonymous rows, so a brief built after
the purge has the same figures as before it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tortoise.transactions import in_transaction

from deliberate.moderation.models import ModerationAction
from deliberate.outcomes.models import Commitment
from deliberate.privacy import RETENTION_DAYS
from deliberate.sessions.models import Participant, Session

PURGED_PREFIX = "purged:"


@dataclass(frozen=True)
class PurgeReport:
    sessions: list[str]
    participants: int


async def purge_personal_data(*, days: int = RETENTION_DAYS, now: dt.datetime | None = None,
                              dry_run: bool = False) -> PurgeReport:
    """Anonymise the people of every session untouched for `days` days. Running it twice changes nothing."""
    cutoff = (now or dt.datetime.now(dt.UTC)) - dt.timedelta(days=days)
    stale = await Session.filter(phase_changed_at__lt=cutoff).order_by("id")
    codes, total = [], 0
    for session in stale:
        people = Participant.filter(session_id=session.id).exclude(token_hash__startswith=PURGED_PREFIX)
        count = await people.count()
        if not count:
            continue
        codes.append(session.code)
        total += count
        if dry_run:
            continue
        async with in_transaction():
            for pid in await people.values_list("id", flat=True):
                # One statement per row: each needs its own unique token placeholder.
                await Participant.filter(id=pid).update(display_name="", organization="",
                                                        token_hash=f"{PURGED_PREFIX}{pid}")
            await Commitment.filter(proposal__session_id=session.id, kind="participant").update(credited=False)
            await ModerationAction.create(session=session, action="purged", data={"participants": count})
    return PurgeReport(codes, total)
