from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from deliberate.accounts.models import StaffUser
    from deliberate.sessions.models import Session


class Brief(Model):
    """One built version of a session's brief: the dictionary every format is rendered from."""

    id = fields.IntField(primary_key=True)
    session: fields.ForeignKeyRelation[Session] = fields.ForeignKeyField(
        "models.Session", related_name="briefs", on_delete=fields.CASCADE
    )
    session_id: int
    language = fields.CharField(max_length=2)
    version = fields.IntField()
    content_hash = fields.CharField(max_length=64)
    # The document `briefs.build` returns, as JSON: every renderer reads it by key.
    data: fields.JSONField[dict[str, Any]] = fields.JSONField()
    created_by: fields.ForeignKeyNullableRelation[StaffUser] = fields.ForeignKeyField(
        "models.StaffUser", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_by_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "brief"
        unique_together = (("session", "language", "version"),)
