"""The JSON twins of the account pages: invitations, password resets, and a participant's own data."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from deliberate.accounts import grants, links
from deliberate.accounts.models import AssemblyGrant, ProvinceGrant
from deliberate.accounts.services import issue_token
from deliberate.actors import Actor, require_steward_role
from deliberate.errors import NotAuthenticated, NotFound
from deliberate.i18n import N_
from deliberate.privacy.my_data import erase_my_data, my_data
from deliberate.sessions.services import get_assembly
from deliberate.text import as_int
from deliberate.web.api.v1 import ok, read_json, write
from deliberate.web.identity import api_actor
from deliberate.web.views.staff.accounts import link_url


def _issued(request: Request, issued: links.Issued) -> dict[str, object]:
    link = issued.link
    return {
        "id": link.id,
        "kind": link.kind,
        "email": link.email,
        "role": link.role or None,
        "assembly_id": link.assembly_id,
        "grant_role": link.grant_role or None,
        "province_code": link.province_code or None,
        "expires_at": link.expires_at.isoformat(),
        "token": issued.token,
        "url": link_url(request, issued),
    }


async def invite(request: Request, actor: Actor) -> tuple[int, object]:
    """Invite someone to the staff with a scope (an assembly and a part in it, or a province for an official);
    the answer carries the one-time link, shown this once."""
    data = await read_json(request)
    issued = await links.invite_staff(
        actor,
        email=data.get("email"),
        role=data.get("role"),
        assembly_id=data.get("assembly_id"),
        grant_role=data.get("grant_role"),
        province_code=data.get("province_code"),
    )
    return 201, _issued(request, issued)


async def withdraw_invitation(request: Request, actor: Actor) -> tuple[int, object]:
    """Take back an invitation not yet taken up (its maker, or an administrator)."""
    link_id = as_int(request.path_params["link_id"], field="id")
    await links.withdraw_invitation(actor, link_id)
    return 200, {"id": link_id, "withdrawn": True}


def grant_json(g: AssemblyGrant) -> dict[str, object]:
    return {
        "id": g.id,
        "assembly_id": g.assembly_id,
        "email": g.user.email,
        "display_name": g.user.display_name,
        "role": g.role.value,
        "created_at": g.created_at.isoformat(),
    }


async def team(request: Request) -> Response:
    """GET an assembly's team (anyone who may read the assembly); POST adds to it."""
    if request.method == "POST":
        return await write(add_to_team)(request)
    actor = await api_actor(request)
    require_steward_role(actor)
    assembly = await get_assembly(request.path_params["assembly_id"])
    return ok({"items": [grant_json(g) for g in await grants.team(actor, assembly)]})


async def add_to_team(request: Request, actor: Actor) -> tuple[int, object]:
    """POST {"email", "role": "owner"|"facilitator"|"official"}: give an existing staff account a part in the
    assembly, or change it (the assembly's owners and administrators)."""
    require_steward_role(actor)
    assembly = await get_assembly(request.path_params["assembly_id"])
    data = await read_json(request)
    return 201, grant_json(await grants.add_to_team(actor, assembly, email=data.get("email"), role=data.get("role")))


async def remove_from_team(request: Request, actor: Actor) -> tuple[int, object]:
    require_steward_role(actor)
    assembly = await get_assembly(request.path_params["assembly_id"])
    grant_id = as_int(request.path_params["grant_id"], field="id")
    await grants.remove_from_team(actor, assembly, grant_id)
    return 200, {"id": grant_id, "removed": True}


def province_json(g: ProvinceGrant) -> dict[str, object]:
    return {"id": g.id, "email": g.user.email, "province_code": g.province_code, "created_at": g.created_at.isoformat()}


async def province_grants(request: Request) -> Response:
    """GET the provinces officials follow (administrators); POST grants one."""
    if request.method == "POST":
        return await write(grant_province)(request)
    actor = await api_actor(request)
    return ok({"items": [province_json(g) for g in await grants.province_grants(actor)]})


async def grant_province(request: Request, actor: Actor) -> tuple[int, object]:
    """POST {"email", "province_code"}: an official follows every assembly of the province (administrators)."""
    data = await read_json(request)
    grant = await grants.grant_province(actor, email=data.get("email"), province_code=data.get("province_code"))
    return 201, province_json(grant)


async def province_plan(request: Request) -> Response:
    """GET a province's current development plan (public, as the plan itself is); PUT replaces it
    (administrators): {"title", "period", "issues": [{"name", "approaches": [...]}]}."""
    from deliberate.outcomes import plans

    if request.method == "PUT":
        return await write(_save_plan)(request)
    plan = await plans.province_plan(request.path_params["province_code"][:2])
    if plan is None:
        raise NotFound(N_("This province has no development plan on record."), field="province_code")
    return ok(plans.plan_json(plan))


async def _save_plan(request: Request, actor: Actor) -> tuple[int, object]:
    from deliberate.outcomes import plans

    data = await read_json(request)
    plan = await plans.save_plan(
        actor,
        request.path_params["province_code"],
        title=data.get("title"),
        period=data.get("period"),
        issues=data.get("issues"),
    )
    return 200, plans.plan_json(plan)


async def withdraw_province(request: Request, actor: Actor) -> tuple[int, object]:
    grant_id = as_int(request.path_params["grant_id"], field="id")
    await grants.withdraw_province(actor, grant_id)
    return 200, {"id": grant_id, "removed": True}


async def request_reset(request: Request, actor: Actor) -> tuple[int, object]:
    """A password-reset link for a staff account (administrators)."""
    data = await read_json(request)
    return 201, _issued(request, await links.request_reset(actor, email=data.get("email")))


async def accept_invitation(request: Request) -> Response:
    data = await read_json(request)
    user = await links.accept_invitation(
        data.get("token"), display_name=data.get("display_name"), password=data.get("password")
    )
    return ok({"token": await issue_token(user, "api"), "email": user.email, "role": user.role.value}, 201)


async def reset_password(request: Request) -> Response:
    data = await read_json(request)
    user = await links.reset_password(data.get("token"), password=data.get("password"))
    return ok({"token": await issue_token(user, "api"), "email": user.email, "role": user.role.value})


async def me(request: Request) -> Response:
    """GET: a participant's own data (a staff member's own account). DELETE ?confirm=true: erase it."""
    actor = await api_actor(request)
    if request.method == "DELETE":
        confirmed = request.query_params.get("confirm") in ("true", "1", "yes")
        return ok({"erased": True, "participant_id": await erase_my_data(actor, confirmed=confirmed)})
    if actor.staff is not None:
        s = actor.staff
        return ok(
            {
                "staff": {
                    "id": s.id,
                    "email": s.email,
                    "display_name": s.display_name,
                    "role": s.role.value,
                    "created_at": s.created_at.isoformat(),
                }
            }
        )
    if actor.participant is None:
        raise NotAuthenticated(N_("Please join the session first."))
    return ok((await my_data(actor)).as_json())
