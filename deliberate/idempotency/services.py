"""Replaying the first answer to a write that carries an Idempotency-Key.

The key, not the state, decides: a repeat returns exactly what the first request returned, even if the
state has moved on since (a support withdrawn after it was given)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable

from tortoise.exceptions import IntegrityError

from deliberate.errors import Conflict, ValidationError
from deliberate.i18n import N_
from deliberate.idempotency.models import IdempotencyRecord

MAX_KEY = 100


def fingerprint(method: str, path: str, body: bytes) -> str:
    return hashlib.sha256(method.encode() + b" " + path.encode() + b"\n" + body).hexdigest()


async def once(actor_key: str, key: str | None, fp: str,
               run: Callable[[], Awaitable[tuple[int, object]]]) -> tuple[int, object]:
    if key is None:
        return await run()
    if not key or len(key) > MAX_KEY or not key.isprintable():
        raise ValidationError(N_("The Idempotency-Key header must be 1 to {n} printable characters."),
                              field="Idempotency-Key", n=MAX_KEY)
    previous = await IdempotencyRecord.get_or_none(actor=actor_key, key=key)
    if previous is not None:
        if previous.fingerprint != fp:
            raise Conflict(N_("This Idempotency-Key was already used for a different request."))
        return previous.status, json.loads(previous.body)
    status, body = await run()
    if status < 500:
        try:
            await IdempotencyRecord.create(actor=actor_key, key=key, fingerprint=fp, status=status,
                                           body=json.dumps(body, ensure_ascii=False))
        except IntegrityError:
            # The same write arrived twice at once: the other one stored first, answer as it did.
            first = await IdempotencyRecord.get(actor=actor_key, key=key)
            return first.status, json.loads(first.body)
    return status, body
