"""Supports: one per participant and proposal, withdrawable, counted from the rows."""

from __future__ import annotations

from datetime import UTC, datetime

from tortoise.transactions import in_transaction

from deliberate import audit, events, rawsql
from deliberate.actors import Actor, assembly_of, require_facilitator, require_participant
from deliberate.errors import PermissionDenied
from deliberate.i18n import N_
from deliberate.proposals.models import Proposal, ProposalStatus
from deliberate.sessions.models import Participant
from deliberate.sessions.services import require_phase
from deliberate.supports.models import Support


def _check_open(proposal: Proposal) -> None:
    if proposal.status != ProposalStatus.PUBLISHED or proposal.kind != "proposal":
        raise PermissionDenied(N_("This proposal cannot be supported."))


async def add_support(actor: Actor, proposal: Proposal, *, on_behalf_of: Participant | None = None) -> bool:
    """Back a proposal. Returns False when this person already backs it (a double tap changes nothing)."""
    session = proposal.session
    if on_behalf_of is not None:
        staff = await require_facilitator(actor, await assembly_of(proposal.session_id))
        participant = on_behalf_of
        if participant.session_id != session.id:
            raise PermissionDenied(N_("You are not a participant of this session."))
    else:
        staff = None
        participant = require_participant(actor, session)
    require_phase(session, "support")
    _check_open(proposal)
    # Plain SQL, and a double tap is a conflict that changes nothing rather than an error to roll back to a
    # savepoint: this is the statement a hall makes hundreds of times a second (rawsql.py).
    async with rawsql.atomic():
        added = await rawsql.insert(
            "INSERT INTO support (proposal_id, participant_id, assisted, entered_by_id, created_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (proposal_id, participant_id) DO NOTHING",
            proposal.id,
            participant.id,
            staff is not None,
            staff.id if staff else None,
            datetime.now(UTC),
        )
        if not added:
            return False
        await audit.record(
            session.id,
            "support.added",
            actor,
            proposal=proposal.id,
            participant=participant.id,
            source="assisted" if staff else "phone",
        )
    await events.publish(events.Event("support.added", session.id, proposal_ids=(proposal.id,)))
    return True


async def withdraw_support(actor: Actor, proposal: Proposal) -> bool:
    session = proposal.session
    participant = require_participant(actor, session)
    require_phase(session, "support")
    async with in_transaction():
        removed = await Support.filter(proposal_id=proposal.id, participant_id=participant.id).delete()
        if removed:
            await audit.record(session.id, "support.withdrawn", actor, proposal=proposal.id, participant=participant.id)
    if removed:
        await events.publish(events.Event("support.withdrawn", session.id, proposal_ids=(proposal.id,)))
    return bool(removed)


async def support_count(proposal: Proposal) -> int:
    return int(await rawsql.value("SELECT COUNT(*) FROM support WHERE proposal_id = ?", proposal.id))
