"""The application factory: routes, middleware, error handlers, and a lifespan that opens the
database and the live hub."""

from __future__ import annotations

import gc
import logging
import os
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from tortoise.contrib.starlette import RegisterTortoise

from deliberate import events
from deliberate.audit import keys as audit_keys
from deliberate.db import tortoise_config
from deliberate.errors import DomainError
from deliberate.i18n import N_, gettext
from deliberate.logs import configure as configure_logs
from deliberate.realtime.bus import make_bus
from deliberate.realtime.hub import Hub
from deliberate.settings import Settings
from deliberate.statements.opinion import MapWorker
from deliberate.web import urls
from deliberate.web.assets import NOT_GZIPPED
from deliberate.web.bodylimit import BodyLimitMiddleware
from deliberate.web.frames import FrameMiddleware
from deliberate.web.language import LanguageMiddleware
from deliberate.web.live import render_update
from deliberate.web.ops import Metrics, WriteTimer
from deliberate.web.pages import render
from deliberate.web.routes import MemoRouter, routes
from deliberate.web.security import SecurityMiddleware
from deliberate.web.throttle import ThrottleMiddleware

log = logging.getLogger(__name__)

HTTP_MESSAGES = {
    404: N_("This page does not exist."),
    405: N_("This action is not allowed here."),
}
# Kept out of the call below: Babel's extractor misses an N_() nested inside gettext(d.get(...)).
HTTP_MESSAGE_DEFAULT = N_("Something went wrong with this request.")
RETRY_AFTER_S = 2


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


async def domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)
    if _wants_json(request):
        return JSONResponse(exc.as_json(), status_code=exc.status)
    return render(request, "error.html", {"message": exc.translated(), "status": exc.status}, status=exc.status)


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    message = gettext(HTTP_MESSAGES.get(exc.status_code, HTTP_MESSAGE_DEFAULT))
    if _wants_json(request):
        return JSONResponse({"error": "http_error", "message": message}, status_code=exc.status_code)
    return render(request, "error.html", {"message": message, "status": exc.status_code}, status=exc.status_code)


def _transient(exc: BaseException | None) -> bool:
    """The database was briefly out of reach (restarting, a dropped connection, a lock held elsewhere): the
    write did not commit, and the same request with the same Idempotency-Key may simply be sent again."""
    seen = 0
    while exc is not None and seen < 8:
        # InternalClientError: a pooled connection the server dropped can fail once this way before asyncpg
        # notices it is gone.
        if isinstance(
            exc,
            (
                ConnectionError,
                TimeoutError,
                asyncpg.PostgresConnectionError,
                asyncpg.InterfaceError,
                asyncpg.CannotConnectNowError,
                asyncpg.ConnectionDoesNotExistError,
                asyncpg.InternalClientError,
            ),
        ):
            return True
        if isinstance(exc, sqlite3.OperationalError) and ("locked" in str(exc) or "busy" in str(exc)):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


async def server_error(request: Request, exc: Exception) -> Response:
    if _transient(exc):
        log.warning("database unavailable: %s", exc)
        message = gettext(N_("The system is busy for a moment. Please try again; nothing you sent was lost."))
        headers = {"retry-after": str(RETRY_AFTER_S)}
        if _wants_json(request):
            return JSONResponse({"error": "unavailable", "message": message}, status_code=503, headers=headers)
        return Response(message, status_code=503, media_type="text/plain; charset=utf-8", headers=headers)
    log.exception("unhandled error", exc_info=exc)
    message = gettext(N_("Something went wrong on our side. Please try again."))
    if _wants_json(request):
        return JSONResponse({"error": "server_error", "message": message}, status_code=500)
    return Response(message, status_code=500, media_type="text/plain; charset=utf-8")


def _settle_heap() -> None:
    """Load what every request will need, then take it out of the garbage collector's sight.

    The Thai dictionary, catalogues and templates are hundreds of thousands of objects that live as long as
    the process; a full collection walks them all, and with each new opinion map that meant a 25-70 ms stall
    of the event loop (bench live --map). Frozen, a full collection walks only what came later.
    """
    from deliberate.thaitext import words
    from deliberate.thaitext.wrap import pieces

    words("สวัสดิการชุมชน")
    pieces("สวัสดิการชุมชน")  # the line breaks of the board's cards (the `words` filter)
    gc.collect()
    gc.freeze()
    # A hall's worth of open sockets is a large live heap too: collect the young generation less often
    # (the default, every 700 allocations, spent a fifth of a busy server's time in the collector).
    gc.set_threshold(20_000, 20, 20)


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings.from_env()
    audit_keys.configure(settings)  # the chain's HMAC key: from the environment, never the database
    if os.environ.get("DELIBERATE_SERVE_LOGS") == "1":
        configure_logs(settings.production)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with RegisterTortoise(app, config=tortoise_config(settings.db_url)):
            hub = Hub(render_update, tick_s=settings.live_tick_s)
            bus = make_bus(settings.redis_url, settings.db_url, fallback=hub.resync_all)
            hub.seq_source = bus.current_seq
            app.state.hub, app.state.bus = hub, bus
            events.subscribe(hub.on_event)
            await hub.start()
            maps = MapWorker()
            app.state.maps = maps
            events.subscribe(maps.on_event)
            await maps.start()
            await bus.start()
            _settle_heap()
            try:
                yield
            finally:
                await bus.stop()
                events.unsubscribe(maps.on_event)
                await maps.stop()
                events.unsubscribe(hub.on_event)
                await hub.stop()

    table = routes()
    urls.register(table)
    app = Starlette(
        routes=table,
        middleware=[
            Middleware(FrameMiddleware),  # websockets only: first, to see the server's own send
            Middleware(GZipMiddleware, exclude_content_types=NOT_GZIPPED),  # HTML and JSON; http only
            Middleware(WriteTimer),
            Middleware(LanguageMiddleware, secure_cookies=settings.production),
            Middleware(SecurityMiddleware, secure_cookies=settings.production, secret=settings.secret_key),
            Middleware(BodyLimitMiddleware),  # after language and CSRF state: its refusal is a translated page
            Middleware(ThrottleMiddleware),
        ],
        exception_handlers={DomainError: domain_error, HTTPException: http_error, Exception: server_error},
        lifespan=lifespan,
    )
    app.router = MemoRouter(app.router.routes, lifespan=lifespan)  # Starlette takes no router class
    app.state.settings = settings
    app.state.metrics = Metrics(app)
    return app
