"""The phone's resolutions page: read the draft, propose an amendment to a clause, back one, comment on a
clause and answer a consensus check. Each act is its own route; `_act` runs it once per idempotency key and
answers with the page at the clause, or the page again with the message by the form that was refused."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from deliberate.actors import Actor
from deliberate.errors import DomainError
from deliberate.resolutions import services as resolutions
from deliberate.resolutions.export import resolution_json
from deliberate.resolutions.models import (
    AMENDMENT_OPS,
    ANSWERS,
    AgendaItem,
    Amendment,
    AmendmentBacker,
    CheckAnswer,
    Clause,
    ClauseComment,
    ConsensusCheck,
    Delegate,
)
from deliberate.sessions.models import Session
from deliberate.web.forms import is_htmx, read_form, write_once
from deliberate.web.guards import guarded, phone, visitor
from deliberate.web.pages import error_page, form_errors, redirect, render
from deliberate.web.urls import url
from deliberate.web.views.resolution_parts import Where, amendment_in, check_in, clause_in, clauses_of, version


async def _phone_context(session: Session, actor: Actor) -> dict[str, Any]:
    person = actor.participant
    assert person is not None
    data = await resolution_json(session)
    pairs = clauses_of(data)
    amendment_ids = [a["id"] for _, c in pairs for a in c["amendments"] if a["status"] == "proposed"]
    check_ids = [c["open_check_id"] for _, c in pairs if c["open_check_id"]]
    backed = (
        set(
            await AmendmentBacker.filter(participant_id=person.id, amendment_id__in=amendment_ids).values_list(
                "amendment_id", flat=True
            )
        )
        if amendment_ids
        else set()
    )
    mine = (
        {row.check_id: row for row in await CheckAnswer.filter(check_id__in=check_ids, participant_id=person.id)}
        if check_ids
        else {}
    )
    rules = await resolutions.rules_of(session)
    delegate = await Delegate.exists(participant_id=person.id)
    return {
        "session": session,
        "assembly": session.assembly,
        "items": data["items"],
        "backed": backed,
        "mine": mine,
        "deliberation": session.phase == "deliberation",
        "may_amend": rules.amenders == "everyone" or delegate,
        "may_answer": rules.voters == "everyone" or delegate,
        "ops": AMENDMENT_OPS,
        "answers": ANSWERS,
        "errors": {},
        "values": {},
        "error_at": None,
    }


@guarded
async def phone_page(request: Request) -> Response:
    session, actor = await phone(request)
    ctx = await _phone_context(session, actor)
    region = is_htmx(request) and request.query_params.get("part") == "region"
    return render(request, "resolutions/_phone.html" if region else "resolutions/phone.html", ctx, actor=actor)


# An act: given the session, the actor, the form and where a refusal would be shown, it calls its service
# and names the anchor of the page to come back to.
Act = Callable[[Session, Actor, dict[str, Any], Where], Awaitable[str]]


@guarded
async def _act(request: Request, action: str, act: Act) -> Response:
    session, actor = await visitor(request)
    form: dict[str, Any] = {}
    where = Where()
    try:
        raw = await read_form(request)
        form = dict(raw)

        async def write() -> dict[str, object]:
            return {"anchor": await act(session, actor, form, where)}

        anchor = str((await write_once(request, actor, raw, write))["anchor"])
    except DomainError as exc:
        if actor.participant is None:
            return error_page(request, exc)
        ctx = await _phone_context(session, actor)
        amendable = ctx["deliberation"] and ctx["may_amend"]
        error_at = where.slot(ctx["items"], action, amendable, ctx["deliberation"])
        return render(
            request,
            "resolutions/phone.html",
            ctx | {"errors": form_errors(exc), "values": form, "error_at": error_at},
            status=exc.status,
            actor=actor,
        )
    done = f"{action}-{anchor.rpartition('-')[2]}"
    return redirect(url("resolutions_page", code=session.code) + f"?done={done}#{anchor}")


async def amend(request: Request) -> Response:
    """Propose an amendment to a clause."""

    async def act(session: Session, actor: Actor, form: dict[str, Any], where: Where) -> str:
        clause = await clause_in(session, form.get("clause_id"))
        where.clause = clause.id
        await resolutions.propose_amendment(
            actor,
            clause,
            op=form.get("op"),
            text=form.get("text", ""),
            reason=form.get("reason"),
            base_version=version(form.get("base_version")),
        )
        return f"clause-{clause.id}"

    return await _act(request, "amend", act)


async def back(request: Request) -> Response:
    """Back a proposed amendment."""

    async def act(session: Session, actor: Actor, form: dict[str, Any], where: Where) -> str:
        amendment = await amendment_in(session, form.get("amendment_id"))
        where.clause, where.target = amendment.clause_id, amendment.id
        await resolutions.back_amendment(actor, amendment)
        return f"amendment-{amendment.id}"

    return await _act(request, "back", act)


async def answer(request: Request) -> Response:
    """Answer a consensus check on a clause."""

    async def act(session: Session, actor: Actor, form: dict[str, Any], where: Where) -> str:
        check = await check_in(session, form.get("check_id"))
        where.clause, where.target = check.clause_id, check.id
        await resolutions.answer_check(actor, check, answer=form.get("answer"), reason=form.get("reason", ""))
        return f"clause-{check.clause_id}"

    return await _act(request, "answer", act)


async def comment(request: Request) -> Response:
    """Comment on a clause."""

    async def act(session: Session, actor: Actor, form: dict[str, Any], where: Where) -> str:
        clause = await clause_in(session, form.get("clause_id"))
        where.clause = clause.id
        await resolutions.comment_on_clause(actor, clause, form.get("body"))
        return f"comments-{clause.id}"

    return await _act(request, "comment", act)


async def phone_fingerprint(session: Session) -> int:
    """A number that changes when anything a phone shows changes: items, clause versions and statuses,
    amendments and their backers, comments, which checks are open. Answers to a check are not on phones, so the
    live channel can spare every phone a re-fetch for each answer in a busy check."""
    items = await AgendaItem.filter(session_id=session.id).values_list("id", flat=True)
    clauses = await Clause.filter(item_id__in=items).values_list("id", "version", "status")
    ids = [c[0] for c in clauses]
    amendments = await Amendment.filter(clause_id__in=ids).values_list("id", "status")
    backers = await AmendmentBacker.filter(amendment__clause__item__session_id=session.id).count()
    checks = await ConsensusCheck.filter(clause_id__in=ids, is_open=True).values_list("id", flat=True)
    comments = await ClauseComment.filter(clause_id__in=ids).count()
    return hash(
        (
            tuple(items),
            tuple(sorted(clauses)),
            tuple(sorted(amendments)),
            backers,
            tuple(sorted(checks)),
            comments,
            session.phase,
        )
    )
