"""Screening submissions: approve, hide with a reason, restore, merge duplicates; hide and restore comments.

Nothing is ever deleted: hiding and merging change a status, and every act is recorded with who and when.
A proposal hidden or merged away also leaves the projector's spotlight, in the same transaction.
"""

from __future__ import annotations

from tortoise.transactions import in_transaction

from deliberate import audit, events
from deliberate.actors import Actor, assembly_of, require_facilitator
from deliberate.comments.models import Comment
from deliberate.db import int_column
from deliberate.errors import Conflict, NotFound, ValidationError
from deliberate.i18n import N_
from deliberate.proposals.models import Proposal, ProposalStatus
from deliberate.sessions.services import drop_spotlight, spotlight_cleared
from deliberate.staffrecord.models import StaffAction
from deliberate.supports.models import Support
from deliberate.text import as_int, clean_text

REASON_MAX = 300
ACTIONS = ("approve", "hide", "restore", "merge")
# Comments the console lists at a time, newest first; older ones are a page further.
COMMENTS_PAGE = 40


async def _locked(proposal_id: int) -> Proposal:
    # SELECT ... FOR UPDATE where the database has it, so two facilitators cannot act on a stale row.
    proposal = await Proposal.filter(id=proposal_id).select_for_update().first()
    if proposal is None:
        raise NotFound(N_("No such proposal."))
    return proposal


async def approve(actor: Actor, proposal: Proposal) -> Proposal:
    staff = await require_facilitator(actor, await assembly_of(proposal.session_id))
    async with in_transaction():
        current = await _locked(proposal.id)
        if current.status == ProposalStatus.PUBLISHED:
            return current  # approving twice is harmless
        if current.status != ProposalStatus.PENDING:
            raise Conflict(N_("Only proposals waiting for moderation can be approved."))
        current.status = ProposalStatus.PUBLISHED
        await current.save(update_fields=["status"])
        await StaffAction.create(session_id=current.session_id, proposal=current, action="approve", actor=staff)
    await events.publish(events.Event("proposal.published", current.session_id, proposal_ids=(current.id,)))
    return current


async def hide(actor: Actor, proposal: Proposal, *, reason: object) -> Proposal:
    staff = await require_facilitator(actor, await assembly_of(proposal.session_id))
    why = clean_text(reason, field="reason", max_length=REASON_MAX, min_length=2)
    async with in_transaction():
        current = await _locked(proposal.id)
        if current.status == ProposalStatus.MERGED:
            raise Conflict(N_("This proposal was merged into another one."))
        current.status = ProposalStatus.HIDDEN
        current.hidden_reason = why
        await current.save(update_fields=["status", "hidden_reason"])
        await StaffAction.create(
            session_id=current.session_id,
            proposal=current,
            action="hide",
            reason=why,
            actor=staff,
        )
        unspotlit = await drop_spotlight(staff, current)
    await events.publish(events.Event("proposal.hidden", current.session_id, proposal_ids=(current.id,)))
    if unspotlit:
        await events.publish(spotlight_cleared(current.session_id))
    return current


async def restore(actor: Actor, proposal: Proposal, *, reason: object = "") -> Proposal:
    staff = await require_facilitator(actor, await assembly_of(proposal.session_id))
    why = clean_text(reason, field="reason", max_length=REASON_MAX, required=False)
    async with in_transaction():
        current = await _locked(proposal.id)
        if current.status != ProposalStatus.HIDDEN:
            raise Conflict(N_("Only hidden proposals can be restored."))
        current.status = ProposalStatus.PUBLISHED
        current.hidden_reason = ""
        await current.save(update_fields=["status", "hidden_reason"])
        await StaffAction.create(
            session_id=current.session_id,
            proposal=current,
            action="restore",
            reason=why,
            actor=staff,
        )
    await events.publish(events.Event("proposal.published", current.session_id, proposal_ids=(current.id,)))
    return current


async def merge(actor: Actor, duplicate: Proposal, *, into_id: object, reason: object = "") -> Proposal:
    """Fold `duplicate` into another proposal: its supports and comments move over, nobody counts twice,
    and its author is credited on the proposal it joins."""
    staff = await require_facilitator(actor, await assembly_of(duplicate.session_id))
    target_id = as_int(into_id, field="into_id")
    why = clean_text(reason, field="reason", max_length=REASON_MAX, required=False)
    if target_id == duplicate.id:
        raise ValidationError(N_("A proposal cannot be merged into itself."), field="into_id")
    async with in_transaction():
        source = await _locked(duplicate.id)
        target = await Proposal.filter(id=target_id).select_for_update().first()
        if target is None or target.session_id != source.session_id:
            raise ValidationError(N_("Choose a proposal of the same session to merge into."), field="into_id")
        if source.status == ProposalStatus.MERGED:
            raise Conflict(N_("This proposal was merged into another one."))
        if target.status != ProposalStatus.PUBLISHED:
            raise Conflict(N_("You can only merge into a published proposal."))
        already = set(await Support.filter(proposal_id=target.id).values_list("participant_id", flat=True))
        moving = await int_column(Support.filter(proposal_id=source.id).exclude(participant_id__in=list(already)), "id")
        if moving:
            await Support.filter(id__in=list(moving)).update(proposal_id=target.id, carried_from_id=source.id)
            await audit.supports_moved(staff, source, target, list(moving))
        await Comment.filter(proposal_id=source.id).update(proposal_id=target.id, carried_from_id=source.id)
        source.status = ProposalStatus.MERGED
        source.merged_into_id = target.id
        await source.save(update_fields=["status", "merged_into_id"])
        await StaffAction.create(
            session_id=source.session_id,
            proposal=source,
            action="merge",
            reason=why,
            actor=staff,
            data={"into": target.id, "supports_moved": len(moving)},
        )
        unspotlit = await drop_spotlight(staff, source)
    await events.publish(
        events.Event(
            "proposal.merged",
            source.session_id,
            proposal_ids=(source.id, target.id),
        )
    )
    if unspotlit:
        await events.publish(spotlight_cleared(source.session_id))
    return target


async def moderate(
    actor: Actor, proposal: Proposal, *, action: object, reason: object = "", into_id: object = None
) -> Proposal:
    """The one entry point the API uses: dispatch a moderation action by name."""
    if action == "approve":
        return await approve(actor, proposal)
    if action == "hide":
        return await hide(actor, proposal, reason=reason)
    if action == "restore":
        return await restore(actor, proposal, reason=reason)
    if action == "merge":
        await merge(actor, proposal, into_id=into_id, reason=reason)
        return await Proposal.get(id=proposal.id)
    await require_facilitator(actor, await assembly_of(proposal.session_id))
    raise ValidationError(N_("Please choose one of the options."), field="action")


async def hide_comment(actor: Actor, comment: Comment, *, reason: object) -> Comment:
    proposal = await Proposal.get(id=comment.proposal_id)
    staff = await require_facilitator(actor, await assembly_of(proposal.session_id))
    why = clean_text(reason, field="reason", max_length=REASON_MAX, min_length=2)
    async with in_transaction():
        comment.hidden = True
        comment.hidden_reason = why
        await comment.save(update_fields=["hidden", "hidden_reason"])
        await StaffAction.create(
            session_id=proposal.session_id,
            comment=comment,
            action="hide_comment",
            reason=why,
            actor=staff,
        )
    await events.publish(events.Event("comment.hidden", proposal.session_id, proposal_ids=(proposal.id,)))
    return comment


async def restore_comment(actor: Actor, comment: Comment, *, reason: object = "") -> Comment:
    """Show a hidden comment again; like hiding it, the act is recorded with who, when and why."""
    proposal = await Proposal.get(id=comment.proposal_id)
    staff = await require_facilitator(actor, await assembly_of(proposal.session_id))
    why = clean_text(reason, field="reason", max_length=REASON_MAX, required=False)
    async with in_transaction():
        current = await Comment.filter(id=comment.id).select_for_update().first()
        if current is None:
            raise NotFound(N_("No such comment."))
        if not current.hidden:
            raise Conflict(N_("Only hidden comments can be restored."))
        current.hidden = False
        current.hidden_reason = ""
        await current.save(update_fields=["hidden", "hidden_reason"])
        await StaffAction.create(
            session_id=proposal.session_id,
            comment=current,
            action="restore_comment",
            reason=why,
            actor=staff,
        )
    await events.publish(events.Event("comment.restored", proposal.session_id, proposal_ids=(proposal.id,)))
    return current


async def recent_comments(
    actor: Actor, session_id: int, *, hidden: bool = False, before: int | None = None, limit: int = COMMENTS_PAGE
) -> list[Comment]:
    """A session's comments, newest first, with their proposals: shown ones or hidden ones, a page at a time
    (a hall of hundreds writes thousands, so the console never loads them all)."""
    await require_facilitator(actor, await assembly_of(session_id))
    query = Comment.filter(proposal__session_id=session_id, hidden=hidden)
    if before is not None:
        query = query.filter(id__lt=before)
    return await query.order_by("-id").limit(limit).prefetch_related("proposal", "author")


async def queue(actor: Actor, session_id: int) -> list[Proposal]:
    await require_facilitator(actor, await assembly_of(session_id))
    return (
        await Proposal.filter(session_id=session_id, status=ProposalStatus.PENDING)
        .order_by("id")
        .prefetch_related("author", "theme")
    )


async def history(actor: Actor, session_id: int, limit: int = 50) -> list[StaffAction]:
    await require_facilitator(actor, await assembly_of(session_id))
    return await StaffAction.filter(session_id=session_id).order_by("-id").limit(limit).prefetch_related("actor")
