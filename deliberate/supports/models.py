from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from deliberate.accounts.models import StaffUser
    from deliberate.proposals.models import Proposal
    from deliberate.sessions.models import Participant


class Support(Model):
    """One participant backing one proposal: the unique pair makes a double tap count once."""

    id = fields.IntField(primary_key=True)
    proposal: fields.ForeignKeyRelation[Proposal] = fields.ForeignKeyField(
        "models.Proposal", related_name="supports", on_delete=fields.CASCADE
    )
    proposal_id: int
    participant: fields.ForeignKeyRelation[Participant] = fields.ForeignKeyField(
        "models.Participant", related_name="supports", on_delete=fields.CASCADE
    )
    participant_id: int
    assisted = fields.BooleanField(default=False)
    entered_by: fields.ForeignKeyNullableRelation[StaffUser] = fields.ForeignKeyField(
        "models.StaffUser", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    entered_by_id: int | None
    carried_from: fields.ForeignKeyNullableRelation[Proposal] = fields.ForeignKeyField(
        "models.Proposal", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    carried_from_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "support"
        unique_together = (("proposal", "participant"),)
