"""Resolutions as Thai assemblies adopt them: agenda items with a draft (preamble and numbered clauses),
amendments to clauses proposed live, and a consensus check per clause (agree, can live with it,
reservation, block), with reservations kept verbatim.

Every clause carries a version number; an amendment names the version it was written against, so a chair
can never apply it to text that has changed since (optimistic versioning).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

from deliberate.i18n import N_

if TYPE_CHECKING:
    from deliberate.accounts.models import StaffUser
    from deliberate.proposals.models import Proposal
    from deliberate.sessions.models import Assembly, Participant, Session


AMENDMENT_OPS = {
    "replace": N_("New wording"),
    "insert": N_("New clause after this one"),
    "delete": N_("Remove the clause"),
}
ANSWERS = {
    "agree": N_("Agree"),
    "live_with": N_("Can live with it"),
    "reservation": N_("Reservation"),
    "block": N_("Block"),
}
# The three sectors of a Thai health-assembly style process, from the sectors people give when joining.
SECTOR_GROUPS = {"state": N_("State"), "academia": N_("Academia"), "people": N_("People and civil society")}
SECTOR_GROUP_OF = {"government": "state", "local_government": "state", "academia": "academia"}
VOTERS = {
    "everyone": N_("Everyone who joined"),
    "seat": N_("Registered delegates, one voice per seat"),
    "network": N_("Registered delegates, one voice per network"),
}
AMENDERS = {"everyone": N_("Everyone who joined"), "delegates": N_("Registered delegates only")}


class ResolutionRules(Model):
    """How a session decides its resolutions. Absent, the defaults below apply."""

    id = fields.IntField(primary_key=True)
    session: fields.OneToOneRelation[Session] = fields.OneToOneField(
        "models.Session", related_name="resolution_rules", on_delete=fields.CASCADE
    )
    session_id: int
    voters = fields.CharField(max_length=8, default="everyone")
    amenders = fields.CharField(max_length=10, default="everyone")
    # Adopted by consensus when no one blocks and reservations are at most this share of the answers.
    max_reservation_share = fields.FloatField(default=0.2)
    # Each sector group's minimum share of the answers; shown beside the result, not a veto.
    sector_minimums: fields.JSONField[dict[str, float]] = fields.JSONField(default=dict)

    class Meta:
        table = "resolution_rules"


class Delegate(Model):
    """A participant registered by staff as a delegate of a member network."""

    id = fields.IntField(primary_key=True)
    session: fields.ForeignKeyRelation[Session] = fields.ForeignKeyField(
        "models.Session", related_name="delegates", on_delete=fields.CASCADE
    )
    session_id: int
    participant: fields.OneToOneRelation[Participant] = fields.OneToOneField(
        "models.Participant", related_name="delegate", on_delete=fields.CASCADE
    )
    participant_id: int
    network = fields.CharField(max_length=120)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "delegate"


class ScreeningCriterion(Model):
    """A published criterion proposals are screened against (importance, severity, public interest,
    feasibility...), editable per assembly."""

    id = fields.IntField(primary_key=True)
    assembly: fields.ForeignKeyRelation[Assembly] = fields.ForeignKeyField(
        "models.Assembly", related_name="criteria", on_delete=fields.CASCADE
    )
    assembly_id: int
    name = fields.CharField(max_length=120)
    description = fields.CharField(max_length=300, default="")
    position = fields.IntField(default=0)

    class Meta:
        table = "screening_criterion"
        ordering = ["position", "id"]


class ProposalScreening(Model):
    """A facilitator's score of one proposal on one criterion, from 1 (low) to 5 (high)."""

    id = fields.IntField(primary_key=True)
    proposal: fields.ForeignKeyRelation[Proposal] = fields.ForeignKeyField(
        "models.Proposal", related_name="screenings", on_delete=fields.CASCADE
    )
    proposal_id: int
    criterion: fields.ForeignKeyRelation[ScreeningCriterion] = fields.ForeignKeyField(
        "models.ScreeningCriterion", related_name="screenings", on_delete=fields.CASCADE
    )
    criterion_id: int
    score = fields.IntField()
    note = fields.CharField(max_length=300, default="")
    screened_by: fields.ForeignKeyNullableRelation[StaffUser] = fields.ForeignKeyField(
        "models.StaffUser", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    screened_by_id: int | None
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "proposal_screening"
        unique_together = (("proposal", "criterion"),)


class AgendaItem(Model):
    """One agenda item (วาระ): background, preamble paragraphs and numbered clauses."""

    id = fields.IntField(primary_key=True)
    session: fields.ForeignKeyRelation[Session] = fields.ForeignKeyField(
        "models.Session", related_name="agenda_items", on_delete=fields.CASCADE
    )
    session_id: int
    title = fields.CharField(max_length=200)
    # The proposals grouped and merged into this item (ids of this session's proposals).
    proposal_ids: fields.JSONField[list[int]] = fields.JSONField(default=list)
    # Bumped by every edit of the drafting team; each draft is kept in AgendaItemVersion.
    version = fields.IntField(default=1)
    background = fields.TextField(default="")
    preamble: fields.JSONField[list[str]] = fields.JSONField(default=list)
    position = fields.IntField(default=0)
    created_by: fields.ForeignKeyNullableRelation[StaffUser] = fields.ForeignKeyField(
        "models.StaffUser", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_by_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "agenda_item"
        ordering = ["position", "id"]


class AgendaItemVersion(Model):
    """A draft of an agenda item as the drafting team left it: title, background and preamble."""

    id = fields.IntField(primary_key=True)
    item: fields.ForeignKeyRelation[AgendaItem] = fields.ForeignKeyField(
        "models.AgendaItem", related_name="versions", on_delete=fields.CASCADE
    )
    item_id: int
    version = fields.IntField()
    title = fields.CharField(max_length=200)
    background = fields.TextField(default="")
    preamble: fields.JSONField[list[str]] = fields.JSONField(default=list)
    edited_by: fields.ForeignKeyNullableRelation[StaffUser] = fields.ForeignKeyField(
        "models.StaffUser", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    edited_by_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "agenda_item_version"
        unique_together = (("item", "version"),)
        ordering = ["item_id", "version"]


class Clause(Model):
    id = fields.IntField(primary_key=True)
    item: fields.ForeignKeyRelation[AgendaItem] = fields.ForeignKeyField(
        "models.AgendaItem", related_name="clauses", on_delete=fields.CASCADE
    )
    item_id: int
    # Clauses are ordered by `position`; an inserted clause takes the midpoint, so numbers never collide.
    position = fields.FloatField()
    text = fields.TextField()
    lead_agency = fields.CharField(max_length=200, default="")
    partners: fields.JSONField[list[str]] = fields.JSONField(default=list)
    version = fields.IntField(default=1)
    # "open", "adopted", "not_adopted" (a check failed: back to amendment), or "removed" by an amendment.
    status = fields.CharField(max_length=12, default="open")
    reservations: fields.JSONField[list[str]] = fields.JSONField(
        default=list
    )  # verbatim, from the check that adopted it
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "clause"
        ordering = ["position", "id"]


class ClauseVersion(Model):
    """Every text a clause has had, and the amendment that gave it."""

    id = fields.IntField(primary_key=True)
    clause: fields.ForeignKeyRelation[Clause] = fields.ForeignKeyField(
        "models.Clause", related_name="versions", on_delete=fields.CASCADE
    )
    clause_id: int
    version = fields.IntField()
    text = fields.TextField()
    status = fields.CharField(max_length=12, default="open")
    amendment: fields.ForeignKeyNullableRelation[Amendment] = fields.ForeignKeyField(
        "models.Amendment", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    amendment_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "clause_version"
        unique_together = (("clause", "version"),)
        ordering = ["clause_id", "version"]


class Amendment(Model):
    id = fields.IntField(primary_key=True)
    clause: fields.ForeignKeyRelation[Clause] = fields.ForeignKeyField(
        "models.Clause", related_name="amendments", on_delete=fields.CASCADE
    )
    clause_id: int
    op = fields.CharField(max_length=8)
    text = fields.TextField(default="")
    reason = fields.CharField(max_length=500)
    base_version = fields.IntField()
    author: fields.ForeignKeyNullableRelation[Participant] = fields.ForeignKeyField(
        "models.Participant", related_name="amendments", null=True, on_delete=fields.SET_NULL
    )
    author_id: int | None
    entered_by: fields.ForeignKeyNullableRelation[StaffUser] = fields.ForeignKeyField(
        "models.StaffUser", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    entered_by_id: int | None
    # "proposed", "accepted", "rejected", or "merged" into another amendment the chair wrote from several.
    status = fields.CharField(max_length=10, default="proposed")
    merged_into_id = fields.IntField(null=True)
    decided_by: fields.ForeignKeyNullableRelation[StaffUser] = fields.ForeignKeyField(
        "models.StaffUser", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    decided_by_id: int | None
    decided_at = fields.DatetimeField(null=True)
    # For an accepted insert: the clause it created.
    created_clause_id = fields.IntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    backers: fields.ReverseRelation[AmendmentBacker]

    class Meta:
        table = "amendment"
        ordering = ["id"]


class ClauseComment(Model):
    """A comment on a clause: open to everyone, also when only delegates amend and answer."""

    id = fields.IntField(primary_key=True)
    clause: fields.ForeignKeyRelation[Clause] = fields.ForeignKeyField(
        "models.Clause", related_name="comments", on_delete=fields.CASCADE
    )
    clause_id: int
    author: fields.ForeignKeyNullableRelation[Participant] = fields.ForeignKeyField(
        "models.Participant", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    author_id: int | None
    body = fields.CharField(max_length=1000)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "clause_comment"
        ordering = ["id"]


class AmendmentBacker(Model):
    id = fields.IntField(primary_key=True)
    amendment: fields.ForeignKeyRelation[Amendment] = fields.ForeignKeyField(
        "models.Amendment", related_name="backers", on_delete=fields.CASCADE
    )
    amendment_id: int
    participant: fields.ForeignKeyRelation[Participant] = fields.ForeignKeyField(
        "models.Participant", related_name=False, on_delete=fields.CASCADE
    )
    participant_id: int
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "amendment_backer"
        unique_together = (("amendment", "participant"),)


class ConsensusCheck(Model):
    id = fields.IntField(primary_key=True)
    clause: fields.ForeignKeyRelation[Clause] = fields.ForeignKeyField(
        "models.Clause", related_name="checks", on_delete=fields.CASCADE
    )
    clause_id: int
    clause_version = fields.IntField()
    is_open = fields.BooleanField(default=True)
    outcome = fields.CharField(max_length=12, default="")
    result: fields.JSONField[dict[str, Any]] = fields.JSONField(
        default=dict
    )  # counts and breakdowns as closed, kept for the record
    opened_by: fields.ForeignKeyNullableRelation[StaffUser] = fields.ForeignKeyField(
        "models.StaffUser", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    opened_by_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)
    closed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "consensus_check"
        ordering = ["id"]


class CheckAnswer(Model):
    """One voice in a check. `voice` is the participant, or the network when one voice per network."""

    id = fields.IntField(primary_key=True)
    check: fields.ForeignKeyRelation[ConsensusCheck] = fields.ForeignKeyField(
        "models.ConsensusCheck", related_name="answers", on_delete=fields.CASCADE
    )
    check_id: int
    voice = fields.CharField(max_length=140)
    participant: fields.ForeignKeyNullableRelation[Participant] = fields.ForeignKeyField(
        "models.Participant", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    participant_id: int | None
    answer = fields.CharField(max_length=12)
    reason = fields.CharField(max_length=300, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "check_answer"
        unique_together = (("check", "voice"),)
