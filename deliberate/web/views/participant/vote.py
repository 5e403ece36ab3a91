"""The phone's voting screen: the open round (dots, scores, ranking) and statements one at a time."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from deliberate.actors import Actor
from deliberate.errors import DomainError, NotFound
from deliberate.i18n import N_
from deliberate.proposals.models import Proposal, ProposalStatus
from deliberate.sessions.models import Session
from deliberate.sessions.services import can
from deliberate.statements import opinion
from deliberate.statements.services import next_statement, write_statement
from deliberate.text import as_int
from deliberate.voting import services as voting
from deliberate.web.forms import read_form, write_once
from deliberate.web.guards import guarded, phone, session_of, visitor
from deliberate.web.pages import error_page, form_errors, redirect, render
from deliberate.web.urls import url
from deliberate.web.views.participant.now import now_context


async def _context(request: Request, session: Session, actor: Actor) -> dict[str, object]:
    me = actor.participant_in(session)
    ctx: dict[str, object] = {
        "session": session,
        "assembly": session.assembly,
        "can": {a: can(session, a) for a in ("support", "react")},
    }
    # The round, its controls, this phone's marks and the figures once they may be shown: the "now" card.
    ctx.update(await now_context(request, session, actor, "vote"))
    if me is not None:
        ctx["statement"] = await next_statement(actor, session)
        ctx["statements_total"] = await Proposal.filter(
            session_id=session.id, kind="statement", status=ProposalStatus.PUBLISHED
        ).count()
        entry = opinion.cached(session.id)
        if entry is not None:
            group = entry.map.group_of().get(me.id)
            ctx["my_group"] = group
            if group is not None:
                reps = entry.map.repness.get(group, [])[:3]
                titles = dict(await Proposal.filter(id__in=[r.statement_id for r in reps]).values_list("id", "title"))
                ctx["group_reps"] = [(titles.get(r.statement_id, ""), r.direction) for r in reps]
    return ctx


@guarded
async def vote_page(request: Request) -> Response:
    return await _page(request, *await phone(request))


async def _page(
    request: Request, session: Session, actor: Actor, *, errors: dict[str, str] | None = None, status: int = 200
) -> Response:
    ctx = await _context(request, session, actor)
    sent = request.query_params.get("sent", "")  # the form whose post was just accepted (shared/_sent.html)
    return render(
        request,
        "participant/vote.html",
        ctx | {"errors": errors or {}, "values": {}, "sent": sent},
        status=status,
        actor=actor,
    )


async def _proposal_of(session: Session, raw: object) -> Proposal:
    proposal = await Proposal.get_or_none(id=as_int(raw, field="proposal_id"), session_id=session.id)
    if proposal is None:
        raise NotFound(N_("No such proposal."))
    proposal.session = session
    return proposal


@guarded
async def _act(request: Request, do: Callable[[Session, Actor, FormData], Awaitable[str]]) -> Response:
    """A phone's voting form: run the service (once per idempotency key), then back to the voting page at the
    anchor `do` names, or the page again with the message when it was refused."""
    session, actor = await visitor(request)
    try:
        form = await read_form(request)

        async def write() -> dict[str, object]:
            return {"anchor": await do(session, actor, form)}

        anchor = str((await write_once(request, actor, form, write))["anchor"])
    except DomainError as exc:
        if actor.participant is None:
            return error_page(request, exc)
        return await _page(request, session, actor, errors=form_errors(exc), status=exc.status)
    # The anchor names the form's part of the page, where the confirmation shows (shared/_sent.html). A tap in
    # the board's "now" card comes back to the board, by the same card.
    page = "session_page" if form.get("back") == "board" else "vote_page"
    return redirect(url(page, code=session.code) + f"?sent={anchor.lstrip('#')}" + anchor)


async def vote(request: Request) -> Response:
    """One tap: dots up or down, a score, or agree / disagree / pass on a statement."""

    async def do(session: Session, actor: Actor, form: FormData) -> str:
        proposal = await _proposal_of(session, form.get("proposal_id"))
        await voting.cast_vote(actor, proposal, method=form.get("method"), value=form.get("value"))
        return "#statement" if form.get("method") == "agree" else f"#vote-{proposal.id}"

    return await _act(request, do)


async def rank(request: Request) -> Response:
    async def do(session: Session, actor: Actor, form: FormData) -> str:
        order = [as_int(v, field="order") for v in form.getlist("order") if v]
        await voting.rank(actor, session, order=order)
        return "#ranking"

    return await _act(request, do)


async def statement(request: Request) -> Response:
    async def do(session: Session, actor: Actor, form: FormData) -> str:
        await write_statement(actor, session, text=form.get("text"))
        return "#write"

    return await _act(request, do)


@guarded
async def similar_hint(request: Request) -> Response:
    """Similar proposals (or statements) already there, shown while someone types a new one."""
    from deliberate.thaitext import similar

    session = await session_of(request)
    kind = "statement" if request.query_params.get("kind") == "statement" else "proposal"
    text = (request.query_params.get("title") or request.query_params.get("text") or "")[:300]
    matches = []
    if len(text.strip()) >= 4:
        rows = await Proposal.filter(session_id=session.id, kind=kind, status=ProposalStatus.PUBLISHED).values_list(
            "id", "title"
        )
        titles = dict(rows)
        matches = [(m.id, titles[m.id]) for m in similar(text, list(rows), limit=3)]
    return render(request, "participant/_similar.html", {"session": session, "matches": matches, "kind": kind})
