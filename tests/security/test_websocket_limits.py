"""The websocket's abuse limits, over real TCP with a real websockets client: a message too large closes
1009, too many messages close 4429, and unknown session codes count against the same per-address limit as
the pages and the API. Every close carries a short reason in the page's language.

The app is served by uvicorn inside the test (tight code limits of its own), so tripping the per-address
limit from 127.0.0.1 cannot spoil the shared `served` app other tests use.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator

import httpx
import pytest
import uvicorn
import websockets
from websockets.exceptions import ConnectionClosed, InvalidStatus

from deliberate.app import create_app
from deliberate.i18n import gettext, language
from deliberate.settings import Settings
from deliberate.web.live import CLOSE_TOO_BIG, CLOSE_TOO_FAST, MAX_CLIENT_MESSAGE, MAX_CLIENT_MESSAGES
from tests.conftest import Api, free_port


@pytest.fixture
async def base(settings: Settings) -> AsyncIterator[str]:
    tight = dataclasses.replace(settings, code_misses_per_address="3/minute")
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(tight), host="127.0.0.1", port=port, log_level="warning"))
    task = asyncio.create_task(server.serve())
    while not server.started:
        assert not task.done(), "uvicorn did not start"
        await asyncio.sleep(0.05)
    try:
        yield f"127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


async def new_session(base: str) -> str:
    async with httpx.AsyncClient(base_url=f"http://{base}") as http:
        api = Api(http)
        return str((await api.new_session(await api.staff(), phase="ideas"))["code"])


async def closed_with(ws: websockets.ClientConnection) -> tuple[int, str]:
    with pytest.raises(ConnectionClosed) as closed:
        async with asyncio.timeout(5):
            while True:
                await ws.recv()
    assert closed.value.rcvd is not None, "the server closed without a close frame"
    return closed.value.rcvd.code, closed.value.rcvd.reason


def thai(message: str, **params: object) -> str:
    with language("th"):
        return gettext(message, **params)


async def test_a_message_too_large_closes_1009_with_a_reason(base: str) -> None:
    code = await new_session(base)
    async with websockets.connect(f"ws://{base}/ws/sessions/{code}", open_timeout=5) as ws:
        await ws.send("x" * MAX_CLIENT_MESSAGE)  # at the limit: kept open
        await ws.ping()
        await ws.send("ก" * (MAX_CLIENT_MESSAGE + 1))
        assert await closed_with(ws) == (CLOSE_TOO_BIG, thai("Message too large."))
    async with websockets.connect(f"ws://{base}/ws/sessions/{code}?lang=en") as ws:
        await ws.send(b"\x00" * 5000)
        assert await closed_with(ws) == (CLOSE_TOO_BIG, "Message too large.")


async def test_too_many_messages_close_4429_with_a_reason(base: str) -> None:
    code = await new_session(base)
    async with websockets.connect(f"ws://{base}/ws/sessions/{code}", open_timeout=5) as ws:
        for _ in range(MAX_CLIENT_MESSAGES):
            await ws.send("{}")
        await asyncio.wait_for(ws.ping(), 2)  # twenty in the window are allowed
        await ws.send("{}")
        status, reason = await closed_with(ws)
    assert status == CLOSE_TOO_FAST
    assert reason == thai("Too many messages. Please wait, then reload the page.")
    assert len(reason.encode()) <= 123 and reason
    # Another connection (a reload) starts its own count.
    async with websockets.connect(f"ws://{base}/ws/sessions/{code}", open_timeout=5) as ws:
        await ws.send("{}")
        await asyncio.wait_for(ws.ping(), 2)


async def test_unknown_codes_count_with_http_against_one_limit(base: str) -> None:
    real = await new_session(base)
    async with httpx.AsyncClient(base_url=f"http://{base}") as http:
        joined = (
            await http.post(f"/api/v1/sessions/{real}/participants", json={"display_name": "ป้าแดง", "consent": True})
        ).json()["token"]
        # One miss over HTTP (counted just after its 404 is sent), then two over the socket (counted before
        # the socket is refused at the handshake, as before: 4404 before accepting).
        assert (await http.get("/s/DDDDDD/join")).status_code == 404
        for guess in ("AAAAAA", "CCCCCC"):
            with pytest.raises(InvalidStatus):
                await websockets.connect(f"ws://{base}/ws/sessions/{guess}", open_timeout=5)
        # Now a real code is refused too, over the socket...
        async with websockets.connect(f"ws://{base}/ws/sessions/{real}?lang=en") as ws:
            status, reason = await closed_with(ws)
        assert status == CLOSE_TOO_FAST and reason.startswith("Too many wrong session codes") and "1 minutes" in reason
        async with websockets.connect(f"ws://{base}/ws/sessions/{real}") as ws:
            status, reason = await closed_with(ws)
        assert status == CLOSE_TOO_FAST and reason == thai(
            "Too many wrong session codes. Please wait {minutes} minutes.", minutes=1
        )
        # ...but not for a phone that has already joined it: the hall's own typos never lock it out.
        async with websockets.connect(
            f"ws://{base}/ws/sessions/{real}", additional_headers={"cookie": f"dlb_p_{real}={joined}"}
        ) as ws:
            with pytest.raises(TimeoutError):
                await asyncio.wait_for(ws.recv(), 0.3)  # open and quiet: nothing to say, no close
        page = await http.get(f"/s/{real}", headers={"cookie": f"dlb_p_{real}={joined}"})
        assert page.status_code == 200
        # ...and over HTTP, where socket misses counted as well.
        r = await http.post(f"/api/v1/sessions/{real}/participants", json={"display_name": "ก", "consent": True})
        assert r.status_code == 429 and r.json()["message"] and int(r.headers["retry-after"]) > 0


async def test_a_socket_from_another_site_is_refused(base: str) -> None:
    """A page on another site could open the console's socket with the facilitator's cookies; the browser says
    where it comes from, and only this host is let in. A tool with no Origin is judged by its credentials."""
    code = await new_session(base)
    for foreign in ("http://evil.example", f"http://{base}.evil.example", "null", f"ftp://{base}"):
        with pytest.raises(InvalidStatus) as refused:
            async with websockets.connect(f"ws://{base}/ws/sessions/{code}", origin=foreign, open_timeout=5):  # type: ignore[arg-type]
                pass
        assert refused.value.response.status_code == 403, foreign
    async with websockets.connect(f"ws://{base}/ws/sessions/{code}", origin=f"http://{base}", open_timeout=5) as ws:  # type: ignore[arg-type]
        await asyncio.wait_for(ws.ping(), 2)
    async with websockets.connect(f"ws://{base}/ws/sessions/{code}", open_timeout=5) as ws:
        await asyncio.wait_for(ws.ping(), 2)
