"""Reading HTML forms: size-limited, CSRF-checked, NFC-normalised later by the services."""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request

from deliberate.errors import DomainError, PermissionDenied
from deliberate.i18n import N_
from deliberate.web.security import CSRF_FIELD, CSRF_HEADER, csrf_matches

MAX_FORM_BYTES = 64 * 1024


class PayloadTooLarge(DomainError):
    status = 413
    code = "too_large"


async def read_form(request: Request) -> FormData:
    length = request.headers.get("content-length")
    if length is not None and (not length.isdigit() or int(length) > MAX_FORM_BYTES):
        raise PayloadTooLarge(N_("What you sent is too large."))
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            raise PayloadTooLarge(N_("What you sent is too large."))
    request._body = body  # let Starlette parse the buffered body
    form = await request.form(max_files=0, max_fields=100)
    expected = request.scope.get("state", {}).get("csrf_token") if "dlb_csrf" in request.cookies else None
    given = form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER)
    if not csrf_matches(expected, given if isinstance(given, str) else None):
        raise PermissionDenied(N_("This form has expired. Please reload the page and try again."))
    return form


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"
