"""Browser-side defences as pure ASGI middleware (it sees websockets too): security headers and the
CSRF cookie that every state-changing form echoes back."""

from __future__ import annotations

import hashlib
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
    return _cookies(scope).get(name)


def csrf_key(secret: str) -> bytes:
    return hashlib.sha256(b"csrf\n" + secret.encode()).digest()


def form_token(key: bytes, nonce: str, cookies: dict[str, str]) -> str:
    """What forms must echo: the cookie's nonce signed together with who the browser is signed in as. The
    cookie alone is not enough, so a nonce that another site managed to set (a sibling subdomain, a network
    that rewrote a plain-HTTP answer) gives it no form token that works for the staff member or participant
    behind this browser; a login or a join changes the token, and a page from before it asks for a reload."""
    who = sorted((name, value) for name, value in cookies.items() if name == "dlb_staff" or name.startswith("dlb_p_"))
    message = nonce + "\n" + "\n".join(f"{name}={value}" for name, value in who)
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def _cookies(scope: Scope) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    for key, value in scope.get("headers", []):
        if key == b"cookie":
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # noqa: S112 (a malformed cookie header is ignored, not fatal)
                continue
    return {name: morsel.value for name, morsel in jar.items()}


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
    def __init__(self, app: ASGIApp, *, secure_cookies: bool = False, secret: str = "") -> None:
        self.app = app
        self.secure = secure_cookies
        self.key = csrf_key(secret)

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
        assert token is not None
        scope.setdefault("state", {})["csrf_token"] = form_token(self.key, token, _cookies(scope))

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
