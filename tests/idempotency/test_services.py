"""Idempotency: the key, not the state, decides what a repeat answers."""

from __future__ import annotations

import asyncio

import pytest
from starlette.applications import Starlette

from deliberate.errors import Conflict, PermissionDenied
from deliberate.idempotency.models import IdempotencyRecord
from deliberate.idempotency.services import fingerprint, once


class Counter:
    def __init__(self) -> None:
        self.runs = 0

    async def __call__(self) -> tuple[int, object]:
        self.runs += 1
        await asyncio.sleep(0)
        return 201, {"run": self.runs, "ข้อความ": "สนับสนุนแล้ว"}


async def test_a_repeat_returns_the_first_answer_without_running(app: Starlette) -> None:
    run = Counter()
    fp = fingerprint("POST", "/api/v1/proposals/1/support", b"")
    first = await once("participant:1", "k-1", fp, run)
    second = await once("participant:1", "k-1", fp, run)
    assert first == second == (201, {"run": 1, "ข้อความ": "สนับสนุนแล้ว"})
    assert run.runs == 1
    assert await once("participant:2", "k-1", fp, run) == (201, {"run": 2, "ข้อความ": "สนับสนุนแล้ว"})
    assert await once("participant:1", None, fp, run) == (201, {"run": 3, "ข้อความ": "สนับสนุนแล้ว"})


async def test_same_key_for_another_request_is_a_conflict(app: Starlette) -> None:
    run = Counter()
    await once("participant:3", "k-2", fingerprint("POST", "/a", b""), run)
    with pytest.raises(Conflict):
        await once("participant:3", "k-2", fingerprint("DELETE", "/a", b""), run)
    assert run.runs == 1


async def test_simultaneous_repeats_all_answer_what_was_stored(app: Starlette) -> None:
    run = Counter()
    fp = fingerprint("POST", "/b", b"{}")
    answers = await asyncio.gather(*(once("participant:4", "k-3", fp, run) for _ in range(3)))
    assert await IdempotencyRecord.filter(actor="participant:4", key="k-3").count() == 1
    stored = await once("participant:4", "k-3", fp, run)
    assert answers == [stored] * 3


async def test_refusals_are_not_stored(app: Starlette) -> None:
    async def refuse() -> tuple[int, object]:
        raise PermissionDenied("no")

    with pytest.raises(PermissionDenied):
        await once("participant:5", "k-4", fingerprint("POST", "/c", b""), refuse)
    assert await IdempotencyRecord.filter(actor="participant:5").count() == 0
