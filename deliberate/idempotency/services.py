"""Replaying the first answer to a write that carries an Idempotency-Key.

The key, not the state, decides: a repeat returns exactly what the first request returned, even if the
state has moved on since (a support withdrawn after it was given).

The write and the record of its answer commit in one transaction, so they stand or fall together: a
write acknowledged to the phone has its record (a retry after the server was killed replays it), and when
two copies of the same write run at once (a double tap, a retry that overtook a slow first attempt, two
app processes), the unique (actor, key) lets one commit and rolls the other back whole.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from deliberate import groupcommit, rawsql
from deliberate.errors import Conflict, DomainError, ValidationError
from deliberate.i18n import N_

MAX_KEY = 100
# Answers that hand out a secret: a participant's or staff member's token, a one-time link. The record keeps
# the rest of the answer but never these (a database dump, or a second caller guessing the key and body,
# would otherwise get them); a repeat of such a write answers 409 and the caller starts again.
SECRET_FIELDS = frozenset({"token", "url"})
WITHHELD = "__withheld__"
# The request state's note that the write throttle looked for this (caller, key)'s answer and found none.
UNANSWERED = "idempotency_unanswered"


def fingerprint(method: str, path: str, body: bytes) -> str:
    return hashlib.sha256(method.encode() + b" " + path.encode() + b"\n" + body).hexdigest()


def clean_key(key: str | None) -> str | None:
    if key is None:
        return None
    if not key or len(key) > MAX_KEY or not key.isprintable():
        raise ValidationError(
            N_("The Idempotency-Key header must be 1 to {n} printable characters."), field="Idempotency-Key", n=MAX_KEY
        )
    return key


async def answered(actor_key: str, key: str) -> dict[str, Any] | None:
    """The record of a write already answered under this key (plain SQL: every phone write asks, rawsql.py)."""
    found = await rawsql.rows(
        "SELECT fingerprint, status, body FROM idempotency_record WHERE actor = ? AND key = ?", actor_key, key
    )
    return found[0] if found else None


async def _replay(actor_key: str, key: str, fp: str) -> tuple[int, object] | None:
    previous = await answered(actor_key, key)
    if previous is None:
        return None
    if previous["fingerprint"] != fp:
        raise Conflict(N_("This Idempotency-Key was already used for a different request."))
    body = json.loads(previous["body"])
    if isinstance(body, dict) and body.get(WITHHELD):
        raise Conflict(
            N_("This request was already answered, and what it handed out is shown only once. Please start again.")
        )
    return previous["status"], body


def _kept(body: object) -> str:
    """The answer as the record keeps it: without its secrets, marked when one was left out."""
    if isinstance(body, dict) and SECRET_FIELDS & body.keys():
        body = {k: v for k, v in body.items() if k not in SECRET_FIELDS} | {WITHHELD: True}
    return json.dumps(body, ensure_ascii=False)


class _Duplicate(Exception):
    """The same key committed first elsewhere: roll this copy back and answer as that one did."""


async def once(
    actor_key: str,
    key: str | None,
    fp: str,
    run: Callable[[], Awaitable[tuple[int, object]]],
    *,
    unanswered: bool = False,
) -> tuple[int, object]:
    """Run a write under its Idempotency-Key, or replay the answer given to it before. `unanswered` says the
    caller has just looked for that answer and found none (the write throttle does): no second look."""
    key = clean_key(key)
    if key is None:
        return await run()
    if not unanswered and (answer := await _replay(actor_key, key, fp)) is not None:
        return answer

    async def write() -> tuple[int, object]:
        status, body = await run()
        # A copy of this write that committed first makes the insert a no-op: roll this one back whole.
        if status < 500 and not await rawsql.insert(
            "INSERT INTO idempotency_record (actor, key, fingerprint, status, body, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (actor, key) DO NOTHING",
            actor_key,
            key,
            fp,
            status,
            _kept(body),
            datetime.now(UTC),
        ):
            raise _Duplicate
        return status, body

    try:
        # Committed together with the writes waiting beside it, and answered only once that commit is done.
        status, body = await groupcommit.writer().run(write)
    except _Duplicate:
        answer = await _replay(actor_key, key, fp)
        assert answer is not None
        return answer
    except DomainError:
        # Refused, perhaps only because a copy of this very write committed while this one waited its turn
        # (a second proposal with the same title): then the answer is that copy's.
        if (answer := await _replay(actor_key, key, fp)) is not None:
            return answer
        raise
    return status, body
