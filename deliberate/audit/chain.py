"""The hash chain, as pure functions: how an entry is written down and hashed.

An entry is hashed with HMAC-SHA256 under the audit key (`audit.keys`) and stores the key's fingerprint in
`key_id`. Entries written before the chain was keyed have an empty `key_id` and plain SHA-256: they still
verify, and `audit verify` says which part of a chain is keyed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime

# The prev_hash of a session's first entry.
GENESIS = "0" * 64


def canonical(value: object) -> str:
    """One spelling per value: sorted keys, no spaces, UTF-8 kept as is (Thai stays readable)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def timestamp(at: datetime) -> str:
    # Fixed width and zone, so the text hashed at write time is the text recomputed after a round trip.
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_hash(
    prev_hash: str,
    *,
    key: bytes | None,
    session_id: int,
    seq: int,
    at: datetime,
    kind: str,
    actor: str,
    subject: str,
    payload: str,
) -> str:
    """HMAC-SHA256 under `key` (plain SHA-256 for an unkeyed entry of old) over the previous hash, the
    entry's header and its payload text exactly as stored."""
    header = canonical([session_id, seq, timestamp(at), kind, actor, subject])
    message = f"{prev_hash}\n{header}\n{payload}".encode()
    if key is None:
        return hashlib.sha256(message).hexdigest()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def head_signature(key: bytes, *, session_id: int, seq: int, hash: str, place: str, at: datetime) -> str:
    """What makes a recorded publication of a head (`PublishedHead`) one that only the key holder wrote."""
    message = canonical(["published-head", session_id, seq, hash, place, timestamp(at)]).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()
