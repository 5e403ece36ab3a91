"""Join codes: six characters that survive being read aloud and typed on a phone."""

from __future__ import annotations

import secrets

# No 0/O, 1/I/L, 5/S, 2/Z or 8/B: the pairs people confuse on a projector.
ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
LENGTH = 6


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise_code(value: object) -> str:
    if not isinstance(value, str):
        return ""
    return "".join(ch for ch in value.upper() if not ch.isspace() and ch != "-")[:20]


def looks_like_code(code: str) -> bool:
    return len(code) == LENGTH and all(ch in ALPHABET for ch in code)
