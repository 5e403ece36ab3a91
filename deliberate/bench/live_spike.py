"""The spike: every viewer votes within seconds of "voting open". `deliberate bench live --scenario spike`.

    deliberate bench live --scenario spike --clients 5000 --window-s 10

Each of N viewers is also a participant, joined over the API beforehand. The session waits in the ideas
phase with its proposals; at t0 the facilitator opens voting over the API and every viewer posts one
support on a proposal drawn at random, at a moment drawn uniformly within --window-s of t0 (with --burst,
all at t0, as fast as the load generator's connections allow). The phase change sends every page a
snapshot that makes htmx fetch its board again, so the spike includes those N page requests too.

Measured from t0: phase_seen_ms (until each viewer's first message: voting is open on its screen),
vote_accepted_s (until the last support was answered), all_seen_s (until the last viewer showed the final
counts); and support_latency_ms, seen_latency_ms (sampled viewers, from each support's due time),
board_fetch_ms, lost viewers against the API's final counts, errors and memory as in the steady scenario.
"""

from __future__ import annotations

import asyncio
import random
import time
from typing import Any

from deliberate.bench.live_rig import (
    CpuWatch,
    Pages,
    Rig,
    Tally,
    close_viewers,
    final_counts,
    log,
    lost,
    memory,
    open_voting,
    prepare_session,
    rss_mb,
    seen_after,
    settle,
    spread,
    support_once,
    watch_rss,
)

SETTLE_S = 30.0  # after the last answer, how long to wait for every page to show the final counts


async def measure(rig: Rig, clients: int, window_s: float, burst: bool) -> dict[str, Any]:
    first = rig.clients[0]
    log(f"preparing a session in the ideas phase with {clients} participants")
    prepared = await prepare_session(first, rig.email, rig.password, clients, voting=False)
    tally = Tally()
    stop = asyncio.Event()
    viewers = rig.spread_viewers(clients, prepared.tokens)
    pages = Pages(rig.wires, prepared.code, tally)
    rss_before = rss_mb(rig.pids)
    log(f"opening {clients} websocket viewers on session {prepared.code} across {len(rig.servers)} server(s)")
    protocols = await rig.open(viewers, prepared.code, tally, stop, pages)
    await asyncio.sleep(0.5)
    rss_open = rss_mb(rig.pids)
    open_viewers = sum(1 for v in viewers if v.state == "open")
    rng = random.Random(22)  # noqa: S311 (a reproducible schedule, not security)
    schedule = sorted(
        (0.0 if burst else rng.uniform(0, window_s), i, rng.choice(prepared.proposal_ids)) for i in range(len(viewers))
    )
    log(
        f"{open_viewers} viewers open; opening voting, then {len(schedule)} supports "
        + ("at once" if burst else f"within {window_s:g} s")
    )

    peak = [0.0]
    rss_stop = asyncio.Event()
    rss = asyncio.create_task(watch_rss(rig.pids, rss_stop, peak))
    cpu = CpuWatch(rig.pids)
    t0 = time.perf_counter()
    await open_voting(first, prepared.code, prepared.staff)
    phase_open_ms = (time.perf_counter() - t0) * 1000
    requests: list[asyncio.Task[None]] = []
    for offset, i, pid in schedule:
        delay = t0 + offset - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        viewer = viewers[i]
        assert viewer.token is not None
        requests.append(
            asyncio.create_task(support_once(rig.wires[viewer.server], viewer.token, pid, tally, t0 + offset))
        )
    await asyncio.gather(*requests)
    cpu.report("voting")
    final = await final_counts(first, prepared)
    settled = await settle(viewers, final, SETTLE_S, pages)
    await close_viewers(protocols, stop)
    rss_stop.set()
    await rss

    connected = [v for v in viewers if v.state == "open"]
    seen, missed, _ = seen_after(tally, viewers)
    if missed:
        tally.errors["update_not_seen"] += missed
    gone = lost(viewers, final)
    if not settled:
        log(f"{gone['lost_viewers']} connected viewers never showed the final counts within {SETTLE_S:g} s")
    if tally.errors:
        log(f"errors: {dict(tally.errors)}")
    changed = [v.changed_at for v in connected if v.changed_at is not None]
    return {
        "scenario": "spike",
        "clients": clients,
        "viewers_open": open_viewers,
        "window_s": 0.0 if burst else window_s,
        "supports_sent": tally.sent,
        "supports_ok": len(tally.support_latency),
        "supports_counted": sum(final.values()),
        "phase_open_ms": round(phase_open_ms, 1),
        "phase_seen_ms": spread([(v.first_at - t0) * 1000 for v in connected if v.first_at is not None]),
        "vote_accepted_s": round(max(done for _, done in tally.timeline) - t0, 2) if tally.timeline else None,
        "all_seen_s": round(max(changed) - t0, 2) if settled and changed else None,
        "support_latency_ms": spread(tally.support_latency),
        "seen_latency_ms": spread(seen),
        "board_fetches": len(pages.fetch_ms),
        "board_fetch_ms": spread(pages.fetch_ms),
        "errors": sum(tally.errors.values()),
        **gone,
        **memory(rss_before, rss_open, peak[0], open_viewers),
    }
