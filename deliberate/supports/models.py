from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class Support(Model):
    """One participant backing one proposal: the unique pair makes a double tap count once."""

    id = fields.IntField(primary_key=True)
    proposal = fields.ForeignKeyField("models.Proposal", related_name="supports", on_delete=fields.CASCADE)
    participant = fields.ForeignKeyField("models.Participant", related_name="supports", on_delete=fields.CASCADE)
    assisted = fields.BooleanField(default=False)
    entered_by = fields.ForeignKeyField("models.StaffUser", related_name=False, null=True, on_delete=fields.SET_NULL)
    carried_from = fields.ForeignKeyField("models.Proposal", related_name=False, null=True, on_delete=fields.SET_NULL)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "support"
        unique_together = (("proposal", "participant"),)
