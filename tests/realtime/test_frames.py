"""A hall's live update written as one frame built once (web/frames.py), against a real uvicorn server.

The writer reaches into uvicorn's Sans-I/O websocket protocol, so these tests hold it to that protocol as the
installed uvicorn has it: the connection is captured, a frame written straight to the transport reads back
as the text the ASGI send would have sent, and a socket paused for flow control is left to the ASGI send.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import pytest
import uvicorn
import websockets
from websockets.frames import Frame, Opcode
from websockets.streams import StreamReader

from deliberate.web.frames import FrameMiddleware, FrameWriter, text_frame, writer_for
from tests.conftest import free_port

THAI = "ร่วมคิด ร่วมทำ ร่วมรับผิดชอบ"


@pytest.mark.parametrize("text", ["", "สวัสดี", THAI * 10, "x" * 125, "x" * 126, "ก" * 30_000])
def test_a_frame_built_once_is_the_websocket_text_frame(text: str) -> None:
    frame = text_frame(text)
    assert frame == Frame(Opcode.TEXT, text.encode()).serialize(mask=False)
    parsed = parse(frame)
    assert parsed.opcode is Opcode.TEXT and parsed.fin and parsed.data.decode() == text


def parse(data: bytes) -> Frame:
    """Run websockets' own (generator-based) frame parser over `data`, as a browser's socket would read it."""
    reader = StreamReader()
    reader.feed_data(data)
    reader.feed_eof()
    parser = Frame.parse(reader.read_exact, mask=False)
    with pytest.raises(StopIteration) as done:
        next(parser)  # the whole frame is there: the parser returns without waiting for more
    return done.value.value


@contextlib.asynccontextmanager
async def uvicorn_serving(app: Any) -> AsyncIterator[str]:
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            app, host="127.0.0.1", port=port, log_level="warning", lifespan="off", ws_per_message_deflate=False
        )
    )
    task = asyncio.create_task(server.serve())
    for _ in range(1000):
        if server.started:
            break
        await asyncio.sleep(0.01)
    try:
        yield f"ws://127.0.0.1:{port}/"
    finally:
        server.should_exit = True
        await task


async def test_uvicorn_connection_is_captured_and_frames_arrive_in_order() -> None:
    captured: list[FrameWriter | None] = []
    paused_fell_back: list[bool] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        assert scope["type"] == "websocket"
        await receive()  # websocket.connect
        await send({"type": "websocket.accept"})
        writer = writer_for(scope)
        captured.append(writer)
        assert writer is not None
        assert writer.write(text_frame("หนึ่ง"))
        await send({"type": "websocket.send", "text": "สอง"})  # the ASGI send in between keeps the order
        assert writer.write(text_frame(THAI))
        writer.protocol.pause_writing()  # as the transport does when the phone's buffer is full
        paused_fell_back.append(not writer.write(text_frame("never")))
        writer.protocol.resume_writing()
        await send({"type": "websocket.close", "code": 1000})

    async with uvicorn_serving(FrameMiddleware(app)) as url, websockets.connect(url) as ws:
        received = [await ws.recv() for _ in range(3)]
        with pytest.raises(websockets.ConnectionClosedOK):
            await ws.recv()
    assert received == ["หนึ่ง", "สอง", THAI]
    assert captured and captured[0] is not None
    assert paused_fell_back == [True]


async def test_a_writer_is_not_captured_from_another_server() -> None:
    async def send(message: dict[str, Any]) -> None:  # what a server other than uvicorn hands the app
        pass

    seen: list[Any] = []

    async def app(scope: dict[str, Any], receive: Any, send_: Any) -> None:
        seen.append(writer_for(scope))

    await FrameMiddleware(app)({"type": "websocket"}, None, send)
    assert seen == [None]
