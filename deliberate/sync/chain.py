"""Carrying a session's audit chain (deliberate.audit) across: checked as the laptop wrote it, then
written again link by link with the central ids.

The chain's hashes cover the session id and the ids in each entry, so a copy as it stands would fail
`audit verify` centrally and replay against the wrong rows. It is re-chained instead, and only after
every source link has been checked, so a broken laptop chain is refused rather than laundered. A last
entry, `sync.imported`, names the source chain's head and length: the two chains are tied together.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from deliberate.audit.chain import GENESIS, canonical, entry_hash
from deliberate.audit.keys import keyring
from deliberate.i18n import N_
from deliberate.sync.bundle import BundleError
from deliberate.sync.tables import PART, STAFF, P, remap_action_data

# Payload keys holding ids, and the bundled table they name (lists are lists of such ids).
PAYLOAD_REFS = {
    "proposal": P,
    "into": P,
    "order": P,
    "participant": PART,
    "participants": PART,
    "round": "vote_round",
    "check": "consensus_check",
    "amendment": "amendment",
    "comment": "comment",
    "clause": "clause",
    "item": "agenda_item",
}
ACTOR_REFS = {"participant": PART, "staff": STAFF}

Ref = Callable[[str, int], int | None]  # (table, bundle id) -> the id here, None if the bundle has no such row


def check_source_chain(rows: list[dict[str, Any]], session_id: int) -> str | None:
    """Walk the chain as exported; return its head. A missing, moved or edited link refuses the bundle.

    A keyed entry is recomputed when this side holds its key (the laptop and the centre share AUDIT_KEY, or
    the laptop's is in AUDIT_PREVIOUS_KEYS); otherwise its links are checked and its hash taken as signed by
    the bundle's SYNC_KEY, and the `sync.imported` entry records that (`source_hashes_checked`)."""
    prev = GENESIS
    keys = keyring()
    for expected, row in enumerate(rows, start=1):
        kid = row.get("key_id") or ""
        key = keys.get(kid) if kid else None
        if kid and key is None:
            digest = row["hash"]
        else:
            digest = entry_hash(
                prev,
                key=key,
                session_id=session_id,
                seq=row["seq"],
                at=_at(row),
                kind=row["kind"],
                actor=row["actor"],
                subject=row["subject"],
                payload=row["payload"],
            )
        if row["seq"] != expected or row["prev_hash"] != prev or digest != row["hash"]:
            raise BundleError(
                N_(
                    "The session's audit chain is broken at entry {seq} where it was exported "
                    "(see deliberate audit verify there). Nothing was imported."
                ),
                seq=row["seq"],
            )
        prev = row["hash"]
    return prev if rows else None


def hashes_checked(rows: list[dict[str, Any]]) -> bool:
    """Whether every exported entry's hash could be recomputed here (False: some key is the laptop's own)."""
    keys = keyring()
    return all(not r.get("key_id") or keys.get(r["key_id"]) is not None for r in rows)


def rechain(rows: list[dict[str, Any]], session_id: int, ref: Ref, provenance: dict[str, Any]) -> list[dict[str, Any]]:
    """The same entries with this side's ids and hashes, then the `sync.imported` link."""
    out: list[dict[str, Any]] = []
    prev = GENESIS
    keys = keyring()
    now = dt.datetime.now(dt.UTC)
    entries = [
        (
            r["seq"],
            _at(r),
            r["kind"],
            _actor(r["actor"], ref),
            _subject(r["subject"], ref),
            canonical(_payload(json.loads(r["payload"]), ref)),
        )
        for r in rows
    ]
    entries.append((len(rows) + 1, now, "sync.imported", "system", "", canonical(provenance)))
    for seq, at, kind, actor, subject, payload in entries:
        digest = entry_hash(
            prev,
            key=keys.current,
            session_id=session_id,
            seq=seq,
            at=at,
            kind=kind,
            actor=actor,
            subject=subject,
            payload=payload,
        )
        out.append(
            {
                "session_id": session_id,
                "seq": seq,
                "at": at,
                "kind": kind,
                "actor": actor,
                "subject": subject,
                "payload": payload,
                "prev_hash": prev,
                "hash": digest,
                "key_id": keys.current_id,
            }
        )
        prev = digest
    return out


def _at(row: dict[str, Any]) -> dt.datetime:
    return dt.datetime.fromisoformat(row["at"])


def _actor(actor: str, ref: Ref) -> str:
    kind, _, number = actor.partition(":")
    if kind in ACTOR_REFS and number.isdigit():
        return f"{kind}:{ref(ACTOR_REFS[kind], int(number))}"
    return actor


def _subject(subject: str, ref: Ref) -> str:
    key, _, number = subject.partition(":")
    if key in PAYLOAD_REFS and number.isdigit():
        return f"{key}:{ref(PAYLOAD_REFS[key], int(number))}"
    return subject


def _payload(payload: dict[str, Any], ref: Ref) -> dict[str, Any]:
    out = dict(payload)
    for key, value in payload.items():
        if key in PAYLOAD_REFS and value is not None:
            table = PAYLOAD_REFS[key]
            out[key] = [ref(table, v) for v in value] if isinstance(value, list) else ref(table, value)
        elif key == "imported":  # a Pol.is import: [[proposal, participant, value], ...]
            out[key] = [[ref(P, pid), ref(PART, who), v] for pid, who, v in value]
        elif key == "marks":  # a paper ballot: [[proposal, value], ...]
            out[key] = [[ref(P, pid), v] for pid, v in value]
        elif key == "voice":
            out[key] = voice(value, ref)
        elif key == "data" and isinstance(value, dict):
            out[key] = remap_action_data(str(payload.get("action", "")), value, ref)
    return out


def voice(value: str, ref: Ref) -> str:
    """A consensus-check voice: "p:<participant id>" is remapped; a network ("n:...") stays."""
    if value.startswith("p:") and value[2:].isdigit():
        return f"p:{ref(PART, int(value[2:]))}"
    return value
