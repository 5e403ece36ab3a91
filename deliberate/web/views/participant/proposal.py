"""A proposal's page: its text, comments for and against, supports, the official answer and pledges."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from deliberate.actors import Actor, runs
from deliberate.comments.services import add_comment, list_comments
from deliberate.errors import DomainError, NotFound
from deliberate.i18n import N_
from deliberate.outcomes.models import ANSWER_LABELS, CARRIED, ROLES, Commitment, ProposalAnswer
from deliberate.outcomes.services import pledge as make_pledge
from deliberate.outcomes.services import today
from deliberate.proposals.models import Proposal
from deliberate.proposals.services import decorate, visible_proposal
from deliberate.sessions.models import Session
from deliberate.sessions.services import can
from deliberate.supports.services import add_support, withdraw_support
from deliberate.text import as_int
from deliberate.voting.secrecy import supports_withheld, withhold_views
from deliberate.web.forms import is_htmx, read_form, write_once
from deliberate.web.guards import Refused, guarded, visitor
from deliberate.web.pages import error_page, form_errors, redirect, render
from deliberate.web.urls import url


async def _proposal(request: Request) -> tuple[Session, Actor, Proposal]:
    """The proposal of the path as this visitor may see it, in its session, or its error page."""
    session, actor = await visitor(request)
    try:
        proposal = await visible_proposal(actor, as_int(request.path_params["proposal_id"], field="id"))
        if proposal.session_id != session.id:
            raise NotFound(N_("No such proposal."))
    except DomainError as exc:
        raise Refused(error_page(request, exc)) from exc
    return session, actor, proposal


@guarded
async def proposal_page(request: Request) -> Response:
    session, actor, proposal = await _proposal(request)
    if request.query_params.get("part") == "comments":
        # What a live update re-fetches when a comment was hidden or restored: the list alone.
        return render(
            request,
            "participant/_comment_list.html",
            {"session": session, "view_id": proposal.id, "comments": await list_comments(proposal)},
            actor=actor,
        )
    return await _page(request, session, actor, proposal)


async def _page(
    request: Request,
    session: Session,
    actor: Actor,
    proposal: Proposal,
    *,
    errors: dict[str, str] | None = None,
    values: Mapping[str, object] | None = None,
    status: int = 200,
) -> Response:
    view = (await decorate(actor, [proposal]))[0]
    if await supports_withheld(session) and not await runs(actor, session.assembly_id):
        view = withhold_views([view])[0]  # a hidden support round's figure
    comments = await list_comments(proposal)
    answer = await ProposalAnswer.get_or_none(proposal_id=proposal.id)
    return render(
        request,
        "participant/proposal.html",
        {
            "session": session,
            "assembly": session.assembly,
            "view": view,
            "comments": comments,
            "can": {a: can(session, a) for a in ("comment", "support", "pledge")},
            "errors": errors or {},
            "values": values or {},
            "sent": request.query_params.get("sent", ""),  # the form whose post was just accepted
            "answer": answer,
            "answer_labels": ANSWER_LABELS,
            "carried": CARRIED,
            "roles": ROLES,
            "today": today(),
            "pledges": await Commitment.filter(proposal_id=proposal.id).count(),
        },
        status=status,
        actor=actor,
    )


@guarded
async def comment(request: Request) -> Response:
    session, actor, proposal = await _proposal(request)

    async def write(form: FormData) -> None:
        await add_comment(actor, proposal, body=form.get("body"), stance=form.get("stance"))

    return await _write_here(request, (session, actor, proposal), write, sent="comments")


@guarded
async def pledge(request: Request) -> Response:
    """ร่วมทำ: a participant says what they (or their organisation) will do on a carried proposal."""
    session, actor, proposal = await _proposal(request)

    async def write(form: FormData) -> None:
        await make_pledge(
            actor,
            proposal,
            role=form.get("role"),
            what=form.get("what"),
            due=form.get("due"),
            organisation=form.get("organisation"),
            credited=form.get("credited") == "on",
        )

    return await _write_here(request, (session, actor, proposal), write, sent="pledge")


async def _write_here(
    request: Request,
    where: tuple[Session, Actor, Proposal],
    write: Callable[[FormData], Awaitable[None]],
    *,
    sent: str,
) -> Response:
    """A form on the proposal's page, written once per Idempotency-Key: back to the page with the form's
    confirmation, or the page again with the error by its field and what was typed kept."""
    session, actor, proposal = where
    form: FormData | None = None
    try:
        form = await read_form(request)
        posted = form

        async def once() -> dict[str, object]:
            await write(posted)
            return {}

        await write_once(request, actor, form, once)
    except DomainError as exc:
        values = dict(form) if form is not None else {}
        return await _page(request, *where, errors=form_errors(exc), values=values, status=exc.status)
    return redirect(url("proposal_page", code=session.code, proposal_id=proposal.id) + f"?sent={sent}#{sent}")


@guarded
async def support(request: Request) -> Response:
    session, actor, proposal = await _proposal(request)
    try:
        form = await read_form(request)

        async def write() -> dict[str, object]:
            if form.get("withdraw") == "1":
                await withdraw_support(actor, proposal)
            else:
                await add_support(actor, proposal)
            return {}

        await write_once(request, actor, form, write)
    except DomainError as exc:
        return error_page(request, exc)
    if is_htmx(request):
        view = (await decorate(actor, [proposal]))[0]
        return render(
            request,
            "participant/_support.html",
            {"session": session, "view": view, "can": {"support": True}},
            actor=actor,
        )
    back = form.get("next")
    if isinstance(back, str) and back.startswith("/s/") and "//" not in back:
        return redirect(back)
    return redirect(url("session_page", code=session.code) + f"#proposal-{proposal.id}")
