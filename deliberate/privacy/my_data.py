"""A participant's own data (PDPA sections 30 and 33): see all of it, and erase it.

Erasing keeps the record of the assembly whole and drops the person from it. The participant row stays, with
no name, organisation, sub-district, sector, consent time or token, so every count, tally and audit entry
(which hold ids only) still adds up; the phone's session ends. Published proposals, comments, supports,
votes, pledges, amendments and consensus answers stay as anonymous contributions, because other people
commented on, supported and voted with them. Proposals still waiting for the facilitator are nobody's
contribution yet and are deleted. A pledge is no longer credited by name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from tortoise.transactions import in_transaction

from deliberate import audit, events, geo
from deliberate.actors import Actor
from deliberate.comments.models import Comment
from deliberate.db import int_column
from deliberate.errors import NotAuthenticated, PermissionDenied, ValidationError
from deliberate.i18n import N_
from deliberate.idempotency.models import IdempotencyRecord
from deliberate.outcomes.models import Commitment
from deliberate.privacy.retention import PURGED_PREFIX
from deliberate.proposals.models import Proposal, ProposalStatus
from deliberate.resolutions.models import Amendment, AmendmentBacker, CheckAnswer, ClauseComment, Delegate
from deliberate.sessions.models import Participant, Session
from deliberate.supports.models import Support
from deliberate.voting.models import Ballot


@dataclass(frozen=True)
class MyData:
    participant: Participant
    session: Session
    items: dict[str, list[dict[str, Any]]]

    def as_json(self) -> dict[str, Any]:
        p = self.participant
        return {
            "participant": {
                "id": p.id,
                "display_name": p.display_name,
                "subdistrict_code": p.subdistrict_code,
                "subdistrict": geo.subdistrict_label(p.subdistrict_code) if p.subdistrict_code else "",
                "sector": p.sector,
                "organization": p.organization,
                "consent_at": _iso(p.consent_at),
                "joined_at": _iso(p.created_at),
            },
            "session": {"code": self.session.code, "title": self.session.title},
            **{kind: [{k: _iso(v) for k, v in row.items()} for row in rows] for kind, rows in self.items.items()},
        }


def _iso(value: object) -> object:
    return value.isoformat() if isinstance(value, date | datetime) else value


def _me(actor: Actor) -> Participant:
    if actor.participant is None:
        if actor.is_anonymous:
            raise NotAuthenticated(N_("Please join the session first."))
        raise PermissionDenied(N_("This page is for participants, about their own data."))
    return actor.participant


async def my_data(actor: Actor) -> MyData:
    """Everything stored about the participant acting, and everything they put in."""
    me = _me(actor)
    session = await Session.get(id=me.session_id)
    titles = dict(await Proposal.filter(session_id=session.id).values_list("id", "title"))
    supports = await Support.filter(participant_id=me.id).order_by("id").values("proposal_id", "created_at")
    ballots = (
        await Ballot.filter(participant_id=me.id)
        .order_by("id")
        .values("round_id", "proposal_id", "value", "source", "created_at")
    )
    items = {
        "proposals": await Proposal.filter(author_id=me.id)
        .order_by("id")
        .values("id", "kind", "title", "body", "status", "created_at"),
        "comments": await Comment.filter(author_id=me.id)
        .order_by("id")
        .values("id", "proposal_id", "stance", "body", "hidden", "created_at"),
        "supports": [s | {"title": titles.get(s["proposal_id"], "")} for s in supports],
        "votes": [b | {"title": titles.get(b["proposal_id"], "")} for b in ballots],
        "pledges": await Commitment.filter(participant_id=me.id)
        .order_by("id")
        .values("id", "proposal_id", "who", "role", "what", "due", "credited", "created_at"),
        "amendments": await Amendment.filter(author_id=me.id)
        .order_by("id")
        .values("id", "clause_id", "op", "text", "reason", "status", "created_at"),
        "clause_comments": await ClauseComment.filter(author_id=me.id)
        .order_by("id")
        .values("id", "clause_id", "body", "created_at"),
        "backed_amendments": await AmendmentBacker.filter(participant_id=me.id)
        .order_by("id")
        .values("amendment_id", "created_at"),
        "check_answers": await CheckAnswer.filter(participant_id=me.id)
        .order_by("id")
        .values("check_id", "answer", "reason", "created_at"),
        "delegate_of": await Delegate.filter(participant_id=me.id).values("network"),
    }
    for row in items["proposals"] + items["comments"]:
        for key in ("status", "stance"):
            if key in row:
                row[key] = getattr(row[key], "value", row[key])
    return MyData(me, session, items)


async def erase_my_data(actor: Actor, *, confirmed: bool) -> int:
    """Erase the acting participant's personal data (see the module's docstring); returns their id.
    Only when `confirmed`: the person has said yes on a second screen, or the API caller sent confirm=true."""
    me = _me(actor)
    if not confirmed:
        raise ValidationError(N_("Please confirm that you want your data deleted."), field="confirm")
    session_id = me.session_id
    async with in_transaction():
        # Locked and re-read: a second tap, or a phone still sending, finds the row already erased.
        row = await Participant.filter(id=me.id).select_for_update().first()
        if row is None or row.token_hash.startswith(PURGED_PREFIX):
            raise NotAuthenticated(N_("Please join the session first."))
        await Participant.filter(id=me.id).update(
            display_name="",
            organization="",
            subdistrict_code="",
            sector="",
            consent_at=None,
            token_hash=f"{PURGED_PREFIX}{me.id}",
        )
        drafts = Proposal.filter(author_id=me.id, status=ProposalStatus.PENDING)
        await drafts.delete()
        await Commitment.filter(participant_id=me.id).update(credited=False)
        await IdempotencyRecord.filter(actor=f"participant:{me.id}").delete()
        await audit.record(session_id, "participant.erased", actor, participant=me.id)
    shown = await int_column(Proposal.filter(author_id=me.id), "id")
    await events.publish(events.Event("participant.erased", session_id, proposal_ids=tuple(shown)))
    return me.id
