"""Coming in: the home page (type a code), the join form, the sub-district picker it uses, and the QR code
of the join link that the projector shows."""

from __future__ import annotations

import io

import segno
from starlette.requests import Request
from starlette.responses import Response

from deliberate import geo
from deliberate.errors import DomainError
from deliberate.sessions.codes import normalise_code
from deliberate.sessions.doors import door_code, doors_open, rotation_of
from deliberate.sessions.models import Session
from deliberate.sessions.services import can, get_session, join_session
from deliberate.web.forms import read_form
from deliberate.web.guards import guarded, session_of, visitor
from deliberate.web.identity import participant_cookie
from deliberate.web.pages import form_errors, redirect, render, set_cookie
from deliberate.web.urls import url

PARTICIPANT_COOKIE_AGE = 60 * 60 * 24 * 30
JOIN_FIELDS = ("display_name", "province", "subdistrict_code", "sector", "organization", "door")
OPTIONAL_FIELDS = ("subdistrict_code", "sector", "organization")


def join_url(request: Request, code: str) -> str:
    """The join link with its host, for the QR code and the link people copy: it leaves this server."""
    return str(request.url_for("join", code=code))


def join_link(request: Request, session: Session) -> str:
    """The join link as the hall should use it now: with the door code while the session's code rotates."""
    door = door_code(session)
    return join_url(request, session.code) + (f"?door={door}" if door else "")


async def home(request: Request) -> Response:
    code = normalise_code(request.query_params.get("code", ""))
    if code:
        try:
            session = await get_session(code)
        except DomainError as exc:
            return render(
                request, "participant/home.html", {"errors": form_errors(exc), "code": code}, status=exc.status
            )
        return redirect(url("join", code=session.code))
    return render(request, "participant/home.html", {"errors": {}, "code": ""})


@guarded
async def join(request: Request) -> Response:
    session, actor = await visitor(request)
    if actor.participant is not None:
        return redirect(url("session_page", code=session.code))
    # A GET with fields is the "show sub-districts" button of the form without JavaScript: keep what was typed.
    values: dict[str, object] = {k: v[:200] for k, v in request.query_params.items() if k in JOIN_FIELDS}
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        try:
            form = await read_form(request)
            values = dict(form)
            joined = await join_session(
                session,
                display_name=form.get("display_name"),
                consent=form.get("consent") == "yes",
                subdistrict_code=form.get("subdistrict_code"),
                sector=form.get("sector"),
                organization=form.get("organization"),
                door=form.get("door"),
            )
        except DomainError as exc:
            errors, status = form_errors(exc), exc.status
        else:
            response = redirect(url("session_page", code=session.code))
            set_cookie(response, request, participant_cookie(session.code), joined.token, PARTICIPANT_COOKIE_AGE)
            return response
    return render(
        request,
        "participant/join.html",
        {
            "session": session,
            "assembly": session.assembly,
            "values": values,
            "errors": errors,
            "open": can(session, "join") and doors_open(session),
            "doors_closed": not doors_open(session),
            "rotating": rotation_of(session) is not None,
            "join_url": join_url(request, session.code),
            "more_open": _more_open(request, values, errors, session.assembly.province_code),
            **_place_choices(values, session.assembly.province_code),
        },
        status=status,
        actor=actor,
    )


def _place_choices(values: dict[str, object], default_province: str) -> dict[str, object]:
    """Provinces, and the sub-districts of the one chosen (the assembly's unless the person picked another:
    people come from neighbouring provinces too)."""
    sub = str(values.get("subdistrict_code") or "")
    province = str(values.get("province") or "")
    if not geo.province_name(province):
        province = sub[:2] if geo.is_subdistrict(sub) else default_province
    return {
        "provinces": geo.provinces(),
        "province": province,
        "districts": geo.subdistrict_choices(province) if province else [],
    }


def _more_open(request: Request, values: dict[str, object], errors: dict[str, str], default_province: str) -> bool:
    """Whether "more about you" starts open: when the person has used it, so that what they picked (or what is
    wrong with it) stays in sight. A GET with fields is the no-JavaScript "show sub-districts" button inside it."""
    if request.method == "GET" and values:
        return True
    if any(values.get(k) for k in OPTIONAL_FIELDS) or any(k in errors for k in OPTIONAL_FIELDS):
        return True
    return str(values.get("province", default_province)) != default_province


async def subdistricts(request: Request) -> Response:
    """The sub-district select for a province, swapped in by htmx when the province changes."""
    ctx = _place_choices({"province": request.query_params.get("province", "")[:4]}, "")
    return render(request, "participant/_subdistricts.html", ctx | {"values": {}, "errors": {}})


@guarded
async def qr_svg(request: Request) -> Response:
    session = await session_of(request)
    out = io.BytesIO()
    segno.make(join_link(request, session), error="m").save(
        out, kind="svg", scale=8, border=2, dark="#111", light="#fff", xmldecl=False
    )
    # A rotating code's QR changes with it: never kept by a cache past its window.
    cache = "no-store" if rotation_of(session) else "public, max-age=3600"
    return Response(out.getvalue(), media_type="image/svg+xml", headers={"cache-control": cache})
