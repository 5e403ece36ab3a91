"""What the hall's projector shows: one view at a time, chosen on the console (presenter mode)."""

from __future__ import annotations

from tortoise.transactions import in_transaction

from deliberate import events
from deliberate.actors import Actor, require_facilitator
from deliberate.errors import NotFound, ValidationError
from deliberate.i18n import N_
from deliberate.proposals.models import Proposal, ProposalStatus
from deliberate.sessions.models import Session
from deliberate.staffrecord.models import StaffAction
from deliberate.text import as_int

# The projector's views, in the order "next view" steps through them, with what the console calls them.
VIEWS = {
    "join": N_("How to join"),
    "board": N_("Board"),
    "spotlight": N_("Spotlit proposal"),
    "results": N_("Results"),
    "map": N_("Opinion map"),
    "cloud": N_("Word cloud"),
    "pledges": N_("Pledges"),
    "timer": N_("Timer"),
}


def screen_changed(session_id: int) -> events.Event:
    return events.Event("screen.changed", session_id)


async def set_screen(actor: Actor, session: Session, view: object, proposal_id: object = None) -> Session:
    """Show `view` on the projector; with `proposal_id`, that proposal also takes the spotlight."""
    staff = await require_facilitator(actor, session.assembly_id)
    if not isinstance(view, str) or view not in VIEWS:
        raise ValidationError(N_("The projector cannot show that: please choose one of its views."), field="view")
    spotlight = session.spotlight_id
    if proposal_id not in (None, ""):
        wanted = as_int(proposal_id, field="proposal_id")
        proposal = await Proposal.get_or_none(id=wanted, session_id=session.id, kind="proposal")
        if proposal is None:
            raise NotFound(N_("No such proposal."), field="proposal_id")
        if proposal.status != ProposalStatus.PUBLISHED:
            # A hidden, merged or not yet approved proposal must never reach the hall's screen.
            raise ValidationError(
                N_("This proposal is not on the board (hidden, merged or waiting for moderation)."),
                field="proposal_id",
            )
        spotlight = wanted
    if view == session.screen_view and spotlight == session.spotlight_id:
        return session  # pressed twice: nothing to record or announce
    moved = spotlight != session.spotlight_id
    session.screen_view, session.spotlight_id = view, spotlight
    async with in_transaction():
        await session.save(update_fields=["screen_view", "spotlight_id"])
        await StaffAction.create(
            session=session, action="screen", actor=staff, proposal_id=spotlight if moved else None, data={"view": view}
        )
    await events.publish(screen_changed(session.id))
    if moved:
        await events.publish(
            events.Event("spotlight.changed", session.id, proposal_ids=(spotlight,) if spotlight else ())
        )
    return session
