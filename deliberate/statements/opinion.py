"""The live opinion map of a session, recomputed off the request path.

Marks on statements make a session dirty; a worker recomputes at most once per MIN_INTERVAL_S per session,
in a process of its own (see `_computer`), and publishes `map.updated` so the projector and phones redraw.
Requests read the last computed map. `deliberate bench live --map` measures voting while the map recomputes.

The map's state (orientation, who is in the map, the groups' names) is stored per session in the database
(OpinionMapState) and loaded before each tick, so every tick continues the last one, whichever process ran it.
A tick runs only under the session's lease (a conditional UPDATE on that row, the same on SQLite and
PostgreSQL): one process at a time computes a session's map; another that finds the lease taken retries on its
next round. A process with no map in memory (after a restart, or a second app process) computes its view from
the stored state and the votes without storing it: the groups depend on the votes alone and the names come
from the stored state, so no groups are redrawn without a new vote.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import datetime as dt
import logging
import multiprocessing
import os
import secrets
import socket
import threading
import time
from collections.abc import Coroutine, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from tortoise import Tortoise, connections
from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q

from deliberate import events
from deliberate.db import config_for, int_column
from deliberate.opinion import MapState, OpinionMap, VoteMatrix, compute, vote_matrix_from_events
from deliberate.proposals.models import Proposal, ProposalStatus
from deliberate.sessions.models import Participant, Session
from deliberate.statements.models import OpinionMapState
from deliberate.voting.models import Ballot, VoteRound

log = logging.getLogger(__name__)
T = TypeVar("T")
MIN_INTERVAL_S = 2.0
LEASE_S = 120.0  # a tick that takes longer (or a process that died mid-tick) lets another process take over
OWNER = f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(4)}"
TRIGGERS = (
    "vote.cast",
    "proposal.published",
    "proposal.hidden",
    "proposal.merged",
    "proposal.restored",
    "map.membership_changed",
)


@dataclass
class Entry:
    map: OpinionMap
    computed_at: float
    seconds: float
    marks: int


_maps: dict[int, Entry] = {}


def cached(session_id: int) -> Entry | None:
    return _maps.get(session_id)


def priorities(session_id: int) -> dict[int, float]:
    entry = _maps.get(session_id)
    return entry.map.priorities if entry else {}


async def _events(session_id: int) -> tuple[Sequence[Sequence[Any]], set[int], set[int], set[int]]:
    rounds = await VoteRound.filter(session_id=session_id, method="agree").values_list("id", flat=True)
    rows: Sequence[Sequence[Any]] = []
    if rounds:
        marks = Ballot.filter(round_id__in=list(rounds), participant_id__not_isnull=True).values_list(
            "participant_id", "proposal_id", "value", "created_at"
        )
        # The driver's rows as they come: the ORM parses each created_at with a pure-Python parser, which
        # for 500,000 marks took seconds; `_seconds` does it in C.
        _, found = await Ballot._meta.db.execute_query(marks.sql(params_inline=True))  # ids only: safe inline
        # Tortoise types them as dicts; both drivers' rows (sqlite3.Row, asyncpg.Record) index by position.
        rows = cast(Sequence[Sequence[Any]], found)
    out_ids = await int_column(
        Proposal.filter(session_id=session_id, kind="statement")
        .exclude(status=ProposalStatus.PUBLISHED)
        .exclude(status=ProposalStatus.PENDING),
        "id",
    )
    meta = await int_column(Proposal.filter(session_id=session_id, kind="statement", meta=True), "id")
    left_out = await int_column(Participant.filter(session_id=session_id, left_out_of_map_at__isnull=False), "id")
    return rows, set(out_ids), set(meta), set(left_out)


def _seconds(value: Any) -> float:
    """A created_at as the driver gives it: a datetime (PostgreSQL) or ISO text (SQLite)."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value.timestamp() if isinstance(value, dt.datetime) else float(value)


def _matrix(rows: Sequence[Sequence[Any]], moderated_out: set[int], meta: set[int]) -> VoteMatrix:
    return vote_matrix_from_events(
        ((r[0], r[1], r[2], _seconds(r[3])) for r in rows), moderated_out=moderated_out, meta=meta
    )


def _math(
    rows: Sequence[Sequence[Any]],
    moderated_out: set[int],
    meta: set[int],
    left_out: set[int],
    previous: MapState | None,
) -> tuple[OpinionMap, float]:
    started = time.perf_counter()
    result = compute(_matrix(rows, moderated_out, meta), previous, left_out=left_out)
    return result, time.perf_counter() - started


async def _tick(session_id: int, previous: MapState | None, *, in_thread: bool) -> tuple[OpinionMap, float, int]:
    """Read the marks and compute: (map, seconds spent on the matrix and the math, marks read)."""
    rows, moderated_out, meta, left_out = await _events(session_id)
    args = (rows, moderated_out, meta, left_out, previous)
    result, seconds = await asyncio.to_thread(_math, *args) if in_thread else _math(*args)
    return result, seconds, len(rows)


# -- the computing process ------------------------------------------------------------------------------
# A thread is not enough once a map is large (bench live --map, 500,000 marks): reading the marks holds the
# app's one SQLite connection for a second or more and every write waits behind it, and turning rows into a
# matrix holds the GIL the event loop needs. A process of its own reads through its own connection (SQLite
# runs in WAL mode, so a reader never blocks writers) and computes on its own core. It starts with the first
# map (importing numpy and opening the database cost a second or two) and ends with the app's lifespan;
# uvicorn ends on a re-raised SIGTERM, which skips the interpreter's own clean-up of child processes.
_computer: tuple[str, ProcessPoolExecutor] | None = None
# In the computing process: its loop, and the context Tortoise was opened in (Tortoise keeps it in contextvars).
_child: tuple[asyncio.AbstractEventLoop, contextvars.Context] | None = None


def _child_run(coro: Coroutine[Any, Any, T]) -> T:
    assert _child is not None
    loop, context = _child
    return loop.run_until_complete(loop.create_task(coro, context=context))


async def _closing(coro: Coroutine[Any, Any, T]) -> T:
    """Close the connections after each use: an open aiosqlite connection has a non-daemon thread, which
    would keep the process (and so the app's, waiting for it at exit) from ever ending. They reopen on use."""
    try:
        return await coro
    finally:
        await connections.close_all(discard=False)


def _child_start(config: dict[str, Any]) -> None:
    global _child
    # The map can wait a moment; a vote should not. SCHED_IDLE runs this process only on CPU time nothing
    # else wants (nice 19 still takes a slice of every scheduling period); where it is missing, nice 19.
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    except (OSError, AttributeError):
        with contextlib.suppress(OSError, AttributeError):
            os.nice(19)
    _child = (asyncio.new_event_loop(), contextvars.Context())
    _child_run(_closing(Tortoise.init(config=config)))
    threading.Thread(target=_end_with_parent, args=(os.getppid(),), daemon=True).start()


def _end_with_parent(parent: int) -> None:
    """If the app's process is killed outright, nothing tells this one to stop: notice being orphaned."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(0)


def _child_tick(session_id: int, previous: MapState | None) -> tuple[OpinionMap, float, int]:
    return _child_run(_closing(_tick(session_id, previous, in_thread=False)))


def _process() -> ProcessPoolExecutor | None:
    """The computing process for this database; None for an in-memory one, which no other process can open."""
    global _computer
    connection = connections.db_config.get("default")
    key = repr(connection)
    if connection is None or ":memory:" in key:
        return None
    if _computer is None or _computer[0] != key:
        if _computer is not None:
            _computer[1].shutdown(wait=False)
        # spawn, not fork: the app's process has threads and open connections a fork would copy.
        _computer = (
            key,
            ProcessPoolExecutor(
                1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_child_start,
                initargs=(config_for(connection),),
            ),
        )
    return _computer[1]


async def stop_computing() -> None:
    """End the computing process, letting a tick under way finish."""
    global _computer
    if _computer is not None:
        process, _computer = _computer[1], None
        await asyncio.to_thread(process.shutdown, wait=True, cancel_futures=True)


class MapBusy(Exception):
    """Another process holds the session's lease: it is computing this map now."""


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def _record(session_id: int) -> None:
    if not await OpinionMapState.exists(session_id=session_id):
        with contextlib.suppress(IntegrityError):  # created meanwhile by another process
            await OpinionMapState.create(session_id=session_id)


async def take_lease(session_id: int) -> bool:
    """Take (or renew) the session's lease for this process; False while another process holds it."""
    await _record(session_id)
    now = _now()
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now) | Q(lease_owner=OWNER)
    taken = await OpinionMapState.filter(free, session_id=session_id).update(
        lease_owner=OWNER, lease_until=now + dt.timedelta(seconds=LEASE_S)
    )
    return taken == 1


async def release_lease(session_id: int) -> None:
    await OpinionMapState.filter(session_id=session_id, lease_owner=OWNER).update(lease_owner="", lease_until=None)


async def stored_state(session_id: int) -> MapState | None:
    row = await OpinionMapState.get_or_none(session_id=session_id)
    return MapState.from_dict(row.state) if row is not None and row.state else None


async def recompute(session: Session, *, store: bool = True) -> Entry:
    """Compute the map now (in the computing process, else in threads) from the stored state, and keep it.

    With `store`, under the session's lease (MapBusy if another process holds it), saving the new state;
    without, a view for this process only."""
    if store and not await take_lease(session.id):
        raise MapBusy(session.id)
    try:
        entry = await _compute(session, await stored_state(session.id))
        if store:
            await OpinionMapState.filter(session_id=session.id, lease_owner=OWNER).update(
                state=entry.map.state.to_dict(), marks=entry.marks, computed_at=_now()
            )
    finally:
        if store:
            await release_lease(session.id)
    _maps[session.id] = entry
    return entry


async def _compute(session: Session, state: MapState | None) -> Entry:
    process = _process()
    if process is None:
        result, seconds, marks = await _tick(session.id, state, in_thread=True)
    else:
        try:
            result, seconds, marks = await asyncio.get_running_loop().run_in_executor(
                process, _child_tick, session.id, state
            )
        except BrokenProcessPool:
            global _computer
            _computer = None  # the next tick starts a new process
            raise
    return Entry(result, time.time(), seconds, marks)


async def current(session: Session) -> Entry:
    """The map this process has; else (first use, or after a restart) computed and stored, or, while another
    process holds the lease, this process' view of the stored state."""
    cached_entry = _maps.get(session.id)
    if cached_entry is not None:
        return cached_entry
    try:
        return await recompute(session)
    except MapBusy:
        return await recompute(session, store=False)


async def as_json(session: Session, entry: Entry) -> dict[str, Any]:
    """The map as the API gives it: groups with members (and their Pol.is ids when imported), consensus,
    representative statements per group, group-informed consensus and divisiveness per statement."""
    m = entry.map
    members = {pid for g in m.groups for pid in g.members}
    external = dict(await Participant.filter(id__in=list(members)).values_list("id", "external_id")) if members else {}
    return {
        "code": session.code,
        "computed_at": entry.computed_at,
        "compute_seconds": round(entry.seconds, 4),
        "marks": entry.marks,
        "participants_in_map": len(m.participant_ids),
        "groups": [
            {
                "id": g.id,
                "size": len(g.members),
                "centre": list(g.centre),
                "members": [{"participant_id": pid, "external_id": external.get(pid) or None} for pid in g.members],
            }
            for g in m.groups
        ],
        "consensus": {
            "agree": [
                {"statement_id": c.statement_id, "p_success": c.p_success, "p_test": c.p_test}
                for c in m.consensus.agree
            ],
            "disagree": [
                {"statement_id": c.statement_id, "p_success": c.p_success, "p_test": c.p_test}
                for c in m.consensus.disagree
            ],
        },
        "representative": {
            str(gid): [
                {
                    "statement_id": r.statement_id,
                    "direction": r.direction,
                    "repness": r.repness,
                    "repness_test": r.repness_test,
                    "p_success": r.p_success,
                }
                for r in reps
            ]
            for gid, reps in m.repness.items()
        },
        "group_informed_consensus": {str(k): v for k, v in m.group_informed_consensus.items()},
        "divisiveness": {str(k): v for k, v in m.divisiveness.items()},
    }


class MapWorker:
    """Listens for marks and moderation on statements and recomputes dirty sessions' maps."""

    def __init__(self, interval_s: float = MIN_INTERVAL_S) -> None:
        self.interval_s = interval_s
        self.dirty: set[int] = set()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def on_event(self, event: events.Event) -> None:
        if event.name in TRIGGERS:
            self.dirty.add(event.session_id)
            self._wake.set()

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="opinion-map")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await stop_computing()

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            await asyncio.sleep(self.interval_s)  # let a burst of marks land first
            batch, self.dirty = self.dirty, set()
            for session_id in batch:
                try:
                    session = await Session.get_or_none(id=session_id)
                    if session is None or not await VoteRound.exists(session_id=session_id, method="agree"):
                        continue
                    await recompute(session)
                    await events.publish(events.Event("map.updated", session_id))
                except MapBusy:
                    self.dirty.add(session_id)  # another process is computing it: try again next round
                    self._wake.set()
                except Exception:
                    log.exception("opinion map failed for session %s", session_id)
