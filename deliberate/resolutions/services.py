"""One function per act on a resolution: draft an agenda item, amend a clause, back an amendment, decide it,
call a consensus check, answer it, close it. The HTML pages and the JSON API both call these."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import Any, TypeVar

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from deliberate import audit, events
from deliberate.actors import Actor, require_facilitator, require_participant, runs
from deliberate.errors import Conflict, NotFound, PermissionDenied, ValidationError
from deliberate.i18n import N_, gettext
from deliberate.outcomes.models import ActionItem
from deliberate.resolutions.models import (
    AMENDERS,
    AMENDMENT_OPS,
    ANSWERS,
    SECTOR_GROUP_OF,
    SECTOR_GROUPS,
    VOTERS,
    AgendaItem,
    AgendaItemVersion,
    Amendment,
    AmendmentBacker,
    CheckAnswer,
    Clause,
    ClauseComment,
    ClauseVersion,
    ConsensusCheck,
    Delegate,
    ResolutionRules,
)
from deliberate.sessions.models import Participant, Session
from deliberate.staffrecord.models import StaffAction
from deliberate.text import choice, clean_text, is_id

T = TypeVar("T", AgendaItem, Clause, Amendment, ConsensusCheck)
TEXT_MAX = 2000
MAX_CLAUSES = 50
MAX_PREAMBLE = 20
MAX_PARTNERS = 10


def _event(session_id: int) -> events.Event:
    return events.Event("resolution.changed", session_id)


def _require_deliberation(session: Session) -> None:
    if session.phase != "deliberation":
        raise PermissionDenied(N_("Resolutions are worked on in the deliberation phase."))


async def rules_of(session: Session) -> ResolutionRules:
    found = await ResolutionRules.get_or_none(session_id=session.id)
    return found or ResolutionRules(session_id=session.id)


async def set_rules(
    actor: Actor,
    session: Session,
    *,
    voters: object = "everyone",
    amenders: object = "everyone",
    max_reservation_share: object = 0.2,
    sector_minimums: object = None,
) -> ResolutionRules:
    staff = await require_facilitator(actor, session.assembly_id)
    try:
        share = float(str(max_reservation_share))
    except ValueError:
        share = -1.0
    if not 0 <= share <= 1:
        raise ValidationError(N_("Please give a share between 0 and 1."), field="max_reservation_share")
    minimums: dict[str, float] = {}
    for key, value in (sector_minimums or {}).items() if isinstance(sector_minimums, dict) else ():
        if key not in SECTOR_GROUPS or not isinstance(value, int | float) or not 0 <= value <= 1:
            raise ValidationError(N_("Please give a share between 0 and 1."), field="sector_minimums")
        minimums[key] = float(value)
    values: dict[str, Any] = {
        "voters": choice(voters, tuple(VOTERS), field="voters"),
        "amenders": choice(amenders, tuple(AMENDERS), field="amenders"),
        "max_reservation_share": share,
        "sector_minimums": minimums,
    }
    async with in_transaction():
        rules = await ResolutionRules.get_or_none(session_id=session.id)
        if rules is None:
            rules = await ResolutionRules.create(session=session, **values)
        else:
            await rules.update_from_dict(values).save()
        await StaffAction.create(session=session, action="resolution_rules", actor=staff, data=values)
    await events.publish(_event(session.id))
    return rules


async def register_delegate(actor: Actor, session: Session, participant_id: object, network: object) -> Delegate:
    staff = await require_facilitator(actor, session.assembly_id)
    person = await Participant.get_or_none(id=participant_id if is_id(participant_id) else -1, session_id=session.id)
    if person is None:
        raise NotFound(N_("No such participant in this session."), field="participant_id")
    name = clean_text(network, field="network", max_length=120)
    async with in_transaction():
        delegate = await Delegate.get_or_none(participant_id=person.id)
        if delegate is None:
            delegate = await Delegate.create(session=session, participant=person, network=name)
        else:
            delegate.network = name
            await delegate.save()
        await StaffAction.create(session=session, action="delegate", actor=staff, data={"network": name})
    await events.publish(_event(session.id))
    return delegate


# -- drafting ----------------------------------------------------------------------------------------------
def _clean_partners(value: object, field: str) -> list[str]:
    if value in (None, ""):
        return []
    items = value if isinstance(value, list) else [value]
    if len(items) > MAX_PARTNERS:
        raise ValidationError(N_("Please name at most {n} partners."), field=field, n=MAX_PARTNERS)
    return [clean_text(p, field=field, max_length=200) for p in items]


def _clean_clauses(value: object) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not value:
        raise ValidationError(N_("A draft needs at least one clause."), field="clauses")
    if len(value) > MAX_CLAUSES:
        raise ValidationError(N_("Please keep a draft to {n} clauses."), field="clauses", n=MAX_CLAUSES)
    out = []
    for raw in value:
        raw = raw if isinstance(raw, dict) else {"text": raw}
        out.append(
            {
                "text": clean_text(raw.get("text"), field="clauses", max_length=TEXT_MAX, multiline=True),
                "lead_agency": clean_text(raw.get("lead_agency"), field="clauses", max_length=200, required=False),
                "partners": _clean_partners(raw.get("partners"), "clauses"),
            }
        )
    return out


async def _clean_proposal_ids(session: Session, value: object) -> list[int]:
    from deliberate.proposals.models import Proposal

    if value in (None, ""):
        return []
    if not isinstance(value, list) or not all(is_id(v) for v in value):
        raise ValidationError(N_("Please choose proposals of this session."), field="proposal_ids")
    ids = list(dict.fromkeys(value))
    found = await Proposal.filter(id__in=ids, session_id=session.id, kind="proposal").count()
    if found != len(ids):
        raise ValidationError(N_("Please choose proposals of this session."), field="proposal_ids")
    return ids


async def create_item(
    actor: Actor,
    session: Session,
    *,
    title: object,
    background: object = "",
    preamble: object = None,
    clauses: object = None,
    proposal_ids: object = None,
) -> AgendaItem:
    """A drafting team's agenda item: background, preamble paragraphs, the draft's clauses, and the
    proposals it groups."""
    staff = await require_facilitator(actor, session.assembly_id)
    paragraphs = preamble if isinstance(preamble, list) else ([preamble] if preamble else [])
    if len(paragraphs) > MAX_PREAMBLE:
        raise ValidationError(N_("Please keep the preamble to {n} paragraphs."), field="preamble", n=MAX_PREAMBLE)
    values: dict[str, Any] = {
        "title": clean_text(title, field="title", max_length=200),
        "background": clean_text(background, field="background", max_length=5000, multiline=True, required=False),
        "preamble": [clean_text(p, field="preamble", max_length=TEXT_MAX, multiline=True) for p in paragraphs],
    }
    drafted = _clean_clauses(clauses)
    values["proposal_ids"] = await _clean_proposal_ids(session, proposal_ids)
    async with in_transaction():
        position = await AgendaItem.filter(session_id=session.id).count()
        item = await AgendaItem.create(session=session, created_by=staff, position=position, **values)
        await AgendaItemVersion.create(
            item=item, version=1, title=item.title, background=item.background, preamble=item.preamble, edited_by=staff
        )
        for n, c in enumerate(drafted, start=1):
            clause = await Clause.create(item=item, position=float(n), **c)
            await ClauseVersion.create(clause=clause, version=1, text=clause.text)
        await StaffAction.create(session=session, action="item_drafted", actor=staff, data={"title": item.title})
    await events.publish(_event(session.id))
    return item


def _require_open(session: Session) -> None:
    if session.phase == "closed":
        raise PermissionDenied(N_("This session is closed."))


def _version(value: object, field: str = "base_version") -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValidationError(N_("Please say which version you are editing."), field=field)
    return value


async def edit_item(
    actor: Actor,
    item: AgendaItem,
    *,
    title: object,
    background: object = "",
    preamble: object = None,
    base_version: object,
) -> AgendaItem:
    """The drafting team revises an item's title, background or preamble; every draft is kept."""
    session = item.session
    staff = await require_facilitator(actor, session.assembly_id)
    _require_open(session)
    paragraphs = preamble if isinstance(preamble, list) else ([preamble] if preamble else [])
    if len(paragraphs) > MAX_PREAMBLE:
        raise ValidationError(N_("Please keep the preamble to {n} paragraphs."), field="preamble", n=MAX_PREAMBLE)
    values: dict[str, Any] = {
        "title": clean_text(title, field="title", max_length=200),
        "background": clean_text(background, field="background", max_length=5000, multiline=True, required=False),
        "preamble": [clean_text(p, field="preamble", max_length=TEXT_MAX, multiline=True) for p in paragraphs],
    }
    seen = _version(base_version)
    async with in_transaction():
        current = await AgendaItem.filter(id=item.id).select_for_update().first()
        assert current is not None
        if current.version != seen:
            raise Conflict(
                N_("The draft has changed since (it is now version {v}). Please look at it again."),
                field="base_version",
                v=current.version,
            )
        await current.update_from_dict(values | {"version": current.version + 1}).save()
        await AgendaItemVersion.create(item=current, version=current.version, edited_by=staff, **values)
        await StaffAction.create(
            session=session, action="item_revised", actor=staff, data={"item": current.id, "version": current.version}
        )
    await events.publish(_event(session.id))
    return current


async def add_clause(
    actor: Actor,
    item: AgendaItem,
    *,
    text: object,
    lead_agency: object = "",
    partners: object = None,
    after_clause_id: object = None,
) -> Clause:
    """The drafting team adds a clause to a draft, at the end or after a given clause."""
    session = item.session
    staff = await require_facilitator(actor, session.assembly_id)
    _require_open(session)
    [values] = _clean_clauses([{"text": text, "lead_agency": lead_agency, "partners": partners}])
    async with in_transaction():
        siblings = await Clause.filter(item_id=item.id).order_by("position").select_for_update()
        if len(siblings) >= MAX_CLAUSES:
            raise ValidationError(N_("Please keep a draft to {n} clauses."), field="clauses", n=MAX_CLAUSES)
        position = (siblings[-1].position + 1) if siblings else 1.0
        if after_clause_id not in (None, ""):
            index = next((i for i, c in enumerate(siblings) if c.id == after_clause_id), None)
            if index is None:
                raise NotFound(N_("No such clause."), field="after_clause_id")
            after = siblings[index + 1].position if index + 1 < len(siblings) else siblings[index].position + 2
            position = (siblings[index].position + after) / 2
        clause = await Clause.create(item=item, position=position, **values)
        await ClauseVersion.create(clause=clause, version=1, text=clause.text)
        await StaffAction.create(
            session=session, action="clause_drafted", actor=staff, data={"item": item.id, "clause": clause.id}
        )
    await events.publish(_event(session.id))
    return clause


async def revise_clause(
    actor: Actor,
    clause: Clause,
    *,
    text: object,
    lead_agency: object = "",
    partners: object = None,
    base_version: object,
) -> Clause:
    """The drafting team rewrites a clause outside the amendment procedure (before or between readings).
    The new text is a new version, like an accepted amendment, and voids a check on the old wording."""
    session = clause.item.session
    staff = await require_facilitator(actor, session.assembly_id)
    _require_open(session)
    [values] = _clean_clauses([{"text": text, "lead_agency": lead_agency, "partners": partners}])
    seen = _version(base_version)
    async with in_transaction():
        current = await Clause.filter(id=clause.id).select_for_update().first()
        assert current is not None
        if current.status in ("removed", "adopted"):
            raise PermissionDenied(N_("This clause is settled and can no longer be amended."))
        if current.version != seen:
            raise _stale(current)
        await ConsensusCheck.filter(clause_id=current.id, is_open=True).update(
            is_open=False, outcome="void", closed_at=dt.datetime.now(dt.UTC)
        )
        await current.update_from_dict(values | {"version": current.version + 1, "status": "open"}).save()
        await ClauseVersion.create(clause=current, version=current.version, text=current.text)
        await StaffAction.create(
            session=session,
            action="clause_revised",
            actor=staff,
            data={"clause": current.id, "version": current.version},
        )
    await events.publish(_event(session.id))
    return current


async def _get(model: type[T], key: object, related: tuple[str, ...], missing: str) -> T:
    found = await model.get_or_none(id=key if is_id(key) else -1).prefetch_related(*related)
    if found is None:
        raise NotFound(missing)
    return found


async def get_item(item_id: object) -> AgendaItem:
    return await _get(AgendaItem, item_id, ("session", "session__assembly"), N_("No such agenda item."))


async def get_clause(clause_id: object) -> Clause:
    return await _get(Clause, clause_id, ("item", "item__session", "item__session__assembly"), N_("No such clause."))


async def get_amendment(amendment_id: object) -> Amendment:
    return await _get(
        Amendment, amendment_id, ("clause", "clause__item", "clause__item__session"), N_("No such amendment.")
    )


async def get_check(check_id: object) -> ConsensusCheck:
    return await _get(
        ConsensusCheck, check_id, ("clause", "clause__item", "clause__item__session"), N_("No such consensus check.")
    )


# -- amendments --------------------------------------------------------------------------------------------
def _stale(clause: Clause) -> Conflict:
    return Conflict(
        N_("The clause has changed since (it is now version {v}). Please look at it again."),
        field="base_version",
        v=clause.version,
    )


async def propose_amendment(
    actor: Actor, clause: Clause, *, op: object, text: object = "", reason: object, base_version: object
) -> Amendment:
    session: Session = clause.item.session
    staff = actor.staff if await runs(actor, session.assembly_id) else None
    author = None if staff else require_participant(actor, session)
    _require_deliberation(session)
    rules = await rules_of(session)
    if author is not None and rules.amenders == "delegates" and not await Delegate.exists(participant_id=author.id):
        raise PermissionDenied(N_("In this session only registered delegates may propose amendments."))
    clean_op = choice(op, tuple(AMENDMENT_OPS), field="op")
    values: dict[str, Any] = {
        "op": clean_op,
        "reason": clean_text(reason, field="reason", max_length=500, multiline=True),
        "text": "" if clean_op == "delete" else clean_text(text, field="text", max_length=TEXT_MAX, multiline=True),
    }
    if not isinstance(base_version, int) or isinstance(base_version, bool):
        raise ValidationError(N_("Please say which version of the clause you are amending."), field="base_version")
    if clause.status in ("removed", "adopted"):
        raise PermissionDenied(N_("This clause is settled and can no longer be amended."))
    if base_version != clause.version:
        raise _stale(clause)
    if clean_op == "replace" and values["text"] == clause.text:
        raise ValidationError(N_("The new wording is the same as the clause."), field="text")
    amendment = await Amendment.create(
        clause=clause, base_version=base_version, author=author, entered_by=staff, **values
    )
    await events.publish(_event(session.id))
    return amendment


async def back_amendment(actor: Actor, amendment: Amendment) -> bool:
    """A participant backs an amendment; a second tap changes nothing."""
    session = amendment.clause.item.session
    participant = require_participant(actor, session)
    _require_deliberation(session)
    if amendment.status != "proposed":
        raise PermissionDenied(N_("This amendment has already been decided."))
    try:
        async with in_transaction():
            await AmendmentBacker.create(amendment=amendment, participant=participant)
            await audit.record(
                session.id, "amendment.backed", actor, amendment=amendment.id, participant=participant.id
            )
    except IntegrityError:
        return False
    await events.publish(_event(session.id))
    return True


async def decide_amendment(actor: Actor, amendment: Amendment, decision: object) -> Clause:
    """The chair accepts or rejects. Accepting applies the change to the clause version it was written
    against, and only to that: two chairs deciding at once cannot stack changes on a stale text."""
    session = amendment.clause.item.session
    staff = await require_facilitator(actor, session.assembly_id)
    verdict = choice(decision, ("accept", "reject"), field="decision")
    async with in_transaction():
        clause = await Clause.filter(id=amendment.clause_id).select_for_update().first()
        current = await Amendment.filter(id=amendment.id).select_for_update().first()
        assert clause is not None and current is not None
        if current.status != "proposed":
            raise Conflict(N_("This amendment has already been decided."), field="decision")
        if verdict == "accept":
            if current.base_version != clause.version:
                raise _stale(clause)
            clause = await _apply(clause, current)
        current.status = "accepted" if verdict == "accept" else "rejected"
        current.decided_by, current.decided_at = staff, dt.datetime.now(dt.UTC)
        await current.save()
        await StaffAction.create(
            session=session,
            action=f"amendment_{current.status}",
            actor=staff,
            data={"amendment": current.id, "clause": clause.id, "version": clause.version},
        )
    await events.publish(_event(session.id))
    return clause


async def _apply(clause: Clause, amendment: Amendment) -> Clause:
    if amendment.op != "insert":  # a check on the old wording no longer means anything
        await ConsensusCheck.filter(clause_id=clause.id, is_open=True).update(
            is_open=False, outcome="void", closed_at=dt.datetime.now(dt.UTC)
        )
    if amendment.op == "insert":
        after = await Clause.filter(item_id=clause.item_id, position__gt=clause.position).order_by("position").first()
        position = (clause.position + after.position) / 2 if after else clause.position + 1
        created = await Clause.create(
            item_id=clause.item_id,
            position=position,
            text=amendment.text,
            lead_agency=clause.lead_agency,
            partners=[],
        )
        await ClauseVersion.create(clause=created, version=1, text=created.text, amendment=amendment)
        amendment.created_clause_id = created.id
        return clause
    clause.version += 1
    if amendment.op == "delete":
        clause.status = "removed"
    else:
        clause.text = amendment.text
        clause.status = "open"  # a clause the room had not adopted goes back to being checked
    await clause.save()
    await ClauseVersion.create(
        clause=clause, version=clause.version, text=clause.text, status=clause.status, amendment=amendment
    )
    return clause


async def merge_amendments(
    actor: Actor, clause: Clause, *, amendment_ids: object, text: object, reason: object = ""
) -> Clause:
    """The chair folds several proposed amendments of one clause into one wording and applies it. The
    merged ones are kept, marked as merged into the new one; all must be on the clause's current version."""
    session = clause.item.session
    staff = await require_facilitator(actor, session.assembly_id)
    _require_deliberation(session)
    if not isinstance(amendment_ids, list) or not all(is_id(i) for i in amendment_ids) or len(set(amendment_ids)) < 2:
        raise ValidationError(N_("Choose at least two amendments to merge."), field="amendment_ids")
    wording = clean_text(text, field="text", max_length=TEXT_MAX, multiline=True)
    why = clean_text(reason, field="reason", max_length=500, required=False) or gettext("Merged amendments")
    async with in_transaction():
        current = await Clause.filter(id=clause.id).select_for_update().first()
        assert current is not None
        merged = await Amendment.filter(id__in=list(set(amendment_ids)), clause_id=clause.id).select_for_update()
        if len(merged) != len(set(amendment_ids)):
            raise NotFound(N_("No such amendment."), field="amendment_ids")
        if any(a.status != "proposed" for a in merged):
            raise Conflict(N_("This amendment has already been decided."), field="amendment_ids")
        if any(a.base_version != current.version for a in merged):
            raise _stale(current)
        combined = await Amendment.create(
            clause=current,
            op="replace",
            text=wording,
            reason=why,
            base_version=current.version,
            entered_by=staff,
            status="accepted",
            decided_by=staff,
            decided_at=dt.datetime.now(dt.UTC),
        )
        current = await _apply(current, combined)
        await Amendment.filter(id__in=[a.id for a in merged]).update(
            status="merged", merged_into_id=combined.id, decided_by_id=staff.id, decided_at=dt.datetime.now(dt.UTC)
        )
        await StaffAction.create(
            session=session,
            action="amendments_merged",
            actor=staff,
            data={
                "into": combined.id,
                "merged": sorted(a.id for a in merged),
                "clause": current.id,
                "version": current.version,
            },
        )
    await events.publish(_event(session.id))
    return current


async def comment_on_clause(actor: Actor, clause: Clause, body: object) -> ClauseComment:
    """Anyone who joined may comment on a clause, delegate or not."""
    session = clause.item.session
    participant = require_participant(actor, session)
    _require_deliberation(session)
    comment = await ClauseComment.create(
        clause=clause,
        author=participant,
        body=clean_text(body, field="body", max_length=1000, min_length=2, multiline=True),
    )
    await events.publish(_event(session.id))
    return comment


# -- consensus checks --------------------------------------------------------------------------------------
async def open_check(actor: Actor, clause: Clause) -> ConsensusCheck:
    session = clause.item.session
    staff = await require_facilitator(actor, session.assembly_id)
    _require_deliberation(session)
    if clause.status == "removed":
        raise PermissionDenied(N_("This clause was removed."))
    async with in_transaction():
        await Clause.filter(id=clause.id).select_for_update().first()
        if await ConsensusCheck.exists(clause_id=clause.id, is_open=True):
            raise Conflict(N_("A check on this clause is already open."))
        check = await ConsensusCheck.create(clause=clause, clause_version=clause.version, opened_by=staff)
        await StaffAction.create(
            session=session, action="check_opened", actor=staff, data={"clause": clause.id, "version": clause.version}
        )
    await events.publish(_event(session.id))
    return check


async def answer_check(actor: Actor, check: ConsensusCheck, *, answer: object, reason: object = "") -> CheckAnswer:
    session = check.clause.item.session
    participant = require_participant(actor, session)
    _require_deliberation(session)
    if not check.is_open:
        raise PermissionDenied(N_("This check is closed."))
    rules = await rules_of(session)
    voice = f"p:{participant.id}"
    if rules.voters != "everyone":
        delegate = await Delegate.get_or_none(participant_id=participant.id)
        if delegate is None:
            raise PermissionDenied(N_("In this session only registered delegates answer consensus checks."))
        if rules.voters == "network":
            voice = "n:" + " ".join(delegate.network.split()).casefold()
    clean = choice(answer, tuple(ANSWERS), field="answer")
    why = clean_text(reason, field="reason", max_length=300, required=clean == "reservation")
    async with in_transaction():
        row = await CheckAnswer.filter(check_id=check.id, voice=voice).select_for_update().first()
        if row is None:
            try:
                row = await CheckAnswer.create(
                    check=check, voice=voice, participant=participant, answer=clean, reason=why
                )
            except IntegrityError:  # two delegates of one network at once: the later answer stands
                row = await CheckAnswer.get(check_id=check.id, voice=voice)
        row.answer, row.reason, row.participant = clean, why, participant
        await row.save()
        await audit.record(session.id, "check.answered", actor, check=check.id, voice=voice, answer=clean)
    await events.publish(_event(session.id))
    return row


async def tally(check: ConsensusCheck) -> dict[str, Any]:
    """Counts by answer, by sector group (state, academia, people) and by network; the reservations as written."""
    from deliberate.voting.results import MIN_GROUP

    rows = await CheckAnswer.filter(check_id=check.id).prefetch_related("participant").order_by("id")
    session = check.clause.item.session
    rules = await rules_of(session)
    networks = dict(await Delegate.filter(session_id=session.id).values_list("participant_id", "network"))
    counts = Counter(r.answer for r in rows)
    by_sector: dict[str, Counter[str]] = defaultdict(Counter)
    by_network: dict[str, Counter[str]] = defaultdict(Counter)
    for r in rows:
        p = r.participant
        by_sector[SECTOR_GROUP_OF.get(p.sector if p else "", "people")][r.answer] += 1
        network = networks.get(p.id) if p else None
        network = network or (" ".join((p.organization or "").split()) if p else "") or gettext("Not said")
        by_network[network][r.answer] += 1
    total = len(rows)
    public_networks = rules.voters != "everyone"  # delegates speak for their network in the open
    sector_rows = []
    for key, label in SECTOR_GROUPS.items():
        n = sum(by_sector[key].values())
        minimum = rules.sector_minimums.get(key)
        sector_rows.append(
            {
                "key": key,
                "label": gettext(label),
                "answers": n,
                "counts": dict(by_sector[key]) if n >= MIN_GROUP or public_networks else None,
                "share": round(n / total, 3) if total else 0.0,
                "minimum": minimum,
                "minimum_met": None if minimum is None else (total > 0 and n / total >= minimum),
            }
        )
    network_rows = [
        {"network": name, "answers": sum(c.values()), "counts": dict(c)}
        for name, c in sorted(by_network.items(), key=lambda kv: -sum(kv[1].values()))
        if public_networks or sum(c.values()) >= MIN_GROUP
    ]
    return {
        "total": total,
        "counts": {k: counts.get(k, 0) for k in ANSWERS},
        "by_sector": sector_rows,
        "by_network": network_rows,
        "reservations": [
            {"reason": r.reason, "answer": r.answer} for r in rows if r.answer in ("reservation", "block") and r.reason
        ],
        "max_reservation_share": rules.max_reservation_share,
    }


def outcome_of(result: dict[str, Any]) -> str:
    """Adopted by consensus: someone answered, no one blocked, reservations within the session's share."""
    total, counts = result["total"], result["counts"]
    if not total or counts["block"]:
        return "not_adopted"
    return "adopted" if counts["reservation"] / total <= result["max_reservation_share"] else "not_adopted"


async def close_check(actor: Actor, check: ConsensusCheck) -> dict[str, Any]:
    session = check.clause.item.session
    staff = await require_facilitator(actor, session.assembly_id)
    async with in_transaction():
        current = await ConsensusCheck.filter(id=check.id).select_for_update().first()
        assert current is not None
        if not current.is_open:
            raise Conflict(N_("This check is closed."))
        result = await tally(check)
        outcome = outcome_of(result)
        clause = await Clause.get(id=check.clause_id)
        clause.status = outcome
        clause.reservations = [r["reason"] for r in result["reservations"]] if outcome == "adopted" else []
        await clause.save()
        current.is_open, current.outcome, current.result = False, outcome, result
        current.closed_at = dt.datetime.now(dt.UTC)
        await current.save()
        if outcome == "adopted" and not await ActionItem.exists(clause_id=clause.id):
            # ร่วมรับผิดชอบ: an adopted clause is followed up clause by clause, owned by its lead agency.
            await ActionItem.create(
                clause=clause, title=clause.text[:200], agency_owner=clause.lead_agency[:120], created_by=staff
            )
        await StaffAction.create(
            session=session,
            action="check_closed",
            actor=staff,
            data={"clause": clause.id, "outcome": outcome, "counts": result["counts"]},
        )
    await events.publish(_event(session.id))
    return {"outcome": outcome, **result}
