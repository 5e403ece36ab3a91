"""Supports: one per participant and proposal, withdrawable, counted from the rows."""

from __future__ import annotations

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from deliberate import audit, events
from deliberate.actors import Actor, require_facilitator, require_participant
from deliberate.errors import PermissionDenied
from deliberate.i18n import N_
from deliberate.proposals.models import Proposal, ProposalStatus
from deliberate.sessions.models import Participant
from deliberate.sessions.services import require_phase
from deliberate.votes.models import Support


def _check_open(proposal: Proposal) -> None:
    if proposal.status != ProposalStatus.PUBLISHED or proposal.kind != "proposal":
        raise PermissionDenied(N_("This proposal cannot be supported."))


async def add_support(actor: Actor, proposal: Proposal, *, on_behalf_of: Participant | None = None) -> bool:
    """Back a proposal. Returns False when this person already backs it (a double tap changes nothing)."""
    session = proposal.session
    if on_behalf_of is not None:
        staff = require_facilitator(actor)
        participant = on_behalf_of
        if participant.session_id != session.id:  # type: ignore[attr-defined]
            raise PermissionDenied(N_("You are not a participant of this session."))
    else:
        staff = None
        participant = require_participant(actor, session)
    require_phase(session, "support")
    _check_open(proposal)
    try:
        async with in_transaction():
            await Support.create(proposal=proposal, participant=participant, assisted=staff is not None,
                                 entered_by=staff)
            await audit.record(session.id, "support.added", actor, proposal=proposal.id, participant=participant.id,
                               source="assisted" if staff else "phone")
    except IntegrityError:
        return False
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
