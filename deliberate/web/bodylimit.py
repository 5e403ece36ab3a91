"""Request bodies are capped while they are read, by route, before any view sees them.

Starlette reads a body whole when a view asks for it (`request.body()`, `request.json()`), so a check on its
length afterwards comes too late: ten parallel 50 MB posts to the public join endpoint once held half a
gigabyte. Here the body is read in front of the router, chunk by chunk, and the request is refused with 413
as soon as it passes its route's cap (or at once when Content-Length says it would). What passes is handed to
the app as one message, so memory per request is bounded by the cap. Websocket frames are capped by the
server itself (`ws_max_size` in cli.py).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from deliberate.errors import PayloadTooLarge
from deliberate.i18n import N_

# Every body the app takes is a form or a JSON object of a few kilobytes; the largest, a draft resolution
# with its clauses, stays well under this. A route that needs more names its own cap here.
DEFAULT_CAP = 64 * 1024
CAPS: dict[str, int] = {}
# Reading stops at the cap, plus this slack for the multipart/urlencoded framing around the fields.
FRAMING = 4 * 1024


def cap_for(scope: Scope) -> int:
    route, _ = scope["app"].router.match(scope)
    name = route.name if isinstance(route, Route) else ""
    return CAPS.get(name, DEFAULT_CAP) + FRAMING


def _refusal(scope: Scope) -> Response:
    exc = PayloadTooLarge(N_("What you sent is too large."))
    if scope["path"].startswith("/api/"):
        return JSONResponse(exc.as_json(), status_code=exc.status, headers={"connection": "close"})
    from deliberate.web.pages import error_page

    response = error_page(Request(scope), exc)
    response.headers["connection"] = "close"
    return response


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cap = cap_for(scope)
        for key, value in scope.get("headers", []):
            if key == b"content-length" and (not value.isdigit() or int(value) > cap):
                await _refusal(scope)(scope, receive, send)
                return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away: let the app see it as it would
                await self.app(scope, _replay([message], receive), send)
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > cap:
                await _refusal(scope)(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body: Message = {"type": "http.request", "body": b"".join(chunks), "more_body": False}
        await self.app(scope, _replay([body], receive), send)


def _replay(first: list[Message], receive: Receive) -> Receive:
    """Hands the app what was already read, then whatever the server says next (a disconnect)."""

    async def replay() -> Message:
        if first:
            return first.pop(0)
        return await receive()

    return replay
