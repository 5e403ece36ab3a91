"""Where a session's joins came from, for the facilitator: the addresses (hashed) that joined most in the last
minutes. A venue's router shows as one address with most of the hall, which is normal; a burst far beyond a
hall's pace from one address is flagged.

Kept in the process's memory, per session, and only what a join needs to be counted: a time and a keyed hash
of the address (the key is drawn when the process starts, so the hashes are never addresses anyone can look
up). With several app processes each sees the joins it served.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections import Counter, defaultdict, deque

WINDOW_S = 600
KEEP = 5000  # joins remembered per session
# More joins from one address in a single minute than a hall behind one router makes (see docs/security.md).
BURST_PER_MINUTE = 60

_key = secrets.token_bytes(32)
_joins: dict[str, deque[tuple[float, str]]] = defaultdict(lambda: deque(maxlen=KEEP))


def address_hash(address: str) -> str:
    return hmac.new(_key, address.encode(), hashlib.sha256).hexdigest()[:12]


def record(code: str, address: str, now: float | None = None) -> None:
    _joins[code].append((time.monotonic() if now is None else now, address_hash(address)))
    if len(_joins) > 10_000:  # sessions long over: forget the oldest half
        for stale in list(_joins)[:5_000]:
            del _joins[stale]


def top_addresses(code: str, now: float | None = None, limit: int = 5) -> list[dict[str, object]]:
    now = time.monotonic() if now is None else now
    recent = [(at, who) for at, who in _joins.get(code, ()) if now - at <= WINDOW_S]
    totals = Counter(who for _, who in recent)
    last_minute = Counter(who for at, who in recent if now - at <= 60)
    return [
        {"address": who, "joins": n, "last_minute": last_minute[who], "burst": last_minute[who] > BURST_PER_MINUTE}
        for who, n in totals.most_common(limit)
    ]
