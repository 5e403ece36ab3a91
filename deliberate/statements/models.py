from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from deliberate.sessions.models import Session


class OpinionMapState(Model):
    """A session's opinion map state as its last tick left it, and the lease for computing it.

    The state keeps the map's orientation, who is in the map and the groups' names; it is loaded before every tick
    and at start, so a restart or a second process continues the same map. The lease lets one process at a time
    compute a session's map."""

    id = fields.IntField(primary_key=True)
    session: fields.OneToOneRelation[Session] = fields.OneToOneField(
        "models.Session", related_name="opinion_map_state", on_delete=fields.CASCADE
    )
    session_id: int
    state: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)  # MapState.to_dict()
    marks = fields.IntField(default=0)  # marks the last tick read
    computed_at = fields.DatetimeField(null=True)
    lease_owner = fields.CharField(max_length=64, default="")
    lease_until = fields.DatetimeField(null=True)

    class Meta:
        table = "opinion_map_state"
