"""The reconnect storm: every viewer drops and reconnects at once. `deliberate bench live --scenario storm`.

    deliberate bench live --scenario storm --clients 5000 --storm-writes 20 --window-s 10

Each of N viewers is also a participant (so it can fetch its board, as a page does after a snapshot).
Viewers connect, a first round of supports brings every one of them to the same sequence number, then
all drop at once, --storm-writes supports are made while they are away, and all reconnect at once with
`?since=<the last number each saw>`, as static/js/live.js does. The server answers each from its replay
buffer or with a snapshot, which makes the page fetch its board.

A viewer is resynchronised once it holds the newest sequence number and has no board request under way;
resync_ms runs from the moment the reconnects start (handshakes included) to that point. Reports its
p50/p95/p99/max, how many viewers resynchronised within --window-s, failures (a reconnect refused, or no
resynchronisation within RESYNC_LIMIT_S), lost viewers against the API's final counts, and errors.
"""

from __future__ import annotations

import asyncio
import random
import time
from typing import Any

import httpx

from deliberate.bench.live_rig import (
    CONNECT_CONCURRENCY,
    PROPOSALS,
    SEQ_RE,
    CpuWatch,
    Pages,
    Rig,
    Tally,
    Viewer,
    close_viewers,
    final_counts,
    log,
    lost,
    memory,
    prepare_session,
    rss_mb,
    spread,
    support_once,
    watch_rss,
)

STORM_CONCURRENCY = 1000  # handshakes in flight at once: a storm, kept under the server's listen backlog
RESYNC_LIMIT_S = 60.0
WARM_S = 15.0  # how long viewers may take to reach the first round's number


async def current_seq(client: httpx.AsyncClient, code: str) -> int:
    """The session's newest sequence number, from the polling fallback's snapshot."""
    r = await client.get(f"/s/{code}/live", params={"view": "participant"})
    m = SEQ_RE.search(r.content) if r.status_code == 200 else None
    if m is None:
        raise RuntimeError(f"GET /s/{code}/live answered {r.status_code} without a sequence number")
    return int(m[1])


async def write(rig: Rig, pairs: list[tuple[str, int]], tally: Tally) -> None:
    await asyncio.gather(
        *(support_once(rig.wires[i % len(rig.wires)], token, pid, tally) for i, (token, pid) in enumerate(pairs))
    )


async def wait_for(viewers: list[Viewer], done: Any, timeout: float) -> bool:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if all(done(v) for v in viewers if v.state == "open"):
            return True
        await asyncio.sleep(0.1)
    return False


async def measure(rig: Rig, clients: int, writes: int, window_s: float) -> dict[str, Any]:
    first = rig.clients[0]
    participants = max(clients, -(-(PROPOSALS + writes) // PROPOSALS))
    log(f"preparing {PROPOSALS} proposals and {participants} participants")
    prepared = await prepare_session(first, rig.email, rig.password, participants)
    rng = random.Random(23)  # noqa: S311 (reproducible, not security)
    pairs = [(token, pid) for token in prepared.tokens for pid in prepared.proposal_ids]
    rng.shuffle(pairs)
    warm, away = pairs[:PROPOSALS], pairs[PROPOSALS : PROPOSALS + writes]
    tally = Tally()
    stop = asyncio.Event()
    viewers = rig.spread_viewers(clients, prepared.tokens[:clients])
    pages = Pages(rig.wires, prepared.code, tally)
    rss_before = rss_mb(rig.pids)
    log(f"opening {clients} websocket viewers on session {prepared.code} across {len(rig.servers)} server(s)")
    protocols = await rig.open(viewers, prepared.code, tally, stop, pages)
    await asyncio.sleep(0.5)
    rss_open = rss_mb(rig.pids)

    await write(rig, warm, tally)
    await asyncio.sleep(0.3)  # past a tick, so the number is that of the last warm-up support
    warm_seq = await current_seq(first, prepared.code)
    if not await wait_for(viewers, lambda v: v.seq is not None and v.seq >= warm_seq, WARM_S):
        behind = sum(1 for v in viewers if v.state == "open" and (v.seq or 0) < warm_seq)
        log(f"{behind} viewers had not reached sequence {warm_seq} after {WARM_S:g} s; they reconnect from behind")
    open_viewers = sum(1 for v in viewers if v.state == "open")
    log(f"{open_viewers} viewers open at sequence {warm_seq}; dropping them all")

    await close_viewers(protocols, stop)
    await asyncio.sleep(0.5)  # the servers notice the closes
    await write(rig, away, tally)
    await asyncio.sleep(0.3)
    pages.target_seq = await current_seq(first, prepared.code)
    final = await final_counts(first, prepared)
    for v in viewers:
        v.synced_at = None
    log(f"{len(away)} supports made meanwhile (now at sequence {pages.target_seq}); reconnecting all at once")

    peak = [0.0]
    rss_stop = asyncio.Event()
    rss = asyncio.create_task(watch_rss(rig.pids, rss_stop, peak))
    cpu = CpuWatch(rig.pids)
    stop = asyncio.Event()
    was_open = [v for v in viewers if v.state == "open"]
    t0 = time.perf_counter()
    protocols = await rig.open(
        was_open,
        prepared.code,
        tally,
        stop,
        pages,
        concurrency=max(CONNECT_CONCURRENCY, STORM_CONCURRENCY),
        resume=True,
    )
    reconnected_s = time.perf_counter() - t0
    await wait_for(was_open, lambda v: v.synced_at is not None, RESYNC_LIMIT_S)
    cpu.report("resynchronising")
    await pages.drain(5.0)
    await close_viewers(protocols, stop)
    rss_stop.set()
    await rss

    resync = [(v.synced_at - t0) * 1000 for v in was_open if v.synced_at is not None]
    failures = len(was_open) - len(resync)
    if failures:
        log(f"{failures} viewers did not resynchronise within {RESYNC_LIMIT_S:g} s")
    if tally.errors:
        log(f"errors: {dict(tally.errors)}")
    return {
        "scenario": "storm",
        "clients": clients,
        "viewers_open": open_viewers,
        "storm_writes": len(away),
        "reconnected": sum(1 for v in was_open if v.state == "open"),
        "reconnect_s": round(reconnected_s, 2),
        "resync_ms": spread(resync),
        "resynced_within_window": sum(1 for ms in resync if ms <= window_s * 1000),
        "window_s": window_s,
        "resync_failures": failures,
        "board_fetches": len(pages.fetch_ms),
        "board_fetch_ms": spread(pages.fetch_ms),
        "errors": sum(tally.errors.values()),
        **lost(was_open, final),
        **memory(rss_before, rss_open, peak[0], open_viewers),
    }
