"""Live-channel benchmark: N websocket viewers watch one session while supports arrive.

    deliberate bench live --clients 1000 --votes-per-s 100 --seconds 20     # the steady scenario
    deliberate bench live --scenario spike --clients 1000 --window-s 10      # see live_spike.py
    deliberate bench live --scenario storm --clients 1000                    # see live_storm.py
    deliberate bench live --processes 2 ...                                  # any scenario, production mode

The server runs as its own process (`deliberate serve`, on a fresh temporary SQLite file unless
DATABASE_URL is set); this process is the load generator. With --processes 2 it starts two servers on two
ports over the same PostgreSQL (DATABASE_URL) and Redis (REDIS_URL), connects viewer i to server i % 2 and
sends write i to server i % 2, so every update must cross the live bus to reach half the viewers.

The steady scenario prepares a session with proposals and participants over the JSON API, opens the
viewers, then posts supports on a fixed schedule (open loop: a slow answer does not slow the schedule) and
measures:

- support_latency_ms: from the moment each POST /api/v1/proposals/{id}/support was due on the schedule to
  its response (a generator that falls behind its schedule cannot hide the lag);
- seen_latency_ms: from the support's due time until a viewer receives a message whose count for that
  proposal is at least the count the response reported (measured on a sample of viewers; messages are
  counted on all of them); a pair not seen within 10 s of its due time counts as not seen, and the bench
  waits up to that long after the last support, as the independent generator in shared/bench does;
- lost: every viewer's last count for each proposal, compared at the end with the count the API gives;
  lost_viewers stayed connected but ended behind, missing_updates is the sum of their shortfalls;
- delivered_updates, errors (non-2xx answers, failed requests, websocket failures), the servers' resident
  memory (before the viewers, with them open, peak) and mb_per_1000_viewers from those.

It prints one JSON line on standard output; progress, CPU use and error details go to standard error.
The figures are only meaningful on an otherwise quiet machine: the server and the load generator share
its cores, and the CPU line on standard error says how much went to other processes. Set
DELIBERATE_BENCH_TRACE=/path.json to keep the raw per-support timings.

This module is the steady scenario and the runner; what every scenario shares is in `live_rig.py`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import os
import random
import shutil
import time
from pathlib import Path
from typing import Any

import httpx
import uvloop

from deliberate.bench import live_spike, live_storm
from deliberate.bench.live_rig import (
    DRAIN_S,
    HTTP_CONNECTIONS,
    LOST_AFTER_S,
    PROPOSALS,
    SETTLE_S,
    CpuWatch,
    Rig,
    Server,
    Tally,
    close_viewers,
    drain,
    final_counts,
    http_limits,
    log,
    lost,
    memory,
    prepare_session,
    raise_file_limit,
    rss_mb,
    seen_after,
    settle,
    spread,
    support_once,
    watch_rss,
)
from deliberate.bench.wire import Wire


# -- the steady scenario ---------------------------------------------------------------------------------------
async def measure(rig: Rig, clients: int, votes_per_s: float, seconds: float) -> dict[str, Any]:
    total = max(0, round(votes_per_s * seconds))
    participants = max(1, math.ceil(total / PROPOSALS))
    first = rig.clients[0]
    log(f"preparing {PROPOSALS} proposals and {participants} participants")
    prepared = await prepare_session(first, rig.email, rig.password, participants)
    rng = random.Random(20)  # noqa: S311 (a reproducible schedule, not security)
    plan = [(token, pid) for token in prepared.tokens for pid in prepared.proposal_ids]
    rng.shuffle(plan)
    plan = plan[:total]

    tally = Tally()
    stop = asyncio.Event()
    viewers = rig.spread_viewers(clients)
    rss_before = rss_mb(rig.pids)
    log(f"opening {clients} websocket viewers on session {prepared.code} across {len(rig.servers)} server(s)")
    protocols = await rig.open(viewers, prepared.code, tally, stop)
    await asyncio.sleep(0.5)  # let the last handshakes settle
    rss_open = rss_mb(rig.pids)
    open_viewers = sum(1 for v in viewers if v.state == "open")
    log(f"{open_viewers} viewers open; sending {total} supports at {votes_per_s:g}/s for {seconds:g} s")

    peak = [0.0]
    rss_stop = asyncio.Event()
    rss = asyncio.create_task(watch_rss(rig.pids, rss_stop, peak))
    cpu = CpuWatch(rig.pids)
    before = sum(v.messages for v in viewers)
    start = time.perf_counter()
    requests: list[asyncio.Task[None]] = []
    for i, (token, pid) in enumerate(plan):
        due = start + i / votes_per_s
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        wire = rig.wires[i % len(rig.wires)]
        requests.append(asyncio.create_task(support_once(wire, token, pid, tally, due)))
    await asyncio.gather(*requests)
    send_s = time.perf_counter() - start
    cpu.report("sending")
    await asyncio.sleep(DRAIN_S)
    # Then up to LOST_AFTER_S past the last support's due time, as the independent generator waits.
    await drain(tally, viewers, start + (len(plan) - 1) / votes_per_s + LOST_AFTER_S)
    delivered = sum(v.messages for v in viewers) - before
    final = await final_counts(first, prepared)
    await settle(viewers, final, SETTLE_S)  # late is measured above; lost is what never arrives
    await close_viewers(protocols, stop)
    rss_stop.set()
    await rss

    seen, missed, per_support = seen_after(tally, viewers)
    if missed:
        tally.errors["update_not_seen"] += missed
        log(
            f"{missed} (support, sampled viewer) pairs did not see the update within {LOST_AFTER_S:g} s of its due time"
        )
    gone = lost(viewers, final)
    if gone["lost_viewers"]:
        log(
            f"{gone['lost_viewers']} connected viewers ended behind the API's counts "
            f"({gone['missing_updates']} supports missing)"
        )
    if tally.errors:
        log(f"errors: {dict(tally.errors)}")
    trace = os.environ.get("DELIBERATE_BENCH_TRACE")
    if trace:  # raw timings for a closer look, in seconds since the first support was due
        Path(trace).write_text(
            json.dumps(
                {
                    "supports": [
                        {"due": round(a - start, 4), "answered": round(b - start, 4)} for a, b in tally.timeline
                    ],
                    "seen_slowest_ms": [
                        (round(a - start, 4), None if w is None else round(w, 1)) for a, w in per_support
                    ],
                }
            )
        )
    log(
        f"sent for {send_s:.1f} s; {sum(v.sampled and v.state == 'open' for v in viewers)} sampled viewers; "
        f"{len(seen)} seen measurements"
    )
    return {
        "scenario": "steady",
        "clients": clients,
        "viewers_open": open_viewers,
        "votes_per_s": votes_per_s,
        "seconds": seconds,
        "supports_sent": tally.sent,
        "supports_counted": sum(final.values()),
        "support_latency_ms": spread(tally.support_latency),
        "seen_latency_ms": spread(seen),
        "delivered_updates": delivered,
        "errors": sum(tally.errors.values()),
        **gone,
        **memory(rss_before, rss_open, peak[0], open_viewers),
    }


# -- running a scenario --------------------------------------------------------------------------------------
SCENARIOS = ("steady", "spike", "storm")


def start_servers(processes: int) -> list[Server]:
    first = Server.prepare()
    if processes > 1:
        if not first.env["DATABASE_URL"].startswith("postgres") or not first.env.get("REDIS_URL"):
            shutil.rmtree(first.workdir, ignore_errors=True)
            raise SystemExit(
                "--processes above 1 needs DATABASE_URL (PostgreSQL) and REDIS_URL: the servers share "
                "the database, and the live bus carries each one's events to the others"
            )
    return [first, *(first.sibling(f"server-{i + 1}") for i in range(1, processes))]


async def drive(
    servers: list[Server], email: str, password: str, scenario: str, options: dict[str, Any]
) -> dict[str, Any]:
    async with contextlib.AsyncExitStack() as stack:
        clients = [
            await stack.enter_async_context(httpx.AsyncClient(base_url=s.base, timeout=30, limits=http_limits()))
            for s in servers
        ]
        for server, client in zip(servers, clients, strict=True):
            await server.wait_ready(client)
        log(f"{len(servers)} server(s) ready on port(s) {', '.join(str(s.port) for s in servers)}")
        wires = [Wire("127.0.0.1", s.port, HTTP_CONNECTIONS) for s in servers]
        for wire in wires:
            stack.callback(wire.close)
        rig = Rig(servers, clients, wires, email, password)
        if scenario == "spike":
            return await live_spike.measure(rig, options["clients"], options["window_s"], options["burst"])
        if scenario == "storm":
            return await live_storm.measure(rig, options["clients"], options["storm_writes"], options["window_s"])
        return await measure(rig, options["clients"], options["votes_per_s"], options["seconds"])


def run(
    clients: int = 1000,
    votes_per_s: float = 100.0,
    seconds: float = 20.0,
    *,
    scenario: str = "steady",
    processes: int = 1,
    window_s: float = 10.0,
    burst: bool = False,
    storm_writes: int = 20,
) -> dict[str, Any]:
    if clients < 0 or votes_per_s <= 0 or seconds <= 0 or window_s <= 0 or storm_writes < 0 or processes < 1:
        raise SystemExit(
            "clients and storm writes must be >= 0; votes per second, seconds, the window and processes > 0"
        )
    if scenario not in SCENARIOS:
        raise SystemExit(f"the scenario is one of {', '.join(SCENARIOS)}")
    total = round(votes_per_s * seconds)
    if total > PROPOSALS * 50_000:
        raise SystemExit("that many supports would need an unreasonable number of participants")
    raise_file_limit(2 * clients + HTTP_CONNECTIONS * processes + 1024)
    servers = start_servers(processes)
    password = "bench-" + os.urandom(12).hex()
    email = f"bench-{os.urandom(4).hex()}@example.org"  # unique, in case DATABASE_URL names a used database
    options = {
        "clients": clients,
        "votes_per_s": votes_per_s,
        "seconds": seconds,
        "window_s": window_s,
        "burst": burst,
        "storm_writes": storm_writes,
    }
    first = servers[0]
    try:
        first.cli("migrate")
        first.cli(
            "users", "add", email, "--role", "facilitator", "--password-stdin", "--name", "bench", stdin=password + "\n"
        )
        for server in servers:
            server.start()
        # uvloop here too: the generator's own event loop (selector, transports) was a third of its CPU, and
        # a generator busy with one tick's thousands of messages reads the next answers late.
        result = uvloop.run(drive(servers, email, password, scenario, options))
    except RuntimeError as exc:
        raise SystemExit(f"bench failed: {exc}") from exc
    finally:
        for server in reversed(servers):  # the first owns the working directory: it goes last
            server.stop()
    result = {
        **result,
        "processes": processes,
        "database": "postgresql" if first.env["DATABASE_URL"].startswith("postgres") else "sqlite",
        "bus": "redis" if first.env.get("REDIS_URL") else "local",
    }
    print(json.dumps(result, ensure_ascii=False), flush=True)
    return result
