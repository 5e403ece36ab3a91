from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

from deliberate.i18n import N_

if TYPE_CHECKING:
    from deliberate.accounts.models import StaffUser
    from deliberate.comments.models import Comment
    from deliberate.proposals.models import Proposal
    from deliberate.sessions.models import Session

# What the record of staff actions says for each kind of act.
STAFF_ACTION_LABELS = {
    "approve": N_("Approved"),
    "hide": N_("Hidden"),
    "restore": N_("Restored"),
    "merge": N_("Merged"),
    "hide_comment": N_("Comment hidden"),
    "restore_comment": N_("Comment restored"),
    "slow_mode": N_("Slow mode changed"),
    "doors": N_("Doors opened or closed to new participants"),
    "phase": N_("Phase changed"),
    "permissions": N_("Phase switches changed"),
    "premoderation": N_("Pre-moderation changed"),
    "spotlight": N_("Spotlight changed"),
    "timer": N_("Timer set"),
    "screen": N_("Projector view changed"),
    "round_opened": N_("Voting round opened"),
    "round_closed": N_("Voting round closed"),
    "results_revealed": N_("Results revealed"),
    "results_hidden": N_("Results hidden"),
    "paper_ballot": N_("Paper ballot entered"),
    "statement_seeded": N_("Statement seeded"),
    "answer": N_("Proposal answered"),
    "purged": N_("Personal data removed after the retention period"),
    "resolution_rules": N_("Resolution rules changed"),
    "delegate": N_("Delegate registered"),
    "item_drafted": N_("Agenda item drafted"),
    "amendment_accepted": N_("Amendment accepted"),
    "amendment_rejected": N_("Amendment rejected"),
    "amendments_merged": N_("Amendments merged"),
    "item_revised": N_("Agenda item draft revised"),
    "clause_drafted": N_("Clause added to the draft"),
    "clause_revised": N_("Clause redrafted"),
    "check_opened": N_("Consensus check called"),
    "check_closed": N_("Consensus check closed"),
    "map_left_out": N_("Participant left out of the opinion map"),
    "map_returned": N_("Participant put back on the opinion map"),
}


class StaffAction(Model):
    """One staff act, kept for the record: who, what, when and why. Never changed or deleted by the app."""

    id = fields.IntField(primary_key=True)
    session: fields.ForeignKeyRelation[Session] = fields.ForeignKeyField(
        "models.Session", related_name="staff_actions", on_delete=fields.CASCADE
    )
    session_id: int
    proposal: fields.ForeignKeyNullableRelation[Proposal] = fields.ForeignKeyField(
        "models.Proposal", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    proposal_id: int | None
    comment: fields.ForeignKeyNullableRelation[Comment] = fields.ForeignKeyField(
        "models.Comment", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    comment_id: int | None
    action = fields.CharField(max_length=32)  # a key of STAFF_ACTION_LABELS
    reason = fields.CharField(max_length=300, default="")
    data: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    actor: fields.ForeignKeyNullableRelation[StaffUser] = fields.ForeignKeyField(
        "models.StaffUser", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    actor_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)

    @property
    def label(self) -> str:
        return STAFF_ACTION_LABELS.get(self.action, self.action)

    class Meta:
        table = "staff_action"
        ordering = ["-id"]
