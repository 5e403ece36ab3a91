"""The pieces every live-channel scenario is built from (`live.py` steady, `live_spike.py`,
`live_storm.py`, `live_map.py`): the server processes, the viewers and their websocket protocol, the
session they watch, the tallies and the measures. The scenarios import this; it imports none of them.
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
from websockets.protocol import State
from websockets.uri import WebSocketURI, parse_uri

from deliberate.bench.wire import Wire, WireError

try:
    import sniffio  # noqa: F401
except ImportError:
    # httpcore tries `import sniffio` on every request; a failed import is not cached and costs a
    # search of sys.path each time. Mark it missing once so the load generator does not pay for it.
    # None there is what the import system documents for "known missing"; typeshed's sys.modules omits it.
    sys.modules["sniffio"] = None  # type: ignore[assignment]

PROPOSALS = 20
THEMES = ["สวัสดิการชุมชน", "สุขภาพ", "อาชีพและรายได้", "แหล่งน้ำ"]
SAMPLE_VIEWERS = 50
CONNECT_CONCURRENCY = 50
JOIN_CONCURRENCY = 16
HTTP_CONNECTIONS = 100
DRAIN_S = 3.0  # after the last support, how long viewers keep listening for its update (at least)
# A (support, sampled viewer) pair not seen within this long of the support's due time counts as not seen,
# as the independent generator counts it (shared/bench/app_swarm.py --lost-after).
LOST_AFTER_S = 10.0
SETTLE_S = 30.0  # then how long a viewer may take to show the final counts before it counts as lost
RSS_EVERY_S = 0.5
SUPPORTS_RE = re.compile(rb'id="proposal-(\d+)-supports"[^>]*>(\d+)<')
SEQ_RE = re.compile(rb'id="live-seq" data-seq="(\d+)"')
BOARD_REFRESH = b'id="board-refresh"'


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..1); None when there is nothing to measure."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q * len(ordered)))
    return round(ordered[rank - 1], 1)


def spread(values: list[float]) -> dict[str, float | None]:
    return {
        "p50": percentile(values, 0.50),
        "p95": percentile(values, 0.95),
        "p99": percentile(values, 0.99),
        "max": round(max(values), 1) if values else None,
    }


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
    name: str = "server"

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
        # The whole simulated hall joins from 127.0.0.1 within seconds: the bench raises the join limit for
        # itself (a real hall spreads its joins over a minute or two, and over the venue's addresses).
        env.setdefault("DELIBERATE_JOINS_PER_ADDRESS", "100000/second")
        env.setdefault("PYTHONUNBUFFERED", "1")
        return cls(free_port(), env, workdir, True)

    def sibling(self, name: str) -> Server:
        """Another server over the same database (and Redis), on its own port, logging beside this one."""
        return Server(free_port(), self.env, self.workdir, False, name=name)

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def cli(self, *args: str, stdin: str | None = None) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "deliberate.cli", *args],
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"deliberate {' '.join(args)} failed: {result.stderr.strip()}")
        return result.stdout

    def start(self, command: tuple[str, ...] = ("deliberate.cli", "serve")) -> None:
        """Run `python -m <command> --host --port`; `bench live --map` runs its own wrapper of the app."""
        self.log_file = (self.workdir / f"{self.name}.log").open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", *command, "--host", "127.0.0.1", "--port", str(self.port)],
            env=self.env,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
        )

    async def wait_ready(self, client: httpx.AsyncClient, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited early:\n{self.log_tail()}")
            with contextlib.suppress(httpx.HTTPError):
                r = await client.get(f"{self.base}/api/v1/openapi.json")
                if r.status_code == 200:
                    return
            await asyncio.sleep(0.1)
        raise RuntimeError(f"{self.name} did not answer within {timeout:.0f} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        path = self.workdir / f"{self.name}.log"
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
_parsed: dict[bytes, tuple[int | None, tuple[tuple[int, int], ...], bool]] = {}


def parse(data: bytes) -> tuple[int | None, tuple[tuple[int, int], ...], bool]:
    """(sequence number, (proposal, supports) pairs, whether it asks for the board) of one message.

    Every viewer of a tick gets the same bytes, so the regexes run once per message, not once per viewer."""
    hit = _parsed.get(data)
    if hit is None:
        m = SEQ_RE.search(data, 0, 200)
        pairs = tuple((int(p), int(c)) for p, c in SUPPORTS_RE.findall(data))
        hit = (int(m[1]) if m else None, pairs, BOARD_REFRESH in data)
        if len(_parsed) >= 64:
            _parsed.clear()
        _parsed[data] = hit
    return hit


@dataclass
class Viewer:
    """One websocket page: the last sequence number and counts it saw. A sampled viewer also keeps, per
    proposal, when each higher count first arrived."""

    sampled: bool
    token: str | None = None  # the participant behind the page, for what it fetches beside its websocket
    server: int = 0  # which of the servers it connects to
    state: str = "pending"  # then "open" or "failed"
    messages: int = 0
    seq: int | None = None
    last: dict[int, int] = field(default_factory=dict)
    first_at: float | None = None  # when the first message arrived
    changed_at: float | None = None  # when a count last went up
    fetching: int = 0  # board requests under way
    synced_at: float | None = None  # see Pages.check
    counts: dict[int, list[int]] = field(default_factory=dict)
    times: dict[int, list[float]] = field(default_factory=dict)

    def note(self, data: bytes, now: float) -> bool:
        """Take one message in; True when it asks the page to fetch its board again (a snapshot)."""
        seq, pairs, board = parse(data)
        if self.first_at is None:
            self.first_at = now
        if seq is not None:
            self.seq = seq
        self.take(pairs, now)
        return board

    def take(self, pairs: tuple[tuple[int, int], ...], now: float) -> None:
        last = self.last
        for pid, count in pairs:
            if count > last.get(pid, 0):
                last[pid] = count
                self.changed_at = now
            if self.sampled:
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

    def shortfall(self, final: dict[int, int]) -> int:
        """How many supports this page is missing against the final counts."""
        return sum(max(0, n - self.last.get(pid, 0)) for pid, n in final.items())


@dataclass
class Tally:
    errors: Counter[str] = field(default_factory=Counter)
    support_latency: list[float] = field(default_factory=list)
    acks: list[tuple[int, int, float]] = field(default_factory=list)  # (proposal id, count, sent at)
    sent: int = 0
    timeline: list[tuple[float, float]] = field(default_factory=list)  # (due, answered)

    def error(self, kind: str) -> None:
        self.errors[kind] += 1


class Pages:
    """What a browser page does beside its websocket. A snapshot message (after a phase change, or a
    reconnect the replay buffer cannot cover) carries `board-refresh`, on which htmx fetches the board
    with the participant's cookie; the page is up to date only once that answer is in."""

    def __init__(self, wires: list[Wire], code: str, tally: Tally) -> None:
        self.wires = wires
        self.code = code
        self.tally = tally
        self.tasks: set[asyncio.Task[None]] = set()
        self.fetch_ms: list[float] = []
        self.target_seq: int | None = None  # see check

    def refresh(self, viewer: Viewer) -> None:
        if viewer.token is None:
            return  # a page without a participant would be sent to the join form instead
        viewer.fetching += 1
        task = asyncio.create_task(self._fetch(viewer))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _fetch(self, viewer: Viewer) -> None:
        started = time.perf_counter()
        try:
            r = await self.wires[viewer.server].request(
                "GET",
                f"/s/{self.code}?part=board",
                {"hx-request": "true", "cookie": f"dlb_p_{self.code}={viewer.token}"},
            )
            if r.status == 200:
                now = time.perf_counter()
                self.fetch_ms.append((now - started) * 1000)
                viewer.take(tuple((int(p), int(c)) for p, c in SUPPORTS_RE.findall(r.body)), now)
            else:
                self.tally.error(f"board_{r.status}")
        except WireError as exc:
            self.tally.error(f"board:{exc}")
        finally:
            viewer.fetching -= 1
            self.check(viewer, time.perf_counter())

    def check(self, viewer: Viewer, now: float) -> None:
        """Mark the page synchronised once it holds target_seq and has no board request under way."""
        target = self.target_seq
        if (
            target is not None
            and viewer.synced_at is None
            and viewer.seq is not None
            and viewer.seq >= target
            and not viewer.fetching
        ):
            viewer.synced_at = now

    async def drain(self, timeout: float) -> None:
        if self.tasks:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.gather(*self.tasks, return_exceptions=True), timeout)


def whole_text_frame(data: bytes) -> bytes | None:
    """The payload when `data` is exactly one whole, final, unmasked text frame (what a server sends for a
    message of a few kilobytes, which arrives in one read), else None and the library parses it."""
    if len(data) < 2 or data[0] != 0x81:  # FIN + text: no fragments, no pings or closes
        return None
    n, start = data[1], 2  # a server's frames carry no mask bit
    if n == 126:
        n, start = int.from_bytes(data[2:4]), 4
    elif n == 127:
        return None
    return data[start:] if len(data) == start + n else None


class ViewerProtocol(asyncio.Protocol):
    """A websocket page driven by the websockets library's Sans-I/O protocol.

    The asyncio client of the same library costs several times more CPU per message (futures, an
    assembler, a reader task per connection); with a thousand viewers in one process that would measure
    the load generator instead of the server. Handshake, framing, pings and closing are the library's;
    only a read that holds exactly one whole text frame, as nearly every update is, skips its parser
    (a quarter of the generator's CPU at 5,000 viewers).
    """

    def __init__(
        self, uri: WebSocketURI, viewer: Viewer, tally: Tally, stopping: asyncio.Event, pages: Pages | None = None
    ) -> None:
        self.ws = ClientProtocol(uri, max_size=None)
        self.viewer = viewer
        self.tally = tally
        self.stopping = stopping
        self.pages = pages
        self.transport: asyncio.Transport | None = None
        self.framed = False  # see data_received
        self.opened: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports are not asyncio.Transport subclasses, yet have what this protocol uses: its
        # types say less than it does.
        self.transport = transport  # type: ignore[assignment]
        self.ws.send_request(self.ws.connect())
        self._flush()

    def data_received(self, data: bytes) -> None:
        if self.framed:
            text = whole_text_frame(data)
            if text is not None:
                self._message(text)
                return
        self.ws.receive_data(data)
        for event in self.ws.events_received():
            if isinstance(event, Frame):
                if event.opcode in (Opcode.TEXT, Opcode.BINARY):
                    self._message(bytes(event.data))
            elif not self.opened.done():  # the handshake response
                if self.ws.handshake_exc is not None:
                    self.opened.set_exception(self.ws.handshake_exc)
                else:
                    self.viewer.state = "open"
                    self.opened.set_result(None)
                    if self.pages is not None:  # a page already at the newest number is sent nothing
                        self.pages.check(self.viewer, time.perf_counter())
        # Only with nothing half-read in the library's buffer may the next chunk skip it.
        self.framed = self.ws.state is State.OPEN and not self.ws.reader.buffer
        self._flush()

    def _message(self, data: bytes) -> None:
        viewer, pages = self.viewer, self.pages
        viewer.messages += 1
        now = time.perf_counter()
        if viewer.note(data, now) and pages is not None:
            pages.refresh(viewer)
        if pages is not None:
            pages.check(viewer, now)

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


async def open_viewer(
    url: str, viewer: Viewer, tally: Tally, stopping: asyncio.Event, gate: asyncio.Semaphore, pages: Pages | None = None
) -> ViewerProtocol | None:
    uri = parse_uri(url)
    loop = asyncio.get_running_loop()
    viewer.state = "pending"
    try:
        async with gate:
            _, protocol = await asyncio.wait_for(
                loop.create_connection(lambda: ViewerProtocol(uri, viewer, tally, stopping, pages), uri.host, uri.port),
                60,
            )
            await asyncio.wait_for(protocol.opened, 60)
        return protocol
    except Exception as exc:  # noqa: BLE001 (any failure to connect is an error to report)
        viewer.state = "failed"
        tally.error(f"ws_connect:{type(exc).__name__}")
        return None


async def close_viewers(protocols: list[ViewerProtocol], stopping: asyncio.Event, timeout: float = 10) -> None:
    stopping.set()
    for protocol in protocols:
        protocol.close()
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(asyncio.gather(*(p.closed for p in protocols)), timeout)


def rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        with contextlib.suppress(psutil.Error):
            total += psutil.Process(pid).memory_info().rss
    return total / 2**20


async def watch_rss(pid: int | list[int], stop: asyncio.Event, peak: list[float], children: bool = False) -> None:
    """Peak resident memory of the server, or the sum over servers (with `children`, plus their child
    processes, such as the map's)."""
    try:
        processes = [psutil.Process(p) for p in ([pid] if isinstance(pid, int) else pid)]
        while not stop.is_set():
            with contextlib.suppress(psutil.Error):
                family = [*processes, *(c for p in processes for c in (p.children(recursive=True) if children else []))]
                peak[0] = max(peak[0], sum(p.memory_info().rss for p in family) / 2**20)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), RSS_EVERY_S)
    except psutil.Error:
        return


async def support_once(wire: Wire, token: str, pid: int, tally: Tally, due: float | None = None) -> None:
    """One support, with an Idempotency-Key as a phone's outbox sends it. Latency runs from the moment it was
    `due` on the schedule (perf_counter), not from when this task got to run: a generator whose own loop lags
    would otherwise hide the lag (and the server's queue) from both the support and the seen latency."""
    sent = time.perf_counter() if due is None else due
    tally.sent += 1
    try:
        r = await wire.request(
            "POST",
            f"/api/v1/proposals/{pid}/support",
            {"authorization": f"Bearer {token}", "idempotency-key": f"bench-{tally.sent}"},
        )
    except WireError as exc:
        tally.error(f"http:{exc}")
        return
    done = time.perf_counter()
    if not 200 <= r.status < 300:
        tally.error(f"http_{r.status}")
        return
    tally.support_latency.append((done - sent) * 1000)
    tally.acks.append((pid, int(json.loads(r.body)["supports"]), sent))
    tally.timeline.append((sent, done))


# -- set-up over the API ----------------------------------------------------------------------------------------
async def expect(response: httpx.Response, *statuses: int) -> dict[str, Any]:
    if response.status_code not in statuses:
        raise RuntimeError(
            f"{response.request.method} {response.request.url.path} answered "
            f"{response.status_code}: {response.text[:300]}"
        )
    return dict(response.json())


@dataclass
class Prepared:
    code: str
    proposal_ids: list[int]
    tokens: list[str]  # one per participant
    staff: dict[str, str]  # the facilitator's authorization header


async def prepare_session(
    client: httpx.AsyncClient, email: str, password: str, participants: int, *, voting: bool = True
) -> Prepared:
    """A session with PROPOSALS proposals and `participants` joined, left in voting (or still in ideas)."""
    token = (await expect(await client.post("/api/v1/auth/token", json={"email": email, "password": password}), 201))[
        "token"
    ]
    staff = {"authorization": f"Bearer {token}"}
    created = await expect(
        await client.post(
            "/api/v1/sessions",
            headers=staff,
            json={"title": "เวทีทดสอบโหลด", "assembly_title": "สมัชชาทดสอบ", "themes": THEMES, "province_code": "83"},
        ),
        201,
    )
    code = created["code"]
    await expect(await client.post(f"/api/v1/sessions/{code}/phase", headers=staff, json={"phase": "ideas"}), 200)
    themes = [t["id"] for t in (await expect(await client.get(f"/api/v1/sessions/{code}"), 200))["themes"]]

    async def join(i: int) -> str:
        body = {"display_name": f"ผู้เข้าร่วม {i + 1}", "consent": True, "subdistrict_code": "830101"}
        return str((await expect(await client.post(f"/api/v1/sessions/{code}/participants", json=body), 201))["token"])

    author = {"authorization": f"Bearer {await join(-1)}"}
    proposal_ids = []
    for i in range(PROPOSALS):
        body = {
            "title": f"ข้อเสนอทดสอบที่ {i + 1}",
            "body": "ข้อเสนอสำหรับวัดความเร็วการอัปเดตสด",
            "theme_id": themes[i % len(themes)],
            "target_groups": ["everyone"],
        }
        proposal_ids.append(
            (await expect(await client.post(f"/api/v1/sessions/{code}/proposals", headers=author, json=body), 201))[
                "id"
            ]
        )
    if voting:
        await open_voting(client, code, staff)

    gate = asyncio.Semaphore(JOIN_CONCURRENCY)

    async def gated_join(i: int) -> str:
        async with gate:
            return await join(i)

    tokens = list(await asyncio.gather(*(gated_join(i) for i in range(participants))))
    return Prepared(code, proposal_ids, tokens, staff)


async def open_voting(client: httpx.AsyncClient, code: str, staff: dict[str, str]) -> None:
    await expect(await client.post(f"/api/v1/sessions/{code}/phase", headers=staff, json={"phase": "voting"}), 200)


async def final_counts(client: httpx.AsyncClient, prepared: Prepared) -> dict[int, int]:
    """Supports per proposal as the API reports them: what every page should show at the end."""
    body = await expect(await client.get(f"/api/v1/sessions/{prepared.code}/proposals", headers=prepared.staff), 200)
    return {int(p["id"]): int(p["supports"]) for p in body["items"] if int(p["id"]) in prepared.proposal_ids}


def lost(viewers: list[Viewer], final: dict[int, int]) -> dict[str, Any]:
    """Viewers that stayed connected yet ended behind the API's counts (dropped ones count as errors),
    per server too, and whether every viewer, on every server, ended showing every vote."""
    short = [(v.server, v.shortfall(final)) for v in viewers if v.state == "open"]
    servers = max((v.server for v in viewers), default=0) + 1
    return {
        "lost_viewers": sum(1 for _, n in short if n),
        "missing_updates": sum(n for _, n in short),
        "lost_by_server": [sum(1 for s, n in short if s == i and n) for i in range(servers)],
        "every_viewer_saw_every_vote": len(short) == len(viewers) and not any(n for _, n in short),
    }


async def settle(viewers: list[Viewer], final: dict[int, int], timeout: float, pages: Pages | None = None) -> bool:
    """Wait until every connected viewer shows the final counts; False when some never do."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if all(v.shortfall(final) == 0 and not v.fetching for v in viewers if v.state == "open"):
            return True
        await asyncio.sleep(0.25)
    if pages is not None:
        await pages.drain(1.0)
    return False


# -- the servers and their clients -------------------------------------------------------------------------------
@dataclass
class Rig:
    """The servers under test, an HTTP client for each (httpx to set up and check, a Wire for the load), and
    the facilitator who prepares sessions."""

    servers: list[Server]
    clients: list[httpx.AsyncClient]
    wires: list[Wire]
    email: str
    password: str

    @property
    def pids(self) -> list[int]:
        return [s.pid for s in self.servers]

    def ws_url(self, viewer: Viewer, code: str, since: int | None = None) -> str:
        port = self.servers[viewer.server].port
        return f"ws://127.0.0.1:{port}/ws/sessions/{code}?view=participant" + (
            f"&since={since}" if since is not None else ""
        )

    def spread_viewers(self, clients: int, tokens: list[str] | None = None) -> list[Viewer]:
        """Viewer i on server i % n; the sampled ones land at random places, so on every server."""
        sampled = [i < SAMPLE_VIEWERS for i in range(clients)]
        random.Random(21).shuffle(sampled)  # noqa: S311 (a reproducible layout, not security)
        return [
            Viewer(sampled=s, token=tokens[i] if tokens else None, server=i % len(self.servers))
            for i, s in enumerate(sampled)
        ]

    async def open(
        self,
        viewers: list[Viewer],
        code: str,
        tally: Tally,
        stopping: asyncio.Event,
        pages: Pages | None = None,
        concurrency: int = CONNECT_CONCURRENCY,
        resume: bool = False,
    ) -> list[ViewerProtocol]:
        """Connect every viewer (with `resume`, saying the last number it saw, as live.js does)."""
        gate = asyncio.Semaphore(concurrency)
        opened = await asyncio.gather(
            *(
                open_viewer(self.ws_url(v, code, v.seq if resume else None), v, tally, stopping, gate, pages)
                for v in viewers
            )
        )
        return [p for p in opened if p is not None]


class CpuWatch:
    """CPU used by the servers and by this process over a stretch, against the whole machine's."""

    def __init__(self, pids: list[int]) -> None:
        self.processes = [psutil.Process(p) for p in pids]
        self.before = self._times()
        self.started = time.perf_counter()
        psutil.cpu_percent()  # start the machine-wide measurement

    def _times(self) -> list[float]:
        return [sum(p.cpu_times()[:2]) for p in (*self.processes, psutil.Process())]

    def report(self, what: str) -> None:
        elapsed = max(1e-6, time.perf_counter() - self.started)
        machine = psutil.cpu_percent() * (psutil.cpu_count() or 1)
        ours = 0.0
        names = [f"server {i + 1}" for i in range(len(self.processes))] + ["bench"]
        for who, b, a in zip(names, self.before, self._times(), strict=True):
            ours += 100 * (a - b) / elapsed
            log(f"{who} CPU while {what}: {a - b:.1f} s over {elapsed:.1f} s ({100 * (a - b) / elapsed:.0f}%)")
        log(
            f"machine CPU while {what}: {machine:.0f}% of {100 * (psutil.cpu_count() or 1)}%; "
            f"about {max(0.0, machine - ours):.0f}% was other processes (figures are noisy when that is high)"
        )


def memory(before: float, open_: float, peak: float, viewers: int) -> dict[str, Any]:
    """The servers' resident memory, and what each thousand viewers added (connected; at the peak)."""
    per = (lambda mb: round((mb - before) * 1000 / viewers, 1)) if viewers else (lambda mb: None)
    return {
        "server_rss_mb": {
            "before_viewers": round(before, 1),
            "viewers_open": round(open_, 1),
            "peak": round(max(peak, open_), 1),
        },
        "mb_per_1000_viewers": per(open_),
        "mb_per_1000_viewers_peak": per(max(peak, open_)),
    }


async def drain(tally: Tally, viewers: list[Viewer], deadline: float) -> None:
    """Wait until every sampled viewer shows every answered support, or until `deadline` (perf_counter)."""
    sampled = [v for v in viewers if v.sampled and v.state == "open"]
    need: dict[int, int] = {}
    for pid, count, _ in tally.acks:
        need[pid] = max(need.get(pid, 0), count)
    while time.perf_counter() < deadline:
        if all(v.first_seen(pid, count) is not None for v in sampled for pid, count in need.items()):
            return
        await asyncio.sleep(0.1)


def seen_after(
    tally: Tally, viewers: list[Viewer], lost_after_s: float = LOST_AFTER_S
) -> tuple[list[float], int, list[tuple[float, float | None]]]:
    """Seen latency of every answered support on every sampled viewer that stayed connected: the
    latencies (ms), how many (support, viewer) pairs did not see it within `lost_after_s` of its due time,
    and the slowest viewer per support."""
    sampled = [v for v in viewers if v.sampled and v.state == "open"]
    seen: list[float] = []
    per_support: list[tuple[float, float | None]] = []
    missed = 0
    for pid, count, sent in tally.acks:
        slowest: float | None = 0.0
        for v in sampled:
            at = v.first_seen(pid, count)
            if at is None or at - sent > lost_after_s:
                missed += 1
                slowest = None
            else:
                seen.append((at - sent) * 1000)
                slowest = None if slowest is None else max(slowest, (at - sent) * 1000)
        per_support.append((sent, slowest))
    return seen, missed, per_support


def http_limits() -> httpx.Limits:
    # Idle connections are dropped before the server's 5 s keep-alive timeout, so a request never races
    # the server closing the connection under it.
    return httpx.Limits(
        max_connections=HTTP_CONNECTIONS, max_keepalive_connections=HTTP_CONNECTIONS, keepalive_expiry=2.0
    )
