"""Appending to a session's audit chain, from inside the transaction of the act being recorded.

Domain services call `record(...)` right after their write, inside their own transaction, so a vote and its
entry commit or roll back together. Every staff record (`StaffAction`) is chained by a post-save
receiver, in the same transaction as the row, wherever it is written. There is no update or delete here.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tortoise.signals import post_save

from deliberate import rawsql
from deliberate.accounts.models import StaffUser
from deliberate.actors import Actor
from deliberate.audit.chain import GENESIS, canonical, entry_hash, head_signature
from deliberate.audit.keys import keyring
from deliberate.audit.models import AuditEntry, PublishedHead
from deliberate.proposals.models import Proposal
from deliberate.sessions.models import Session
from deliberate.staffrecord.models import StaffAction
from deliberate.supports.models import Support

log = logging.getLogger(__name__)

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
        keys = keyring()
        digest = entry_hash(
            prev,
            key=keys.current,
            session_id=session_id,
            seq=seq,
            at=at,
            kind=kind,
            actor=actor,
            subject=subject,
            payload=text,
        )
        await rawsql.insert(
            "INSERT INTO audit_entry (session_id, seq, at, kind, actor, subject, payload, prev_hash, hash, key_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            session_id,
            seq,
            at,
            kind,
            actor,
            subject,
            text,
            prev,
            digest,
            keys.current_id,
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


# Where a head is published: the projector's end screen, the public follow-up page, a brief.
PUBLISHED_IN = ("projector", "follow_up", "brief")
# (session, place) -> the hash last recorded by this process: a page view while the head stands still
# costs one indexed read and no write.
_published: dict[tuple[int, str], str] = {}


@dataclass(frozen=True)
class Head:
    """A chain head as shown: which session, how long the chain, its last hash."""

    code: str
    seq: int
    hash: str


async def publish_head(session_id: int, where: str) -> Head | None:
    """The session's head, about to be shown in `where`: recorded (signed) when it has moved since the last
    one recorded there, so `audit verify` checks against it by default. Returns the head to show."""
    assert where in PUBLISHED_IN, where
    rows = await rawsql.rows(
        "SELECT a.seq, a.hash, s.code FROM audit_entry a JOIN session s ON s.id = a.session_id "
        "WHERE a.session_id = ? ORDER BY a.seq DESC LIMIT 1",
        session_id,
    )
    if not rows:
        return None
    seq, digest = int(rows[0]["seq"]), str(rows[0]["hash"])
    head = Head(str(rows[0]["code"]), seq, digest)
    if _published.get((session_id, where)) == digest:
        return head
    last = await PublishedHead.filter(session_id=session_id, place=where).order_by("-id").first()
    if last is None or last.hash != digest:
        keys, at = keyring(), datetime.now(UTC)
        signature = head_signature(keys.current, session_id=session_id, seq=seq, hash=digest, place=where, at=at)
        await PublishedHead.create(
            session_id=session_id,
            seq=seq,
            hash=digest,
            place=where,
            at=at,
            key_id=keys.current_id,
            signature=signature,
        )
        # A copy outside the database too: the log lines a shipper keeps survive a database rewritten later.
        log.info("audit head published: session %s seq %s head %s in %s", session_id, seq, digest, where)
    if len(_published) > 10_000:  # a bound, not a policy: forgetting costs one read more
        _published.clear()
    _published[(session_id, where)] = digest
    return head


async def publish_assembly_heads(assembly_id: int, where: str) -> list[Head]:
    """The heads of every session of an assembly that has a chain, in the order the sessions were made."""
    sessions = await Session.filter(assembly_id=assembly_id).order_by("id").only("id")
    heads = [await publish_head(s.id, where) for s in sessions]
    return [h for h in heads if h is not None]
