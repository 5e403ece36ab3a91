"""The JSON twins of the account pages: invitations, password resets, and a participant's own data."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from deliberate.accounts import links
from deliberate.accounts.services import issue_token
from deliberate.actors import Actor
from deliberate.errors import NotAuthenticated
from deliberate.i18n import N_
from deliberate.privacy.my_data import erase_my_data, my_data
from deliberate.web.api.v1 import ok, read_json
from deliberate.web.identity import api_actor
from deliberate.web.views.staff.accounts import link_url


def _issued(request: Request, issued: links.Issued) -> dict[str, object]:
    link = issued.link
    return {
        "id": link.id,
        "kind": link.kind,
        "email": link.email,
        "role": link.role or None,
        "expires_at": link.expires_at.isoformat(),
        "token": issued.token,
        "url": link_url(request, issued),
    }


async def invite(request: Request, actor: Actor) -> tuple[int, object]:
    """Invite someone to the staff; the answer carries the one-time link, shown this once."""
    data = await read_json(request)
    return 201, _issued(request, await links.invite_staff(actor, email=data.get("email"), role=data.get("role")))


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
