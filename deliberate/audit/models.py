from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from deliberate.sessions.models import Session


class AuditEntry(Model):
    """One link of a session's hash chain. Written in the transaction of the act it records, never changed.

    `hash` is SHA-256 over `prev_hash` and the canonical form of every other column (see
    `audit.chain.entry_hash`), so editing any of them, or deleting an entry, breaks the chain there.
    `actor` and `payload` hold ids only ("participant:12", "staff:3"), never names.
    """

    id = fields.IntField(primary_key=True)
    session: fields.ForeignKeyRelation[Session] = fields.ForeignKeyField(
        "models.Session", related_name="audit_entries", on_delete=fields.CASCADE
    )
    session_id: int
    seq = fields.IntField()
    at = fields.DatetimeField()
    kind = fields.CharField(max_length=40)
    actor = fields.CharField(max_length=32, default="")
    subject = fields.CharField(max_length=64, default="")
    # Canonical JSON, stored as the exact text that was hashed.
    payload = fields.TextField()
    prev_hash = fields.CharField(max_length=64)
    hash = fields.CharField(max_length=64)

    class Meta:
        table = "audit_entry"
        unique_together = (("session", "seq"),)
        ordering = ["seq"]
