from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class IdempotencyRecord(Model):
    """The first answer to a write sent with an Idempotency-Key, replayed for any repeat."""

    id = fields.IntField(primary_key=True)
    actor = fields.CharField(max_length=40)
    key = fields.CharField(max_length=100)
    fingerprint = fields.CharField(max_length=64)
    status = fields.IntField()
    body = fields.TextField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "idempotency_record"
        unique_together = (("actor", "key"),)
