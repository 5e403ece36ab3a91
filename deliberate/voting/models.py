from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from deliberate.accounts.models import StaffUser
    from deliberate.proposals.models import Proposal
    from deliberate.sessions.models import Participant, Session


class VoteRound(Model):
    """One round of voting in a session with one method and its options (budget, scale, quorum...).

    The Pol.is-style statements of a session live in one round of method `agree` that stays open while
    the facilitator allows reactions. `options` holds the method's settings, checked by `methods.py`.
    """

    id = fields.IntField(primary_key=True)
    session: fields.ForeignKeyRelation[Session] = fields.ForeignKeyField(
        "models.Session", related_name="rounds", on_delete=fields.CASCADE
    )
    session_id: int
    method = fields.CharField(max_length=16)
    title = fields.CharField(max_length=140, default="")
    options: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    is_open = fields.BooleanField(default=True)
    revealed = fields.BooleanField(default=False)
    created_by: fields.ForeignKeyNullableRelation[StaffUser] = fields.ForeignKeyField(
        "models.StaffUser", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_by_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)
    closed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "vote_round"
        ordering = ["id"]


class Ballot(Model):
    """One mark in a round: dots on a proposal, a score, a rank position or an agree/disagree/pass.

    `source` says where it came from: the person's own phone, staff entering it on behalf of someone
    without a phone (assisted), or a pile of identical paper ballots counted by staff (no participant,
    `sheets` of them). Every tally counts all three as one and shows the breakdown.
    """

    id = fields.IntField(primary_key=True)
    round: fields.ForeignKeyRelation[VoteRound] = fields.ForeignKeyField(
        "models.VoteRound", related_name="ballots", on_delete=fields.CASCADE
    )
    round_id: int
    proposal: fields.ForeignKeyRelation[Proposal] = fields.ForeignKeyField(
        "models.Proposal", related_name="ballots", on_delete=fields.CASCADE
    )
    proposal_id: int
    participant: fields.ForeignKeyNullableRelation[Participant] = fields.ForeignKeyField(
        "models.Participant", related_name="ballots", null=True, on_delete=fields.CASCADE
    )
    participant_id: int | None
    value = fields.IntField()
    source = fields.CharField(max_length=8, default="phone")
    # A paper ranking is several rows that belong together: they share this key.
    paper_key = fields.CharField(max_length=32, default="")
    # A pile of identical paper sheets is entered in one act and stored once, weighing `sheets` ballots in
    # every tally (one row per sheet would be up to 10,000 copies of the same marks). Always 1 for a person.
    sheets = fields.IntField(default=1)
    entered_by: fields.ForeignKeyNullableRelation[StaffUser] = fields.ForeignKeyField(
        "models.StaffUser", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    entered_by_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "ballot"
        unique_together = (("round", "proposal", "participant"),)
        indexes = (("round_id", "participant_id"),)
