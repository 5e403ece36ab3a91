"""Counting a round: pure functions over its marks, so the console, the projector, the API and the brief
all show the same figures. Rankings give Borda and Schulze side by side.

Phone, assisted and paper marks are one tally: a mark weighs `weight` ballots (a pile of identical paper
sheets is one mark of weight N), and every figure, including a ranking's Borda points and Schulze
pairwise counts, counts it N times. `COUNT` names the figure each method ranks by."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from deliberate.voting.methods import AGREE, DISAGREE, PASS, SOURCES, Options


@dataclass(frozen=True)
class Mark:
    proposal_id: int
    voter: str  # "p:<participant id>", or "paper:<key>" for a counted paper ballot
    value: int
    source: str
    weight: int = 1  # how many identical ballots this mark stands for (a pile of paper sheets)


def voters(marks: Iterable[Mark]) -> set[str]:
    return {m.voter for m in marks}


def voter_count(marks: Iterable[Mark]) -> int:
    """How many ballots the marks come from: a person once, a pile of paper sheets as many as it holds."""
    weights: dict[str, int] = {}
    for m in marks:
        weights[m.voter] = m.weight
    return sum(weights.values())


def _by_source(marks: Iterable[Mark], weight: bool = False) -> dict[str, int]:
    out = dict.fromkeys(SOURCES, 0)
    for m in marks:
        out[m.source] += (m.value if weight else 1) * m.weight
    return out


def support_items(marks: Sequence[Mark]) -> dict[int, dict[str, object]]:
    by: dict[int, list[Mark]] = defaultdict(list)
    for m in marks:
        by[m.proposal_id].append(m)
    out: dict[int, dict[str, object]] = {}
    for pid, ms in by.items():
        n = sum(m.weight for m in ms)
        out[pid] = {"supports": n, "backers": n, "by_source": _by_source(ms)}
    return out


def dots_items(marks: Sequence[Mark]) -> dict[int, dict[str, object]]:
    by: dict[int, list[Mark]] = defaultdict(list)
    for m in marks:
        if m.value > 0:
            by[m.proposal_id].append(m)
    return {
        pid: {
            "dots": sum(m.value * m.weight for m in ms),
            "backers": voter_count(ms),
            "by_source": _by_source(ms, weight=True),
        }
        for pid, ms in by.items()
    }


def score_items(marks: Sequence[Mark], low: int, high: int) -> dict[int, dict[str, object]]:
    by: dict[int, list[Mark]] = defaultdict(list)
    for m in marks:
        by[m.proposal_id].append(m)
    out: dict[int, dict[str, object]] = {}
    for pid, ms in by.items():
        counts: Counter[int] = Counter()
        for m in ms:
            counts[m.value] += m.weight
        n = sum(counts.values())
        out[pid] = {
            "mean": round(sum(v * c for v, c in counts.items()) / n, 3),
            "median": _median(counts, n),
            "n": n,
            "distribution": {str(s): counts.get(s, 0) for s in range(low, high + 1)},
            "by_source": _by_source(ms),
        }
    return out


def _median(counts: Counter[int], n: int) -> float:
    """statistics.median of the values each repeated as often as counted, without writing them all out."""
    low_at, high_at = (n - 1) // 2, n // 2  # the middle position(s) of the sorted values
    seen, low, high = 0, 0, 0
    for value in sorted(counts):
        if seen <= low_at < seen + counts[value]:
            low = value
        if seen <= high_at < seen + counts[value]:
            high = value
            break
        seen += counts[value]
    return high if n % 2 else (low + high) / 2


def agree_items(marks: Sequence[Mark]) -> dict[int, dict[str, object]]:
    by: dict[int, list[Mark]] = defaultdict(list)
    for m in marks:
        by[m.proposal_id].append(m)
    out: dict[int, dict[str, object]] = {}
    for pid, ms in by.items():
        c: Counter[int] = Counter()
        for m in ms:
            c[m.value] += m.weight
        n = sum(c.values())
        out[pid] = {
            "agree": c[AGREE],
            "disagree": c[DISAGREE],
            "pass": c[PASS],
            "n": n,
            "backers": c[AGREE],
            "agree_rate": round(c[AGREE] / n, 4) if n else 0.0,
            "by_source": _by_source(ms),
        }
    return out


def ballots_of(marks: Sequence[Mark]) -> list[list[int]]:
    """Each voter's ranking, best first (a mark's value is its 1-based position)."""
    return [ballot for ballot, _ in weighted_ballots(marks)]


def weighted_ballots(marks: Sequence[Mark]) -> list[tuple[list[int], int]]:
    """Each voter's ranking, best first, with how many identical ballots it stands for."""
    by: dict[str, list[Mark]] = defaultdict(list)
    for m in marks:
        by[m.voter].append(m)
    return [([m.proposal_id for m in sorted(ms, key=lambda m: m.value)], ms[0].weight) for ms in by.values()]


def _weighted(ballots: Sequence[Sequence[int]], weights: Sequence[int] | None) -> list[tuple[Sequence[int], int]]:
    return list(zip(ballots, weights if weights is not None else [1] * len(ballots), strict=True))


def borda(ballots: Sequence[Sequence[int]], k: int, weights: Sequence[int] | None = None) -> dict[int, int]:
    """Top-k Borda: first place gets k points, the k-th gets 1, unranked 0; a ballot counts `weights` times."""
    points: Counter[int] = Counter()
    for ballot, w in _weighted(ballots, weights):
        for position, pid in enumerate(ballot[:k]):
            points[pid] += (k - position) * w
    return dict(points)


def schulze(
    ballots: Sequence[Sequence[int]], candidates: Sequence[int], weights: Sequence[int] | None = None
) -> list[list[int]]:
    """The Schulze method (beatpath). Ranked candidates beat unranked ones on a ballot; unranked tie.

    Returns the candidates in tiers, best first: a tier holds candidates none of which beats another.
    """
    ids = list(candidates)
    if not ids:
        return []
    index = {c: i for i, c in enumerate(ids)}
    n = len(ids)
    d = np.zeros((n, n), dtype=np.int64)
    for ballot, w in _weighted(ballots, weights):
        ranked = [index[c] for c in ballot if c in index]
        rank = np.full(n, n + 1)  # unranked: below every ranked candidate
        rank[ranked] = np.arange(len(ranked))
        d += (rank[:, None] < rank[None, :]) * w
    p = np.where(d > d.T, d, 0)
    for k in range(n):  # widest paths (Floyd-Warshall with min/max)
        p = np.maximum(p, np.minimum(p[:, k : k + 1], p[k : k + 1, :]))
    beats = p > p.T
    wins = beats.sum(axis=1)
    tiers: dict[int, list[int]] = defaultdict(list)
    for i, c in enumerate(ids):
        tiers[int(wins[i])].append(c)
    return [sorted(tiers[w]) for w in sorted(tiers, reverse=True)]


def rank_items(marks: Sequence[Mark], candidates: Sequence[int], k: int) -> dict[int, dict[str, object]]:
    pairs = weighted_ballots(marks)
    ballots, weights = [b for b, _ in pairs], [w for _, w in pairs]
    points = borda(ballots, k, weights)
    tiers = schulze(ballots, candidates, weights)
    place = {c: i + 1 for i, tier in enumerate(tiers) for c in tier}
    firsts: Counter[int] = Counter()
    for b, w in pairs:
        if b:
            firsts[b[0]] += w
    sources: dict[int, list[Mark]] = defaultdict(list)
    for m in marks:
        sources[m.proposal_id].append(m)
    return {
        c: {
            "borda": points.get(c, 0),
            "schulze_place": place.get(c),
            "first_choices": firsts.get(c, 0),
            "backers": voter_count(sources.get(c, [])),
            "by_source": _by_source(sources.get(c, [])),
        }
        for c in candidates
    }


def items_for(
    method: str, options: Options, marks: Sequence[Mark], candidates: Sequence[int]
) -> dict[int, dict[str, object]]:
    if method == "dots":
        return dots_items(marks)
    if method == "score":
        return score_items(marks, *options.score_range)
    if method == "rank":
        return rank_items(marks, candidates, options.k)
    if method == "agree":
        return agree_items(marks)
    return support_items(marks)


# A tally row: figures by name, as the results page, the brief and the audit read them.
Row = dict[str, Any]

SORT_KEYS: dict[str, Callable[[Row], tuple[float, ...]]] = {
    "support": lambda r: (-r.get("supports", 0), -r.get("comments", 0)),
    "dots": lambda r: (-r.get("dots", 0), -r.get("backers", 0)),
    "score": lambda r: (-r.get("mean", 0), -r.get("n", 0)),
    # Borda is the one count a ranking is shown and ranked by; Schulze's place breaks its ties.
    "rank": lambda r: (-r.get("borda", 0), r.get("schulze_place") or 10**6),
    "agree": lambda r: (-r.get("agree_rate", 0), -r.get("n", 0)),
}
MAIN_FIGURE = {"support": "supports", "dots": "dots", "score": "mean", "rank": "borda", "agree": "agree_rate"}
# The one count: the figure each method ranks by, shown as `count` wherever results appear.
COUNT = MAIN_FIGURE


def passes(method: str, options: Options, item: Row, voter_count: int) -> bool | None:
    """Whether an item clears the pass line, or None when the round has none."""
    if options.threshold is None:
        return None
    if method == "score":
        return item.get("n", 0) > 0 and float(item.get("mean", 0)) >= options.threshold
    backers = int(item.get("backers", 0))
    return voter_count > 0 and backers * 100 >= options.threshold * voter_count
