"""Several app processes on one database and one Redis: every change reaches every page, numbered the same.

Two `deliberate serve` processes (as behind a proxy) share the test database and a Redis. With REDIS_URL set
(CI sets it for the PostgreSQL run) they use it; otherwise they start a Redis of their own, as the fault test
always does so it can stop it. `python3 -m deliberate.bootstrap test` installs redis-server; without it and
without REDIS_URL these tests say they were skipped.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import ROOT, Served, child_env, deliberate_command, free_port
from tests.realtime.test_websocket import Message, Remote, next_message, wait_for

REDIS_URL = os.environ.get("REDIS_URL")
REDIS_SERVER = shutil.which("redis-server")


@dataclass(frozen=True)
class Running(Served):
    pid: int = 0


@contextmanager
def serve(database_url: str, redis_url: str, log: Path, *extra: str) -> Iterator[Running]:
    port = free_port()
    env = child_env(database_url) | {"REDIS_URL": redis_url}
    if not redis_url:
        env.pop("REDIS_URL")
    with log.open("w") as out:
        proc = subprocess.Popen(
            [deliberate_command(), "serve", "--host", "127.0.0.1", "--port", str(port), *extra],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, f"deliberate serve exited with {proc.returncode}:\n{log.read_text()}"
            try:
                if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, f"deliberate serve did not get ready:\n{log.read_text()}"
            time.sleep(0.1)
        yield Running(base, f"ws://127.0.0.1:{port}", database_url, pid=proc.pid)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@asynccontextmanager
async def remotes(a: Served, b: Served) -> AsyncIterator[tuple[Remote, Remote]]:
    email, password = a.add_staff("facilitator")
    async with (
        httpx.AsyncClient(base_url=a.base_url, timeout=10) as ha,
        httpx.AsyncClient(base_url=b.base_url, timeout=10) as hb,
    ):
        r = await ha.post("/api/v1/auth/token", json={"email": email, "password": password})
        assert r.status_code == 201, r.text
        staff = {"authorization": f"Bearer {r.json()['token']}"}
        yield Remote(a, ha, staff), Remote(b, hb, staff)


async def until_quiet(ws: Any, quiet_s: float = 0.5) -> list[Message]:
    """The messages still on their way, until none comes for `quiet_s`."""
    more: list[Message] = []
    while True:
        try:
            more.append(await next_message(ws, quiet_s))
        except TimeoutError:
            return more


def supports_of(message: Message, pid: int) -> int | None:
    element = message.element(f"proposal-{pid}-supports")
    return int(element.get_text(strip=True)) if element is not None else None


@pytest.fixture(scope="module")
def two_processes(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Served, Served]]:
    if not REDIS_URL and not (REDIS_SERVER and shutil.which("redis-cli")):
        pytest.skip("no Redis for two app processes: set REDIS_URL or install redis-server")
    logs = tmp_path_factory.mktemp("two")
    own, url = None, REDIS_URL
    if not url:
        own = OwnRedis(logs)
        own.start()
        url = own.url
    try:
        with serve(database_url, url, logs / "a.log") as a, serve(database_url, url, logs / "b.log") as b:
            yield a, b
    finally:
        if own is not None:
            own.stop()


async def test_a_change_taken_by_one_process_reaches_pages_on_the_other(two_processes: tuple[Served, Served]) -> None:
    async with remotes(*two_processes) as (a, b):
        code, theme = await a.session("ideas")
        author, backer = await a.join(code, "ผู้เสนอ"), await b.join(code, "ผู้สนับสนุน")
        async with a.ws(code) as on_a, b.ws(code) as on_b:
            pid = await b.propose(code, author, theme, "รถรับส่งผู้สูงอายุไปโรงพยาบาล")
            seen_a, _ = await wait_for(on_a, lambda m: m.names_proposal(pid))
            seen_b, _ = await wait_for(on_b, lambda m: m.names_proposal(pid))
            assert seen_a.seq == seen_b.seq  # one history, numbered the same in both processes
            await a.phase(code, "voting")
            await a.support(pid, backer)
            got_b, _ = await wait_for(on_b, lambda m: supports_of(m, pid) == 1)
            got_a, _ = await wait_for(on_a, lambda m: supports_of(m, pid) == 1)
            assert got_a.seq == got_b.seq > seen_a.seq


async def test_writes_split_across_processes_arrive_everywhere_in_order(two_processes: tuple[Served, Served]) -> None:
    async with remotes(*two_processes) as (a, b):
        code, theme = await a.session("ideas")
        author = await a.join(code, "ผู้เสนอ")
        pid = await a.propose(code, author, theme, "ศูนย์เรียนรู้เกษตรอินทรีย์")
        await a.phase(code, "voting")
        people = [await (a if i % 2 else b).join(code, f"คนที่ {i}") for i in range(20)]
        async with a.ws(code) as on_a, b.ws(code) as on_b:
            await asyncio.gather(*((a if i % 2 else b).support(pid, who) for i, who in enumerate(people)))
            _, seen_a = await wait_for(on_a, lambda m: supports_of(m, pid) == 20, within=3)
            _, seen_b = await wait_for(on_b, lambda m: supports_of(m, pid) == 20, within=3)
            seen_a += await until_quiet(on_a)
            seen_b += await until_quiet(on_b)
        last_a, last_b = seen_a[-1], seen_b[-1]
        for seen in (seen_a, seen_b):
            numbers = [m.seq for m in seen]
            assert numbers == sorted(set(numbers))  # never out of order, never twice
            counts = [c for m in seen if (c := supports_of(m, pid)) is not None]
            assert counts == sorted(counts)  # a page never sees the count go back
        assert last_a.seq == last_b.seq  # both end on the last event's number


async def test_a_page_reconnecting_to_the_other_process_catches_up(two_processes: tuple[Served, Served]) -> None:
    async with remotes(*two_processes) as (a, b):
        code, theme = await a.session("ideas")
        author = await a.join(code, "ผู้เสนอ")
        async with b.ws(code) as watcher:  # another phone stays on b throughout
            async with a.ws(code) as phone:
                first = await a.propose(code, author, theme, "ธนาคารขยะ")
                seen, _ = await wait_for(phone, lambda m: m.names_proposal(first))
                await wait_for(watcher, lambda m: m.seq == seen.seq)
            second = await a.propose(code, author, theme, "กองทุนข้าวสาร")
            newest, _ = await wait_for(watcher, lambda m: m.names_proposal(second))
            async with b.ws(code, f"?since={seen.seq}") as phone:  # the phone comes back through b
                caught_up = await next_message(phone)
        assert caught_up.seq == newest.seq
        assert caught_up.names_proposal(second)


async def test_the_same_write_sent_to_both_processes_counts_once(two_processes: tuple[Served, Served]) -> None:
    async with remotes(*two_processes) as (a, b):
        code, theme = await a.session("ideas")
        author = await a.join(code, "ผู้เสนอ")
        body = {"title": "ตู้น้ำดื่มสะอาดประจำหมู่บ้าน", "theme_id": theme}
        headers = author | {"idempotency-key": "tap-tap-1"}
        answers = await asyncio.gather(
            *(r.http.post(f"/api/v1/sessions/{code}/proposals", headers=headers, json=body) for r in (a, b, a, b))
        )
        assert {r.status_code for r in answers} == {201}, [r.text for r in answers]
        assert len({r.json()["id"] for r in answers}) == 1
        listed = (await b.http.get(f"/api/v1/sessions/{code}/proposals", headers=author)).json()
        assert [p["title"] for p in listed["items"]].count(body["title"]) == 1


def test_several_workers_need_redis(database_url: str) -> None:
    env = child_env(database_url)
    env.pop("REDIS_URL", None)
    done = subprocess.run(
        [deliberate_command(), "serve", "--workers", "2", "--port", str(free_port())],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "REDIS_URL" in done.stderr


# -- Redis down --------------------------------------------------------------------------------------------
class OwnRedis:
    """A Redis of this test's own, so stopping it disturbs nobody else."""

    def __init__(self, folder: Path) -> None:
        self.port = free_port()
        self.folder = folder
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        assert REDIS_SERVER
        self.proc = subprocess.Popen(
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while (
            subprocess.run(["redis-cli", "-p", str(self.port), "ping"], capture_output=True, check=False).stdout.strip()
            != b"PONG"
        ):
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None


@pytest.mark.skipif(not REDIS_SERVER or not shutil.which("redis-cli"), reason="redis-server is not installed")
async def test_with_redis_down_writes_succeed_and_pages_fall_back(database_url: str, tmp_path: Path) -> None:
    redis = OwnRedis(tmp_path)
    redis.start()
    try:
        with (
            serve(database_url, redis.url, tmp_path / "a.log") as sa,
            serve(database_url, redis.url, tmp_path / "b.log") as sb,
        ):
            async with remotes(sa, sb) as (a, b):
                code, theme = await a.session("ideas")
                author = await a.join(code, "ผู้เสนอ")
                async with a.ws(code) as on_a, b.ws(code) as on_b:
                    redis.stop()
                    pid = await a.propose(code, author, theme, "ไฟส่องทางเข้าหมู่บ้าน")  # still 201
                    await wait_for(on_a, lambda m: m.names_proposal(pid))  # its own pages at once
                    # b's pages: the slower path, a snapshot every few seconds
                    await wait_for(
                        on_b,
                        lambda m: (
                            m.element("count-proposals") is not None
                            and m.element("count-proposals").get_text(strip=True) == "1"
                        ),
                        within=6,
                    )
                    r = await b.http.get("/readyz")
                    assert r.status_code == 503
                    redis.start()  # back: the fast path again
                    deadline = time.monotonic() + 15
                    while (await b.http.get("/readyz")).status_code != 200:
                        assert time.monotonic() < deadline, "b did not reconnect to Redis"
                        await asyncio.sleep(0.2)
                    while (await a.http.get("/readyz")).status_code != 200:
                        assert time.monotonic() < deadline, "a did not reconnect to Redis"
                        await asyncio.sleep(0.2)
                    await a.phase(code, "voting")
                    await a.support(pid, author)
                    await wait_for(on_b, lambda m: supports_of(m, pid) == 1, within=1.5)
    finally:
        redis.stop()


@pytest.mark.skipif(not REDIS_SERVER or not shutil.which("redis-cli"), reason="redis-server is not installed")
async def test_a_quiet_bus_waits_on_its_subscription_instead_of_spinning(tmp_path: Path) -> None:
    """A subscriber with nothing to hear sits idle between its keep-alive pings (it once pinged in a loop,
    millions of times, a core per process)."""
    import redis.asyncio as aioredis

    from deliberate.realtime.bus import PING_EVERY_S, make_bus

    redis = OwnRedis(tmp_path)
    redis.start()
    bus = make_bus(redis.url, "sqlite:///quiet-bus-test")
    watcher = aioredis.Redis.from_url(redis.url, decode_responses=True)
    try:
        await bus.start()
        assert bus.healthy
        await asyncio.sleep(PING_EVERY_S / 2)
        subscriber = [
            c for c in await watcher.client_list() if c["name"].startswith("deliberate-bus-") and c.get("sub") == "1"
        ]
        assert len(subscriber) == 1, subscriber
        # Seconds since its last command: a spinning loop keeps this at 0.
        assert int(subscriber[0]["idle"]) >= 1, subscriber[0]
        before = (await watcher.info("commandstats")).get("cmdstat_ping", {}).get("calls", 0)
        await asyncio.sleep(PING_EVERY_S / 2)
        after = (await watcher.info("commandstats")).get("cmdstat_ping", {}).get("calls", 0)
        assert after - before <= 2
    finally:
        await watcher.aclose()
        await bus.stop()
        redis.stop()
