"""Purging personal data after the retention period (PDPA), keeping every aggregate.

What goes: display names, organisations, participant tokens (so old links stop working), the choice to be
named on a pledge; and, after REPLAY_DAYS, the stored answers that let a phone retry a write (the answer to
a join holds the phone's token). What stays: sector and sub-district (the participation counts and group breakdowns are
built from them), proposals, comments, supports, votes and pledges as anonymous rows, so a brief built after
the purge has the same figures as before it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tortoise.transactions import in_transaction

from deliberate.idempotency.models import IdempotencyRecord
from deliberate.outcomes.models import Commitment
from deliberate.privacy.notice import RETENTION_DAYS
from deliberate.sessions.models import Participant, Session
from deliberate.staffrecord.models import StaffAction

PURGED_PREFIX = "purged:"
REPLAY_DAYS = 2  # a retry comes within minutes; two days covers a hall that synced the next morning


@dataclass(frozen=True)
class PurgeReport:
    sessions: list[str]
    participants: int
    replies: int = 0  # stored answers to retried writes, past REPLAY_DAYS


async def purge_personal_data(
    *, days: int = RETENTION_DAYS, now: dt.datetime | None = None, dry_run: bool = False
) -> PurgeReport:
    """Anonymise the people of every session untouched for `days` days. Running it twice changes nothing."""
    now = now or dt.datetime.now(dt.UTC)
    cutoff = now - dt.timedelta(days=days)
    # Sync imports keep theirs: they are what makes importing a bundle twice change nothing.
    old_replies = IdempotencyRecord.filter(created_at__lt=now - dt.timedelta(days=REPLAY_DAYS)).exclude(actor="sync")
    replies = await old_replies.count()
    if not dry_run:
        await old_replies.delete()
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
                await Participant.filter(id=pid).update(
                    display_name="", organization="", token_hash=f"{PURGED_PREFIX}{pid}"
                )
            await Commitment.filter(proposal__session_id=session.id, kind="participant").update(credited=False)
            await StaffAction.create(session=session, action="purged", data={"participants": count})
    return PurgeReport(codes, total, replies)
