"""Our groups against Pol.is' own `group-id` in an open-data export, over random row orders (MATH.md §4).

The adjusted Rand index is taken over the participants both clustered; each order shuffles the matrix's rows
(the same votes, another order of arrival), so a procedure that depends on row order shows a spread.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.metrics import adjusted_rand_score

from deliberate.opinion.compute import OpinionMap, compute
from deliberate.opinion.matrix import VoteMatrix
from deliberate.opinion.polis_files import read_polis_export


@dataclass
class Parity:
    name: str
    polis_groups: int
    groups: list[int]  # our group count per order
    ari: list[float]  # ARI against Pol.is per order
    ari_between_orders: list[float]  # ARI of each order's groups against the first order's
    coverage: float  # share of Pol.is' clustered participants we cluster too (first order)

    @property
    def median(self) -> float:
        return statistics.median(self.ari)

    def as_dict(self) -> dict[str, object]:
        return {
            "conversation": self.name,
            "orders": len(self.ari),
            "polis_groups": self.polis_groups,
            "groups": sorted(set(self.groups)),
            "groups_equal_share": round(sum(g == self.polis_groups for g in self.groups) / len(self.groups), 3),
            "ari_median": round(self.median, 4),
            "ari_min": round(min(self.ari), 4),
            "ari_p10": round(float(np.percentile(self.ari, 10)), 4),
            "ari_max": round(max(self.ari), 4),
            "ari_between_orders_min": round(min(self.ari_between_orders), 4),
            "coverage": round(self.coverage, 4),
        }


def shuffled(m: VoteMatrix, order: np.ndarray) -> VoteMatrix:
    return VoteMatrix(
        [m.participant_ids[i] for i in order], list(m.statement_ids), m.values[order], m.moderated_out, m.is_meta
    )


def _ari(reference: dict[int, int], result: OpinionMap) -> tuple[float, float]:
    ours = result.group_of()
    common = [p for p in reference if p in ours]
    if not common:
        return 0.0, 0.0
    ari = float(adjusted_rand_score([reference[p] for p in common], [ours[p] for p in common]))
    return ari, len(common) / len(reference)


def parity(folder: str | Path, orders: int = 20, seed: int = 0) -> Parity:
    """Compute the map of the export under `orders` row orders: the file's own first, then random ones."""
    export = read_polis_export(folder)
    reference = {p.participant_id: p.group_id for p in export.participants if p.group_id is not None}
    if not reference:
        raise ValueError(f"{folder}: participants-votes.csv has no group-id to compare with")
    m = export.vote_matrix()
    rng = np.random.default_rng(seed)
    groups: list[int] = []
    aris: list[float] = []
    between: list[float] = []
    first: dict[int, int] = {}
    coverage = 0.0
    for i in range(orders):
        order = np.arange(len(m.participant_ids)) if i == 0 else rng.permutation(len(m.participant_ids))
        result = compute(shuffled(m, order))
        ari, cover = _ari(reference, result)
        if i == 0:
            first, coverage = result.group_of(), cover
        groups.append(len(result.groups))
        aris.append(ari)
        between.append(_ari(first, result)[0])
    return Parity(Path(folder).name, len(set(reference.values())), groups, aris, between, coverage)
