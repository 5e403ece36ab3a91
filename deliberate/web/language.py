"""Choose the page language: `?lang=` (remembered in a cookie), then the cookie, then Thai.

The JSON API follows Accept-Language instead, defaulting to Thai as well."""

from __future__ import annotations

from urllib.parse import parse_qs

from starlette.types import ASGIApp, Receive, Scope, Send

from deliberate.i18n import DEFAULT_LANGUAGE, LANGUAGES, negotiate, set_language
from deliberate.web.security import cookie_value

LANG_COOKIE = "lang"


def pick_language(scope: Scope) -> str:
    query_string: bytes = scope.get("query_string", b"")  # the ASGI scope is a dict of Any
    query = parse_qs(query_string.decode("latin-1"))
    asked = (query.get("lang") or [""])[0]
    if asked in LANGUAGES:
        return asked
    if scope.get("path", "").startswith("/api/"):
        headers = dict(scope.get("headers", []))
        return negotiate(headers.get(b"accept-language", b"").decode("latin-1"))
    cookie = cookie_value(scope, LANG_COOKIE)
    return cookie if cookie in LANGUAGES else DEFAULT_LANGUAGE


class LanguageMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            set_language(pick_language(scope))
        await self.app(scope, receive, send)
