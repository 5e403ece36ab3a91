"""Writing statements, choosing which one a participant sees next, and who is on the opinion map.

A statement is a Proposal of kind "statement": it shares moderation (queue, hide with a reason, restore)
and the live channel with proposals. Marks on statements live in the session's agree round.
"""

from __future__ import annotations

import datetime as dt

from tortoise.functions import Count
from tortoise.transactions import in_transaction

from deliberate import events
from deliberate.actors import Actor, require_facilitator, require_participant, runs
from deliberate.db import int_column
from deliberate.errors import Conflict, NotFound, ValidationError
from deliberate.i18n import N_
from deliberate.proposals.models import Proposal, ProposalStatus
from deliberate.sessions.models import Participant, Session, Theme
from deliberate.sessions.services import require_phase
from deliberate.staffrecord.models import StaffAction
from deliberate.statements import opinion, routing
from deliberate.text import as_int, clean_text
from deliberate.voting.models import Ballot
from deliberate.voting.services import STATEMENT, statement_round

STATEMENT_MAX = 140
REASON_MAX = 300


async def write_statement(actor: Actor, session: Session, *, text: object) -> Proposal:
    """A participant writes a statement (moderated like a proposal), or a facilitator seeds one."""
    seeded = actor.participant_in(session) is None and await runs(actor, session.assembly_id)
    author = None
    if not seeded:
        author = require_participant(actor, session)
        require_phase(session, "react")
    elif session.phase == "closed":
        require_phase(session, "react")
    body = clean_text(text, field="text", max_length=STATEMENT_MAX, min_length=3)
    if await Proposal.filter(session_id=session.id, kind=STATEMENT, title=body).exists():
        raise Conflict(N_("This statement is already there."), field="text")
    theme = await Theme.filter(assembly_id=session.assembly_id).order_by("position", "id").first()
    if theme is None:
        raise ValidationError(N_("Please choose one of the strategic issues."), field="theme_id")
    status = ProposalStatus.PENDING if session.premoderation and not seeded else ProposalStatus.PUBLISHED
    async with in_transaction():
        statement = await Proposal.create(
            session=session, theme=theme, author=author, kind=STATEMENT, title=body, body="", status=status
        )
        await statement_round(session)
        if seeded:
            await StaffAction.create(session=session, proposal=statement, action="statement_seeded", actor=actor.staff)
    await events.publish(
        events.Event(
            f"proposal.{'submitted' if status == 'pending' else 'published'}", session.id, proposal_ids=(statement.id,)
        )
    )
    if status == ProposalStatus.PUBLISHED:
        # Phones answer statements one at a time in their "now" card: a new one is something to do now.
        await events.publish(events.Event("statement.published", session.id))
    return statement


async def next_statement(actor: Actor, session: Session) -> Proposal | None:
    """The next statement this participant has not marked: drawn in proportion to the opinion map's
    priorities when it has been computed (see routing.py), else the one with the fewest marks."""
    me = require_participant(actor, session)
    vote_round = await statement_round(session)
    done = set(await int_column(Ballot.filter(round_id=vote_round.id, participant_id=me.id), "proposal_id"))
    open_ids = [
        i
        for i in await int_column(
            Proposal.filter(session_id=session.id, kind=STATEMENT, status=ProposalStatus.PUBLISHED).order_by("id"),
            "id",
        )
        if i not in done
    ]
    if not open_ids:
        return None
    priorities = opinion.priorities(session.id)
    if priorities:
        best = routing.draw(open_ids, priorities, key=f"{session.id}:{me.id}:{len(done)}")
    else:
        rows = (
            await Ballot.filter(round_id=vote_round.id, proposal_id__in=open_ids)
            .annotate(n=Count("id"))
            .group_by("proposal_id")
            .values_list("proposal_id", "n")
        )
        marks = dict(rows)
        best = min(open_ids, key=lambda i: (marks.get(i, 0), i))
    return await Proposal.get(id=best)


async def left_out_of_map(actor: Actor, session: Session) -> list[Participant]:
    """The participants a facilitator left out of the session's opinion map, most recent first."""
    await require_facilitator(actor, session.assembly_id)
    return (
        await Participant.filter(session_id=session.id, left_out_of_map_at__isnull=False)
        .order_by("-left_out_of_map_at")
        .all()
    )


async def place_on_map(
    actor: Actor, session: Session, participant_id: object, *, on_map: object, reason: object
) -> Participant:
    """A facilitator leaves a participant out of the opinion map (a bot, a troll), with a reason, or puts them
    back. Their marks still count in every tally; only the map's positions and groups leave them out. Both acts
    go to the staff record, and through it to the audit log."""
    staff = await require_facilitator(actor, session.assembly_id)
    if not isinstance(on_map, bool):
        raise ValidationError(N_("Please choose one of the options."), field="on_map")
    why = clean_text(reason, field="reason", max_length=REASON_MAX, min_length=0 if on_map else 2, required=not on_map)
    pid = as_int(participant_id, field="participant_id")
    async with in_transaction():
        person = await Participant.filter(id=pid, session_id=session.id).select_for_update().first()
        if person is None:
            raise NotFound(N_("No such participant in this session."))
        if (person.left_out_of_map_at is None) == on_map:
            raise Conflict(
                N_("This participant is already on the map.")
                if on_map
                else N_("This participant is already left out of the map.")
            )
        person.left_out_of_map_at = None if on_map else dt.datetime.now(dt.UTC)
        person.left_out_of_map_reason = "" if on_map else why
        await person.save(update_fields=["left_out_of_map_at", "left_out_of_map_reason"])
        action = "map_returned" if on_map else "map_left_out"
        # The staff record's save chains the act into the audit log (staff.map_left_out / staff.map_returned),
        # with the participant's id and without the free-text reason.
        await StaffAction.create(
            session_id=session.id, action=action, reason=why, actor=staff, data={"participant": pid}
        )
    await events.publish(events.Event("map.membership_changed", session.id))
    return person
