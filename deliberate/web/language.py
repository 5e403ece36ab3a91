"""Choose the page language: `?lang=` (remembered in a cookie), then the cookie, then Thai.

The JSON API follows Accept-Language instead, defaulting to Thai as well."""

from __future__ import annotations

from urllib.parse import parse_qs

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from deliberate.i18n import DEFAULT_LANGUAGE, LANGUAGES, negotiate, set_language
from deliberate.web.security import cookie_value

LANG_COOKIE = "lang"
LANG_COOKIE_MAX_AGE_S = 365 * 24 * 3600


def asked_language(scope: Scope) -> str | None:
    """The language `?lang=` asks for, if it names one we have."""
    query_string: bytes = scope.get("query_string", b"")  # the ASGI scope is a dict of Any
    asked = (parse_qs(query_string.decode("latin-1")).get("lang") or [""])[0]
    return asked if asked in LANGUAGES else None


def is_api(scope: Scope) -> bool:
    path: str = scope.get("path", "")
    return path.startswith("/api/")


def pick_language(scope: Scope) -> str:
    if asked := asked_language(scope):
        return asked
    if is_api(scope):
        headers = dict(scope.get("headers", []))
        return negotiate(headers.get(b"accept-language", b"").decode("latin-1"))
    cookie = cookie_value(scope, LANG_COOKIE)
    return cookie if cookie in LANGUAGES else DEFAULT_LANGUAGE


def _remembers(message: Message) -> bool:
    """Whether this answer may carry the cookie: a page or fragment, or a redirect to one (`?lang=` is gone after
    it). Never an answer a shared cache may keep (assets, the join QR code): it would hand the cookie to others."""
    headers = MutableHeaders(scope=message)
    if "public" in headers.get("cache-control", ""):
        return False
    status: int = message["status"]
    return headers.get("content-type", "").startswith("text/html") or 300 <= status < 400


class LanguageMiddleware:
    """Sets the request's language; a page asked with `?lang=` also sets the cookie that later pages and the
    session's live messages follow, so a choice made once (the header's switch is a plain link) stays made."""

    def __init__(self, app: ASGIApp, *, secure_cookies: bool = False) -> None:
        self.app = app
        self.cookie = f"{LANG_COOKIE}={{}}; Path=/; Max-Age={LANG_COOKIE_MAX_AGE_S}; SameSite=Lax; HttpOnly" + (
            "; Secure" if secure_cookies else ""
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        set_language(pick_language(scope))
        asked = asked_language(scope)
        if scope["type"] != "http" or asked is None or is_api(scope) or cookie_value(scope, LANG_COOKIE) == asked:
            await self.app(scope, receive, send)
            return

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start" and _remembers(message):
                MutableHeaders(scope=message).append("set-cookie", self.cookie.format(asked))
            await send(message)

        await self.app(scope, receive, send_with_cookie)
