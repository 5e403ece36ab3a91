"""The staff's assemblies: the dashboard that lists them and makes a new one, and an assembly's page that
opens its sessions (a new one, or a check-in session following up an earlier assembly)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from deliberate import geo
from deliberate.accounts import grants
from deliberate.accounts.models import GRANT_LABELS, GrantRole
from deliberate.actors import Actor, readable_assemblies, require_steward, require_steward_role, runs
from deliberate.errors import DomainError
from deliberate.i18n import gettext
from deliberate.sessions import services as sessions
from deliberate.sessions.models import Assembly, Session
from deliberate.text import as_int
from deliberate.web.forms import read_form
from deliberate.web.guards import Refused, guarded, staff
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
    assemblies = await grants.visible_assemblies(actor)
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


async def _assembly_for(request: Request, actor: Actor) -> Assembly:
    """The path's assembly, for staff who may read it; anyone else gets the refusal page."""
    try:
        require_steward_role(actor)
        assembly = await sessions.get_assembly(as_int(request.path_params["assembly_id"], field="id"))
        await require_steward(actor, assembly.id)
    except DomainError as exc:
        raise Refused(error_page(request, exc)) from exc
    return assembly


@guarded
async def assembly_page(request: Request) -> Response:
    actor = await staff(request)
    assembly = await _assembly_for(request, actor)
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
    return await _page(request, actor, assembly, errors, status)


async def _page(
    request: Request, actor: Actor, assembly: Assembly, errors: dict[str, str], status: int, values: object = None
) -> Response:
    readable = await readable_assemblies(actor)
    team = await grants.team(actor, assembly)
    earlier = Assembly.exclude(id=assembly.id)
    if readable is not None:
        earlier = earlier.filter(id__in=sorted(readable))
    return render(
        request,
        "staff/assembly.html",
        {
            "assembly": assembly,
            "sessions": await Session.filter(assembly_id=assembly.id).order_by("id"),
            "themes": await assembly.themes.all(),
            "errors": errors,
            "values": values or {},
            "runs": await runs(actor, assembly.id),
            "owns": await grants.owns(actor, assembly.id),
            "team": team,
            "owners": sum(g.role == GrantRole.OWNER for g in team),
            "grant_labels": {r.value: gettext(label) for r, label in GRANT_LABELS.items()},
            "earlier": await earlier.order_by("-starts_on", "-id").limit(50),
        },
        status=status,
        actor=actor,
    )


def _team_errors(exc: DomainError) -> dict[str, str]:
    """The team form's errors, apart from the new-session form's on the same page."""
    return {f"team_{k}": v for k, v in form_errors(exc).items()}


@guarded
async def team_add(request: Request) -> Response:
    """Give an existing staff account a part in the assembly (its owners and administrators)."""
    actor = await staff(request)
    assembly = await _assembly_for(request, actor)
    values: dict[str, object] = {}
    try:
        form = await read_form(request)
        values = dict(form)
        await grants.add_to_team(actor, assembly, email=form.get("email"), role=form.get("role"))
    except DomainError as exc:
        return await _page(
            request, actor, assembly, {f"team_{k}": v for k, v in form_errors(exc).items()}, exc.status, values
        )
    return redirect(url("assembly_page", assembly_id=assembly.id) + "#team")


@guarded
async def team_remove(request: Request) -> Response:
    """Withdraw a part in the assembly (its owners and administrators)."""
    actor = await staff(request)
    assembly = await _assembly_for(request, actor)
    try:
        form = await read_form(request)
        await grants.remove_from_team(actor, assembly, as_int(form.get("grant_id"), field="grant_id"))
    except DomainError as exc:
        return await _page(request, actor, assembly, _team_errors(exc), exc.status)
    return redirect(url("assembly_page", assembly_id=assembly.id) + "#team")
