"""Screening proposals against an assembly's published criteria before they are grouped into agenda items
(THAI-CONTEXT.md section 4, step 2: 68 proposals became 14 agenda items at the first national assembly)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tortoise.transactions import in_transaction

from deliberate.actors import Actor, require_facilitator
from deliberate.errors import NotFound, ValidationError
from deliberate.i18n import N_
from deliberate.proposals.models import Proposal, ProposalStatus
from deliberate.resolutions.models import ProposalScreening, ScreeningCriterion
from deliberate.sessions.models import Assembly, Session
from deliberate.text import clean_text

DEFAULT_CRITERIA = (
    (N_("Importance"), N_("How many people it concerns and how much it matters to them")),
    (N_("Severity"), N_("How serious the problem is if nothing is done")),
    (N_("Public interest"), N_("Whether it serves the public rather than a few")),
    (N_("Feasibility"), N_("Whether it can be done with the means and powers at hand")),
)
MAX_CRITERIA = 10
SCORES = range(1, 6)


async def criteria_of(assembly: Assembly) -> list[ScreeningCriterion]:
    return list(await ScreeningCriterion.filter(assembly_id=assembly.id).order_by("position", "id"))


async def set_criteria(actor: Actor, assembly: Assembly, criteria: object) -> list[ScreeningCriterion]:
    """Replace the assembly's criteria, keeping the scores of criteria whose name stays."""
    await require_facilitator(actor, assembly.id)
    if not isinstance(criteria, list) or not criteria:
        raise ValidationError(N_("Please give at least one criterion."), field="criteria")
    if len(criteria) > MAX_CRITERIA:
        raise ValidationError(N_("Please keep to {n} criteria."), field="criteria", n=MAX_CRITERIA)
    wanted = []
    for raw in criteria:
        raw = raw if isinstance(raw, dict) else {"name": raw}
        wanted.append(
            (
                clean_text(raw.get("name"), field="criteria", max_length=120),
                clean_text(raw.get("description"), field="criteria", max_length=300, required=False),
            )
        )
    async with in_transaction():
        existing = {c.name: c for c in await criteria_of(assembly)}
        keep = {name for name, _ in wanted}
        await ScreeningCriterion.filter(assembly_id=assembly.id).exclude(name__in=list(keep)).delete()
        for position, (name, description) in enumerate(wanted):
            if name in existing:
                await ScreeningCriterion.filter(id=existing[name].id).update(description=description, position=position)
            else:
                await ScreeningCriterion.create(
                    assembly=assembly, name=name, description=description, position=position
                )
    return await criteria_of(assembly)


async def ensure_default_criteria(assembly: Assembly) -> list[ScreeningCriterion]:
    from deliberate.i18n import gettext

    found = await criteria_of(assembly)
    if found:
        return found
    for position, (name, description) in enumerate(DEFAULT_CRITERIA):
        await ScreeningCriterion.create(
            assembly=assembly, name=gettext(name), description=gettext(description), position=position
        )
    return await criteria_of(assembly)


async def screen(actor: Actor, proposal: Proposal, scores: object, note: object = "") -> dict[int, int]:
    """Score a proposal 1-5 on each criterion of its assembly."""
    session: Session = proposal.session
    staff = await require_facilitator(actor, session.assembly_id)
    criteria = {c.id: c for c in await criteria_of(session.assembly)}
    if not isinstance(scores, dict) or not scores:
        raise ValidationError(N_("Please score the proposal on at least one criterion."), field="scores")
    clean: dict[int, int] = {}
    for key, value in scores.items():
        try:
            cid, score = int(key), int(value)
        except (TypeError, ValueError):
            raise ValidationError(N_("Scores run from 1 to 5."), field="scores") from None
        if cid not in criteria:
            raise NotFound(N_("No such criterion."), field="scores")
        if score not in SCORES:
            raise ValidationError(N_("Scores run from 1 to 5."), field="scores")
        clean[cid] = score
    why = clean_text(note, field="note", max_length=300, required=False)
    async with in_transaction():
        for cid, score in clean.items():
            row = await ProposalScreening.get_or_none(proposal_id=proposal.id, criterion_id=cid)
            if row is None:
                await ProposalScreening.create(
                    proposal=proposal, criterion_id=cid, score=score, note=why, screened_by=staff
                )
            else:
                row.score, row.note, row.screened_by = score, why, staff
                await row.save()
    return clean


@dataclass
class Screened:
    proposal: Proposal
    scores: dict[int, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.scores.values())


async def screening_table(session: Session) -> tuple[list[ScreeningCriterion], list[Screened]]:
    """The session's published proposals with their scores, the highest total first."""
    criteria = await criteria_of(session.assembly)
    proposals = (
        await Proposal.filter(session_id=session.id, kind="proposal", status=ProposalStatus.PUBLISHED)
        .prefetch_related("theme")
        .order_by("id")
    )
    rows = {p.id: Screened(p) for p in proposals}
    for pid, cid, score in await ProposalScreening.filter(proposal_id__in=list(rows)).values_list(
        "proposal_id", "criterion_id", "score"
    ):
        rows[pid].scores[cid] = score
    return criteria, sorted(rows.values(), key=lambda r: (-r.total, r.proposal.id))


def as_json(criteria: list[ScreeningCriterion], rows: list[Screened]) -> dict[str, Any]:
    return {
        "criteria": [{"id": c.id, "name": c.name, "description": c.description} for c in criteria],
        "proposals": [
            {
                "id": r.proposal.id,
                "title": r.proposal.title,
                "scores": {str(k): v for k, v in r.scores.items()},
                "total": r.total,
            }
            for r in rows
        ],
    }
