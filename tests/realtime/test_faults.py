"""Nothing acknowledged is lost: the server killed outright under load, the database connections cut.

Phones retry a write with the same Idempotency-Key until it is answered (static/js/outbox.js does this);
these tests do the same over real HTTP against `deliberate serve` processes on the test database.
"""

from __future__ import annotations

import asyncio
import os
import shlex
import signal
import time
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from starlette.applications import Starlette

from deliberate.comments.models import Comment
from tests.conftest import postgres_server_url
from tests.realtime.test_scale_out import remotes, serve

RETRYABLE = {502, 503, 504}


async def send_until_answered(
    http: httpx.AsyncClient, path: str, headers: dict[str, str], body: dict[str, Any], within: float = 30.0
) -> httpx.Response:
    """What a phone's outbox does: the same request, the same key, until the server answers it."""
    deadline = time.monotonic() + within
    delay = 0.1
    while True:
        try:
            r = await http.post(path, headers=headers, json=body)
            if r.status_code not in RETRYABLE:
                return r
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, f"{path} was not answered within {within} s"
        await asyncio.sleep(delay)
        delay = min(delay * 2, 1.0)


async def stored_comments(pid: int) -> list[str]:
    return sorted(await Comment.filter(proposal_id=pid).values_list("body", flat=True))  # type: ignore[arg-type]


async def test_acknowledged_writes_survive_kill_9_and_retries_count_once(
    app: Starlette, database_url: str, tmp_path: Path
) -> None:
    redis_url = os.environ.get("REDIS_URL", "")
    with serve(database_url, redis_url, tmp_path / "first.log") as first:
        async with remotes(first, first) as (staff, _):
            code, theme = await staff.session("ideas")
            author = await staff.join(code, "ผู้เสนอ")
            pid = await staff.propose(code, author, theme, "โรงเรียนผู้สูงอายุประจำตำบล")
            people = [await staff.join(code, f"ผู้ร่วมเวที {i}") for i in range(40)]
        path = f"/api/v1/proposals/{pid}/comments"
        writes = [
            (who | {"idempotency-key": f"comment-{i}"}, {"body": f"ความเห็นที่ {i} ขอให้มีรถรับส่ง", "stance": "for"})
            for i, who in enumerate(people)
        ]
        acknowledged: set[int] = set()
        enough = asyncio.Event()

        async def one(http: httpx.AsyncClient, i: int) -> None:
            headers, body = writes[i]
            await asyncio.sleep(i * 0.01)
            try:
                r = await http.post(path, headers=headers, json=body)
            except httpx.TransportError:
                return
            if r.status_code == 201:
                acknowledged.add(i)
                if len(acknowledged) >= 10:
                    enough.set()

        async with httpx.AsyncClient(base_url=first.base_url, timeout=5) as http:
            load = asyncio.gather(*(one(http, i) for i in range(len(writes))))
            await enough.wait()  # kill in the middle of the load, not before or after it
            os.killpg(first.pid, signal.SIGKILL)
            await load
    assert 10 <= len(acknowledged) < len(writes)

    with serve(database_url, redis_url, tmp_path / "second.log") as second:
        assert {writes[i][1]["body"] for i in acknowledged} <= set(await stored_comments(pid))  # none lost
        async with httpx.AsyncClient(base_url=second.base_url, timeout=10) as http:
            for headers, body in writes:  # every phone retries what it has no answer for (and some it has)
                r = await send_until_answered(http, path, headers, body)
                assert r.status_code == 201, r.text
    assert await stored_comments(pid) == sorted(body["body"] for _, body in writes)  # each exactly once


@pytest.mark.skipif(not postgres_server_url(), reason="runs when DATABASE_URL points at PostgreSQL")
async def test_the_app_recovers_on_its_own_when_postgresql_restarts(
    app: Starlette, database_url: str, tmp_path: Path
) -> None:
    """CI restarts the machine's PostgreSQL (DELIBERATE_TEST_PG_RESTART holds the command); elsewhere the test
    cuts every connection of the app's database, which is what the app sees of a restart."""
    redis_url = os.environ.get("REDIS_URL", "")
    with serve(database_url, redis_url, tmp_path / "app.log") as app:
        async with remotes(app, app) as (staff, _):
            code, theme = await staff.session("ideas")
            author = await staff.join(code, "ผู้เสนอ")
            pid = await staff.propose(code, author, theme, "ลานตากข้าวชุมชน")
            people = [await staff.join(code, f"คนที่ {i}") for i in range(10)]
            path = f"/api/v1/proposals/{pid}/comments"
            async with staff.ws(code) as phone:
                restart = os.environ.get("DELIBERATE_TEST_PG_RESTART")
                if restart:
                    done = await asyncio.create_subprocess_exec(*shlex.split(restart))
                    assert await asyncio.wait_for(done.wait(), 120) == 0
                else:
                    await cut_connections(database_url)
                started = time.monotonic()
                for i, who in enumerate(people):
                    r = await send_until_answered(
                        staff.http,
                        path,
                        who | {"idempotency-key": f"after-{i}"},
                        {"body": f"หลังระบบฐานข้อมูลกลับมา {i}", "stance": "for"},
                    )
                    assert r.status_code == 201, r.text
                recovered_in = time.monotonic() - started
                # the live channel carries on: the phone sees the comments arrive
                from tests.realtime.test_websocket import wait_for

                await wait_for(
                    phone,
                    lambda m: (
                        m.element(f"proposal-{pid}-comments") is not None
                        and m.element(f"proposal-{pid}-comments").get_text(strip=True) == "10"
                    ),
                    within=5,
                )
            assert (await staff.http.get("/readyz")).status_code == 200
    assert len(await stored_comments(pid)) == 10
    assert recovered_in < 30


async def cut_connections(database_url: str) -> None:
    name = database_url.rsplit("/", 1)[-1]
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
            name,
        )
    finally:
        await conn.close()
