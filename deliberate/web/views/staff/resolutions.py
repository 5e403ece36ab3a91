"""The facilitators' resolutions desk: proposals screened against criteria and grouped into agenda items,
drafts revised, clauses added and redrafted, amendments decided and merged, consensus checks opened and
closed, the voting rules and the delegates. Each act is its own route; `_act` runs it and answers with the
desk at what changed, or the desk again with the message by the form that was refused."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from deliberate.actors import Actor
from deliberate.errors import DomainError, NotFound, ValidationError
from deliberate.i18n import N_, gettext
from deliberate.proposals.services import get_proposal
from deliberate.resolutions import screening
from deliberate.resolutions import services as resolutions
from deliberate.resolutions.export import STATUS_LABELS, resolution_json
from deliberate.resolutions.models import AMENDERS, ANSWERS, SECTOR_GROUPS, VOTERS, ConsensusCheck, Delegate
from deliberate.sessions.models import Participant, Session
from deliberate.text import as_int
from deliberate.web.forms import is_htmx, read_form
from deliberate.web.guards import facilitator, guarded
from deliberate.web.pages import form_errors, redirect, render
from deliberate.web.urls import url
from deliberate.web.views.resolution_parts import (
    DRAFT_FORMS,
    REDRAFTABLE,
    Where,
    amendment_in,
    check_in,
    clause_in,
    clauses_of,
    item_in,
    version,
)

# The console's participant picker for delegates.
MAX_PICK = 500
SETUP_FORMS = {"item": "draft", "rules": "rules", "delegate": "delegates", "criteria": "criteria"}
# Form fields that may come more than once (checkboxes): kept as lists for the re-rendered form.
LIST_FIELDS = ("proposal_ids", "amendment_ids")


async def _read(request: Request) -> tuple[dict[str, Any], FormData]:
    """The form as a dict for re-rendering (checkbox fields as lists), and the raw form."""
    raw = await read_form(request)
    return dict(raw) | {name: raw.getlist(name) for name in LIST_FIELDS}, raw


def _ids(raw: list[Any], field: str) -> list[int]:
    return [as_int(v, field=field) for v in raw]


async def _desk_context(session: Session) -> dict[str, Any]:
    data = await resolution_json(session)
    pairs = clauses_of(data)
    live: dict[int, dict[str, Any]] = {}
    for check in await ConsensusCheck.filter(
        id__in=[c["open_check_id"] for _, c in pairs if c["open_check_id"]]
    ).prefetch_related("clause", "clause__item", "clause__item__session"):
        live[check.clause_id] = await resolutions.tally(check)
    closed = {
        ch.clause_id: ch.result | {"outcome": ch.outcome}
        for ch in await ConsensusCheck.filter(id__in=[c["last_check"]["id"] for _, c in pairs if c["last_check"]])
    }
    rules = await resolutions.rules_of(session)
    delegates = await Delegate.filter(session_id=session.id).prefetch_related("participant").order_by("network", "id")
    people = await Participant.filter(session_id=session.id).order_by("display_name", "id").limit(MAX_PICK)
    await screening.ensure_default_criteria(session.assembly)
    criteria, screened = await screening.screening_table(session)
    grouped_in = {p["id"]: item["title"] for item in data["items"] for p in item["proposals"]}
    return {
        "criteria": criteria,
        "screened": screened,
        "scores": screening.SCORES,
        "grouped_in": grouped_in,
        "criteria_text": "\n".join(f"{c.name}: {c.description}" if c.description else c.name for c in criteria),
        "session": session,
        "assembly": session.assembly,
        "items": data["items"],
        "live": live,
        "closed": closed,
        "rules": rules,
        "delegates": delegates,
        "people": people,
        "voters": VOTERS,
        "amenders": AMENDERS,
        "sector_groups": SECTOR_GROUPS,
        "answers": ANSWERS,
        "outcome_labels": STATUS_LABELS,
        "deliberation": session.phase == "deliberation",
        "drafting": session.phase != "closed",
        "redraftable": REDRAFTABLE,
        "errors": {},
        "values": {},
        "error_at": None,
    }


@guarded
async def desk(request: Request) -> Response:
    session, actor = await facilitator(request)
    ctx = await _desk_context(session)
    region = is_htmx(request) and request.query_params.get("part") == "region"
    return render(request, "resolutions/_desk.html" if region else "resolutions/desk.html", ctx, actor=actor)


# An act: given the session, the actor, the form (as a dict and as sent) and where a refusal would be shown,
# it calls its service and names the anchor of the desk to come back to.
Act = Callable[[Session, Actor, dict[str, Any], FormData, Where], Awaitable[str]]


@guarded
async def _act(request: Request, action: str, act: Act) -> Response:
    session, actor = await facilitator(request)
    form: dict[str, Any] = {}
    where = Where()
    try:
        form, raw = await _read(request)
        anchor = await act(session, actor, form, raw, where)
    except DomainError as exc:
        ctx = await _desk_context(session)
        if action in DRAFT_FORMS:
            error_at = where.draft_slot(ctx["items"], action, ctx["drafting"])
        else:
            error_at = SETUP_FORMS.get(action) or (
                f"screen-{where.target}"
                if action == "screen" and where.target
                else where.slot(ctx["items"], action, False, ctx["deliberation"])
            )
        return render(
            request,
            "resolutions/desk.html",
            ctx | {"errors": form_errors(exc), "values": form, "error_at": error_at},
            status=exc.status,
            actor=actor,
        )
    return redirect(url("resolutions_desk", code=session.code) + f"#{anchor}")


async def item(request: Request) -> Response:
    """Draft an agenda item, grouping proposals."""

    async def act(session: Session, actor: Actor, form: dict[str, Any], raw: FormData, where: Where) -> str:
        made = await resolutions.create_item(
            actor,
            session,
            title=form.get("title"),
            background=form.get("background", ""),
            preamble=_lines(form.get("preamble")),
            clauses=_clause_blocks(form.get("clauses")),
            proposal_ids=_ids(form["proposal_ids"], "proposal_ids"),
        )
        return f"item-{made.id}"

    return await _act(request, "item", act)


async def revise_item(request: Request) -> Response:
    """An item's title, background and preamble."""

    async def act(session: Session, actor: Actor, form: dict[str, Any], raw: FormData, where: Where) -> str:
        found = await item_in(session, form.get("item_id"))
        where.item = found.id
        await resolutions.edit_item(
            actor,
            found,
            title=form.get("title"),
            background=form.get("background", ""),
            preamble=_paragraphs(form.get("preamble")),
            base_version=version(form.get("base_version")),
        )
        return f"item-{found.id}"

    return await _act(request, "revise-item", act)


async def add_clause(request: Request) -> Response:
    async def act(session: Session, actor: Actor, form: dict[str, Any], raw: FormData, where: Where) -> str:
        found = await item_in(session, form.get("item_id"))
        where.item = found.id
        after = form.get("after_clause_id")
        clause = await resolutions.add_clause(
            actor,
            found,
            text=form.get("text"),
            lead_agency=form.get("lead_agency", ""),
            partners=_lines(form.get("partners")),
            after_clause_id=as_int(after, field="after_clause_id") if after else None,
        )
        return f"clause-{clause.id}"

    return await _act(request, "add-clause", act)


async def redraft(request: Request) -> Response:
    """Rewrite a clause as a new version."""

    async def act(session: Session, actor: Actor, form: dict[str, Any], raw: FormData, where: Where) -> str:
        clause = await clause_in(session, form.get("clause_id"))
        where.clause = clause.id
        await resolutions.revise_clause(
            actor,
            clause,
            text=form.get("text"),
            lead_agency=form.get("lead_agency", ""),
            partners=_lines(form.get("partners")),
            base_version=version(form.get("base_version")),
        )
        return f"clause-{clause.id}"

    return await _act(request, "redraft", act)


async def criteria(request: Request) -> Response:
    """The screening criteria."""

    async def act(session: Session, actor: Actor, form: dict[str, Any], raw: FormData, where: Where) -> str:
        await screening.set_criteria(actor, session.assembly, _criteria_lines(form.get("criteria")))
        return "criteria"

    return await _act(request, "criteria", act)


async def screen(request: Request) -> Response:
    """Score a proposal against the criteria."""

    async def act(session: Session, actor: Actor, form: dict[str, Any], raw: FormData, where: Where) -> str:
        proposal = await get_proposal(as_int(form.get("proposal_id"), field="proposal_id"))
        if proposal.session_id != session.id:
            raise NotFound(N_("No such proposal."))
        where.target = proposal.id
        scores = {
            key.removeprefix("score_"): value for key, value in raw.multi_items() if key.startswith("score_") and value
        }
        await screening.screen(actor, proposal, scores, form.get("note", ""))
        return f"screen-{proposal.id}"

    return await _act(request, "screen", act)


async def merge(request: Request) -> Response:
    """Fold amendments into one."""

    async def act(session: Session, actor: Actor, form: dict[str, Any], raw: FormData, where: Where) -> str:
        clause = await clause_in(session, form.get("clause_id"))
        where.clause = clause.id
        await resolutions.merge_amendments(
            actor,
            clause,
            amendment_ids=_ids(form["amendment_ids"], "amendment_ids"),
            text=form.get("text"),
            reason=form.get("reason", ""),
        )
        return f"clause-{clause.id}"

    return await _act(request, "merge", act)


async def rules(request: Request) -> Response:
    """Who votes and who amends, the reservation ceiling and the sectors' minimums."""

    async def act(session: Session, actor: Actor, form: dict[str, Any], raw: FormData, where: Where) -> str:
        await resolutions.set_rules(
            actor,
            session,
            voters=form.get("voters"),
            amenders=form.get("amenders"),
            max_reservation_share=_share(form.get("max_reservation_percent"), "max_reservation_percent", 0.2),
            sector_minimums={
                key: share
                for key in SECTOR_GROUPS
                if (share := _share(form.get(f"minimum_{key}"), f"minimum_{key}")) is not None
            },
        )
        return "rules"

    return await _act(request, "rules", act)


async def delegate(request: Request) -> Response:
    async def act(session: Session, actor: Actor, form: dict[str, Any], raw: FormData, where: Where) -> str:
        await resolutions.register_delegate(
            actor, session, as_int(form.get("participant_id"), field="participant_id"), form.get("network")
        )
        return "delegates"

    return await _act(request, "delegate", act)


async def decide(request: Request) -> Response:
    """Accept or reject an amendment."""

    async def act(session: Session, actor: Actor, form: dict[str, Any], raw: FormData, where: Where) -> str:
        amendment = await amendment_in(session, form.get("amendment_id"))
        where.clause, where.target = amendment.clause_id, amendment.id
        await resolutions.decide_amendment(actor, amendment, form.get("decision"))
        return f"clause-{amendment.clause_id}"

    return await _act(request, "decide", act)


async def open_check(request: Request) -> Response:
    async def act(session: Session, actor: Actor, form: dict[str, Any], raw: FormData, where: Where) -> str:
        clause = await clause_in(session, form.get("clause_id"))
        where.clause = clause.id
        await resolutions.open_check(actor, clause)
        return f"clause-{clause.id}"

    return await _act(request, "open-check", act)


async def close_check(request: Request) -> Response:
    async def act(session: Session, actor: Actor, form: dict[str, Any], raw: FormData, where: Where) -> str:
        check = await check_in(session, form.get("check_id"))
        where.clause = check.clause_id
        await resolutions.close_check(actor, check)
        return f"clause-{check.clause_id}"

    return await _act(request, "close-check", act)


def _criteria_lines(raw: object) -> list[dict[str, str]]:
    """Screening criteria one a line, "name: description" (the description may be left out)."""
    out = []
    for line in str(raw or "").splitlines():
        name, _, description = line.partition(":")
        if name.strip() or description.strip():
            out.append({"name": name.strip(), "description": description.strip()})
    return out


def _lines(raw: object) -> list[str]:
    """Preamble paragraphs, one a line."""
    return [line.strip() for line in str(raw or "").splitlines() if line.strip()]


def _paragraphs(raw: object) -> list[str]:
    """Preamble paragraphs one a block, a blank line between them; a paragraph keeps its line breaks."""
    blocks = re.split(r"\n[ \t]*\n", str(raw or "").replace("\r\n", "\n"))
    return ["\n".join(line.strip() for line in block.strip().split("\n")) for block in blocks if block.strip()]


def _clause_blocks(raw: object) -> list[dict[str, Any]]:
    """Clauses one a block (a blank line between them). In a block, a line "Lead agency: ..." names the
    lead agency and "Partners: a, b" the partners, in English or in the page's language."""
    lead_names = {"lead agency", gettext("Lead agency").casefold()}
    partner_names = {"partners", gettext("Partners").casefold()}
    out = []
    for block in re.split(r"\n[ \t]*\n", str(raw or "").replace("\r\n", "\n")):
        words, lead, partners = [], "", []
        for line in block.split("\n"):
            head, colon, rest = line.partition(":")
            if colon and head.strip().casefold() in lead_names:
                lead = rest.strip()
            elif colon and head.strip().casefold() in partner_names:
                partners = [p.strip() for p in re.split(r"[,、]", rest) if p.strip()]
            elif line.strip():
                words.append(line.strip())
        if words or lead or partners:
            out.append({"text": "\n".join(words), "lead_agency": lead, "partners": partners})
    return out


def _share(raw: object, field: str, blank: float | None = None) -> float | None:
    """A percentage as typed (20, 20%, ๒๐) as a share between 0 and 1; blank gives `blank`."""
    text = str(raw or "").strip().rstrip("%").strip().replace(",", ".")
    if not text:
        return blank
    try:
        percent = float(text)
    except ValueError:
        percent = -1.0
    if not 0 <= percent <= 100:
        raise ValidationError(N_("Please give a percentage from 0 to 100."), field=field)
    return round(percent / 100, 4)
