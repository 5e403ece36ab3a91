from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from deliberate.sessions.models import Session


class AuditEntry(Model):
    """One link of a session's hash chain. Written in the transaction of the act it records, never changed.

    `hash` is HMAC-SHA256, under the audit key named by `key_id`, over `prev_hash` and the canonical form of
    every other column (see `audit.chain.entry_hash`), so editing any of them, or deleting an entry, breaks
    the chain there, and only the key's holder can write a chain that verifies. An empty `key_id` marks an
    entry written before the chain was keyed (plain SHA-256).
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
    # The database default too: SQLite adds a NOT NULL column to a table with rows only with one.
    key_id = fields.CharField(max_length=16, default="", db_default="")

    class Meta:
        table = "audit_entry"
        unique_together = (("session", "seq"),)
        ordering = ["seq"]


class PublishedHead(Model):
    """A chain head as it was shown outside the database: on the projector's end screen, on the public
    follow-up page, in a brief. `audit verify` checks by default that the chain still passes through the
    last one, so cutting the tail or recomputing the chain fails. Written only when the head has moved since
    the last one recorded for that place; `signature` is an HMAC under the audit key, so a row cannot be
    forged by someone who can only write to the database.
    """

    id = fields.IntField(primary_key=True)
    session: fields.ForeignKeyRelation[Session] = fields.ForeignKeyField(
        "models.Session", related_name="published_heads", on_delete=fields.CASCADE
    )
    session_id: int
    seq = fields.IntField()
    hash = fields.CharField(max_length=64)
    # Where it was shown: "projector", "follow_up" or "brief"
    place = fields.CharField(max_length=16)
    at = fields.DatetimeField()
    key_id = fields.CharField(max_length=16)
    signature = fields.CharField(max_length=64)

    class Meta:
        table = "published_head"
        ordering = ["seq", "id"]
