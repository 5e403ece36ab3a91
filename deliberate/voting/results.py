"""Results of a round, ranked, with where each mark came from and who backs what by group.

Groups (by sector, sub-district or network) smaller than MIN_GROUP voters are not shown on their own:
they are pooled as "other groups", and that pool too is withheld when it is still too small, so nobody's
vote can be read off a tiny group.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from deliberate import geo
from deliberate.actors import Actor, runs
from deliberate.errors import ValidationError
from deliberate.i18n import N_, gettext
from deliberate.proposals.models import Proposal, ProposalStatus
from deliberate.proposals.services import comment_counts, support_counts
from deliberate.sessions.models import Participant, Session
from deliberate.sessions.vocab import SECTORS
from deliberate.supports.models import Support
from deliberate.voting import tally
from deliberate.voting.methods import METHOD_LABELS, SOURCE_LABELS, SOURCES, options_of
from deliberate.voting.models import Ballot, VoteRound

MIN_GROUP = 5
GROUPINGS = ("sector", "subdistrict", "network")
GROUPING_LABELS = {"sector": N_("by sector"), "subdistrict": N_("by sub-district"), "network": N_("by network")}
OTHER = "_other"


def clean_grouping(value: object) -> str | None:
    if value in (None, ""):
        return None
    if value not in GROUPINGS:
        raise ValidationError(N_("Please choose one of the options."), field="by")
    return str(value)


def _group_key(p: dict[str, Any], by: str) -> str:
    if by == "sector":
        return p["sector"] or ""
    if by == "subdistrict":
        return p["subdistrict_code"] or ""
    return " ".join((p["organization"] or "").split()).casefold()


def _group_label(key: str, by: str, sample: str) -> str:
    if key == OTHER:
        return gettext("Other groups (each too small to show)")
    if not key:
        return gettext("Not said")
    if by == "sector":
        return gettext(SECTORS.get(key, key))
    if by == "subdistrict":
        return geo.subdistrict_label(key) or key
    return sample


async def marks_of(session: Session, vote_round: VoteRound | None) -> list[tally.Mark]:
    """Every mark of a round, whatever its source. Supports live in their own table; their paper ballots
    in the round's. A pile of paper sheets is one mark weighing as many ballots as it holds."""
    marks: list[tally.Mark] = []
    if vote_round is None or vote_round.method == "support":
        rows = await Support.filter(
            proposal__session_id=session.id, proposal__status=ProposalStatus.PUBLISHED
        ).values_list("proposal_id", "participant_id", "assisted")
        marks += [tally.Mark(pid, f"p:{who}", 1, "assisted" if assisted else "phone") for pid, who, assisted in rows]
    if vote_round is not None:
        rows = await Ballot.filter(round_id=vote_round.id).values_list(
            "proposal_id", "participant_id", "value", "source", "paper_key", "sheets"
        )
        marks += [
            tally.Mark(pid, f"p:{who}" if who else f"paper:{key}", value, source, sheets)
            for pid, who, value, source, key, sheets in rows
        ]
    return marks


async def round_results(
    actor: Actor, session: Session, vote_round: VoteRound | None, *, by: str | None = None
) -> dict[str, Any]:
    method = vote_round.method if vote_round else "support"
    options = options_of(vote_round.options if vote_round else {})
    kind = "statement" if method == "agree" else "proposal"
    proposals = await Proposal.filter(session_id=session.id, status=ProposalStatus.PUBLISHED, kind=kind).order_by("id")
    candidates = [p.id for p in proposals]
    known = set(candidates)
    marks = [m for m in await marks_of(session, vote_round) if m.proposal_id in known]
    voter_count = tally.voter_count(marks)
    head: dict[str, Any] = {
        "round": None
        if vote_round is None
        else {
            "id": vote_round.id,
            "method": method,
            "title": vote_round.title,
            "is_open": vote_round.is_open,
            "revealed": vote_round.revealed,
            "options": options.as_dict(),
        },
        "method": method,
        "method_label": gettext(METHOD_LABELS[method]),
        "voters": voter_count,
        "quorum": options.quorum,
        "quorum_met": voter_count >= options.quorum,
        "sources": {s: gettext(label) for s, label in SOURCE_LABELS.items()},
    }
    hidden = options.hidden and not (vote_round and vote_round.revealed)
    if hidden and not await runs(actor, session.assembly_id):
        # No figure at all, not even how many voted: a small room's turnout is half of a result.
        head = {k: v for k, v in head.items() if k not in ("voters", "quorum_met")}
        return head | {"hidden": True, "items": []}
    figures = tally.items_for(method, options, marks, candidates)
    supports, comments = await support_counts(candidates), await comment_counts(candidates)
    count_key = tally.COUNT[method]
    items = []
    for p in proposals:
        # A proposal nobody marked has no row in the tally (rankings list every candidate).
        row = figures.get(p.id) or {"backers": 0, "by_source": dict.fromkeys(SOURCES, 0)}
        row = {
            "id": p.id,
            "title": p.title,
            "theme_id": p.theme_id,
            "external_id": p.external_id or None,
            # Outside a support round, `supports` is the proposal's phone and assisted supports, for context.
            # In a support round it is the round's own figure (paper included), never overwritten by that.
            "supports": supports.get(p.id, 0),
            **row,
            "comments": comments.get(p.id, 0),
        }
        # The one count: what ranks the proposal, the same figure in the API, the console, the projector,
        # the brief and the exports; `by_source` beside it splits it into phone, assisted and paper.
        row["count"] = row.get(count_key) or 0
        row["passes"] = tally.passes(method, options, row, voter_count) if head["quorum_met"] else False
        items.append(row)
    items.sort(key=lambda r: (*tally.SORT_KEYS[method](r), r["id"]))
    for i, row in enumerate(items, start=1):
        row["rank"] = i
    out = head | {"hidden": hidden, "items": items}
    if by:
        out["groups"] = await breakdown(session, method, options, marks, candidates, by)
    return out


async def breakdown(
    session: Session, method: str, options: Any, marks: list[tally.Mark], candidates: list[int], by: str
) -> dict[str, Any]:
    people = await Participant.filter(session_id=session.id).values("id", "sector", "subdistrict_code", "organization")
    key_of = {f"p:{p['id']}": _group_key(p, by) for p in people}
    sample = {_group_key(p, by): " ".join((p["organization"] or "").split()) for p in people}
    joined = Counter(key_of.values())
    by_group: dict[str, list[tally.Mark]] = defaultdict(list)
    paper = 0
    for m in marks:
        if m.voter in key_of:
            by_group[key_of[m.voter]].append(m)
        else:
            paper += m.weight
    small = [k for k, ms in by_group.items() if len(tally.voters(ms)) < MIN_GROUP]
    for k in small:
        by_group[OTHER].extend(by_group.pop(k))
    withheld = {"groups": 0, "voters": 0}
    if OTHER in by_group and len(tally.voters(by_group[OTHER])) < MIN_GROUP:
        withheld = {"groups": len(small), "voters": len(tally.voters(by_group.pop(OTHER)))}
    main = tally.MAIN_FIGURE[method]
    groups = []
    for key, ms in sorted(by_group.items(), key=lambda kv: (kv[0] == OTHER, -len(tally.voters(kv[1])), kv[0])):
        figures = tally.items_for(method, options, ms, candidates)
        groups.append(
            {
                "key": key,
                "label": _group_label(key, by, sample.get(key, key)),
                "joined": sum(joined[k] for k in small) if key == OTHER else joined.get(key, 0),
                "voters": len(tally.voters(ms)),
                "figures": {pid: figures[pid].get(main) for pid in candidates if pid in figures},
            }
        )
    return {
        "by": by,
        "min_size": MIN_GROUP,
        "figure": main,
        "groups": groups,
        "withheld": withheld,
        "paper_marks": paper,
    }
