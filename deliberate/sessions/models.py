from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from deliberate.accounts.models import StaffUser
    from deliberate.proposals.models import Proposal


class Assembly(Model):
    id = fields.IntField(primary_key=True)
    title = fields.CharField(max_length=200)
    subtitle = fields.CharField(max_length=200, default="")
    province_code = fields.CharField(max_length=2, default="")
    venue = fields.CharField(max_length=200, default="")
    starts_on = fields.DateField(null=True)
    ends_on = fields.DateField(null=True)
    created_by: fields.ForeignKeyNullableRelation[StaffUser] = fields.ForeignKeyField(
        "models.StaffUser", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_by_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)

    themes: fields.ReverseRelation[Theme]
    sessions: fields.ReverseRelation[Session]

    class Meta:
        table = "assembly"


class Theme(Model):
    """A strategic issue (ประเด็นยุทธศาสตร์) of an assembly."""

    id = fields.IntField(primary_key=True)
    assembly: fields.ForeignKeyRelation[Assembly] = fields.ForeignKeyField(
        "models.Assembly", related_name="themes", on_delete=fields.CASCADE
    )
    assembly_id: int
    name = fields.CharField(max_length=200)
    position = fields.IntField(default=0)

    class Meta:
        table = "theme"
        ordering = ["position", "id"]


class Session(Model):
    id = fields.IntField(primary_key=True)
    assembly: fields.ForeignKeyRelation[Assembly] = fields.ForeignKeyField(
        "models.Assembly", related_name="sessions", on_delete=fields.CASCADE
    )
    assembly_id: int
    title = fields.CharField(max_length=200)
    code = fields.CharField(max_length=6, unique=True)
    phase = fields.CharField(max_length=16, default="lobby")
    # Per-phase overrides of what participants may do: {"ideas": {"support": true}, ...}
    permissions: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    premoderation = fields.BooleanField(default=False)
    timer_ends_at = fields.DatetimeField(null=True)
    timer_label = fields.CharField(max_length=80, default="")
    # The proposal on the projector. A plain id, not a foreign key, to keep the schema free of cycles.
    spotlight_id = fields.IntField(null=True)
    # The voting round phones show now (a plain id for the same reason).
    current_round_id = fields.IntField(null=True)
    # What the projector shows, chosen on the console (a key of sessions.screens.VIEWS).
    screen_view = fields.CharField(max_length=16, default="board", db_default="board")
    created_at = fields.DatetimeField(auto_now_add=True)
    phase_changed_at = fields.DatetimeField(auto_now_add=True)

    proposals: fields.ReverseRelation[Proposal]

    class Meta:
        table = "session"


class Participant(Model):
    id = fields.IntField(primary_key=True)
    session: fields.ForeignKeyRelation[Session] = fields.ForeignKeyField(
        "models.Session", related_name="participants", on_delete=fields.CASCADE
    )
    session_id: int
    display_name = fields.CharField(max_length=60)
    subdistrict_code = fields.CharField(max_length=6, default="")
    sector = fields.CharField(max_length=32, default="")
    organization = fields.CharField(max_length=120, default="")
    token_hash = fields.CharField(max_length=64, unique=True)
    consent_at = fields.DatetimeField(null=True)
    # Entered by staff for someone without a phone.
    assisted = fields.BooleanField(default=False)
    entered_by: fields.ForeignKeyNullableRelation[StaffUser] = fields.ForeignKeyField(
        "models.StaffUser", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    entered_by_id: int | None
    # The id this person had where they were imported from (a Pol.is participant id).
    external_id = fields.CharField(max_length=64, default="")
    # A facilitator left this person out of the opinion map (a bot, a troll), with a reason; their marks still
    # count in every tally. Null when they are on the map.
    left_out_of_map_at = fields.DatetimeField(null=True)
    left_out_of_map_reason = fields.CharField(max_length=300, default="", db_default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "participant"
