from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class ModerationAction(Model):
    """Every staff act on a submission, kept for the record: who, what, when and why."""

    id = fields.IntField(primary_key=True)
    session = fields.ForeignKeyField("models.Session", related_name="moderation_actions",
                                     on_delete=fields.CASCADE)
    proposal = fields.ForeignKeyField("models.Proposal", related_name=False, null=True,
                                      on_delete=fields.SET_NULL)
    comment = fields.ForeignKeyField("models.Comment", related_name=False, null=True,
                                     on_delete=fields.SET_NULL)
    action = fields.CharField(max_length=32)
    reason = fields.CharField(max_length=300, default="")
    data = fields.JSONField(default=dict)
    actor = fields.ForeignKeyField("models.StaffUser", related_name=False, null=True,
                                   on_delete=fields.SET_NULL)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "moderation_action"
        ordering = ["-id"]
