"""One function per act on outcomes: answer a proposal, pledge, record an agency's pledge, add an action
item, report progress, and read an assembly's follow-up. Both the HTML pages and the JSON API call these."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from tortoise.transactions import in_transaction

from deliberate import events, geo
from deliberate.actors import Actor, assembly_of, require_facilitator, require_participant, require_steward
from deliberate.errors import NotFound, PermissionDenied, ValidationError
from deliberate.i18n import BANGKOK, N_
from deliberate.outcomes.models import (
    ANSWER_LABELS,
    BUDGET_SOURCES,
    CARRIED,
    ROLES,
    STATUS_LABELS,
    ActionItem,
    AnswerState,
    Commitment,
    ProgressUpdate,
    ProposalAnswer,
)
from deliberate.proposals.models import Proposal, ProposalStatus
from deliberate.sessions.models import Assembly, Session
from deliberate.sessions.services import require_phase
from deliberate.staffrecord.models import StaffAction
from deliberate.text import choice, clean_text
from deliberate.thaitext import verbs

MAX_BUDGET = 100_000_000_000  # one hundred billion baht: above any provincial project
MAX_AHEAD_YEARS = 10
# The plan row's columns an answer carries beside the answer itself (`answer_proposal(plan=...)`).
PLAN_ROW_FIELDS = (
    "plan_issue",
    "plan_approach",
    "rationale",
    "objectives",
    "targets",
    "indicators",
    "target_group",
    "area_codes",
    "fiscal_year_to",
    "budget_source",
    "national_fit",
    "coordinator",
)
MAX_PROJECT_YEARS = 5  # a provincial plan runs five years
MAX_INDICATORS = 10
MAX_AREAS = 60


def today() -> dt.date:
    """Due dates are days in Thailand, whatever the server's clock zone."""
    return dt.datetime.now(BANGKOK).date()


def clean_date(value: object, *, field: str, required: bool = True, future: bool = True) -> dt.date | None:
    """A day as YYYY-MM-DD; `future` refuses days already past (a pledge due yesterday helps no one)."""
    if value in (None, ""):
        if required:
            raise ValidationError(N_("Please fill in this field."), field=field)
        return None
    if isinstance(value, dt.date):
        day = value
    else:
        try:
            day = dt.date.fromisoformat(str(value).strip())
        except ValueError:
            raise ValidationError(
                N_("Please give a date as year-month-day, for example 2027-03-31."), field=field
            ) from None
    if future and day < today():
        raise ValidationError(N_("This date has already passed. Please choose a later date."), field=field)
    if day > today().replace(year=today().year + MAX_AHEAD_YEARS):
        raise ValidationError(N_("Please choose a date within the next {n} years."), field=field, n=MAX_AHEAD_YEARS)
    return day


def _clean_amount(value: object, *, field: str) -> int | None:
    if value in (None, ""):
        return None
    text = str(value).replace(",", "").strip()
    try:
        amount = float(text)
    except ValueError:
        raise ValidationError(N_("Please give an amount in baht, digits only."), field=field) from None
    if not (0 <= amount <= MAX_BUDGET) or amount != amount:
        raise ValidationError(N_("Please give an amount between 0 and {n} baht."), field=field, n=f"{MAX_BUDGET:,}")
    return round(amount)


def _clean_fiscal_year(value: object, *, field: str) -> int | None:
    if value in (None, ""):
        return None
    text = str(value).strip()
    if not text.isdigit() or len(text) != 4:
        raise ValidationError(N_("Please give a Buddhist-era fiscal year such as 2570."), field=field)
    year = int(text)
    current = today().year + 543
    if not (current - 1 <= year <= current + MAX_AHEAD_YEARS):
        raise ValidationError(
            N_("Please give a fiscal year from {a} to {b}."), field=field, a=current - 1, b=current + MAX_AHEAD_YEARS
        )
    return year


async def _proposal_for_outcome(proposal: Proposal) -> Proposal:
    if proposal.kind != "proposal" or proposal.status in (ProposalStatus.HIDDEN, ProposalStatus.PENDING):
        raise PermissionDenied(N_("Only published proposals can be answered."))
    return proposal


# -- answers --------------------------------------------------------------------------------------------
async def answer_proposal(
    actor: Actor,
    proposal: Proposal,
    *,
    state: object,
    reason: object,
    programme: object = "",
    lead_agency: object = "",
    partners: object = "",
    budget: object = None,
    fiscal_year: object = None,
    plan: dict[str, object] | None = None,
) -> ProposalAnswer:
    """Give a proposal the assembly's answer and, when carried forward, its place in the plan: `plan` holds
    the plan row's columns (see `_clean_plan_row`); a column left out stays empty and the brief says so."""
    staff = await require_steward(actor, await assembly_of(proposal.session_id))
    await _proposal_for_outcome(proposal)
    clean_state = choice(state, tuple(s.value for s in AnswerState), field="state")
    values: dict[str, Any] = {
        "state": clean_state,
        "reason": clean_text(reason, field="reason", max_length=1000, multiline=True),
        "programme": clean_text(programme, field="programme", max_length=200, required=False),
        "lead_agency": clean_text(lead_agency, field="lead_agency", max_length=200, required=False),
        "partners": clean_text(partners, field="partners", max_length=300, required=False),
        "budget": _clean_amount(budget, field="budget"),
        "fiscal_year": _clean_fiscal_year(fiscal_year, field="fiscal_year"),
    }
    if clean_state == AnswerState.FORWARDED and not values["lead_agency"]:
        raise ValidationError(N_("Please name the agency it is forwarded to."), field="lead_agency")
    if values["programme"] and not verbs.starts_with_verb(values["programme"]):
        raise ValidationError(
            N_("Please start the project name with a verb, for example “{example}”."),
            field="programme",
            example=verbs.action(values["programme"]).text,
        )
    province = (await Assembly.get(id=await assembly_of(proposal.session_id))).province_code
    values |= await _clean_plan_row(plan or {}, province, values["fiscal_year"])
    async with in_transaction():
        answer = await ProposalAnswer.filter(proposal_id=proposal.id).select_for_update().first()
        if answer is None:
            answer = await ProposalAnswer.create(proposal=proposal, answered_by=staff, **values)
        else:
            await answer.update_from_dict(values | {"answered_by_id": staff.id}).save()
        await StaffAction.create(
            session_id=proposal.session_id,
            proposal=proposal,
            action="answer",
            reason=values["reason"][:300],
            actor=staff,
            data={"state": clean_state},
        )
    await events.publish(
        events.Event(
            "proposal.answered",
            proposal.session_id,
            proposal_ids=(proposal.id,),
        )
    )
    return answer


def _clean_indicators(value: object, first_year: int | None, last_year: int | None) -> list[dict[str, Any]]:
    """Indicators with their yearly values: a list of {"name", "values": {year: value}}, or the desk's text,
    one indicator a line: "name | 2570: 50 | 2571: 60"."""
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = [_indicator_line(line) for line in value.splitlines() if line.strip()]
    if not isinstance(value, list) or len(value) > MAX_INDICATORS:
        raise ValidationError(N_("Please give at most {n} indicators."), field="indicators", n=MAX_INDICATORS)
    out: list[dict[str, Any]] = []
    for entry in value:
        if not isinstance(entry, dict) or not isinstance(entry.get("values"), dict):
            raise ValidationError(N_("Each indicator needs a name and its yearly values."), field="indicators")
        name = clean_text(entry.get("name"), field="indicators", max_length=300)
        yearly: dict[str, str] = {}
        for year, target in entry["values"].items():
            y = _clean_fiscal_year(year, field="indicators")
            if y is None or (first_year and y < first_year) or (last_year and y > last_year):
                raise ValidationError(
                    N_("The indicator “{name}” has a value for a year outside the project's fiscal years."),
                    field="indicators",
                    name=name,
                )
            yearly[str(y)] = clean_text(str(target) if target is not None else "", field="indicators", max_length=60)
        if not yearly:
            raise ValidationError(
                N_("Please give the indicator “{name}” a value for at least one fiscal year, as “{name} | 2570: 50”."),
                field="indicators",
                name=name,
            )
        out.append({"name": name, "values": dict(sorted(yearly.items()))})
    return out


def _indicator_line(line: str) -> dict[str, Any]:
    name, *parts = (p.strip() for p in line.split("|"))
    values: dict[str, str] = {}
    for part in parts:
        year, sep, target = part.partition(":")
        if not sep:
            year, sep, target = part.partition("=")
        if not sep or not year.strip():
            raise ValidationError(
                N_("Please write each indicator as “name | 2570: value | 2571: value”."), field="indicators"
            )
        values[year.strip()] = target.strip()
    return {"name": name, "values": values}


def _clean_area(value: object, province: str) -> list[str]:
    """อำเภอ (4 digits) or ตำบล (6 digits) of the assembly's province, by their official codes."""
    if value in (None, ""):
        return []
    codes = value.replace(",", " ").split() if isinstance(value, str) else value
    if not isinstance(codes, list) or len(codes) > MAX_AREAS:
        raise ValidationError(N_("Please choose at most {n} areas."), field="area_codes", n=MAX_AREAS)
    out: list[str] = []
    for code in codes:
        if not (isinstance(code, str) and geo.is_area_in(code, province)):
            raise ValidationError(
                N_("“{code}” is not the code of a district or sub-district of this province."),
                field="area_codes",
                code=str(code)[:12],
            )
        if code not in out:
            out.append(code)
    return out


async def _clean_plan_row(row: dict[str, object], province: str, first_year: int | None) -> dict[str, Any]:
    from deliberate.outcomes.plans import province_plan

    issue = clean_text(row.get("plan_issue"), field="plan_issue", max_length=300, required=False)
    approach = clean_text(row.get("plan_approach"), field="plan_approach", max_length=300, required=False)
    if issue or approach:
        plan = await province_plan(province)
        if plan is None:
            raise ValidationError(
                N_("This province has no development plan on record yet; an administrator can enter it."),
                field="plan_issue",
            )
        chosen = next((i for i in plan.issues if i["name"] == issue), None)
        if chosen is None:
            raise ValidationError(
                N_("Please choose a development issue of the province's current plan."), field="plan_issue"
            )
        if approach and approach not in chosen["approaches"]:
            raise ValidationError(
                N_("Please choose an approach of the development issue you chose."), field="plan_approach"
            )
    last_year = _clean_fiscal_year(row.get("fiscal_year_to"), field="fiscal_year_to")
    if last_year is not None:
        if first_year is None:
            raise ValidationError(N_("Please give the first fiscal year too."), field="fiscal_year")
        if not first_year <= last_year <= first_year + MAX_PROJECT_YEARS - 1:
            raise ValidationError(
                N_("The last fiscal year must be from {a} to {b}."),
                field="fiscal_year_to",
                a=first_year,
                b=first_year + MAX_PROJECT_YEARS - 1,
            )
    return {
        "plan_issue": issue,
        "plan_approach": approach,
        "rationale": clean_text(
            row.get("rationale"), field="rationale", max_length=2000, multiline=True, required=False
        ),
        "objectives": clean_text(
            row.get("objectives"), field="objectives", max_length=1000, multiline=True, required=False
        ),
        "targets": clean_text(row.get("targets"), field="targets", max_length=1000, multiline=True, required=False),
        "indicators": _clean_indicators(row.get("indicators"), first_year, last_year or first_year),
        "target_group": clean_text(row.get("target_group"), field="target_group", max_length=300, required=False),
        "area_codes": _clean_area(row.get("area_codes"), province),
        "fiscal_year_to": last_year,
        "budget_source": choice(row.get("budget_source"), tuple(BUDGET_SOURCES), field="budget_source", required=False),
        "national_fit": clean_text(
            row.get("national_fit"), field="national_fit", max_length=1000, multiline=True, required=False
        ),
        "coordinator": clean_text(row.get("coordinator"), field="coordinator", max_length=200, required=False),
    }


async def _carried(proposal: Proposal) -> ProposalAnswer:
    answer = await ProposalAnswer.get_or_none(proposal_id=proposal.id)
    if answer is None or answer.state not in CARRIED:
        raise PermissionDenied(N_("Pledges and action items are for proposals the assembly adopted or forwarded."))
    return answer


# -- commitments ----------------------------------------------------------------------------------------
async def pledge(
    actor: Actor,
    proposal: Proposal,
    *,
    role: object,
    what: object,
    due: object,
    organisation: object = "",
    credited: object = False,
) -> Commitment:
    """A participant pledges, for themselves or for the organisation they name (ร่วมทำ)."""
    session: Session = proposal.session
    participant = require_participant(actor, session)
    require_phase(session, "pledge")
    await _carried(proposal)
    values: dict[str, Any] = {
        "role": choice(role, tuple(ROLES), field="role"),
        "what": clean_text(what, field="what", max_length=500, multiline=True),
        "due": clean_date(due, field="due"),
        "who": clean_text(organisation, field="organisation", max_length=120, required=False),
    }
    commitment = await Commitment.create(
        proposal=proposal,
        participant=participant,
        kind="organisation" if values["who"] else "participant",
        credited=credited is True or credited in ("on", "1", "true"),
        **values,
    )
    await events.publish(events.Event("commitment.added", session.id, proposal_ids=(proposal.id,)))
    return commitment


async def record_commitment(
    actor: Actor, proposal: Proposal, *, who: object, role: object, what: object, due: object
) -> Commitment:
    """Staff write down an agency's pledge, made in the room or by letter."""
    staff = await require_steward(actor, await assembly_of(proposal.session_id))
    await _carried(proposal)
    values: dict[str, Any] = {
        "who": clean_text(who, field="who", max_length=120),
        "role": choice(role, tuple(ROLES), field="role"),
        "what": clean_text(what, field="what", max_length=500, multiline=True),
        "due": clean_date(due, field="due"),
    }
    commitment = await Commitment.create(proposal=proposal, kind="agency", entered_by=staff, **values)
    await events.publish(
        events.Event(
            "commitment.added",
            proposal.session_id,
            proposal_ids=(proposal.id,),
        )
    )
    return commitment


# -- follow-up ------------------------------------------------------------------------------------------
async def add_action_item(
    actor: Actor, proposal: Proposal, *, title: object, community_owner: object, agency_owner: object, due: object
) -> ActionItem:
    staff = await require_steward(actor, await assembly_of(proposal.session_id))
    await _carried(proposal)
    values: dict[str, Any] = {
        "title": clean_text(title, field="title", max_length=200),
        "community_owner": clean_text(community_owner, field="community_owner", max_length=120),
        "agency_owner": clean_text(agency_owner, field="agency_owner", max_length=120),
        "due": clean_date(due, field="due"),
    }
    return await ActionItem.create(proposal=proposal, created_by=staff, **values)


async def report_progress(
    actor: Actor, item: ActionItem, *, status: object, note: object, on: object = None
) -> ProgressUpdate:
    """A dated progress note; it sets the item's status. The day may be today or earlier, never later."""
    staff = await require_steward(actor, await _assembly_of_item(item))
    clean_status = choice(status, tuple(STATUS_LABELS), field="status")
    clean_note = clean_text(note, field="note", max_length=1000, multiline=True)
    day = clean_date(on, field="on", required=False, future=False) or today()
    if day > today():
        raise ValidationError(N_("Progress can only be reported for today or earlier."), field="on")
    async with in_transaction():
        update = await ProgressUpdate.create(item=item, on=day, status=clean_status, note=clean_note, entered_by=staff)
        item.status = clean_status
        await item.save(update_fields=["status", "updated_at"])
    return update


async def _assembly_of_item(item: ActionItem) -> int:
    """The assembly an action item works for: through its proposal, or its clause's agenda item."""
    if item.proposal is not None:
        return await assembly_of(item.proposal.session_id)
    assert item.clause is not None  # an action item belongs to a proposal or to a clause
    return await assembly_of(item.clause.item.session_id)


async def get_action_item(item_id: int) -> ActionItem:
    item = await ActionItem.get_or_none(id=item_id).prefetch_related("proposal", "clause__item")
    if item is None:
        raise NotFound(N_("No such action item."), field="id")
    return item


@dataclass
class FollowUpEntry:
    proposal: Proposal
    answer: ProposalAnswer
    session: Session
    items: list[ActionItem] = field(default_factory=list)
    commitments: list[Commitment] = field(default_factory=list)


async def follow_up(assembly: Assembly) -> list[FollowUpEntry]:
    """Every carried proposal of an assembly with its pledges and action items; public, no names."""
    answers = (
        await ProposalAnswer.filter(proposal__session__assembly_id=assembly.id, state__in=list(CARRIED))
        .prefetch_related("proposal__session", "proposal__theme")
        .order_by("proposal__session_id", "proposal_id")
    )
    ids = [a.proposal_id for a in answers]
    entries = {a.proposal_id: FollowUpEntry(a.proposal, a, a.proposal.session) for a in answers}
    for item in await ActionItem.filter(proposal_id__in=ids).prefetch_related("updates").order_by("id"):
        assert item.proposal_id is not None  # by the filter
        entries[item.proposal_id].items.append(item)
    for pledge in await Commitment.filter(proposal_id__in=ids).order_by("id"):
        entries[pledge.proposal_id].commitments.append(pledge)
    return list(entries.values())


@dataclass
class ClauseFollowUp:
    clause_id: int
    item_title: str
    number: int
    text: str
    lead_agency: str
    reservations: list[str]
    items: list[ActionItem]


async def clause_follow_up(assembly: Assembly) -> list[ClauseFollowUp]:
    """Adopted resolution clauses of an assembly, each with the action items that track it."""
    from deliberate.resolutions.models import Clause

    clauses = (
        await Clause.filter(item__session__assembly_id=assembly.id, status="adopted")
        .prefetch_related("item")
        .order_by("item__session_id", "item__position", "item_id", "position")
    )
    items: dict[int, list[ActionItem]] = {}
    for i in await ActionItem.filter(clause_id__in=[c.id for c in clauses]).prefetch_related("updates"):
        assert i.clause_id is not None  # by the filter
        items.setdefault(i.clause_id, []).append(i)
    out: list[ClauseFollowUp] = []
    numbers: dict[int, int] = {}
    for c in clauses:
        numbers[c.item_id] = numbers.get(c.item_id, 0) + 1
        out.append(
            ClauseFollowUp(
                c.id,
                c.item.title,
                numbers[c.item_id],
                c.text,
                c.lead_agency,
                list(c.reservations),
                items.get(c.id, []),
            )
        )
    return out


@dataclass
class PledgeLine:
    id: int
    who: str
    role: str
    what: str
    proposal_title: str


async def recent_pledges(session: Session, limit: int = 8) -> list[PledgeLine]:
    """The latest pledges for the projector: organisations by name, people only when they chose to be."""
    from deliberate.i18n import gettext
    from deliberate.sessions.vocab import SECTORS

    rows = (
        await Commitment.filter(proposal__session_id=session.id)
        .order_by("-id")
        .limit(limit)
        .prefetch_related("participant", "proposal")
    )
    lines = []
    for c in rows:
        who = c.who
        if c.kind == "participant":
            p = c.participant
            who = (p.display_name if p and c.credited else "") or (
                gettext(SECTORS[p.sector]) if p and p.sector in SECTORS else gettext("A participant")
            )
        lines.append(PledgeLine(c.id, who, gettext(ROLES[c.role]), c.what, c.proposal.title))
    return lines


async def open_check_in(actor: Actor, assembly: Assembly, earlier: Assembly, *, title: object = "") -> Session:
    """A session of `assembly` that starts from what `earlier` carried forward: each adopted or forwarded
    proposal is put again, with its answer and the latest progress in its text, so the room can say what
    happened, comment, support and pledge anew. The copies keep the original's id as `external_id`."""
    from deliberate.i18n import gettext
    from deliberate.proposals.services import BODY_MAX
    from deliberate.sessions.models import Theme
    from deliberate.sessions.services import create_session

    await require_facilitator(actor, assembly.id)
    await require_steward(actor, earlier.id)
    if earlier.id == assembly.id:
        raise ValidationError(N_("Choose an earlier assembly, not this one."), field="from_assembly_id")
    entries = await follow_up(earlier)
    clauses = await clause_follow_up(earlier)
    if not entries and not clauses:
        raise ValidationError(
            N_("That assembly has no adopted or forwarded proposals to check in on."), field="from_assembly_id"
        )
    themes = {t.name: t for t in await Theme.filter(assembly_id=assembly.id)}
    async with in_transaction():
        session = await create_session(
            actor, assembly, title=title or gettext("Check-in: {title}", title=earlier.title)
        )
        for e in entries:
            theme = themes.get(e.proposal.theme.name)
            if theme is None:
                theme = themes[e.proposal.theme.name] = await Theme.create(
                    assembly=assembly, name=e.proposal.theme.name, position=len(themes)
                )
            latest = [u for i in e.items for u in i.updates]
            status = "\n".join(f"- {i.title}: {gettext(STATUS_LABELS[i.status])}" for i in e.items)
            body = "\n\n".join(
                part
                for part in (
                    e.proposal.body,
                    gettext(
                        "Answer at {assembly}: {answer}. {reason}",
                        assembly=earlier.title,
                        answer=gettext(ANSWER_LABELS[e.answer.state]),
                        reason=e.answer.reason,
                    ),
                    status,
                    gettext("Latest progress: {note}", note=max(latest, key=lambda u: (u.on, u.id)).note)
                    if latest
                    else "",
                )
                if part
            )
            await Proposal.create(
                session=session,
                theme=theme,
                kind="proposal",
                title=e.proposal.title,
                body=body[:BODY_MAX],
                target_groups=e.proposal.target_groups,
                external_id=f"followup:{e.proposal.id}",
                entered_by=actor.staff,
            )
        if clauses:  # adopted resolution clauses, reported on clause by clause
            name = gettext("Resolutions of {assembly}", assembly=earlier.title)[:200]
            theme = themes.get(name) or await Theme.create(assembly=assembly, name=name, position=len(themes))
            themes[name] = theme
            for c in clauses:
                updates = [u for i in c.items for u in i.updates]
                body = "\n\n".join(
                    part
                    for part in (
                        c.text,
                        gettext("Lead agency: {agency}", agency=c.lead_agency) if c.lead_agency else "",
                        "\n".join(f"- {gettext(STATUS_LABELS[i.status])}" for i in c.items),
                        gettext("Latest progress: {note}", note=max(updates, key=lambda u: (u.on, u.id)).note)
                        if updates
                        else "",
                    )
                    if part
                )
                title = gettext("{item}, clause {n}", item=c.item_title, n=c.number)
                await Proposal.create(
                    session=session,
                    theme=theme,
                    kind="proposal",
                    title=title[:140],
                    body=body[:BODY_MAX],
                    external_id=f"clause:{c.clause_id}",
                    entered_by=actor.staff,
                )
    return session
