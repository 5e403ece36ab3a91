"""Voting rounds: the facilitator opens one with a method and options; people mark proposals or
statements; staff may enter assisted votes and counted paper ballots; results come with their sources."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from tortoise.transactions import in_transaction

from deliberate import audit, events
from deliberate.actors import Actor, require_facilitator, require_participant
from deliberate.db import int_column
from deliberate.errors import Conflict, NotFound, PermissionDenied, ValidationError
from deliberate.i18n import N_
from deliberate.proposals.models import Proposal, ProposalStatus
from deliberate.sessions.models import Participant, Session
from deliberate.sessions.services import assisted_participant, require_phase
from deliberate.staffrecord.models import StaffAction
from deliberate.text import clean_text, is_id
from deliberate.voting.methods import Options, clean_method, clean_options, clean_sheets, clean_value, options_of
from deliberate.voting.models import Ballot, VoteRound

STATEMENT = "statement"


# -- rounds ------------------------------------------------------------------------------------------------
async def open_round(
    actor: Actor, session: Session, *, method: object, options: object = None, title: object = ""
) -> VoteRound:
    """Open a round and make it the one phones show. An open round of another method is closed first."""
    staff = await require_facilitator(actor, session.assembly_id)
    chosen = clean_method(method)
    opts = clean_options(chosen, options)
    name = clean_text(title, field="title", max_length=140, required=False)
    async with in_transaction():
        if chosen != "agree":
            await (
                VoteRound.filter(session_id=session.id, is_open=True)
                .exclude(method="agree")
                .update(is_open=False, closed_at=datetime.now(UTC))
            )
        vote_round = await VoteRound.create(
            session=session, method=chosen, options=opts.as_dict(), title=name, created_by=staff
        )
        session.current_round_id = vote_round.id
        await session.save(update_fields=["current_round_id"])
        await StaffAction.create(
            session=session, action="round_opened", actor=staff, data={"round": vote_round.id, "method": chosen}
        )
    await events.publish(events.Event("round.changed", session.id))
    return vote_round


async def get_round(session: Session, round_id: object) -> VoteRound:
    vote_round = await VoteRound.get_or_none(id=round_id, session_id=session.id) if is_id(round_id) else None
    if vote_round is None:
        raise NotFound(N_("No such voting round."))
    return vote_round


async def current_round(session: Session) -> VoteRound | None:
    if session.current_round_id is None:
        return None
    return await VoteRound.get_or_none(id=session.current_round_id, session_id=session.id)


async def statement_round(session: Session) -> VoteRound:
    """The round that holds agree/disagree marks on statements; made the first time it is needed."""
    existing = await VoteRound.filter(session_id=session.id, method="agree").order_by("-id").first()
    if existing is not None:
        return existing
    return await VoteRound.create(session=session, method="agree", options=Options().as_dict())


async def close_round(actor: Actor, session: Session, vote_round: VoteRound) -> VoteRound:
    staff = await require_facilitator(actor, session.assembly_id)
    vote_round.is_open = False
    vote_round.closed_at = datetime.now(UTC)
    async with in_transaction():
        await vote_round.save(update_fields=["is_open", "closed_at"])
        await StaffAction.create(session=session, action="round_closed", actor=staff, data={"round": vote_round.id})
    await events.publish(events.Event("round.changed", session.id))
    return vote_round


async def reveal(actor: Actor, session: Session, vote_round: VoteRound, shown: bool = True) -> VoteRound:
    staff = await require_facilitator(actor, session.assembly_id)
    vote_round.revealed = shown
    async with in_transaction():
        await vote_round.save(update_fields=["revealed"])
        await StaffAction.create(
            session=session,
            action="results_revealed" if shown else "results_hidden",
            actor=staff,
            data={"round": vote_round.id},
        )
    await events.publish(events.Event("round.changed", session.id))
    return vote_round


# -- who is voting -----------------------------------------------------------------------------------------
async def _voter(
    actor: Actor, session: Session, options: Options, on_behalf_of: object
) -> tuple[Participant, str, Any]:
    """The participant a mark belongs to, its source, and the staff member who entered it (if any)."""
    if on_behalf_of in (None, ""):
        return require_participant(actor, session), "phone", None
    staff = await require_facilitator(actor, session.assembly_id)
    if not options.allow_assisted:
        raise PermissionDenied(N_("This round does not take votes entered on someone's behalf."))
    if isinstance(on_behalf_of, int) and not isinstance(on_behalf_of, bool):
        person = await Participant.get_or_none(id=on_behalf_of if is_id(on_behalf_of) else -1, session_id=session.id)
        if person is None:
            raise ValidationError(N_("No such participant in this session."), field="on_behalf_of")
        return person, "assisted", staff
    return await assisted_participant(actor, session, on_behalf_of), "assisted", staff


def _check_target(proposal: Proposal, session: Session, kind: str) -> None:
    if proposal.session_id != session.id:
        raise NotFound(N_("No such proposal."))
    if proposal.status != ProposalStatus.PUBLISHED:
        raise PermissionDenied(N_("This proposal cannot be voted on."))
    if (proposal.kind == STATEMENT) != (kind == STATEMENT):
        raise ValidationError(N_("This round does not take that kind of vote."), field="method")


async def _round_for(session: Session, method: str) -> VoteRound:
    if method == "agree":
        require_phase(session, "react")
        return await statement_round(session)
    require_phase(session, "support")
    vote_round = await current_round(session)
    if vote_round is None or not vote_round.is_open:
        raise PermissionDenied(N_("No voting round is open now."))
    if vote_round.method != method:
        raise ValidationError(N_("This round does not take that kind of vote."), field="method")
    return vote_round


# -- marks -------------------------------------------------------------------------------------------------
async def cast_vote(
    actor: Actor, proposal: Proposal, *, method: object, value: object, on_behalf_of: object = None
) -> Ballot | None:
    """Put a mark on one proposal or statement: dots, a score, or agree/disagree/pass. A repeat replaces
    the earlier mark; zero dots removes it. Returns the stored mark, or None when it was removed."""
    session: Session = proposal.session
    chosen = clean_method(method)
    if chosen in ("support", "rank"):
        raise ValidationError(N_("This round does not take that kind of vote."), field="method")
    vote_round = await _round_for(session, chosen)
    options = options_of(vote_round.options)
    number = clean_value(chosen, options, value)
    _check_target(proposal, session, STATEMENT if chosen == "agree" else "proposal")
    person, source, staff = await _voter(actor, session, options, on_behalf_of)
    async with in_transaction():
        # Serialise one person's marks so two quick taps cannot both fit the dot budget.
        await Participant.select_for_update().get(id=person.id)
        existing = await Ballot.get_or_none(round_id=vote_round.id, proposal_id=proposal.id, participant_id=person.id)
        if chosen == "dots":
            others = await int_column(
                Ballot.filter(round_id=vote_round.id, participant_id=person.id).exclude(proposal_id=proposal.id),
                "value",
            )
            if sum(others) + number > options.budget:
                raise Conflict(
                    N_("That is more than your {budget} dots. Take dots off another proposal first."),
                    field="value",
                    budget=options.budget,
                )
        ballot: Ballot | None
        if chosen == "dots" and number == 0:
            if existing is not None:
                await existing.delete()
            ballot = None
        elif existing is not None:
            existing.value, existing.source, existing.entered_by = number, source, staff
            await existing.save(update_fields=["value", "source", "entered_by_id", "updated_at"])
            ballot = existing
        else:
            ballot = await Ballot.create(
                round=vote_round, proposal=proposal, participant=person, value=number, source=source, entered_by=staff
            )
        kind = "vote.removed" if ballot is None else "vote.changed" if existing else "vote.cast"
        await audit.record(
            session.id,
            kind,
            actor,
            round=vote_round.id,
            method=chosen,
            proposal=proposal.id,
            participant=person.id,
            value=number,
            source=source,
        )
    await events.publish(events.Event("vote.cast", session.id, proposal_ids=(proposal.id,)))
    return ballot


async def _ranking_ids(session: Session, order: object, k: int) -> list[int]:
    if not isinstance(order, list) or not order:
        raise ValidationError(N_("Please choose at least one proposal."), field="order")
    if len(order) > k:
        raise ValidationError(N_("Please choose at most {k} proposals."), field="order", k=k)
    if not all(is_id(i) for i in order):
        raise ValidationError(N_("Please choose proposals from the list."), field="order")
    if len(set(order)) != len(order):
        raise ValidationError(N_("Each proposal can appear only once in your ranking."), field="order")
    found = await Proposal.filter(
        id__in=order, session_id=session.id, status=ProposalStatus.PUBLISHED, kind="proposal"
    ).count()
    if found != len(order):
        raise ValidationError(N_("Please choose proposals from the list."), field="order")
    return list(order)


async def rank(actor: Actor, session: Session, *, order: object, on_behalf_of: object = None) -> list[int]:
    """Replace this person's ranking in the open ranking round; `order` is best first."""
    vote_round = await _round_for(session, "rank")
    options = options_of(vote_round.options)
    person, source, staff = await _voter(actor, session, options, on_behalf_of)  # who, before what
    ids = await _ranking_ids(session, order, options.k)
    async with in_transaction():
        await Participant.select_for_update().get(id=person.id)
        await Ballot.filter(round_id=vote_round.id, participant_id=person.id).delete()
        await Ballot.bulk_create(
            [
                Ballot(
                    round=vote_round, proposal_id=pid, participant=person, value=i + 1, source=source, entered_by=staff
                )
                for i, pid in enumerate(ids)
            ]
        )
        await audit.record(
            session.id,
            "vote.ranked",
            actor,
            round=vote_round.id,
            method="rank",
            participant=person.id,
            order=ids,
            source=source,
        )
    await events.publish(events.Event("vote.cast", session.id, proposal_ids=tuple(ids)))
    return ids


async def enter_paper(
    actor: Actor,
    session: Session,
    vote_round: VoteRound,
    *,
    marks: object = None,
    order: object = None,
    sheets: object = None,
) -> int:
    """A pile of `sheets` identical counted paper ballots (1 when not said), in one act: `marks`
    [{proposal_id, value}] (support: value may be left out), or `order` for a ranking. Stored once without
    a participant, weighing `sheets` ballots and shown as paper in every tally. Returns the rows stored."""
    staff = await require_facilitator(actor, session.assembly_id)
    options = options_of(vote_round.options)
    if not options.allow_paper:
        raise PermissionDenied(N_("This round does not take paper ballots."))
    if session.phase == "closed":
        raise PermissionDenied(N_("This session is closed."))
    pile = clean_sheets(sheets)
    key = secrets.token_hex(8)
    rows: list[tuple[Any, int]]  # (proposal id, value): ids from the form, checked below
    if vote_round.method == "rank":
        ids = await _ranking_ids(session, order, options.k)
        rows = [(pid, i + 1) for i, pid in enumerate(ids)]
    else:
        if not isinstance(marks, list) or not marks or len(marks) > 500:
            raise ValidationError(N_("Please enter at least one mark."), field="marks")
        rows = []
        for mark in marks:
            if not isinstance(mark, dict):
                raise ValidationError(N_("Please enter at least one mark."), field="marks")
            pid = mark.get("proposal_id")
            value = 1 if vote_round.method == "support" else clean_value(vote_round.method, options, mark.get("value"))
            rows.append((pid, value))
        if len({pid for pid, _ in rows}) != len(rows):
            raise ValidationError(N_("Each proposal can appear only once on a ballot."), field="marks")
        if vote_round.method == "dots" and sum(v for _, v in rows) > options.budget:
            raise ValidationError(
                N_("That is more than your {budget} dots. Take dots off another proposal first."),
                field="marks",
                budget=options.budget,
            )
        kind = STATEMENT if vote_round.method == "agree" else "proposal"
        ids = [pid for pid, _ in rows]
        if not all(is_id(i) for i in ids) or await Proposal.filter(
            id__in=ids, session_id=session.id, status=ProposalStatus.PUBLISHED, kind=kind
        ).count() != len(ids):
            raise ValidationError(N_("Please choose proposals from the list."), field="marks")
    async with in_transaction():
        await Ballot.bulk_create(
            [
                Ballot(
                    round=vote_round,
                    proposal_id=pid,
                    participant=None,
                    value=v,
                    source="paper",
                    paper_key=key,
                    sheets=pile,
                    entered_by=staff,
                )
                for pid, v in rows
            ]
        )
        await audit.record(
            session.id,
            "vote.paper",
            staff,
            round=vote_round.id,
            method=vote_round.method,
            key=key,
            sheets=pile,
            marks=[[pid, v] for pid, v in rows],
        )
        await StaffAction.create(
            session=session,
            action="paper_ballot",
            actor=staff,
            data={"round": vote_round.id, "rows": len(rows), "sheets": pile},
        )
    await events.publish(events.Event("vote.cast", session.id, proposal_ids=tuple(pid for pid, _ in rows)))
    return len(rows)


async def my_marks(session: Session, vote_round: VoteRound, participant: Participant) -> dict[int, int]:
    rows = await Ballot.filter(round_id=vote_round.id, participant_id=participant.id).values_list(
        "proposal_id", "value"
    )
    return dict(rows)
