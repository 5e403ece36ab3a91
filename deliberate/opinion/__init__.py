"""The opinion map: a clean-room, numpy re-implementation of the Pol.is math (see MATH.md in the Pol.is open data).

    m = vote_matrix_from_events(events, moderated_out=rejected_ids, meta=meta_ids)
    result = compute(m, previous=last.state if last else None)
    json.dumps(result.to_dict())

Pipeline of one tick: latest votes -> rejected/meta statements as zero columns -> in-conversation set -> column-mean
impute and centre -> 2 principal components -> sparsity-scaled projection -> 100 base clusters -> 2..5 groups by
deterministic k-means (seeded starts, well-reached partitions refined on participants, cheapest kept), k by
silhouette -> group tallies, representative statements, consensus, group-informed consensus, divisiveness and
routing priorities.

The groups depend on the votes alone, not on row order or on earlier ticks; README.md in this folder documents
the procedure and every place where it departs from Pol.is, and why. Other differences:
- components come from an exact eigen-solver, not 100 power iterations (same vectors on the open data), with a
  deterministic sign (kept from the previous tick) instead of an unseeded random start; no mini-batch PCA for
  very large conversations;
- routing priorities are computed from each tick's tallies and used until the next tick (statements/routing.py
  draws in proportion to them); rejected statements get 0;
- `divisiveness` is our own measure (see stats.divisiveness); `extremity` is Pol.is' comment extremity.
"""

from deliberate.opinion.compute import (
    BaseCluster,
    ClusterState,
    Group,
    GroupStatistics,
    GroupTally,
    MapState,
    OpinionMap,
    compute,
    group_informed_consensus,
    group_name,
    group_statistics,
)
from deliberate.opinion.matrix import VoteMatrix, vote_matrix_from_arrays, vote_matrix_from_events
from deliberate.opinion.polis_files import PolisExport, PolisFormatError, read_polis_export
from deliberate.opinion.stats import NEW_STATEMENT_PRIORITY, Consensus, ConsensusStatement, RepStatement

__all__ = [
    "NEW_STATEMENT_PRIORITY",
    "BaseCluster",
    "ClusterState",
    "Consensus",
    "ConsensusStatement",
    "Group",
    "GroupStatistics",
    "GroupTally",
    "MapState",
    "OpinionMap",
    "PolisExport",
    "PolisFormatError",
    "RepStatement",
    "VoteMatrix",
    "compute",
    "group_informed_consensus",
    "group_name",
    "group_statistics",
    "read_polis_export",
    "vote_matrix_from_arrays",
    "vote_matrix_from_events",
]
