from __future__ import annotations

from tortoise.transactions import in_transaction

from deliberate import events
from deliberate.actors import Actor, require_participant
from deliberate.comments.models import Comment, Stance
from deliberate.errors import PermissionDenied
from deliberate.i18n import N_
from deliberate.proposals.models import Proposal, ProposalStatus
from deliberate.proposals.services import can_see
from deliberate.sessions.services import require_phase
from deliberate.text import choice, clean_text

BODY_MAX = 1000


async def add_comment(actor: Actor, proposal: Proposal, *, body: object, stance: object) -> Comment:
    session = proposal.session
    author = require_participant(actor, session)
    require_phase(session, "comment")
    if proposal.status != ProposalStatus.PUBLISHED or not await can_see(actor, proposal):
        raise PermissionDenied(N_("This proposal is not open for comments."))
    clean_stance = choice(stance, tuple(s.value for s in Stance), field="stance")
    clean_body = clean_text(body, field="body", max_length=BODY_MAX, multiline=True, min_length=2)
    async with in_transaction():
        comment = await Comment.create(proposal=proposal, author=author, stance=Stance(clean_stance), body=clean_body)
    await events.publish(events.Event("comment.added", session.id, proposal_ids=(proposal.id,)))
    return comment


async def list_comments(proposal: Proposal, *, include_hidden: bool = False) -> list[Comment]:
    query = Comment.filter(proposal_id=proposal.id)
    if not include_hidden:
        query = query.filter(hidden=False)
    return await query.order_by("id").prefetch_related("author")
