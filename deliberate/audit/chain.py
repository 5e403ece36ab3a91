"""The hash chain, as pure functions: how an entry is written down and hashed."""

from __future__ import annotations

import hashlib
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
    prev_hash: str, *, session_id: int, seq: int, at: datetime, kind: str, actor: str, subject: str, payload: str
) -> str:
    """SHA-256 over the previous hash, the entry's header and its payload text exactly as stored."""
    header = canonical([session_id, seq, timestamp(at), kind, actor, subject])
    return hashlib.sha256(f"{prev_hash}\n{header}\n{payload}".encode()).hexdigest()
