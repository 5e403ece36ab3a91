"""Reading HTML forms: size-limited, CSRF-checked, NFC-normalised later by the services; a write counted once
per idempotency key."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import urlencode

from starlette.datastructures import FormData
from starlette.requests import Request

from deliberate.actors import Actor
from deliberate.errors import PayloadTooLarge, PermissionDenied
from deliberate.i18n import N_
from deliberate.idempotency.services import fingerprint, once
from deliberate.web.security import CSRF_FIELD, CSRF_HEADER, csrf_matches

MAX_FORM_BYTES = 64 * 1024


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


# A phone's write carries a key it keeps across retries (static/js/outbox.js), as a header or a form field.
IDEMPOTENCY_FIELD = "idempotency_key"
UNSIGNED_FIELDS = (CSRF_FIELD, IDEMPOTENCY_FIELD)


async def write_once(
    request: Request, actor: Actor, form: FormData, write: Callable[[], Awaitable[dict[str, object]]]
) -> dict[str, object]:
    """Run a participant's form write at most once per key, the key scoped to the participant. A repeat
    skips the write and returns what the first run returned, and the view answers from the state as it is now.
    The fingerprint leaves out the CSRF token, which a phone may renew before it sends a queued write again."""
    person = actor.participant
    raw = request.headers.get("idempotency-key") or form.get(IDEMPOTENCY_FIELD) or None
    key = raw if isinstance(raw, str) and person is not None else None
    signed = urlencode([(k, v) for k, v in form.multi_items() if k not in UNSIGNED_FIELDS and isinstance(v, str)])
    fp = fingerprint(request.method, request.url.path, signed.encode())

    async def run() -> tuple[int, object]:
        return 200, await write()

    _, body = await once(f"participant:{person.id}" if person else actor.key, key, fp, run)
    return body if isinstance(body, dict) else {}
