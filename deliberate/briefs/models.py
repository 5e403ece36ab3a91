from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class Brief(Model):
    """One built version of a session's brief: the dictionary every format is rendered from."""

    id = fields.IntField(primary_key=True)
    session = fields.ForeignKeyField("models.Session", related_name="briefs", on_delete=fields.CASCADE)
    language = fields.CharField(max_length=2)
    version = fields.IntField()
    content_hash = fields.CharField(max_length=64)
    data = fields.JSONField()
    created_by = fields.ForeignKeyField("models.StaffUser", related_name=False, null=True, on_delete=fields.SET_NULL)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "brief"
        unique_together = (("session", "language", "version"),)
