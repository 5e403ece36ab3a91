"""Helpers shared by the HTML views: rendering with the common context, errors, redirects, cookies."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from deliberate.actors import Actor
from deliberate.errors import DomainError
from deliberate.i18n import get_language
from deliberate.web.forms import is_htmx
from deliberate.web.templating import templates


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, *, status: int = 200, actor: Actor | None = None
) -> Response:
    ctx = {
        "csrf_token": request.scope.get("state", {}).get("csrf_token", ""),
        "actor": actor or Actor(),
        "current_lang": get_language(),
        "htmx": is_htmx(request),
    }
    ctx.update(context or {})
    response = templates.TemplateResponse(request, name, ctx, status_code=status)
    response.headers["cache-control"] = "no-store"
    return response


def attachment(body: bytes, media_type: str, filename: str) -> Response:
    """A file to download (briefs, minutes, resolutions), never cached."""
    return Response(
        body,
        media_type=media_type,
        headers={"content-disposition": f'attachment; filename="{filename}"', "cache-control": "no-store"},
    )


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def form_errors(exc: DomainError) -> dict[str, str]:
    return {exc.field or "_": exc.translated()}


def error_page(request: Request, exc: DomainError) -> Response:
    return render(request, "error.html", {"message": exc.translated(), "status": exc.status}, status=exc.status)


def set_cookie(response: Response, request: Request, name: str, value: str, max_age: int) -> None:
    secure = bool(getattr(request.app.state, "settings", None) and request.app.state.settings.production)
    response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="lax", secure=secure, path="/")
