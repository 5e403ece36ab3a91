"""Voting while the opinion map recomputes: `deliberate bench live --map`.

    deliberate bench live --map      # = --map-size 5000x500 --clients 50 --votes-per-s 50 --seconds 15

Seeds a session whose map is large (P participants x S statements, each participant marking about
--map-density of them; see map_seed.py), serves the real app (map_server.py: the app plus a control to
pause the map worker), opens N websocket viewers, warms the map once, then sends the same open-loop
write load through the JSON API twice, --seconds each: agree/disagree/pass marks
(POST /api/v1/proposals/{id}/votes, method "agree") with one support in SUPPORT_EVERY
(POST /api/v1/proposals/{id}/support):

- baseline: the map worker paused, so nothing recomputes;
- recomputing: the worker running as in production, recomputing each MIN_INTERVAL_S while marks arrive.

It prints one JSON line: write latency p50/p95/p99/max per phase (from when each write was due), the same
for the writes that overlapped a recompute, the recomputes of the second phase and how long they took,
how late the server's event loop woke up in each phase, and p99_ratio = p99(recomputing) / p99(baseline).
Progress goes to standard error. As with `bench live`, the server and the load generator share the
machine's cores: on a busy or two-core machine the ratio also measures that contention, and each phase's
other_cpu_pct says how much CPU other processes took meanwhile (a run with a high one is worth repeating).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx
import numpy as np
import psutil

from deliberate.bench import map_seed
from deliberate.bench.live_rig import (
    HTTP_CONNECTIONS,
    Server,
    Tally,
    Viewer,
    expect,
    log,
    open_viewer,
    percentile,
    raise_file_limit,
    watch_rss,
)
from deliberate.settings import normalise_database_url

SUPPORT_EVERY = 5
CONTROL = "/_bench/map"
SETTLE_S = 60.0  # how long to wait for a recompute still running when the second phase ends


@dataclass
class Phase:
    name: str
    started: float = 0.0  # wall clock, comparable with the server's
    ended: float = 0.0
    writes: list[tuple[float, float, str]] = field(default_factory=list)  # (sent, latency ms, kind)
    errors: Counter[str] = field(default_factory=Counter)
    delivered: int = 0
    other_cpu_pct: float = 0.0  # the machine's CPU use that was neither the server's nor this process'


def spread(values: list[float]) -> dict[str, float | None]:
    return {
        "p50": percentile(values, 0.50),
        "p95": percentile(values, 0.95),
        "p99": percentile(values, 0.99),
        "max": round(max(values), 1) if values else None,
    }


def ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a is not None and b else None


def plan(
    conv: map_seed.Conversation, total: int, rng: np.random.Generator
) -> list[tuple[str, str, str, dict[str, Any] | None]]:
    """(kind, path, token, body) per write: marks by anyone on any statement, in their group's character;
    supports on distinct (person, proposal) pairs, since a repeat would change nothing."""
    people = len(conv.tokens)
    pairs = rng.permutation(people * len(conv.proposal_ids))
    writes: list[tuple[str, str, str, dict[str, Any] | None]] = []
    for i in range(total):
        if i % SUPPORT_EVERY == SUPPORT_EVERY - 1 and i // SUPPORT_EVERY < pairs.size:
            person, proposal = divmod(int(pairs[i // SUPPORT_EVERY]), len(conv.proposal_ids))
            writes.append(
                ("support", f"/api/v1/proposals/{conv.proposal_ids[proposal]}/support", conv.tokens[person], None)
            )
        else:
            person, statement = int(rng.integers(people)), int(rng.integers(len(conv.statement_ids)))
            writes.append(
                (
                    "mark",
                    f"/api/v1/proposals/{conv.statement_ids[statement]}/votes",
                    conv.tokens[person],
                    {"method": "agree", "value": conv.mark_value(rng, person, statement)},
                )
            )
    return writes


async def write_once(
    client: httpx.AsyncClient,
    slots: asyncio.Semaphore,
    phase: Phase,
    kind: str,
    path: str,
    token: str,
    body: dict[str, Any] | None,
) -> None:
    """Latency runs from when the write was due, so waiting for a free connection counts (as in `bench live`)."""
    sent, wall = time.perf_counter(), time.time()
    try:
        async with slots:
            r = await client.post(path, json=body, headers={"authorization": f"Bearer {token}"})
    except httpx.HTTPError as exc:
        phase.errors[f"http:{type(exc).__name__}"] += 1
        return
    if not 200 <= r.status_code < 300:
        phase.errors[f"{kind}_{r.status_code}"] += 1
        return
    phase.writes.append((wall, (time.perf_counter() - sent) * 1000, kind))


def cpu_seconds(server_pid: int) -> float:
    """CPU time so far of the server, its children (the map's process) and this load generator."""
    server = psutil.Process(server_pid)
    total = 0.0
    for process in (server, *server.children(recursive=True), psutil.Process()):
        with contextlib.suppress(psutil.Error):
            times = process.cpu_times()
            total += times.user + times.system
    return total


async def run_phase(
    client: httpx.AsyncClient,
    phase: Phase,
    writes: list[tuple[str, str, str, dict[str, Any] | None]],
    per_s: float,
    viewers: list[Viewer],
    server_pid: int,
) -> None:
    before = sum(v.messages for v in viewers)
    ours = cpu_seconds(server_pid)
    psutil.cpu_percent()  # starts the machine-wide measurement
    slots = asyncio.Semaphore(HTTP_CONNECTIONS)
    tasks: list[asyncio.Task[None]] = []
    phase.started = time.time()
    start = time.perf_counter()
    for i, write in enumerate(writes):
        delay = start + i / per_s - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(write_once(client, slots, phase, *write)))
    await asyncio.gather(*tasks)
    phase.ended = time.time()
    machine = psutil.cpu_percent() * (psutil.cpu_count() or 1)
    ours = 100 * (cpu_seconds(server_pid) - ours) / max(phase.ended - phase.started, 1e-9)
    phase.other_cpu_pct = round(max(0.0, machine - ours))
    await asyncio.sleep(0.5)  # the last live updates
    phase.delivered = sum(v.messages for v in viewers) - before


def report(phase: Phase, state: dict[str, Any]) -> dict[str, Any]:
    """A phase's figures; recomputes and loop lag are the server's, within the phase's wall-clock window."""
    inside = [(s, d, c) for s, d, c in state["recomputes"] if phase.started <= s <= phase.ended]
    busy = [(s, s + d) for s, d, _ in state["recomputes"] if s <= phase.ended and s + d >= phase.started]
    lags = [lag * 1000 for at, lag in state["lags"] if phase.started <= at <= phase.ended]
    overlapping = [ms for sent, ms, _ in phase.writes if any(a <= sent + ms / 1000 and sent <= b for a, b in busy)]
    length = max(phase.ended - phase.started, 1e-9)
    busy_s = sum(min(b, phase.ended) - max(a, phase.started) for a, b in busy)
    return {
        "writes": len(phase.writes),
        "errors": sum(phase.errors.values()),
        "latency_ms": spread([ms for _, ms, _ in phase.writes]),
        "mark_latency_ms": spread([ms for _, ms, kind in phase.writes if kind == "mark"]),
        "support_latency_ms": spread([ms for _, ms, kind in phase.writes if kind == "support"]),
        "during_recompute": {"writes": len(overlapping), "latency_ms": spread(overlapping)},
        "recomputes": len(inside),
        "recompute_s": {
            "p50": _round(float(np.median([d for _, d, _ in inside])) if inside else None),
            "max": _round(max((d for _, d, _ in inside), default=None)),
            "math_p50": _round(float(np.median([c for _, _, c in inside])) if inside else None),
        },
        "recompute_busy_share": round(busy_s / length, 2),
        "loop_lag_ms": {"p99": percentile(lags, 0.99), "max": round(max(lags), 1) if lags else None},
        "delivered_updates": phase.delivered,
        "other_cpu_pct": phase.other_cpu_pct,
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


async def measure(
    server: Server,
    conv: map_seed.Conversation,
    shape: tuple[int, int],
    clients: int,
    votes_per_s: float,
    seconds: float,
    interval_s: float,
) -> dict[str, Any]:
    limits = httpx.Limits(
        max_connections=HTTP_CONNECTIONS, max_keepalive_connections=HTTP_CONNECTIONS, keepalive_expiry=2.0
    )
    async with httpx.AsyncClient(base_url=server.base, timeout=60, limits=limits) as client:
        await server.wait_ready(client)

        async def control(**body: Any) -> dict[str, Any]:
            return await expect(await client.post(CONTROL, json=body), 200)

        await control(paused=True, interval_s=interval_s)
        log(f"warming the map of {conv.marks} marks ({shape[0]} participants x {shape[1]} statements)")
        warm_started = time.perf_counter()
        warm = await expect(await client.get(f"/api/v1/sessions/{conv.code}/opinion-map", timeout=600), 200)
        warm_s = time.perf_counter() - warm_started

        tally = Tally()  # viewers' connection errors
        stopping = asyncio.Event()
        url = f"ws://127.0.0.1:{server.port}/ws/sessions/{conv.code}?view=participant"
        viewers = [Viewer(sampled=False) for _ in range(clients)]
        log(f"opening {clients} websocket viewers")
        gate = asyncio.Semaphore(50)
        protocols = [
            p
            for p in await asyncio.gather(*(open_viewer(url, v, tally, stopping, gate) for v in viewers))
            if p is not None
        ]

        peak = [0.0]
        assert server.process is not None
        rss = asyncio.create_task(watch_rss(server.process.pid, stopping, peak, children=True))
        total = max(1, round(votes_per_s * seconds))
        writes = plan(conv, 2 * total, np.random.default_rng(7))
        baseline, busy = Phase("baseline"), Phase("recomputing")
        log(f"baseline: {total} writes at {votes_per_s:g}/s, map worker paused")
        await run_phase(client, baseline, writes[:total], votes_per_s, viewers, server.process.pid)
        await control(paused=False)
        log(f"recomputing: {total} writes at {votes_per_s:g}/s, map worker running (every {interval_s:g} s)")
        await run_phase(client, busy, writes[total:], votes_per_s, viewers, server.process.pid)
        state = await control(paused=True)
        deadline = time.monotonic() + SETTLE_S
        while state["busy"] and time.monotonic() < deadline:  # let the last recompute finish to time it
            await asyncio.sleep(0.2)
            state = await control()
        stopping.set()
        for p in protocols:
            p.close()
        await rss

    figures = {"baseline": report(baseline, state), "recomputing": report(busy, state)}
    for name, phase in (("baseline", baseline), ("recomputing", busy)):
        if phase.errors:
            log(f"{name} errors: {dict(phase.errors)}")
    if tally.errors:
        log(f"viewer errors: {dict(tally.errors)}")
    p99 = {k: v["latency_ms"]["p99"] for k, v in figures.items()}
    return {
        "bench": "live-map",
        "map": {
            "participants": shape[0],
            "statements": shape[1],
            "marks": conv.marks,
            "participants_in_map": warm["participants_in_map"],
            "groups": len(warm["groups"]),
            "first_map_s": round(warm_s, 2),
        },
        "clients": clients,
        "viewers_open": sum(1 for v in viewers if v.state == "open"),
        "votes_per_s": votes_per_s,
        "seconds_per_phase": seconds,
        "map_interval_s": interval_s,
        **figures,
        "p99_ratio": ratio(p99["recomputing"], p99["baseline"]),
        "p99_ratio_during_recompute": ratio(
            figures["recomputing"]["during_recompute"]["latency_ms"]["p99"], p99["baseline"]
        ),
        "errors": sum(v["errors"] for v in figures.values()) + sum(tally.errors.values()),
        "server_rss_mb": round(peak[0], 1),
    }


def run(
    clients: int, votes_per_s: float, seconds: float, shape: tuple[int, int], density: float, interval_s: float
) -> dict[str, Any]:
    if clients < 0 or votes_per_s <= 0 or seconds <= 0 or interval_s < 0 or not 0 < density <= 1:
        raise SystemExit("clients must be >= 0; votes per second, seconds and density (at most 1) > 0")
    if min(shape) < 1:
        raise SystemExit("the map needs at least one participant and one statement")
    raise_file_limit(clients + HTTP_CONNECTIONS + 1024)
    server = Server.prepare()
    try:
        server.cli("migrate")
        started = time.perf_counter()
        log(f"seeding {shape[0]} participants x {shape[1]} statements at density {density:g}")
        conv = asyncio.run(map_seed.seed(normalise_database_url(server.env["DATABASE_URL"]), *shape, density))
        log(f"seeded {conv.marks} marks in {time.perf_counter() - started:.1f} s (session {conv.code})")
        server.start(("deliberate.bench.map_server",))
        result = asyncio.run(measure(server, conv, shape, clients, votes_per_s, seconds, interval_s))
    except RuntimeError as exc:
        raise SystemExit(f"bench failed: {exc}") from exc
    finally:
        server.stop()
    if psutil.cpu_count() and (psutil.cpu_count() or 0) < 4:
        log(f"note: {psutil.cpu_count()} CPUs; the server, its map process and the load generator share them")
    print(json.dumps(result, ensure_ascii=False), flush=True)
    return result


def parse_shape(text: str) -> tuple[int, int]:
    participants, _, statements = text.lower().partition("x")
    if not (participants.isdigit() and statements.isdigit()):
        raise ValueError("expected PARTICIPANTSxSTATEMENTS, e.g. 5000x500")
    return int(participants), int(statements)
