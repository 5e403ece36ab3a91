"""Staff accounts: signing in and out, inviting people, reset links, and the two one-time pages the links open.

The token rides in the query string of the link (`/staff/invite?t=...`), which the request log leaves
out; the page hands it on in a hidden field, so the form's own post carries it in the body.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from deliberate import geo
from deliberate.accounts import grants, links
from deliberate.accounts.models import GRANT_LABELS, ROLE_LABELS, Role, StaffUser
from deliberate.accounts.services import MAX_PASSWORD, MIN_PASSWORD, issue_token, revoke_token, sign_in
from deliberate.actors import Actor
from deliberate.errors import DomainError, PermissionDenied
from deliberate.i18n import N_, gettext
from deliberate.ratelimit import RateLimited, limiter_for
from deliberate.text import as_int
from deliberate.web.forms import read_form
from deliberate.web.guards import guarded, staff
from deliberate.web.identity import STAFF_COOKIE
from deliberate.web.pages import error_page, form_errors, redirect, render, set_cookie
from deliberate.web.throttle import client_address
from deliberate.web.urls import url

STAFF_COOKIE_AGE = 12 * 60 * 60
LINK_FIELD = "t"


def role_labels() -> dict[str, str]:
    return {role.value: gettext(label) for role, label in ROLE_LABELS.items()}


def link_url(request: Request, issued: links.Issued) -> str:
    """The link to send, with its host: it is opened from an e-mail or a chat message."""
    name = "accept_invitation" if issued.link.kind == "invite" else "reset_password"
    return str(request.url_for(name).include_query_params(**{LINK_FIELD: issued.token}))


async def login(request: Request) -> Response:
    errors: dict[str, str] = {}
    status = 200
    email = ""
    headers: dict[str, str] = {}
    response: Response
    if request.method == "POST":
        try:
            form = await read_form(request)
            email = str(form.get("email") or "")[:254]
            user = await sign_in(
                form.get("email"),
                form.get("password"),
                address=client_address(request),
                limiter=limiter_for(request.app),
            )
        except DomainError as exc:
            errors, status = form_errors(exc), exc.status
            headers = exc.headers if isinstance(exc, RateLimited) else {}
        else:
            # A new token on every login, the old one revoked: no session fixation.
            await revoke_token(request.cookies.get(STAFF_COOKIE))
            raw = await issue_token(user, "web")
            nxt = request.query_params.get("next", "")
            response = redirect(nxt if nxt.startswith("/") and not nxt.startswith("//") else url("dashboard"))
            set_cookie(response, request, STAFF_COOKIE, raw, STAFF_COOKIE_AGE)
            return response
    response = render(request, "staff/login.html", {"errors": errors, "email": email}, status=status)
    response.headers.update(headers)
    return response


async def logout(request: Request) -> Response:
    try:
        await read_form(request)
    except DomainError as exc:
        return error_page(request, exc)
    await revoke_token(request.cookies.get(STAFF_COOKIE))
    response = redirect(url("home"))
    response.delete_cookie(STAFF_COOKIE, path="/")
    return response


@guarded
async def invitations(request: Request) -> Response:
    """Invite someone (admins: any role; facilitators: facilitators and officials) and copy the link."""
    actor = await staff(request)
    if not links.invitable_roles(actor):
        return error_page(request, PermissionDenied(N_("Only facilitators and administrators can invite staff.")))
    errors: dict[str, str] = {}
    values: dict[str, object] = {}
    issued: links.Issued | None = None
    status = 200
    if request.method == "POST":
        try:
            form = await read_form(request)
            values = dict(form)
            issued = await links.invite_staff(
                actor,
                email=form.get("email"),
                role=form.get("role"),
                assembly_id=form.get("assembly_id"),
                grant_role=form.get("grant_role"),
                province_code=form.get("province_code"),
            )
        except DomainError as exc:
            errors, status = form_errors(exc), exc.status
        else:
            values, status = {}, 201
    else:
        values = {"assembly_id": request.query_params.get("assembly_id", "")}
    return await _invitations_page(request, actor, issued=issued, errors=errors, values=values, status=status)


async def _invitations_page(
    request: Request,
    actor: Actor,
    *,
    issued: links.Issued | None = None,
    errors: dict[str, str] | None = None,
    values: dict[str, object] | None = None,
    status: int = 200,
) -> Response:
    owned = [a for a in await grants.visible_assemblies(actor) if await grants.owns(actor, a.id)]
    return render(
        request,
        "staff/invite_create.html",
        {
            "roles": links.invitable_roles(actor),
            "pending": await links.pending_invitations(actor),
            "issued": issued,
            "link": link_url(request, issued) if issued else "",
            "errors": errors or {},
            "values": values or {},
            "days": links.LIFETIME["invite"].days,
            "role_labels": role_labels(),
            "grant_labels": {r.value: gettext(label) for r, label in GRANT_LABELS.items()},
            "assemblies": owned,
            "provinces": geo.provinces() if actor.is_admin else [],
        },
        status=status,
        actor=actor,
    )


@guarded
async def withdraw_invitation(request: Request) -> Response:
    """Take back an invitation not yet taken up: its link stops working at once."""
    actor = await staff(request)
    if not links.invitable_roles(actor):
        return error_page(request, PermissionDenied(N_("Only facilitators and administrators can invite staff.")))
    try:
        form = await read_form(request)
        await links.withdraw_invitation(actor, as_int(form.get("id"), field="id"))
    except DomainError as exc:
        return await _invitations_page(request, actor, errors=form_errors(exc), status=exc.status)
    return redirect(url("invitations"))


@guarded
async def staff_users(request: Request) -> Response:
    """The staff list, with a reset link for each account (administrators only)."""
    actor = await staff(request)
    if actor.staff is None or actor.staff.role != Role.ADMIN:
        return error_page(request, PermissionDenied(N_("Only administrators can reset passwords.")))
    errors: dict[str, str] = {}
    issued: links.Issued | None = None
    status = 200
    if request.method == "POST":
        try:
            form = await read_form(request)
            issued = await links.request_reset(actor, email=form.get("email"))
        except DomainError as exc:
            errors, status = form_errors(exc), exc.status
        else:
            status = 201
    return await _users_page(request, actor, issued=issued, errors=errors, status=status)


async def _users_page(
    request: Request,
    actor: Actor,
    *,
    issued: links.Issued | None = None,
    errors: dict[str, str] | None = None,
    values: dict[str, object] | None = None,
    status: int = 200,
) -> Response:
    return render(
        request,
        "staff/reset_create.html",
        {
            "users": await StaffUser.filter(is_active=True).order_by("email"),
            "officials": await StaffUser.filter(is_active=True, role=Role.OFFICIAL).order_by("email"),
            "province_grants": await grants.province_grants(actor),
            "provinces": geo.provinces(),
            "issued": issued,
            "link": link_url(request, issued) if issued else "",
            "errors": errors or {},
            "values": values or {},
            "minutes": int(links.LIFETIME["reset"].total_seconds() // 60),
            "role_labels": role_labels(),
        },
        status=status,
        actor=actor,
    )


@guarded
async def province_grant(request: Request) -> Response:
    """An official follows every assembly of a province (administrators)."""
    actor = await staff(request)
    values: dict[str, object] = {}
    try:
        form = await read_form(request)
        values = dict(form)
        await grants.grant_province(actor, email=form.get("email"), province_code=form.get("province_code"))
    except DomainError as exc:
        errors = {f"province_{k}": v for k, v in form_errors(exc).items()}
        if exc.status in (401, 403):
            return error_page(request, exc)
        return await _users_page(request, actor, errors=errors, values=values, status=exc.status)
    return redirect(url("staff_users") + "#provinces")


@guarded
async def province_withdraw(request: Request) -> Response:
    actor = await staff(request)
    try:
        form = await read_form(request)
        await grants.withdraw_province(actor, as_int(form.get("grant_id"), field="grant_id"))
    except DomainError as exc:
        if exc.status in (401, 403):
            return error_page(request, exc)
        return await _users_page(request, actor, errors={"province__": exc.translated()}, status=exc.status)
    return redirect(url("staff_users") + "#provinces")


def _signed_in(request: Request, raw: str) -> Response:
    response = redirect(url("dashboard"))
    set_cookie(response, request, STAFF_COOKIE, raw, STAFF_COOKIE_AGE)
    return response


async def accept_invitation(request: Request) -> Response:
    return await _one_time_page(request, "invite")


async def reset_password(request: Request) -> Response:
    return await _one_time_page(request, "reset")


async def _one_time_page(request: Request, kind: str) -> Response:
    """GET shows the form for a working link (or says why it does not work); POST takes it up and signs in."""
    template = "staff/invite_accept.html" if kind == "invite" else "staff/reset_accept.html"
    errors: dict[str, str] = {}
    values: dict[str, object] = {}
    status = 200
    raw: object = request.query_params.get(LINK_FIELD)
    if request.method == "POST":
        try:
            form = await read_form(request)
            values = {"display_name": form.get("display_name") or ""}
            raw = form.get(LINK_FIELD)
            if kind == "invite":
                user = await links.accept_invitation(
                    raw, display_name=form.get("display_name"), password=form.get("password"), repeat=form.get("repeat")
                )
            else:
                user = await links.reset_password(raw, password=form.get("password"), repeat=form.get("repeat"))
        except (links.LinkGone, PermissionDenied) as exc:
            return error_page(request, exc)
        except DomainError as exc:
            if exc.status == 404:
                return error_page(request, exc)
            errors, status = form_errors(exc), exc.status
        else:
            # Like a sign-in: a new browser login, and whatever login this browser carried ends.
            await revoke_token(request.cookies.get(STAFF_COOKIE))
            return _signed_in(request, await issue_token(user, "web"))
    try:
        link = await links.open_link(raw, kind)
    except DomainError as exc:
        return error_page(request, exc)
    return render(
        request,
        template,
        {
            "link": link,
            "token": raw,
            "errors": errors,
            "values": values,
            "min_password": MIN_PASSWORD,
            "max_password": MAX_PASSWORD,
            "role_labels": role_labels(),
        },
        status=status,
    )


@guarded
async def province_plan(request: Request) -> Response:
    """A province's current development plan, entered and kept by administrators: its development issues,
    each with its approaches, that answers to proposals are mapped onto."""
    from deliberate.outcomes import plans

    actor = await staff(request)
    if not actor.is_admin:
        return error_page(request, PermissionDenied(N_("Only administrators can do this.")))
    province = request.query_params.get("province", "")[:2] or "83"
    errors: dict[str, str] = {}
    values: dict[str, object] = {}
    status = 200
    if request.method == "POST":
        try:
            form = await read_form(request)
            values = dict(form)
            province = str(form.get("province_code") or "")[:2]
            await plans.save_plan(
                actor,
                province,
                title=form.get("title"),
                period=form.get("period"),
                issues=plans.parse_plan_text(form.get("issues")),
            )
        except DomainError as exc:
            if exc.status in (401, 403):
                return error_page(request, exc)
            errors, status = form_errors(exc), exc.status
        else:
            return redirect(url("province_plan") + f"?province={province}&saved=1")
    plan = await plans.province_plan(province)
    return render(
        request,
        "staff/province_plan.html",
        {
            "province": province,
            "province_name": geo.province_name(province),
            "provinces": geo.provinces(),
            "plan": plan,
            "plan_text": plans.plan_text(plan),
            "saved": request.query_params.get("saved") == "1" and not errors,
            "errors": errors,
            "values": values,
        },
        status=status,
        actor=actor,
    )
