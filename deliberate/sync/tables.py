"""What a session bundle carries, table by table, in the order an import writes it.

Each table names the columns that hold ids of other bundled rows (remapped on import, since the
central ids differ), the ones among them that make a row part of the session (its owners), and the
columns holding staff user ids (mapped by e-mail). A test checks that every model of the app is either
here or deliberately left out, and that every foreign key of a table here is accounted for.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tortoise.models import Model

from deliberate.audit.models import AuditEntry
from deliberate.briefs.models import Brief
from deliberate.comments.models import Comment
from deliberate.outcomes.models import ActionItem, Commitment, ProgressUpdate, ProposalAnswer
from deliberate.proposals.models import Proposal
from deliberate.resolutions.models import (
    AgendaItem,
    AgendaItemVersion,
    Amendment,
    AmendmentBacker,
    CheckAnswer,
    Clause,
    ClauseComment,
    ClauseVersion,
    ConsensusCheck,
    Delegate,
    ProposalScreening,
    ResolutionRules,
    ScreeningCriterion,
)
from deliberate.sessions.models import Assembly, Participant, Session, Theme
from deliberate.staffrecord.models import StaffAction
from deliberate.supports.models import Support
from deliberate.voting.models import Ballot, VoteRound

STAFF = "staff_user"


@dataclass(frozen=True)
class Table:
    model: type[Model]
    # column -> the bundled table whose ids it holds (foreign keys and plain id columns alike)
    refs: Mapping[str, str] = field(default_factory=dict)
    # columns of `refs` that make a row part of the session: it belongs when any of them names a bundled row
    owners: tuple[str, ...] = ()
    staff: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return str(self.model._meta.db_table)

    @property
    def columns(self) -> list[str]:
        return sorted(self.model._meta.db_fields)


P, PART = "proposal", "participant"

TABLES: tuple[Table, ...] = (
    Table(Assembly, staff=("created_by_id",)),  # the session's own; matched on import, see import_.py
    Table(Theme, {"assembly_id": "assembly"}, ("assembly_id",)),
    Table(ScreeningCriterion, {"assembly_id": "assembly"}, ("assembly_id",)),
    Table(Session, {"assembly_id": "assembly", "spotlight_id": P, "current_round_id": "vote_round"}),
    Table(Participant, {"session_id": "session"}, ("session_id",), ("entered_by_id",)),
    Table(
        Proposal,
        {"session_id": "session", "theme_id": "theme", "author_id": PART, "merged_into_id": P},
        ("session_id",),
        ("entered_by_id",),
    ),
    Table(Comment, {"proposal_id": P, "author_id": PART, "carried_from_id": P}, ("proposal_id",)),
    Table(
        Support, {"proposal_id": P, "participant_id": PART, "carried_from_id": P}, ("proposal_id",), ("entered_by_id",)
    ),
    Table(VoteRound, {"session_id": "session"}, ("session_id",), ("created_by_id",)),
    Table(
        Ballot, {"round_id": "vote_round", "proposal_id": P, "participant_id": PART}, ("round_id",), ("entered_by_id",)
    ),
    Table(ProposalAnswer, {"proposal_id": P}, ("proposal_id",), ("answered_by_id",)),
    Table(Commitment, {"proposal_id": P, "participant_id": PART}, ("proposal_id",), ("entered_by_id",)),
    Table(ResolutionRules, {"session_id": "session"}, ("session_id",)),
    Table(Delegate, {"session_id": "session", "participant_id": PART}, ("session_id",)),
    Table(
        ProposalScreening,
        {"proposal_id": P, "criterion_id": "screening_criterion"},
        ("proposal_id",),
        ("screened_by_id",),
    ),
    Table(AgendaItem, {"session_id": "session"}, ("session_id",), ("created_by_id",)),  # + proposal_ids
    Table(AgendaItemVersion, {"item_id": "agenda_item"}, ("item_id",), ("edited_by_id",)),
    Table(Clause, {"item_id": "agenda_item"}, ("item_id",)),
    Table(
        Amendment,
        {"clause_id": "clause", "author_id": PART, "merged_into_id": "amendment", "created_clause_id": "clause"},
        ("clause_id",),
        ("entered_by_id", "decided_by_id"),
    ),
    Table(ClauseVersion, {"clause_id": "clause", "amendment_id": "amendment"}, ("clause_id",)),
    Table(ClauseComment, {"clause_id": "clause", "author_id": PART}, ("clause_id",)),
    Table(AmendmentBacker, {"amendment_id": "amendment", "participant_id": PART}, ("amendment_id",)),
    Table(ConsensusCheck, {"clause_id": "clause"}, ("clause_id",), ("opened_by_id",)),
    Table(CheckAnswer, {"check_id": "consensus_check", "participant_id": PART}, ("check_id",)),
    Table(ActionItem, {"proposal_id": P, "clause_id": "clause"}, ("proposal_id", "clause_id"), ("created_by_id",)),
    Table(ProgressUpdate, {"item_id": "action_item"}, ("item_id",), ("entered_by_id",)),
    Table(
        StaffAction,
        {"session_id": "session", "proposal_id": P, "comment_id": "comment"},
        ("session_id",),
        ("actor_id",),
    ),  # + the ids inside `data`
    Table(Brief, {"session_id": "session"}, ("session_id",), ("created_by_id",)),
    Table(AuditEntry, {"session_id": "session"}, ("session_id",)),  # re-chained on import, see chain.py
)
# Models deliberately not carried: staff accounts are matched by e-mail, logins and one-time staff links
# (invitations, password resets) belong to the instance that issued them, and so do idempotency records.
# Grants are each instance's own: who works on what at the centre is decided there (the assembly's maker, if
# they have an account at the centre, owns the imported assembly; `deliberate users grant` names anyone else).
# ProvincePlan is the province's plan as each instance's administrators keep it; answers carry its words.
# OpinionMapState is a cache of the map each instance computes from the votes it holds.
# PublishedHead is per instance: its heads are the laptop chain's, signed with the laptop's audit key; the
# import re-chains, and its `sync.imported` entry names the laptop head instead.
LEFT_OUT = (
    "StaffUser",
    "StaffToken",
    "StaffLink",
    "IdempotencyRecord",
    "AssemblyGrant",
    "ProvinceGrant",
    "PublishedHead",
    "OpinionMapState",
    "ProvincePlan",
)
BY_NAME = {t.name: t for t in TABLES}
# Tables other rows point at: an import needs each new id, so these are written row by row.
REFERENCED = {target for t in TABLES for target in t.refs.values()}

# Ids inside StaffAction.data, by key; "into" names a proposal, or an amendment when amendments merge.
ACTION_DATA_REFS = {
    "round": "vote_round",
    "item": "agenda_item",
    "clause": "clause",
    "amendment": "amendment",
    "merged": "amendment",
}


def action_data_refs(action: str) -> dict[str, str]:
    return ACTION_DATA_REFS | {"into": "amendment" if action == "amendments_merged" else P}


def remap_action_data(action: str, data: dict[str, Any], ref: Callable[[str, int], int | None]) -> dict[str, Any]:
    """A staff act's `data` with the ids it holds remapped by `ref` (None for a row the bundle lacks)."""
    refs = action_data_refs(action)
    return {
        k: ([ref(refs[k], i) for i in v] if isinstance(v, list) else ref(refs[k], v))
        if k in refs and v is not None
        else v
        for k, v in data.items()
    }
