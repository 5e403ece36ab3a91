from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class Stance(StrEnum):
    FOR = "for"
    AGAINST = "against"
    NOTE = "note"


class Comment(Model):
    id = fields.IntField(primary_key=True)
    proposal = fields.ForeignKeyField("models.Proposal", related_name="comments", on_delete=fields.CASCADE)
    author = fields.ForeignKeyField("models.Participant", related_name="comments", null=True, on_delete=fields.SET_NULL)
    stance = fields.CharEnumField(Stance, max_length=8)
    body = fields.TextField()
    hidden = fields.BooleanField(default=False)
    hidden_reason = fields.CharField(max_length=300, default="")
    # Set when a merge carried this comment over from a duplicate proposal.
    carried_from = fields.ForeignKeyField("models.Proposal", related_name=False, null=True, on_delete=fields.SET_NULL)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "comment"
