from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from deliberate.proposals.models import Proposal
    from deliberate.sessions.models import Participant


class Stance(StrEnum):
    FOR = "for"
    AGAINST = "against"
    NOTE = "note"


class Comment(Model):
    id = fields.IntField(primary_key=True)
    proposal: fields.ForeignKeyRelation[Proposal] = fields.ForeignKeyField(
        "models.Proposal", related_name="comments", on_delete=fields.CASCADE
    )
    proposal_id: int
    author: fields.ForeignKeyNullableRelation[Participant] = fields.ForeignKeyField(
        "models.Participant", related_name="comments", null=True, on_delete=fields.SET_NULL
    )
    author_id: int | None
    stance = fields.CharEnumField(Stance, max_length=8)
    body = fields.TextField()
    hidden = fields.BooleanField(default=False)
    hidden_reason = fields.CharField(max_length=300, default="")
    # Set when a merge carried this comment over from a duplicate proposal.
    carried_from: fields.ForeignKeyNullableRelation[Proposal] = fields.ForeignKeyField(
        "models.Proposal", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    carried_from_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "comment"
