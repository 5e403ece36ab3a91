"""Outcome pages: the staff's answers-and-follow-up desk with brief downloads, the participant's pledge
form, and the public follow-up page of an assembly."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from deliberate.actors import Actor
from deliberate.briefs import services as briefs
from deliberate.errors import DomainError, NotFound, PermissionDenied
from deliberate.i18n import N_, get_language
from deliberate.outcomes import services as outcomes
from deliberate.outcomes.models import (
    ANSWER_LABELS,
    CARRIED,
    ROLES,
    STATUS_LABELS,
    ActionItem,
    Commitment,
    ProposalAnswer,
)
from deliberate.proposals.models import Proposal, ProposalStatus
from deliberate.proposals.services import decorate
from deliberate.sessions import services as sessions
from deliberate.sessions.models import Session
from deliberate.text import as_int
from deliberate.web.forms import read_form
from deliberate.web.identity import page_actor
from deliberate.web.pages import attachment, error_page, form_errors, redirect, render


async def _steward(request: Request) -> tuple[Session, Actor] | Response:
    try:
        session = await sessions.get_session(request.path_params["code"])
    except DomainError as exc:
        return error_page(request, exc)
    actor = await page_actor(request, session)
    if actor.staff is None:
        return redirect(str(request.url_for("login")) + "?next=" + request.url.path)
    if not (actor.is_facilitator() or actor.is_official()):
        return error_page(request, PermissionDenied(N_("Only facilitators and officials can do this.")))
    return session, actor


async def _desk_context(session: Session, actor: Actor) -> dict[str, Any]:
    proposals = (
        await Proposal.filter(session_id=session.id, kind="proposal", status=ProposalStatus.PUBLISHED)
        .prefetch_related("theme")
        .order_by("id")
    )
    views = sorted(await decorate(actor, list(proposals)), key=lambda v: (-v.supports, v.id))
    ids = [v.id for v in views]
    answers = {a.proposal_id: a for a in await ProposalAnswer.filter(proposal_id__in=ids)}  # type: ignore[attr-defined]
    pledges: dict[int, list[Commitment]] = {}
    for c in await Commitment.filter(proposal_id__in=ids).prefetch_related("participant"):
        pledges.setdefault(c.proposal_id, []).append(c)  # type: ignore[attr-defined]
    items: dict[int, list[ActionItem]] = {}
    for i in await ActionItem.filter(proposal_id__in=ids).prefetch_related("updates"):
        items.setdefault(i.proposal_id, []).append(i)  # type: ignore[attr-defined]
    return {
        "session": session,
        "assembly": session.assembly,
        "views": views,
        "answers": answers,
        "pledges": pledges,
        "items": items,
        "answer_labels": ANSWER_LABELS,
        "roles": ROLES,
        "statuses": STATUS_LABELS,
        "carried": CARRIED,
        "today": outcomes.today(),
        "csv_sheets": _csv_sheets(),
    }


def _csv_sheets() -> tuple[str, ...]:
    from deliberate.briefs.render_tables import CSV_SHEETS

    return tuple(CSV_SHEETS)


async def desk(request: Request) -> Response:
    found = await _steward(request)
    if isinstance(found, Response):
        return found
    session, actor = found
    return render(request, "staff/outcomes.html", await _desk_context(session, actor) | {"errors": {}}, actor=actor)


async def desk_action(request: Request) -> Response:
    """Every form on the desk posts here with an `action`; each maps to one service call."""
    found = await _steward(request)
    if isinstance(found, Response):
        return found
    session, actor = found
    action = request.path_params["action"]
    form: dict[str, Any] = {}
    try:
        form = dict(await read_form(request))
        if action == "progress":
            item = await outcomes.get_action_item(as_int(form.get("item_id"), field="item_id"))
            owner = item.proposal.session_id if item.proposal else item.clause.item.session_id  # type: ignore[union-attr]
            if owner != session.id:
                raise NotFound(N_("No such action item."), field="item_id")
            await outcomes.report_progress(
                actor, item, status=form.get("status"), note=form.get("note"), on=form.get("on")
            )
            anchor = item.proposal_id or f"clause-{item.clause_id}"  # type: ignore[attr-defined]
        else:
            proposal = await Proposal.get_or_none(
                id=as_int(form.get("proposal_id"), field="proposal_id"), session_id=session.id
            ).prefetch_related("session")
            if proposal is None:
                raise NotFound(N_("No such proposal."), field="proposal_id")
            anchor = proposal.id
            if action == "answer":
                await outcomes.answer_proposal(
                    actor,
                    proposal,
                    state=form.get("state"),
                    reason=form.get("reason"),
                    programme=form.get("programme"),
                    lead_agency=form.get("lead_agency"),
                    partners=form.get("partners"),
                    budget=form.get("budget"),
                    fiscal_year=form.get("fiscal_year"),
                )
            elif action == "commitment":
                await outcomes.record_commitment(
                    actor,
                    proposal,
                    who=form.get("who"),
                    role=form.get("role"),
                    what=form.get("what"),
                    due=form.get("due"),
                )
            elif action == "action-item":
                await outcomes.add_action_item(
                    actor,
                    proposal,
                    title=form.get("title"),
                    community_owner=form.get("community_owner"),
                    agency_owner=form.get("agency_owner"),
                    due=form.get("due"),
                )
            else:
                return error_page(request, NotFound(N_("No such page.")))
    except DomainError as exc:
        ctx = await _desk_context(session, actor)
        return render(
            request,
            "staff/outcomes.html",
            ctx
            | {
                "errors": form_errors(exc),
                "failed": (action, str(form.get("proposal_id") or form.get("item_id"))),
                "values": form,
            },
            status=exc.status,
            actor=actor,
        )
    return redirect(str(request.url_for("outcomes_desk", code=session.code)) + f"#outcome-{anchor}")


async def download_brief(request: Request) -> Response:
    return await _download(request, "brief")


async def download_minutes(request: Request) -> Response:
    return await _download(request, "minutes")


async def _download(request: Request, what: str) -> Response:
    """The brief or minutes for signed-in staff, from the desk's links (the API does the same by token)."""
    found = await _steward(request)
    if isinstance(found, Response):
        return found
    session, actor = found
    fmt = request.path_params["fmt"]
    q = request.query_params
    try:
        fmt = briefs.clean_format(fmt, briefs.FORMATS if what == "brief" else briefs.MINUTES_FORMATS)
        data = await briefs.current_brief(
            actor, session, lang=q.get("lang") or get_language(), base_url=str(request.base_url)
        )
    except DomainError as exc:
        return error_page(request, exc)
    thai = q.get("digits", "thai") != "arabic"
    if what == "brief":
        rendered = await briefs.in_background(
            briefs.render, data, fmt, thai_digits=thai, sheet=q.get("sheet", "proposals"), memo=q.get("memo") == "1"
        )
    else:
        rendered = await briefs.in_background(briefs.render_minutes, data, fmt, thai_digits=thai)
    return attachment(rendered.body, rendered.media_type, rendered.filename)


async def follow_up_page(request: Request) -> Response:
    """Public, no sign-in: what became of each adopted or forwarded proposal of an assembly."""
    try:
        assembly = await sessions.get_assembly(request.path_params["assembly_id"])
    except DomainError as exc:
        return error_page(request, exc)
    entries = await outcomes.follow_up(assembly)
    return render(
        request,
        "public/follow_up.html",
        {
            "assembly": assembly,
            "entries": entries,
            "clauses": await outcomes.clause_follow_up(assembly),
            "answer_labels": ANSWER_LABELS,
            "statuses": STATUS_LABELS,
            "roles": ROLES,
        },
        actor=await page_actor(request),
    )


REGION_LABELS = {
    "central": N_("Central"),
    "east": N_("East"),
    "northeast": N_("Northeast"),
    "north": N_("North"),
    "west": N_("West"),
    "south": N_("South"),
}


async def portal(request: Request) -> Response:
    """Officials' portal: browse assemblies, search proposals in Thai, compare, download any brief."""
    from deliberate import geo
    from deliberate.briefs import portal as finder

    actor = await page_actor(request)
    if actor.staff is None:
        return redirect(str(request.url_for("login")) + "?next=" + request.url.path)
    raw = dict(request.query_params)
    errors: dict[str, str] = {}
    try:
        filters = finder.clean_filters(raw)
        rows, hits = await finder.search(actor, filters)
    except DomainError as exc:
        if exc.status in (401, 403):
            return error_page(request, exc)
        errors, rows, hits, filters = form_errors(exc), [], [], finder.Filters()
    return render(
        request,
        "staff/portal.html",
        {
            "rows": rows,
            "hits": hits,
            "filters": filters,
            "values": raw,
            "errors": errors,
            "regions": REGION_LABELS,
            "provinces": geo.provinces(),
            "answer_labels": ANSWER_LABELS,
            "searched": bool(filters.q or filters.theme),
        },
        status=422 if errors else 200,
        actor=actor,
    )
