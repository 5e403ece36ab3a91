"""Browser-side defences as pure ASGI middleware (it sees websockets too): security headers and the
CSRF cookie that every state-changing form echoes back."""

from __future__ import annotations

import hmac
import secrets
from http.cookies import SimpleCookie
from urllib.parse import urlsplit

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSRF_COOKIE = "dlb_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"
)


def cookie_value(scope: Scope, name: str) -> str | None:
    for key, value in scope.get("headers", []):
        if key == b"cookie":
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # noqa: S112 (a malformed cookie header is ignored, not fatal)
                continue
            if name in jar:
                return jar[name].value
    return None


def same_origin(scope: Scope) -> bool:
    """Whether a request's Origin, when it gives one, names the host it was sent to."""
    headers = dict(scope.get("headers", []))
    origin = headers.get(b"origin")
    if origin is None:
        return True
    host = headers.get(b"host", b"").decode("latin-1").lower()
    parsed = urlsplit(origin.decode("latin-1").lower())
    return parsed.scheme in ("http", "https") and bool(host) and parsed.netloc == host


def csrf_matches(expected: str | None, given: str | None) -> bool:
    return bool(expected and given) and hmac.compare_digest(str(expected), str(given))


class SecurityMiddleware:
    def __init__(self, app: ASGIApp, *, secure_cookies: bool = False) -> None:
        self.app = app
        self.secure = secure_cookies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket" and not same_origin(scope):
            # A page on another site may open a socket here with our cookies (browsers send them): the console's
            # live updates would reach it. Browsers always say where a socket comes from; tools without a
            # browser send no Origin and are judged by their credentials as before.
            await send({"type": "websocket.close", "code": 4403, "reason": ""})
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        token = cookie_value(scope, CSRF_COOKIE)
        fresh = token is None or len(token) != 43
        if fresh:
            token = secrets.token_urlsafe(32)
        scope.setdefault("state", {})["csrf_token"] = token

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("content-security-policy", CSP)
                headers.setdefault("x-content-type-options", "nosniff")
                headers.setdefault("x-frame-options", "DENY")
                headers.setdefault("referrer-policy", "same-origin")
                headers.setdefault("permissions-policy", "camera=(), microphone=(), geolocation=()")
                if self.secure:
                    headers.setdefault("strict-transport-security", "max-age=31536000")
                if fresh:
                    attrs = f"{CSRF_COOKIE}={token}; Path=/; SameSite=Lax; HttpOnly"
                    headers.append("set-cookie", attrs + ("; Secure" if self.secure else ""))
            await send(message)

        await self.app(scope, receive, send_with_headers)
