"""The answers-and-follow-up desk (facilitators and officials): the official answer to each proposal,
pledges, action items and their progress, and the downloads of the brief and the minutes. Each form posts
to its own route; `_act` runs its one service call and answers with the desk at the row it changed."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from deliberate import geo
from deliberate.actors import Actor, runs
from deliberate.briefs import services as briefs
from deliberate.errors import DomainError, NotFound
from deliberate.i18n import N_, get_language
from deliberate.outcomes import services as outcomes
from deliberate.outcomes.models import (
    ANSWER_LABELS,
    BUDGET_SOURCES,
    CARRIED,
    ROLES,
    STATUS_LABELS,
    ActionItem,
    Commitment,
    ProposalAnswer,
)
from deliberate.outcomes.plans import province_plan
from deliberate.proposals.models import Proposal, ProposalStatus
from deliberate.proposals.services import decorate
from deliberate.resolutions.models import AgendaItem
from deliberate.sessions.models import Session
from deliberate.text import as_int
from deliberate.web.forms import read_form
from deliberate.web.guards import guarded, steward
from deliberate.web.pages import attachment, error_page, form_errors, redirect, render
from deliberate.web.urls import url


def indicators_text(indicators: list[dict[str, Any]]) -> str:
    """Indicators as the desk writes them: "name | 2570: 50 | 2571: 60", one a line."""
    return "\n".join(
        " | ".join([i["name"], *(f"{year}: {value}" for year, value in i["values"].items())]) for i in indicators
    )


async def _desk_context(session: Session, actor: Actor) -> dict[str, Any]:
    proposals = (
        await Proposal.filter(session_id=session.id, kind="proposal", status=ProposalStatus.PUBLISHED)
        .prefetch_related("theme")
        .order_by("id")
    )
    views = sorted(await decorate(actor, list(proposals)), key=lambda v: (-v.supports, v.id))
    ids = [v.id for v in views]
    answers = {a.proposal_id: a for a in await ProposalAnswer.filter(proposal_id__in=ids)}
    pledges: dict[int, list[Commitment]] = {}
    for c in await Commitment.filter(proposal_id__in=ids).prefetch_related("participant"):
        pledges.setdefault(c.proposal_id, []).append(c)
    items: dict[int, list[ActionItem]] = {}
    for i in await ActionItem.filter(proposal_id__in=ids).prefetch_related("updates"):
        if i.proposal_id is not None:  # always, as filtered: an item drafted from a clause has none
            items.setdefault(i.proposal_id, []).append(i)
    return {
        "session": session,
        "assembly": session.assembly,
        "views": views,
        # Statements (a Pol.is import) or resolution items alone make a brief too.
        "has_findings": await briefs.has_findings(session),
        "answers": answers,
        "pledges": pledges,
        "items": items,
        "answer_labels": ANSWER_LABELS,
        "roles": ROLES,
        "statuses": STATUS_LABELS,
        "carried": CARRIED,
        "today": outcomes.today(),
        "csv_sheets": _csv_sheets(),
        "has_items": await AgendaItem.filter(session_id=session.id).exists(),
        "runs": await runs(actor, session.assembly_id),
        "plan": await province_plan(session.assembly.province_code),
        "budget_sources": BUDGET_SOURCES,
        "areas": geo.subdistrict_choices(session.assembly.province_code) if session.assembly.province_code else [],
        "indicators_text": indicators_text,
    }


def _csv_sheets() -> tuple[str, ...]:
    from deliberate.briefs.render_tables import CSV_SHEETS

    return tuple(CSV_SHEETS)


@guarded
async def desk(request: Request) -> Response:
    session, actor = await steward(request)
    return render(request, "staff/outcomes.html", await _desk_context(session, actor) | {"errors": {}}, actor=actor)


# An act: one service call with the session, the actor and the form; it names the row of the desk to come
# back to and the id of the proposal or action item that row is about.
Act = Callable[[Session, Actor, dict[str, Any]], Awaitable[object]]


@guarded
async def _act(request: Request, action: str, act: Act) -> Response:
    session, actor = await steward(request)
    form: dict[str, Any] = {}
    try:
        raw = await read_form(request)
        form = dict(raw) | {"area_codes": raw.getlist("area_codes")}
        anchor = await act(session, actor, form)
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
    return redirect(url("outcomes_desk", code=session.code) + f"#outcome-{anchor}")


async def _proposal_in(session: Session, form: dict[str, Any]) -> Proposal:
    proposal = await Proposal.get_or_none(
        id=as_int(form.get("proposal_id"), field="proposal_id"), session_id=session.id
    ).prefetch_related("session")
    if proposal is None:
        raise NotFound(N_("No such proposal."), field="proposal_id")
    return proposal


async def progress(request: Request) -> Response:
    """Progress on an action item, of a proposal or of a resolution's clause."""

    async def act(session: Session, actor: Actor, form: dict[str, Any]) -> object:
        item = await outcomes.get_action_item(as_int(form.get("item_id"), field="item_id"))
        if item.proposal is not None:
            owner = item.proposal.session_id
        elif item.clause is not None:
            owner = item.clause.item.session_id
        else:  # every item answers a proposal or a clause; one with neither belongs to no session
            owner = None
        if owner != session.id:
            raise NotFound(N_("No such action item."), field="item_id")
        await outcomes.report_progress(actor, item, status=form.get("status"), note=form.get("note"), on=form.get("on"))
        return item.proposal_id or f"clause-{item.clause_id}"

    return await _act(request, "progress", act)


async def answer(request: Request) -> Response:
    """The official answer to a proposal."""

    async def act(session: Session, actor: Actor, form: dict[str, Any]) -> object:
        proposal = await _proposal_in(session, form)
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
            plan={k: form.get(k) for k in outcomes.PLAN_ROW_FIELDS},
        )
        return proposal.id

    return await _act(request, "answer", act)


async def commitment(request: Request) -> Response:
    """A pledge recorded for an agency or a person."""

    async def act(session: Session, actor: Actor, form: dict[str, Any]) -> object:
        proposal = await _proposal_in(session, form)
        await outcomes.record_commitment(
            actor, proposal, who=form.get("who"), role=form.get("role"), what=form.get("what"), due=form.get("due")
        )
        return proposal.id

    return await _act(request, "commitment", act)


async def action_item(request: Request) -> Response:
    async def act(session: Session, actor: Actor, form: dict[str, Any]) -> object:
        proposal = await _proposal_in(session, form)
        await outcomes.add_action_item(
            actor,
            proposal,
            title=form.get("title"),
            community_owner=form.get("community_owner"),
            agency_owner=form.get("agency_owner"),
            due=form.get("due"),
        )
        return proposal.id

    return await _act(request, "action-item", act)


@guarded
async def resolution_page(request: Request) -> Response:
    """The session's resolution as officials read it in the browser: each agenda item's clauses as they stand,
    with the level of agreement and reservations, and the downloads (the desk is the facilitators')."""
    from deliberate.resolutions.export import resolution_json
    from deliberate.resolutions.render import outline

    session, actor = await steward(request)
    data = await resolution_json(session)
    return render(request, "staff/resolution.html", {"session": session, "doc": outline(data)}, actor=actor)


@guarded
async def download_resolution(request: Request) -> Response:
    """The resolution's JSON, PDF or DOCX for signed-in staff of the assembly (the API does the same by token)."""
    from deliberate.resolutions.files import resolution_file

    session, actor = await steward(request)
    try:
        done = await resolution_file(
            actor, session, request.path_params["fmt"], thai_digits=request.query_params.get("digits") != "arabic"
        )
    except DomainError as exc:
        return error_page(request, exc)
    return attachment(done.body, done.media_type, done.filename)


async def download_brief(request: Request) -> Response:
    return await _download(request, "brief")


async def download_minutes(request: Request) -> Response:
    return await _download(request, "minutes")


@guarded
async def _download(request: Request, what: str) -> Response:
    """The brief or minutes for signed-in staff, from the desk's links (the API does the same by token)."""
    session, actor = await steward(request)
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
