"""Group commit: writes that arrive while one is committing share the next transaction.

A hall's supports each ran in a transaction of their own: BEGIN IMMEDIATE, their statements, COMMIT with its
fsync, one after another on SQLite's single writer. Here the writes waiting for the write lock are run one
after the other inside ONE transaction, committed once, and each caller is answered only after that commit
(and after the events it published have gone out, as `events.deferred` does for a lone write). Nothing is
acknowledged before it is durable, and the order of the audit chain is the order the jobs ran in.

A job that fails without having written anything (a refusal checked before the write, a duplicate
Idempotency-Key whose insert did nothing) fails alone and the batch goes on. A job that fails after it wrote
would need its own rollback: then the whole batch is rolled back and every job of it runs again in a
transaction of its own, as without grouping, so one bad member never costs the others their write.

Only on SQLite, whose writers queue on one lock anyway. On PostgreSQL every job keeps a transaction of its
own (row locks let unrelated writes commit side by side there).
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from tortoise.backends.base.client import BaseDBAsyncClient, TransactionalDBClient
from tortoise.connection import connections
from tortoise.transactions import in_transaction

from deliberate import events, rawsql

T = TypeVar("T")
Job = Callable[[], Awaitable[Any]]

# The most jobs one transaction holds: a bound on how long the write lock is kept, not a policy.
MAX_BATCH = 200


@dataclass
class _Waiting:
    job: Job
    done: asyncio.Future[Any]
    context: contextvars.Context
    held: list[events.Event] = field(default_factory=list)


class _Tainted(Exception):
    """A job failed after writing: the batch cannot commit without its half-written part."""


@dataclass
class Stats:
    """What the group commit did, for /metrics and the bench: transactions, jobs, retries alone."""

    batches: int = 0
    jobs: int = 0
    largest: int = 0
    rerun_alone: int = 0


class GroupCommit:
    def __init__(self) -> None:
        self._waiting: list[_Waiting] = []
        self._writer: asyncio.Task[None] | None = None
        self.stats = Stats()

    async def run(self, job: Callable[[], Awaitable[T]]) -> T:
        """Run `job` inside a transaction (shared with the writes waiting beside it) and return its result
        once that transaction has committed and the job's events are published."""
        if not _groupable():
            async with events.deferred():
                async with in_transaction():
                    return await job()
        loop = asyncio.get_running_loop()
        waiting = _Waiting(job, loop.create_future(), contextvars.copy_context())
        self._waiting.append(waiting)
        if self._writer is None or self._writer.done():
            self._writer = loop.create_task(self._write())
        result: T = await waiting.done
        return result

    async def _write(self) -> None:
        try:
            while self._waiting:
                batch, self._waiting = self._waiting[:MAX_BATCH], self._waiting[MAX_BATCH:]
                try:
                    await self._commit(batch)
                except BaseException as exc:  # the transaction itself failed (the database went away): tell them
                    for w in batch:
                        _settle(w, False, exc if isinstance(exc, Exception) else RuntimeError(str(exc)))
                    if not isinstance(exc, Exception):
                        raise
        finally:
            self._writer = None  # idle: nothing holds on to this loop

    async def _commit(self, batch: list[_Waiting]) -> None:
        outcomes: list[tuple[_Waiting, bool, Any]] = []
        try:
            async with in_transaction() as tx:
                for w in batch:
                    before = _changes(tx)
                    ok, value = await _in_task(w, tx)
                    if not ok and _changes(tx) != before:
                        raise _Tainted
                    outcomes.append((w, ok, value))
        except _Tainted:
            self.stats.rerun_alone += len(batch)
            for w in batch:
                await self._alone(w)
            return
        self.stats.batches += 1
        self.stats.jobs += len(batch)
        self.stats.largest = max(self.stats.largest, len(batch))
        # Committed: now, and only now, what the jobs published goes out and their callers are answered.
        for w, ok, value in outcomes:
            if ok:
                for event in w.held:
                    await events.publish(event)
            _settle(w, ok, value)

    async def _alone(self, w: _Waiting) -> None:
        w.held = []
        try:
            async with in_transaction() as tx:
                ok, value = await _in_task(w, tx)
                if not ok:
                    raise value
        except Exception as exc:
            _settle(w, False, exc)
            return
        for event in w.held:
            await events.publish(event)
        _settle(w, True, value)


def _settle(w: _Waiting, ok: bool, value: Any) -> None:
    if w.done.done():  # the caller went away (its request was cancelled): the write stands all the same
        return
    if ok:
        w.done.set_result(value)
    else:
        w.done.set_exception(value)


async def _in_task(w: _Waiting, tx: BaseDBAsyncClient) -> tuple[bool, Any]:
    """Run one job on the shared transaction, in its caller's context (language, and the like), holding its
    events back. Returns (True, result) or (False, the exception it raised)."""

    async def body() -> Any:
        token = connections.set("default", tx)
        held = events.hold(w.held)
        # The hot statements (rawsql.py) run on this thread, on the transaction's own sqlite3 connection.
        direct = rawsql.direct.set(tx._connection._conn)
        try:
            return await w.job()
        finally:
            rawsql.direct.reset(direct)
            events.release(held)
            connections.reset(token)

    task = asyncio.get_running_loop().create_task(body(), context=w.context.copy())
    try:
        return True, await task
    except Exception as exc:
        return False, exc


def _changes(tx: BaseDBAsyncClient) -> int:
    """Rows the connection has changed since it opened (sqlite3's counter, read without a round trip)."""
    return int(tx._connection.total_changes)


def _groupable() -> bool:
    """SQLite, and not already inside a transaction (a nested write stays in its caller's, as before)."""
    db = connections.get("default")
    return bool(db.capabilities.dialect == "sqlite") and not isinstance(db, TransactionalDBClient)


_writers: dict[int, GroupCommit] = {}


def writer() -> GroupCommit:
    """The group commit of the running event loop (one per loop: the tests start a loop per test)."""
    loop = asyncio.get_running_loop()
    found = _writers.get(id(loop))
    if found is None or found._writer is not None and found._writer.get_loop() is not loop:
        for key in [k for k, g in _writers.items() if g._writer is None and not g._waiting]:
            del _writers[key]  # idle ones of loops gone by
        found = _writers[id(loop)] = GroupCommit()
    return found


def stats() -> Stats:
    """The running loop's group commit figures (none outside a loop)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return Stats()
    return writer().stats
