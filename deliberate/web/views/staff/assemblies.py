"""The staff's assemblies: the dashboard that lists them and makes a new one, and an assembly's page that
opens its sessions (a new one, or a check-in session following up an earlier assembly)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from deliberate import geo
from deliberate.errors import DomainError
from deliberate.sessions import services as sessions
from deliberate.sessions.models import Assembly, Session
from deliberate.text import as_int
from deliberate.web.forms import read_form
from deliberate.web.guards import guarded, staff
from deliberate.web.pages import error_page, form_errors, redirect, render
from deliberate.web.urls import url


@guarded
async def dashboard(request: Request) -> Response:
    actor = await staff(request)
    errors: dict[str, str] = {}
    values: dict[str, object] = {}
    status = 200
    if request.method == "POST":
        try:
            form = await read_form(request)
            values = dict(form)
            themes = [line for line in str(form.get("themes") or "").splitlines() if line.strip()]
            assembly = await sessions.create_assembly(
                actor,
                title=form.get("title"),
                themes=themes,
                subtitle=form.get("subtitle"),
                province_code=form.get("province_code"),
                venue=form.get("venue"),
                starts_on=form.get("starts_on"),
                ends_on=form.get("ends_on"),
            )
        except DomainError as exc:
            errors, status = form_errors(exc), exc.status
        else:
            return redirect(url("assembly_page", assembly_id=assembly.id))
    assemblies = await Assembly.all().order_by("-id").prefetch_related("sessions", "themes")
    return render(
        request,
        "staff/dashboard.html",
        {
            "assemblies": assemblies,
            "errors": errors,
            "values": values,
            "provinces": geo.provinces(),
        },
        status=status,
        actor=actor,
    )


@guarded
async def assembly_page(request: Request) -> Response:
    actor = await staff(request)
    try:
        assembly = await sessions.get_assembly(as_int(request.path_params["assembly_id"], field="id"))
    except DomainError as exc:
        return error_page(request, exc)
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        try:
            form = await read_form(request)
            if form.get("action") == "check-in":
                from deliberate.outcomes.services import open_check_in

                earlier = await sessions.get_assembly(as_int(form.get("from_assembly_id"), field="from_assembly_id"))
                session = await open_check_in(actor, assembly, earlier)
            else:
                session = await sessions.create_session(
                    actor, assembly, title=form.get("title"), premoderation=form.get("premoderation") == "on"
                )
        except DomainError as exc:
            errors, status = form_errors(exc), exc.status
        else:
            return redirect(url("console", code=session.code))
    return render(
        request,
        "staff/assembly.html",
        {
            "assembly": assembly,
            "sessions": await Session.filter(assembly_id=assembly.id).order_by("id"),
            "themes": await assembly.themes.all(),
            "errors": errors,
            "earlier": await Assembly.exclude(id=assembly.id).order_by("-starts_on", "-id").limit(50),
        },
        status=status,
        actor=actor,
    )
