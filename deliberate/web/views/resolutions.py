"""Resolutions on screen: the phone page where people read the draft, amend a clause, back an amendment,
comment on a clause and answer a consensus check; the facilitators' resolutions desk, where proposals are
screened and grouped into agenda items, drafts revised and amendments merged; the projector's clause under discussion.

Each page has one POST handler; every form on it names an `action`, and each action is one service call.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import Response

from deliberate.actors import Actor
from deliberate.errors import DomainError, NotFound, PermissionDenied, ValidationError
from deliberate.i18n import N_, gettext
from deliberate.proposals.services import get_proposal
from deliberate.resolutions import screening
from deliberate.resolutions import services as resolutions
from deliberate.resolutions.export import STATUS_LABELS, resolution_json
from deliberate.resolutions.models import (
    AMENDERS,
    AMENDMENT_OPS,
    ANSWERS,
    SECTOR_GROUPS,
    VOTERS,
    AgendaItem,
    Amendment,
    AmendmentBacker,
    CheckAnswer,
    Clause,
    ClauseComment,
    ConsensusCheck,
    Delegate,
)
from deliberate.sessions import services as sessions
from deliberate.sessions.models import Participant, Session
from deliberate.text import as_int
from deliberate.web.forms import is_htmx, read_form, write_once
from deliberate.web.identity import page_actor
from deliberate.web.pages import error_page, form_errors, redirect, render
from deliberate.web.templating import templates
from deliberate.web.views.participant import join_url

# The projector shows this many proposed amendments, most backed first; the console and phones show all.
SCREEN_AMENDMENTS = 3
# The console's participant picker for delegates.
MAX_PICK = 500


@functools.lru_cache(maxsize=4096)
def words(text: str) -> Markup:
    """Thai text that breaks across lines only between newmm words. Browsers break Thai by their own
    dictionary, which on a narrow phone cuts บันทึก into บัน|ทึก or ผู้|สูงอายุ; here each word is kept
    whole (`.w` is nowrap) with a <wbr> between words. The text itself is unchanged."""
    from deliberate.thaitext.diff import tokens

    return Markup("<wbr>").join(
        Markup('<span class="w">{}</span>').format(t) if t.strip() and len(t) <= 30 else escape(t) for t in tokens(text)
    )


templates.env.filters.setdefault("words", words)


# -- shared ---------------------------------------------------------------------------------------------------
async def _session(request: Request) -> Session | Response:
    try:
        return await sessions.get_session(request.path_params["code"])
    except DomainError as exc:
        return error_page(request, exc)


async def _item_in(session: Session, raw: object) -> AgendaItem:
    item = await resolutions.get_item(as_int(raw, field="item_id"))
    if item.session_id != session.id:  # type: ignore[attr-defined]
        raise NotFound(N_("No such agenda item."))
    return item


async def _clause_in(session: Session, raw: object) -> Clause:
    clause = await resolutions.get_clause(as_int(raw, field="clause_id"))
    if clause.item.session_id != session.id:  # type: ignore[attr-defined]
        raise NotFound(N_("No such clause."))
    return clause


async def _amendment_in(session: Session, raw: object) -> Amendment:
    amendment = await resolutions.get_amendment(as_int(raw, field="amendment_id"))
    if amendment.clause.item.session_id != session.id:  # type: ignore[attr-defined]
        raise NotFound(N_("No such amendment."))
    return amendment


async def _check_in(session: Session, raw: object) -> ConsensusCheck:
    check = await resolutions.get_check(as_int(raw, field="check_id"))
    if check.clause.item.session_id != session.id:  # type: ignore[attr-defined]
        raise NotFound(N_("No such consensus check."))
    return check


def _clauses(data: dict[str, Any]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    return [(item, clause) for item in data["items"] for clause in item["clauses"]]


class _Where:
    """Where on the page a refused form's message goes: by its own form when that form is still shown,
    else at the top of its clause (a check closed, an amendment decided meanwhile), else atop the page."""

    def __init__(self) -> None:
        self.item: int | None = None
        self.clause: int | None = None
        self.target: int | None = None

    def slot(self, items: list[dict[str, Any]], action: str, amendable: bool, open_forms: bool = False) -> str:
        """`open_forms`: the page shows its comment and merge forms (the deliberation phase)."""
        clause = next((c for item in items for c in item["clauses"] if c["id"] == self.clause), None)
        if clause is None:
            return "top"
        if action == "comment" and open_forms and clause["status"] != "removed":
            return f"comment-{clause['id']}"
        if action == "merge" and open_forms and sum(a["status"] == "proposed" for a in clause["amendments"]) >= 2:
            return f"merge-{clause['id']}"
        if action == "answer" and clause["open_check_id"] == self.target:
            return f"check-{self.target}"
        if action in ("back", "decide") and any(
            a["id"] == self.target and a["status"] == "proposed" for a in clause["amendments"]
        ):
            return f"amendment-{self.target}"
        if action == "amend" and amendable and clause["status"] in ("open", "not_adopted"):
            return f"amend-{clause['id']}"
        return f"clause-{clause['id']}"

    def draft_slot(self, items: list[dict[str, Any]], action: str, drafting: bool) -> str:
        """The drafting team's forms (revise an item, add or redraft a clause), shown unless the session
        is closed; a clause redrafted elsewhere into adoption or removal has its form taken away."""
        if not drafting:
            return "top"
        if action == "redraft":
            clause = next((c for item in items for c in item["clauses"] if c["id"] == self.clause), None)
            if clause is not None and clause["status"] in REDRAFTABLE:
                return f"redraft-{clause['id']}"
            return self.slot(items, action, False)
        if any(item["id"] == self.item for item in items):
            return f"{DRAFT_FORMS[action]}-{self.item}"
        return "top"


PHONE_ACTIONS = ("amend", "back", "answer", "comment")
SETUP_FORMS = {"item": "draft", "rules": "rules", "delegate": "delegates", "criteria": "criteria"}
# Form fields that may come more than once (checkboxes): kept as lists for the re-rendered form.
LIST_FIELDS = ("proposal_ids", "amendment_ids")
# The drafting team's forms on each item, by action: where a refused one is shown again.
DRAFT_FORMS = {"revise-item": "revise", "add-clause": "add-clause", "redraft": "redraft"}
# Clauses the drafting team may still rewrite (adopted and removed ones are settled).
REDRAFTABLE = ("open", "not_adopted")


async def _read(request: Request) -> tuple[dict[str, Any], Any]:
    """The form as a dict for re-rendering (checkbox fields as lists), and the raw form."""
    raw = await read_form(request)
    return dict(raw) | {name: raw.getlist(name) for name in LIST_FIELDS}, raw


def _ids(raw: list[Any], field: str) -> list[int]:
    return [as_int(v, field=field) for v in raw]


def _version(raw: object) -> object:
    """The form's base_version as a number; anything else goes to the service as it came, to be refused."""
    return int(raw) if isinstance(raw, str) and raw.isdigit() and len(raw) < 10 else raw


# -- the phone ------------------------------------------------------------------------------------------------
async def _phone_context(session: Session, actor: Actor) -> dict[str, Any]:
    person = actor.participant
    assert person is not None
    data = await resolution_json(session)
    pairs = _clauses(data)
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
        {
            row.check_id: row
            for row in await CheckAnswer.filter(  # type: ignore[attr-defined]
                check_id__in=check_ids, participant_id=person.id
            )
        }
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


async def phone_page(request: Request) -> Response:
    session = await _session(request)
    if isinstance(session, Response):
        return session
    actor = await page_actor(request, session)
    if actor.participant is None:
        return redirect(join_url(request, session.code))
    ctx = await _phone_context(session, actor)
    region = is_htmx(request) and request.query_params.get("part") == "region"
    return render(request, "resolutions/_phone.html" if region else "resolutions/phone.html", ctx, actor=actor)


async def phone_action(request: Request) -> Response:
    """amend (propose an amendment), back (back one), answer (a consensus check), comment (on a clause)."""
    session = await _session(request)
    if isinstance(session, Response):
        return session
    actor = await page_actor(request, session)
    action = request.path_params["action"]
    form: dict[str, Any] = {}
    where = _Where()
    if action not in PHONE_ACTIONS:
        return error_page(request, NotFound(N_("No such page.")))
    try:
        raw = await read_form(request)
        form = dict(raw)

        async def write() -> dict[str, object]:
            if action == "amend":
                clause = await _clause_in(session, form.get("clause_id"))
                where.clause = clause.id
                await resolutions.propose_amendment(
                    actor,
                    clause,
                    op=form.get("op"),
                    text=form.get("text", ""),
                    reason=form.get("reason"),
                    base_version=_version(form.get("base_version")),
                )
                return {"anchor": f"clause-{clause.id}"}
            if action == "back":
                amendment = await _amendment_in(session, form.get("amendment_id"))
                where.clause, where.target = amendment.clause_id, amendment.id  # type: ignore[attr-defined]
                await resolutions.back_amendment(actor, amendment)
                return {"anchor": f"amendment-{amendment.id}"}
            if action == "answer":
                check = await _check_in(session, form.get("check_id"))
                where.clause, where.target = check.clause_id, check.id  # type: ignore[attr-defined]
                await resolutions.answer_check(actor, check, answer=form.get("answer"), reason=form.get("reason", ""))
                return {"anchor": f"clause-{check.clause_id}"}  # type: ignore[attr-defined]
            clause = await _clause_in(session, form.get("clause_id"))
            where.clause = clause.id
            await resolutions.comment_on_clause(actor, clause, form.get("body"))
            return {"anchor": f"comments-{clause.id}"}

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
    url = str(request.url_for("resolutions_page", code=session.code))
    return redirect(f"{url}?done={action}-{anchor.rpartition('-')[2]}#{anchor}")


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


# -- the facilitators' desk --------------------------------------------------------------------------------------
async def _facilitator(request: Request) -> tuple[Session, Actor] | Response:
    session = await _session(request)
    if isinstance(session, Response):
        return session
    actor = await page_actor(request, session)
    if actor.staff is None:
        return redirect(str(request.url_for("login")) + "?next=" + request.url.path)
    if not actor.is_facilitator():
        return error_page(request, PermissionDenied(N_("Only facilitators can do this.")))
    return session, actor


async def _desk_context(session: Session) -> dict[str, Any]:
    data = await resolution_json(session)
    pairs = _clauses(data)
    live: dict[int, dict[str, Any]] = {}
    for check in await ConsensusCheck.filter(
        id__in=[c["open_check_id"] for _, c in pairs if c["open_check_id"]]
    ).prefetch_related("clause", "clause__item", "clause__item__session"):
        live[check.clause_id] = await resolutions.tally(check)  # type: ignore[attr-defined]
    closed = {
        ch.clause_id: ch.result | {"outcome": ch.outcome}  # type: ignore[attr-defined]
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


async def desk(request: Request) -> Response:
    found = await _facilitator(request)
    if isinstance(found, Response):
        return found
    session, actor = found
    ctx = await _desk_context(session)
    region = is_htmx(request) and request.query_params.get("part") == "region"
    return render(request, "resolutions/_desk.html" if region else "resolutions/desk.html", ctx, actor=actor)


async def desk_action(request: Request) -> Response:
    """item (draft an agenda item, grouping proposals), revise-item (its title, background and preamble),
    add-clause, redraft (rewrite a clause as a new version), rules, delegate, criteria (the screening criteria),
    screen (score a proposal), decide (accept or reject an amendment), merge (fold amendments into one),
    open-check, close-check."""
    found = await _facilitator(request)
    if isinstance(found, Response):
        return found
    session, actor = found
    action = request.path_params["action"]
    form: dict[str, Any] = {}
    where = _Where()
    try:
        form, raw = await _read(request)
        if action == "item":
            item = await resolutions.create_item(
                actor,
                session,
                title=form.get("title"),
                background=form.get("background", ""),
                preamble=_lines(form.get("preamble")),
                clauses=_clause_blocks(form.get("clauses")),
                proposal_ids=_ids(form["proposal_ids"], "proposal_ids"),
            )
            anchor = f"item-{item.id}"
        elif action == "revise-item":
            item = await _item_in(session, form.get("item_id"))
            where.item = item.id
            await resolutions.edit_item(
                actor,
                item,
                title=form.get("title"),
                background=form.get("background", ""),
                preamble=_paragraphs(form.get("preamble")),
                base_version=_version(form.get("base_version")),
            )
            anchor = f"item-{item.id}"
        elif action == "add-clause":
            item = await _item_in(session, form.get("item_id"))
            where.item = item.id
            after = form.get("after_clause_id")
            clause = await resolutions.add_clause(
                actor,
                item,
                text=form.get("text"),
                lead_agency=form.get("lead_agency", ""),
                partners=_lines(form.get("partners")),
                after_clause_id=as_int(after, field="after_clause_id") if after else None,
            )
            anchor = f"clause-{clause.id}"
        elif action == "redraft":
            clause = await _clause_in(session, form.get("clause_id"))
            where.clause = clause.id
            await resolutions.revise_clause(
                actor,
                clause,
                text=form.get("text"),
                lead_agency=form.get("lead_agency", ""),
                partners=_lines(form.get("partners")),
                base_version=_version(form.get("base_version")),
            )
            anchor = f"clause-{clause.id}"
        elif action == "criteria":
            await screening.set_criteria(actor, session.assembly, _criteria_lines(form.get("criteria")))
            anchor = "criteria"
        elif action == "screen":
            proposal = await get_proposal(as_int(form.get("proposal_id"), field="proposal_id"))
            if proposal.session_id != session.id:  # type: ignore[attr-defined]
                raise NotFound(N_("No such proposal."))
            where.target = proposal.id
            scores = {
                key.removeprefix("score_"): value
                for key, value in raw.multi_items()
                if key.startswith("score_") and value
            }
            await screening.screen(actor, proposal, scores, form.get("note", ""))
            anchor = f"screen-{proposal.id}"
        elif action == "merge":
            clause = await _clause_in(session, form.get("clause_id"))
            where.clause = clause.id
            await resolutions.merge_amendments(
                actor,
                clause,
                amendment_ids=_ids(form["amendment_ids"], "amendment_ids"),
                text=form.get("text"),
                reason=form.get("reason", ""),
            )
            anchor = f"clause-{clause.id}"
        elif action == "rules":
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
            anchor = "rules"
        elif action == "delegate":
            await resolutions.register_delegate(
                actor, session, as_int(form.get("participant_id"), field="participant_id"), form.get("network")
            )
            anchor = "delegates"
        elif action == "decide":
            amendment = await _amendment_in(session, form.get("amendment_id"))
            where.clause, where.target = amendment.clause_id, amendment.id  # type: ignore[attr-defined]
            await resolutions.decide_amendment(actor, amendment, form.get("decision"))
            anchor = f"clause-{amendment.clause_id}"  # type: ignore[attr-defined]
        elif action == "open-check":
            clause = await _clause_in(session, form.get("clause_id"))
            where.clause = clause.id
            await resolutions.open_check(actor, clause)
            anchor = f"clause-{clause.id}"
        elif action == "close-check":
            check = await _check_in(session, form.get("check_id"))
            where.clause = check.clause_id  # type: ignore[attr-defined]
            await resolutions.close_check(actor, check)
            anchor = f"clause-{check.clause_id}"  # type: ignore[attr-defined]
        else:
            return error_page(request, NotFound(N_("No such page.")))
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
    return redirect(str(request.url_for("resolutions_desk", code=session.code)) + f"#{anchor}")


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


# -- the projector --------------------------------------------------------------------------------------------
async def screen_context(session: Session) -> dict[str, Any]:
    """The clause under discussion: the one with the latest open check, else the one amended last."""
    return {"answers": ANSWERS, "outcome_labels": STATUS_LABELS} | await _under_discussion(session)


async def _under_discussion(session: Session) -> dict[str, Any]:
    data = await resolution_json(session)
    pairs = _clauses(data)
    current = max(
        ((c["open_check_id"], item, c) for item, c in pairs if c["open_check_id"]), key=lambda t: t[0], default=None
    )
    if current is None:
        current = max(
            (
                (max(a["decided_at"] or a["created_at"] or "" for a in c["amendments"]), item, c)
                for item, c in pairs
                if c["amendments"]
            ),
            key=lambda t: t[0],
            default=None,
        )
    if current is None:
        current = next(((0, item, c) for item, c in pairs if c["status"] == "open"), None)
    if current is None:
        return {"res_item": None, "res_clause": None}
    _, item, clause = current
    proposed = sorted(
        (a for a in clause["amendments"] if a["status"] == "proposed"), key=lambda a: (-a["backers"], a["id"])
    )
    result, is_open = None, False
    if clause["open_check_id"]:
        check = await ConsensusCheck.get(id=clause["open_check_id"]).prefetch_related(
            "clause", "clause__item", "clause__item__session"
        )
        result, is_open = await resolutions.tally(check), True
    elif clause["last_check"]:
        check = await ConsensusCheck.get(id=clause["last_check"]["id"])
        result = check.result | {"outcome": check.outcome}
    return {
        "res_item": item,
        "res_clause": clause,
        "res_amendments": proposed[:SCREEN_AMENDMENTS],
        "res_more": max(0, len(proposed) - SCREEN_AMENDMENTS),
        "res_result": result,
        "res_open": is_open,
    }
