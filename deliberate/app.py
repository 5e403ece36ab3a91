"""The application factory: routes, middleware, error handlers, and a lifespan that opens the
database and the live hub."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from tortoise.contrib.starlette import RegisterTortoise

from deliberate import events
from deliberate.db import tortoise_config
from deliberate.errors import DomainError
from deliberate.i18n import N_, gettext
from deliberate.realtime.hub import Hub
from deliberate.settings import Settings
from deliberate.statements.opinion import MapWorker
from deliberate.web.language import LanguageMiddleware
from deliberate.web.live import render_update
from deliberate.web.pages import render
from deliberate.web.routes import routes
from deliberate.web.security import SecurityMiddleware

log = logging.getLogger(__name__)

HTTP_MESSAGES = {
    404: N_("This page does not exist."),
    405: N_("This action is not allowed here."),
}
# Kept out of the call below: Babel's extractor misses an N_() nested inside gettext(d.get(...)).
HTTP_MESSAGE_DEFAULT = N_("Something went wrong with this request.")


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


async def server_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error", exc_info=exc)
    message = gettext(N_("Something went wrong on our side. Please try again."))
    if _wants_json(request):
        return JSONResponse({"error": "server_error", "message": message}, status_code=500)
    return Response(message, status_code=500, media_type="text/plain; charset=utf-8")


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with RegisterTortoise(app, config=tortoise_config(settings.db_url)):
            hub = Hub(render_update, tick_s=settings.live_tick_s)
            app.state.hub = hub
            events.subscribe(hub.on_event)
            await hub.start()
            maps = MapWorker()
            app.state.maps = maps
            events.subscribe(maps.on_event)
            await maps.start()
            try:
                yield
            finally:
                events.unsubscribe(maps.on_event)
                await maps.stop()
                events.unsubscribe(hub.on_event)
                await hub.stop()

    app = Starlette(
        routes=routes(),
        middleware=[
            Middleware(LanguageMiddleware),
            Middleware(SecurityMiddleware, secure_cookies=settings.production),
        ],
        exception_handlers={DomainError: domain_error, HTTPException: http_error, Exception: server_error},
        lifespan=lifespan,
    )
    app.state.settings = settings
    return app
