"""What became of the proposals: the answer each got, who pledged to act, and the follow-up.

ร่วมคิด ends with an answer (adopted, forwarded, merged, not adopted) mapped onto the provincial plan;
ร่วมทำ is the commitments people and agencies make; ร่วมรับผิดชอบ is the action items and their dated
progress, public for months after the assembly.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

from deliberate.i18n import N_

if TYPE_CHECKING:
    from deliberate.accounts.models import StaffUser
    from deliberate.proposals.models import Proposal
    from deliberate.resolutions.models import Clause
    from deliberate.sessions.models import Participant


class AnswerState(StrEnum):
    ADOPTED = "adopted"
    FORWARDED = "forwarded"
    MERGED = "merged"
    NOT_ADOPTED = "not_adopted"


ANSWER_LABELS = {
    "adopted": N_("Adopted by the assembly"),
    "forwarded": N_("Forwarded to an agency"),
    "merged": N_("Merged into another proposal"),
    "not_adopted": N_("Not adopted"),
}
# Answers that carry a proposal forward: people can pledge on them and they get action items.
CARRIED = (AnswerState.ADOPTED.value, AnswerState.FORWARDED.value)

ROLES = {"lead": N_("Lead"), "support": N_("Support")}

# Where a project's money would come from, as the province plan's project list names it.
BUDGET_SOURCES = {
    "province": N_("Province or province cluster budget"),
    "ministry": N_("Ministry or department budget"),
    "local": N_("Local government budget"),
    "other": N_("Other sources"),
}

STATUS_LABELS = {
    "not_started": N_("Not started"),
    "in_progress": N_("In progress"),
    "done": N_("Done"),
    "stalled": N_("Stalled"),
}


class ProposalAnswer(Model):
    """The assembly's answer to one proposal and, when carried forward, its place in the provincial plan."""

    id = fields.IntField(primary_key=True)
    proposal: fields.OneToOneRelation[Proposal] = fields.OneToOneField(
        "models.Proposal", related_name="answer", on_delete=fields.CASCADE
    )
    proposal_id: int
    state = fields.CharField(max_length=16)
    reason = fields.TextField()
    # The plan's structure: strategic issue (the proposal's theme) -> programme or project -> agency.
    programme = fields.CharField(max_length=200, default="")
    lead_agency = fields.CharField(max_length=200, default="")
    partners = fields.CharField(max_length=300, default="")
    budget = fields.BigIntField(null=True)  # whole baht: an estimate, not an accounting figure
    fiscal_year = fields.IntField(null=True)  # Buddhist era, October to September
    # The row of the province plan's project list (แผนพัฒนาจังหวัด): the development issue and แนวทาง as the
    # province's current plan words them, then what a planner pastes. Empty means the staff left it empty.
    plan_issue = fields.CharField(max_length=300, default="", db_default="")
    plan_approach = fields.CharField(max_length=300, default="", db_default="")
    rationale = fields.TextField(default="", db_default="")
    objectives = fields.TextField(default="", db_default="")
    targets = fields.TextField(default="", db_default="")
    # [{"name": "...", "values": {"2570": "...", "2571": "..."}}]: each indicator with its yearly target
    indicators: fields.JSONField[list[dict[str, Any]]] = fields.JSONField(default=list)
    target_group = fields.CharField(max_length=300, default="", db_default="")
    area_codes: fields.JSONField[list[str]] = fields.JSONField(default=list)  # อำเภอ (4 digits) or ตำบล (6)
    fiscal_year_to = fields.IntField(null=True)  # the last fiscal year of a project over several
    budget_source = fields.CharField(max_length=16, default="", db_default="")
    national_fit = fields.TextField(default="", db_default="")
    coordinator = fields.CharField(max_length=200, default="", db_default="")  # a person's name only with their consent
    answered_by: fields.ForeignKeyNullableRelation[StaffUser] = fields.ForeignKeyField(
        "models.StaffUser", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    answered_by_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "proposal_answer"


class ProvincePlan(Model):
    """A province's current development plan: its development issues and their approaches.

    The ประเด็นการพัฒนา, each with its แนวทางการพัฒนา, that answers map onto; one per province, kept by
    administrators."""

    id = fields.IntField(primary_key=True)
    province_code = fields.CharField(max_length=2, unique=True)
    title = fields.CharField(max_length=300)
    period = fields.CharField(max_length=20, default="")  # Buddhist-era years, e.g. "2566-2570"
    # [{"name": "...", "approaches": ["...", ...]}] in the plan's order
    issues: fields.JSONField[list[dict[str, Any]]] = fields.JSONField(default=list)
    updated_by: fields.ForeignKeyNullableRelation[StaffUser] = fields.ForeignKeyField(
        "models.StaffUser", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    updated_by_id: int | None
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "province_plan"


class Commitment(Model):
    """A pledge on a carried proposal: who, lead or support, what they will do, by when."""

    id = fields.IntField(primary_key=True)
    proposal: fields.ForeignKeyRelation[Proposal] = fields.ForeignKeyField(
        "models.Proposal", related_name="commitments", on_delete=fields.CASCADE
    )
    proposal_id: int
    participant: fields.ForeignKeyNullableRelation[Participant] = fields.ForeignKeyField(
        "models.Participant", related_name="commitments", null=True, on_delete=fields.SET_NULL
    )
    participant_id: int | None
    kind = fields.CharField(max_length=16)
    # The organisation or agency named; for a participant pledging for themselves, their organisation.
    who = fields.CharField(max_length=120, default="")
    role = fields.CharField(max_length=8)
    what = fields.CharField(max_length=500)
    due = fields.DateField()
    # A participant may choose to be named in the brief; otherwise only their sector is shown.
    credited = fields.BooleanField(default=False)
    entered_by: fields.ForeignKeyNullableRelation[StaffUser] = fields.ForeignKeyField(
        "models.StaffUser", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    entered_by_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "commitment"
        ordering = ["id"]


class ActionItem(Model):
    """One piece of work a carried proposal or an adopted resolution clause became, owned on both sides:
    the community and an agency."""

    id = fields.IntField(primary_key=True)
    proposal: fields.ForeignKeyNullableRelation[Proposal] = fields.ForeignKeyField(
        "models.Proposal", related_name="action_items", null=True, on_delete=fields.CASCADE
    )
    proposal_id: int | None
    clause: fields.ForeignKeyNullableRelation[Clause] = fields.ForeignKeyField(
        "models.Clause", related_name="action_items", null=True, on_delete=fields.CASCADE
    )
    clause_id: int | None
    title = fields.CharField(max_length=200)
    community_owner = fields.CharField(max_length=120, default="")
    agency_owner = fields.CharField(max_length=120, default="")
    due = fields.DateField(null=True)
    status = fields.CharField(max_length=16, default="not_started")
    created_by: fields.ForeignKeyNullableRelation[StaffUser] = fields.ForeignKeyField(
        "models.StaffUser", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_by_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    updates: fields.ReverseRelation[ProgressUpdate]

    class Meta:
        table = "action_item"
        ordering = ["id"]


class ProgressUpdate(Model):
    """A dated note on an action item: the item takes the status of its latest update."""

    id = fields.IntField(primary_key=True)
    item: fields.ForeignKeyRelation[ActionItem] = fields.ForeignKeyField(
        "models.ActionItem", related_name="updates", on_delete=fields.CASCADE
    )
    item_id: int
    on = fields.DateField()
    status = fields.CharField(max_length=16)
    note = fields.CharField(max_length=1000)
    entered_by: fields.ForeignKeyNullableRelation[StaffUser] = fields.ForeignKeyField(
        "models.StaffUser", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    entered_by_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "progress_update"
        ordering = ["on", "id"]
