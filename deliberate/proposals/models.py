from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from deliberate.accounts.models import StaffUser
    from deliberate.sessions.models import Participant, Session, Theme


class ProposalStatus(StrEnum):
    PENDING = "pending"
    PUBLISHED = "published"
    HIDDEN = "hidden"
    MERGED = "merged"


class Proposal(Model):
    id = fields.IntField(primary_key=True)
    session: fields.ForeignKeyRelation[Session] = fields.ForeignKeyField(
        "models.Session", related_name="proposals", on_delete=fields.CASCADE
    )
    session_id: int
    theme: fields.ForeignKeyRelation[Theme] = fields.ForeignKeyField(
        "models.Theme", related_name="proposals", on_delete=fields.RESTRICT
    )
    theme_id: int
    author: fields.ForeignKeyNullableRelation[Participant] = fields.ForeignKeyField(
        "models.Participant", related_name="proposals", null=True, on_delete=fields.SET_NULL
    )
    author_id: int | None
    # "proposal", or "statement": a short Pol.is-style statement people agree or disagree with.
    kind = fields.CharField(max_length=12, default="proposal")
    title = fields.CharField(max_length=140)
    body = fields.TextField()
    target_groups: fields.JSONField[list[str]] = fields.JSONField(default=list)
    status = fields.CharEnumField(ProposalStatus, max_length=16, default=ProposalStatus.PUBLISHED)
    merged_into: fields.ForeignKeyNullableRelation[Proposal] = fields.ForeignKeyField(
        "models.Proposal", related_name="merged_from", null=True, on_delete=fields.SET_NULL
    )
    merged_into_id: int | None
    hidden_reason = fields.CharField(max_length=300, default="")
    assisted = fields.BooleanField(default=False)
    entered_by: fields.ForeignKeyNullableRelation[StaffUser] = fields.ForeignKeyField(
        "models.StaffUser", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    entered_by_id: int | None
    # The id this statement had where it was imported from (a Pol.is comment id).
    external_id = fields.CharField(max_length=64, default="")
    # A statement about the conversation itself (Pol.is "meta"): shown, but left out of the opinion map.
    meta = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "proposal"
        indexes = (("session_id", "status"),)
