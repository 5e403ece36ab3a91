"""What officials browse: assemblies and sessions by province, region, date and strategic issue, and
proposals found by a Thai word across all of them, to compare assemblies side by side."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from tortoise.expressions import Q

from deliberate import geo
from deliberate.actors import Actor, readable_assemblies, require_steward_role
from deliberate.errors import ValidationError
from deliberate.i18n import N_
from deliberate.outcomes.models import ProposalAnswer
from deliberate.proposals.models import Proposal, ProposalStatus
from deliberate.proposals.services import support_counts
from deliberate.sessions.models import Assembly
from deliberate.text import clean_text
from deliberate.thaitext.search import matches, terms

MAX_RESULTS = 200


@dataclass(frozen=True)
class Filters:
    q: str = ""
    region: str = ""
    province: str = ""
    theme: str = ""
    since: dt.date | None = None
    until: dt.date | None = None


def clean_filters(raw: dict[str, object]) -> Filters:
    def day(name: str) -> dt.date | None:
        value = str(raw.get(name) or "").strip()
        if not value:
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise ValidationError(
                N_("Please give a date as year-month-day, for example 2027-03-31."), field=name
            ) from None

    region = str(raw.get("region") or "")
    if region and region not in geo.REGIONS:
        raise ValidationError(N_("Please choose one of the options."), field="region")
    province = str(raw.get("province") or "")
    if province and not geo.province_name(province):
        raise ValidationError(N_("Please choose one of the options."), field="province")
    return Filters(
        q=clean_text(raw.get("q"), field="q", max_length=100, required=False),
        region=region,
        province=province,
        theme=clean_text(raw.get("theme"), field="theme", max_length=100, required=False),
        since=day("since"),
        until=day("until"),
    )


@dataclass
class Hit:
    proposal: Proposal
    assembly: Assembly
    supports: int
    answer: ProposalAnswer | None


@dataclass
class AssemblyRow:
    assembly: Assembly
    province: str
    sessions: list[object] = field(default_factory=list)
    hits: int = 0
    adopted: int = 0
    supports: int = 0


async def _assemblies(f: Filters, readable: set[int] | None) -> list[Assembly]:
    """The assemblies that fit the filters, among those the searcher may read (None: all of them)."""
    qs = Assembly.all().prefetch_related("sessions").order_by("-starts_on", "-id")
    if readable is not None:
        qs = qs.filter(id__in=sorted(readable))
    if f.province:
        qs = qs.filter(province_code=f.province)
    elif f.region:
        qs = qs.filter(province_code__in=geo.provinces_in(f.region))
    if f.since:
        qs = qs.filter(starts_on__gte=f.since)
    if f.until:
        qs = qs.filter(starts_on__lte=f.until)
    return list(await qs)


async def search(actor: Actor, f: Filters) -> tuple[list[AssemblyRow], list[Hit]]:
    """Assemblies that fit the filters, and (when there is a query or an issue) the proposals that match,
    ranked by support; each assembly row counts its matches, so assemblies can be compared."""
    require_steward_role(actor)
    assemblies = await _assemblies(f, await readable_assemblies(actor))
    rows = {a.id: AssemblyRow(a, geo.province_name(a.province_code), list(a.sessions)) for a in assemblies}
    if not (f.q or f.theme) or not rows:
        return list(rows.values()), []
    qs = Proposal.filter(session__assembly_id__in=list(rows), kind="proposal", status=ProposalStatus.PUBLISHED)
    wanted = terms(f.q) if f.q else []
    for t in wanted:  # a cheap necessary condition in the database; the segmenter decides
        qs = qs.filter(Q(title__icontains=t) | Q(body__icontains=t))
    if f.theme:
        qs = qs.filter(theme__name__icontains=f.theme)
    candidates = await qs.prefetch_related("session", "theme").order_by("id")
    found = [p for p in candidates if not wanted or matches(f"{p.title} {p.body}", wanted)]
    ids = [p.id for p in found]
    counts = await support_counts(ids)
    answers = {a.proposal_id: a for a in await ProposalAnswer.filter(proposal_id__in=ids)} if ids else {}
    hits = sorted(
        (Hit(p, rows[p.session.assembly_id].assembly, counts.get(p.id, 0), answers.get(p.id)) for p in found),
        key=lambda h: (-h.supports, h.proposal.id),
    )
    for h in hits:
        row = rows[h.assembly.id]
        row.hits += 1
        row.supports += h.supports
        row.adopted += bool(h.answer and h.answer.state == "adopted")
    return [r for r in rows.values() if r.hits], hits[:MAX_RESULTS]
