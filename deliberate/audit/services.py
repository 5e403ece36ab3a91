"""Appending to a session's audit chain, from inside the transaction of the act being recorded.

Domain services call `record(...)` right after their write, inside their own transaction, so a vote and its
entry commit or roll back together. Every staff record (`StaffAction`) is chained by a post-save
receiver, in the same transaction as the row, wherever it is written. There is no update or delete here.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tortoise.signals import post_save

from deliberate import rawsql
from deliberate.accounts.models import StaffUser
from deliberate.actors import Actor
from deliberate.audit.chain import GENESIS, canonical, entry_hash
from deliberate.audit.models import AuditEntry
from deliberate.proposals.models import Proposal
from deliberate.staffrecord.models import StaffAction
from deliberate.supports.models import Support

# The payload key that names what an entry is about, in order of preference.
SUBJECT_KEYS = ("proposal", "comment", "amendment", "check", "clause", "item", "round")
# Staff acts that have a name of their own in the chain; the others are "staff.<action>".
STAFF_KINDS = {"phase": "phase.changed"}


def actor_ref(actor: Actor | StaffUser | str | None) -> str:
    """Who acted, as an id and never a name: "participant:12", "staff:3", or "system"."""
    if isinstance(actor, str):
        return actor
    if isinstance(actor, StaffUser):
        return f"staff:{actor.id}"
    if isinstance(actor, Actor) and not actor.is_anonymous:
        return actor.key
    return "system"


async def append(session_id: int, kind: str, actor: str, subject: str, payload: dict[str, Any]) -> None:
    """Add one entry at the head of the session's chain, in the caller's transaction (or one of its own)."""
    text = canonical(payload)
    async with rawsql.atomic():
        # The session row is the chain's lock: appenders in every process queue here, so each reads the
        # head the previous one committed. SQLite has no row locks and needs none: its write transactions
        # begin IMMEDIATE (sqlite_engine.py), one at a time, so the query is skipped there (one round trip
        # less while holding the write lock). The unique (session, seq) pair is the backstop: a race would
        # fail the write, never fork the chain.
        if AuditEntry._meta.db.capabilities.dialect != "sqlite":
            await rawsql.rows("SELECT id FROM session WHERE id = ? FOR NO KEY UPDATE", session_id)
        # Plain SQL (rawsql.py): every support, vote and mark passes here.
        head = await rawsql.rows(
            "SELECT seq, hash FROM audit_entry WHERE session_id = ? ORDER BY seq DESC LIMIT 1", session_id
        )
        seq, prev = (head[0]["seq"] + 1, head[0]["hash"]) if head else (1, GENESIS)
        at = datetime.now(UTC)
        digest = entry_hash(
            prev, session_id=session_id, seq=seq, at=at, kind=kind, actor=actor, subject=subject, payload=text
        )
        await rawsql.insert(
            "INSERT INTO audit_entry (session_id, seq, at, kind, actor, subject, payload, prev_hash, hash) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            session_id,
            seq,
            at,
            kind,
            actor,
            subject,
            text,
            prev,
            digest,
        )


async def record(session_id: int, kind: str, actor: Actor | StaffUser | str | None, **payload: Any) -> None:
    """The one-line hook for domain services: `await audit.record(session.id, "vote.cast", actor, ...)`."""
    key = next((k for k in SUBJECT_KEYS if payload.get(k) is not None), "")
    await append(session_id, kind, actor_ref(actor), f"{key}:{payload[key]}" if key else "", payload)


async def supports_moved(staff: StaffUser, source: Proposal, target: Proposal, support_ids: list[int]) -> None:
    """A merge carried these supports over to another proposal: chain whose, so the tallies replay."""
    if support_ids:
        people = sorted(await Support.filter(id__in=support_ids).values_list("participant_id", flat=True))
        await record(
            source.session_id,
            "support.moved",
            staff,
            proposal=source.id,
            into=target.id,
            participants=people,
        )


@post_save(StaffAction)
async def _chain_staff_act(sender: type[StaffAction], act: StaffAction, created: bool, *_: Any) -> None:
    # Names stay out: the free-text reason is not chained, only what was done, to what, and by whom.
    # (The ignores go once moderation/models.py declares StaffAction's *_id attributes.)
    if not created:
        return
    payload: dict[str, Any] = {
        "action": act.action,
        "proposal": act.proposal_id,
        "comment": act.comment_id,
        "data": act.data,
    }
    await record(
        act.session_id,
        STAFF_KINDS.get(act.action, f"staff.{act.action}"),
        f"staff:{act.actor_id}" if act.actor_id else None,
        **{k: v for k, v in payload.items() if v is not None},
    )


async def chain_head(session_id: int) -> str | None:
    """The hash of the session's latest entry: publishing it pins everything recorded before."""
    head = await AuditEntry.filter(session_id=session_id).order_by("-seq").first()
    return head.hash if head else None
