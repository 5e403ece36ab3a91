"""Writing a live update to a page's socket as one frame built once for the whole hall.

Every viewer of a tick gets the same text. Through ASGI, each send encodes it, frames it in the websocket
library's state machine and joins the pieces again: a third of what a send cost, the rest being the
socket write itself (py-spy, 5,000 viewers). Under uvicorn's Sans-I/O websocket protocol (what it runs with
the `websockets` package installed), this captures the connection when the socket opens, and a send whose
socket has room, is open and negotiated no extension writes the frame built once straight to the transport.
Anything else (flow control paused, closing, another server or protocol) takes the ordinary ASGI send,
which waits for room, so back-pressure and a slow phone's bounded queue (realtime/hub.py) work as before.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send
from websockets.frames import Frame, Opcode
from websockets.protocol import State

SCOPE_KEY = "deliberate.frames"


@lru_cache(maxsize=16)
def text_frame(text: str) -> bytes:
    """A final, unmasked text frame (a server's frames carry no mask). The text's hash is kept by the str,
    so the thousands of look-ups for one tick's message cost next to nothing."""
    return Frame(Opcode.TEXT, text.encode()).serialize(mask=False)


class FrameWriter:
    def __init__(self, protocol: Any) -> None:
        self.protocol = protocol

    def write(self, frame: bytes) -> bool:
        """Write at once if the socket can take it; False leaves the message to the ASGI send."""
        p = self.protocol
        if (
            not p.handshake_complete
            or p.close_sent
            or p.disconnected
            or not p.writable.is_set()
            or p.conn.state is not State.OPEN
            or p.conn.extensions
            or p.transport.is_closing()
        ):
            return False
        p.transport.write(frame)
        return True


def capture(send: Send) -> FrameWriter | None:
    protocol = getattr(send, "__self__", None)
    if type(protocol).__name__ != "WebSocketsSansIOProtocol" or not all(
        hasattr(protocol, name)
        for name in ("transport", "conn", "writable", "handshake_complete", "close_sent", "disconnected")
    ):
        return None
    return FrameWriter(protocol)


class FrameMiddleware:
    """Outermost for websockets (Starlette's error middleware passes their `send` through untouched), so it
    sees the server's own send callable."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket" and (writer := capture(send)) is not None:
            scope[SCOPE_KEY] = writer
        await self.app(scope, receive, send)


def writer_for(scope: Scope) -> FrameWriter | None:
    return scope.get(SCOPE_KEY)
