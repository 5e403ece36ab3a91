"""Live-channel benchmark: N websocket viewers watch one session while supports arrive at R per second.

    deliberate bench live --clients 1000 --votes-per-s 100 --seconds 20

The server runs as its own process (`deliberate serve`, on a fresh temporary SQLite file unless
DATABASE_URL is set); this process is the load generator. It prepares a session with proposals and
participants over the JSON API, opens the viewers, then posts supports on a fixed schedule (open loop:
a slow answer does not slow the schedule) and measures:

- support_latency_ms: request to response of POST /api/v1/proposals/{id}/support;
- seen_latency_ms: from sending a support until a viewer receives a message whose count for that
  proposal is at least the count the response reported (measured on a sample of viewers; messages are
  counted on all of them);
- delivered_updates, errors (non-2xx answers, failed requests, websocket failures) and the server's peak
  resident memory.

It prints one JSON line on standard output; progress, CPU use and error details go to standard error.
The figures are only meaningful on an otherwise quiet machine: the server and the load generator share
its cores, and the CPU line on standard error says how much went to other processes. Set
DELIBERATE_BENCH_TRACE=/path.json to keep the raw per-support timings.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import json
import math
import os
import random
import re
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil
from websockets.client import ClientProtocol
from websockets.frames import Frame, Opcode
from websockets.uri import WebSocketURI, parse_uri

try:
    import sniffio  # noqa: F401
except ImportError:
    # httpcore tries `import sniffio` on every request; a failed import is not cached and costs a
    # search of sys.path each time. Mark it missing once so the load generator does not pay for it.
    sys.modules["sniffio"] = None  # type: ignore[assignment]

PROPOSALS = 20
THEMES = ["สวัสดิการชุมชน", "สุขภาพ", "อาชีพและรายได้", "แหล่งน้ำ"]
SAMPLE_VIEWERS = 50
CONNECT_CONCURRENCY = 50
JOIN_CONCURRENCY = 16
HTTP_CONNECTIONS = 100
DRAIN_S = 3.0  # after the last support, how long viewers keep listening for its update
RSS_EVERY_S = 0.5
SUPPORTS_RE = re.compile(rb'id="proposal-(\d+)-supports"[^>]*>(\d+)<')


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..1); None when there is nothing to measure."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q * len(ordered)))
    return round(ordered[rank - 1], 1)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def raise_file_limit(wanted: int) -> None:
    """Lift the soft limit on open files (inherited by the server process) towards `wanted`."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    if soft != resource.RLIM_INFINITY and soft < wanted:
        log(f"warning: open-file limit is {soft}, below the {wanted} this run wants")


# -- the server process --------------------------------------------------------------------------------------
@dataclass
class Server:
    port: int
    env: dict[str, str]
    workdir: Path
    owns_workdir: bool
    process: subprocess.Popen[bytes] | None = None
    log_file: Any = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @classmethod
    def prepare(cls) -> Server:
        workdir = Path(tempfile.mkdtemp(prefix="deliberate-bench-"))
        env = dict(os.environ)
        if not env.get("DATABASE_URL"):
            env["DATABASE_URL"] = f"sqlite://{workdir / 'bench.sqlite3'}"
        env["DELIBERATE_FAST_HASH"] = "1"
        env.setdefault("PYTHONUNBUFFERED", "1")
        return cls(free_port(), env, workdir, True)

    def cli(self, *args: str, stdin: str | None = None) -> str:
        result = subprocess.run([sys.executable, "-m", "deliberate.cli", *args], env=self.env, input=stdin,
                                capture_output=True, text=True, timeout=120, check=False)
        if result.returncode != 0:
            raise RuntimeError(f"deliberate {' '.join(args)} failed: {result.stderr.strip()}")
        return result.stdout

    def start(self, command: tuple[str, ...] = ("deliberate.cli", "serve")) -> None:
        """Run `python -m <command> --host --port`; `bench live --map` runs its own wrapper of the app."""
        self.log_file = (self.workdir / "server.log").open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", *command, "--host", "127.0.0.1", "--port", str(self.port)],
            env=self.env, stdout=self.log_file, stderr=subprocess.STDOUT)

    async def wait_ready(self, client: httpx.AsyncClient, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"the server exited early:\n{self.log_tail()}")
            with contextlib.suppress(httpx.HTTPError):
                r = await client.get(f"{self.base}/api/v1/openapi.json")
                if r.status_code == 200:
                    return
            await asyncio.sleep(0.1)
        raise RuntimeError(f"the server did not answer within {timeout:.0f} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        path = self.workdir / "server.log"
        if not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        if self.log_file is not None:
            self.log_file.close()
        if self.owns_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)


# -- measurements ------------------------------------------------------------------------------------------
@dataclass
class Viewer:
    """One websocket page. A sampled viewer keeps, per proposal, when each higher count first arrived."""

    sampled: bool
    state: str = "pending"  # then "open" or "failed"
    messages: int = 0
    counts: dict[int, list[int]] = field(default_factory=dict)
    times: dict[int, list[float]] = field(default_factory=dict)

    def note(self, data: bytes, now: float) -> None:
        for pid_raw, count_raw in SUPPORTS_RE.findall(data):
            pid, count = int(pid_raw), int(count_raw)
            seen = self.counts.setdefault(pid, [])
            if not seen or count > seen[-1]:
                seen.append(count)
                self.times.setdefault(pid, []).append(now)

    def first_seen(self, pid: int, count: int) -> float | None:
        seen = self.counts.get(pid)
        if not seen:
            return None
        i = bisect.bisect_left(seen, count)
        return self.times[pid][i] if i < len(seen) else None


@dataclass
class Tally:
    errors: Counter[str] = field(default_factory=Counter)
    support_latency: list[float] = field(default_factory=list)
    acks: list[tuple[int, int, float]] = field(default_factory=list)  # (proposal id, count, sent at)
    sent: int = 0
    timeline: list[tuple[float, float, float]] = field(default_factory=list)  # (due, answered, started)

    def error(self, kind: str) -> None:
        self.errors[kind] += 1


class ViewerProtocol(asyncio.Protocol):
    """A websocket page driven by the websockets library's Sans-I/O protocol.

    The asyncio client of the same library costs several times more CPU per message (futures, an
    assembler, a reader task per connection); with a thousand viewers in one process that would measure
    the load generator instead of the server. Handshake, framing, pings and closing are the library's.
    """

    def __init__(self, uri: WebSocketURI, viewer: Viewer, tally: Tally, stopping: asyncio.Event) -> None:
        self.ws = ClientProtocol(uri, max_size=None)
        self.viewer = viewer
        self.tally = tally
        self.stopping = stopping
        self.transport: asyncio.Transport | None = None
        self.opened: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.ws.send_request(self.ws.connect())
        self._flush()

    def data_received(self, data: bytes) -> None:
        self.ws.receive_data(data)
        viewer = self.viewer
        for event in self.ws.events_received():
            if isinstance(event, Frame):
                if event.opcode in (Opcode.TEXT, Opcode.BINARY):
                    viewer.messages += 1
                    if viewer.sampled:
                        viewer.note(bytes(event.data), time.perf_counter())
            elif not self.opened.done():  # the handshake response
                if self.ws.handshake_exc is not None:
                    self.opened.set_exception(self.ws.handshake_exc)
                else:
                    viewer.state = "open"
                    self.opened.set_result(None)
        self._flush()

    def _flush(self) -> None:
        assert self.transport is not None
        for chunk in self.ws.data_to_send():
            if chunk:
                self.transport.write(chunk)
            else:
                self.transport.close()  # the protocol is done with this connection
                return

    def eof_received(self) -> bool | None:
        self.ws.receive_eof()
        self._flush()
        return None

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.opened.done():
            self.opened.set_exception(exc or ConnectionError("closed during the handshake"))
        elif not self.stopping.is_set():
            self.viewer.state = "failed"
            self.tally.error(f"ws_disconnect:{self.ws.close_code or type(exc).__name__}")
        if not self.closed.done():
            self.closed.set_result(None)

    def close(self) -> None:
        if self.transport is not None and not self.transport.is_closing():
            with contextlib.suppress(Exception):
                self.ws.send_close(1001)
                self._flush()
            self.transport.close()


async def open_viewer(url: str, viewer: Viewer, tally: Tally, stopping: asyncio.Event,
                      gate: asyncio.Semaphore) -> ViewerProtocol | None:
    uri = parse_uri(url)
    loop = asyncio.get_running_loop()
    try:
        async with gate:
            _, protocol = await asyncio.wait_for(loop.create_connection(
                lambda: ViewerProtocol(uri, viewer, tally, stopping), uri.host, uri.port), 60)
            await asyncio.wait_for(protocol.opened, 60)
        return protocol
    except Exception as exc:  # noqa: BLE001 (any failure to connect is an error to report)
        viewer.state = "failed"
        tally.error(f"ws_connect:{type(exc).__name__}")
        return None


async def watch_rss(pid: int, stop: asyncio.Event, peak: list[float], children: bool = False) -> None:
    """Peak resident memory of the server (with `children`, plus its child processes, such as the map's)."""
    try:
        process = psutil.Process(pid)
        while not stop.is_set():
            with contextlib.suppress(psutil.Error):
                family = [process, *(process.children(recursive=True) if children else [])]
                peak[0] = max(peak[0], sum(p.memory_info().rss for p in family) / 2**20)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), RSS_EVERY_S)
    except psutil.Error:
        return


async def support_once(client: httpx.AsyncClient, slots: asyncio.Semaphore, token: str, pid: int,
                       tally: Tally) -> None:
    """One support. Latency runs from the moment it was due, so time waiting for a free connection counts."""
    sent = time.perf_counter()
    got = sent
    tally.sent += 1
    try:
        async with slots:  # never queue inside httpx: its pool does work per waiting request per connection
            got = time.perf_counter()
            r = await client.post(f"/api/v1/proposals/{pid}/support",
                                  headers={"authorization": f"Bearer {token}"})
    except httpx.HTTPError as exc:
        tally.error(f"http:{type(exc).__name__}")
        return
    done = time.perf_counter()
    if not 200 <= r.status_code < 300:
        tally.error(f"http_{r.status_code}")
        return
    tally.support_latency.append((done - sent) * 1000)
    tally.acks.append((pid, int(r.json()["supports"]), sent))
    tally.timeline.append((sent, done, got))


# -- set-up over the API ----------------------------------------------------------------------------------------
async def expect(response: httpx.Response, *statuses: int) -> dict[str, Any]:
    if response.status_code not in statuses:
        raise RuntimeError(f"{response.request.method} {response.request.url.path} answered "
                           f"{response.status_code}: {response.text[:300]}")
    return dict(response.json())


async def prepare_session(client: httpx.AsyncClient, email: str, password: str, participants: int
                          ) -> tuple[str, list[int], list[str]]:
    token = (await expect(await client.post("/api/v1/auth/token",
                                            json={"email": email, "password": password}), 201))["token"]
    staff = {"authorization": f"Bearer {token}"}
    created = await expect(await client.post("/api/v1/sessions", headers=staff, json={
        "title": "เวทีทดสอบโหลด", "assembly_title": "สมัชชาทดสอบ", "themes": THEMES, "province_code": "83"}), 201)
    code = created["code"]
    await expect(await client.post(f"/api/v1/sessions/{code}/phase", headers=staff, json={"phase": "ideas"}), 200)
    themes = [t["id"] for t in (await expect(await client.get(f"/api/v1/sessions/{code}"), 200))["themes"]]

    async def join(i: int) -> str:
        body = {"display_name": f"ผู้เข้าร่วม {i + 1}", "consent": True, "subdistrict_code": "830101"}
        return str((await expect(await client.post(f"/api/v1/sessions/{code}/participants", json=body), 201))["token"])

    author = {"authorization": f"Bearer {await join(-1)}"}
    proposal_ids = []
    for i in range(PROPOSALS):
        body = {"title": f"ข้อเสนอทดสอบที่ {i + 1}", "body": "ข้อเสนอสำหรับวัดความเร็วการอัปเดตสด",
                "theme_id": themes[i % len(themes)], "target_groups": ["everyone"]}
        proposal_ids.append((await expect(await client.post(f"/api/v1/sessions/{code}/proposals", headers=author,
                                                             json=body), 201))["id"])
    await expect(await client.post(f"/api/v1/sessions/{code}/phase", headers=staff, json={"phase": "voting"}), 200)

    gate = asyncio.Semaphore(JOIN_CONCURRENCY)

    async def gated_join(i: int) -> str:
        async with gate:
            return await join(i)

    tokens = list(await asyncio.gather(*(gated_join(i) for i in range(participants))))
    return code, proposal_ids, tokens


# -- the run -------------------------------------------------------------------------------------------------
async def measure(server: Server, email: str, password: str, clients: int, votes_per_s: float, seconds: float
                  ) -> dict[str, Any]:
    total = max(0, round(votes_per_s * seconds))
    participants = max(1, math.ceil(total / PROPOSALS))
    # Idle connections are dropped before the server's 5 s keep-alive timeout, so a request never races
    # the server closing the connection under it.
    limits = httpx.Limits(max_connections=HTTP_CONNECTIONS, max_keepalive_connections=HTTP_CONNECTIONS,
                          keepalive_expiry=2.0)
    async with httpx.AsyncClient(base_url=server.base, timeout=30, limits=limits) as client:
        await server.wait_ready(client)
        log(f"server ready on port {server.port}; preparing {PROPOSALS} proposals and {participants} participants")
        code, proposal_ids, tokens = await prepare_session(client, email, password, participants)
        rng = random.Random(20)  # noqa: S311 (a reproducible schedule, not security)
        plan = [(token, pid) for token in tokens for pid in proposal_ids]
        rng.shuffle(plan)
        plan = plan[:total]

        tally = Tally()
        stop = asyncio.Event()
        gate = asyncio.Semaphore(CONNECT_CONCURRENCY)
        url = f"ws://127.0.0.1:{server.port}/ws/sessions/{code}?view=participant"
        viewers = [Viewer(sampled=i < SAMPLE_VIEWERS) for i in range(clients)]
        rng.shuffle(viewers)  # the sampled ones connect at random points, not all first
        log(f"opening {clients} websocket viewers on session {code}")
        opened = await asyncio.gather(*(open_viewer(url, v, tally, stop, gate) for v in viewers))
        protocols = [p for p in opened if p is not None]
        await asyncio.sleep(0.5)  # let the last handshakes settle
        open_viewers = sum(1 for v in viewers if v.state == "open")
        log(f"{open_viewers} viewers open; sending {total} supports at {votes_per_s:g}/s for {seconds:g} s")

        peak = [0.0]
        assert server.process is not None
        cpu_before = (psutil.Process(server.process.pid).cpu_times(), psutil.Process().cpu_times())
        psutil.cpu_percent()  # start the machine-wide measurement
        rss = asyncio.create_task(watch_rss(server.process.pid, stop, peak))
        before = sum(v.messages for v in viewers)
        start = time.perf_counter()
        requests: list[asyncio.Task[None]] = []
        slots = asyncio.Semaphore(HTTP_CONNECTIONS)
        for i, (token, pid) in enumerate(plan):
            delay = start + i / votes_per_s - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            requests.append(asyncio.create_task(support_once(client, slots, token, pid, tally)))
        await asyncio.gather(*requests)
        send_s = time.perf_counter() - start
        cpu_after = (psutil.Process(server.process.pid).cpu_times(), psutil.Process().cpu_times())
        machine = psutil.cpu_percent() * (psutil.cpu_count() or 1)
        ours = 0.0
        for who, b, a in zip(("server", "bench"), cpu_before, cpu_after, strict=True):
            used = (a.user - b.user) + (a.system - b.system)
            ours += 100 * used / send_s
            log(f"{who} CPU while sending: {used:.1f} s over {send_s:.1f} s ({100 * used / send_s:.0f}%)")
        log(f"machine CPU while sending: {machine:.0f}% of {100 * (psutil.cpu_count() or 1)}%; "
            f"about {max(0.0, machine - ours):.0f}% was other processes (figures are noisy when that is high)")
        await asyncio.sleep(DRAIN_S)
        delivered = sum(v.messages for v in viewers) - before
        stop.set()
        for protocol in protocols:
            protocol.close()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.gather(*(p.closed for p in protocols)), 10)
        await rss

    # Sampled viewers that stayed connected throughout; those that dropped are already counted as errors.
    sampled = [v for v in viewers if v.sampled and v.state == "open"]
    seen: list[float] = []
    per_support: list[tuple[float, float | None]] = []  # (due, slowest viewer) for the trace
    missed = 0
    for pid, count, sent in tally.acks:
        slowest: float | None = 0.0
        for v in sampled:
            at = v.first_seen(pid, count)
            if at is None:
                missed += 1
                slowest = None
            else:
                seen.append((at - sent) * 1000)
                slowest = None if slowest is None else max(slowest, (at - sent) * 1000)
        per_support.append((sent, slowest))
    if missed:
        tally.errors["update_not_seen"] += missed
        log(f"{missed} (support, sampled viewer) pairs never saw the update within {DRAIN_S:g} s")
    if tally.errors:
        log(f"errors: {dict(tally.errors)}")
    trace = os.environ.get("DELIBERATE_BENCH_TRACE")
    if trace:  # raw timings for a closer look, in seconds since the first support was due
        Path(trace).write_text(json.dumps({
            "supports": [{"due": round(a - start, 4), "started": round(c - start, 4), "answered": round(b - start, 4)}
                         for a, b, c in tally.timeline],
            "seen_slowest_ms": [(round(a - start, 4), None if w is None else round(w, 1)) for a, w in per_support],
        }))
    log(f"sent for {send_s:.1f} s; {len(sampled)} sampled viewers; {len(seen)} seen measurements")
    return {
        "clients": clients,
        "votes_per_s": votes_per_s,
        "seconds": seconds,
        "supports_sent": tally.sent,
        "support_latency_ms": {"p50": percentile(tally.support_latency, 0.50),
                               "p99": percentile(tally.support_latency, 0.99)},
        "seen_latency_ms": {"p50": percentile(seen, 0.50), "p99": percentile(seen, 0.99)},
        "delivered_updates": delivered,
        "errors": sum(tally.errors.values()),
        "server_rss_mb": round(peak[0], 1),
    }


def run(clients: int = 1000, votes_per_s: float = 100.0, seconds: float = 20.0) -> dict[str, Any]:
    if clients < 0 or votes_per_s <= 0 or seconds <= 0:
        raise SystemExit("clients must be >= 0, votes per second and seconds > 0")
    total = round(votes_per_s * seconds)
    if total > PROPOSALS * 50_000:
        raise SystemExit("that many supports would need an unreasonable number of participants")
    raise_file_limit(clients + HTTP_CONNECTIONS + 1024)
    server = Server.prepare()
    password = "bench-" + os.urandom(12).hex()
    email = f"bench-{os.urandom(4).hex()}@example.org"  # unique, in case DATABASE_URL names a used database
    try:
        server.cli("migrate")
        server.cli("users", "add", email, "--role", "facilitator", "--password-stdin", "--name", "bench",
                   stdin=password + "\n")
        server.start()
        result = asyncio.run(measure(server, email, password, clients, votes_per_s, seconds))
    except RuntimeError as exc:
        raise SystemExit(f"bench failed: {exc}") from exc
    finally:
        server.stop()
    print(json.dumps(result, ensure_ascii=False), flush=True)
    return result
