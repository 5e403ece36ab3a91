"""The opinion map: a clean-room, numpy re-implementation of the Pol.is math (see MATH.md in the Pol.is open data).

    m = vote_matrix_from_events(events, moderated_out=rejected_ids, meta=meta_ids)
    result = compute(m, previous=last.state if last else None)
    json.dumps(result.to_dict())

Pipeline of one tick: latest votes -> rejected/meta statements as zero columns -> in-conversation set -> column-mean
impute and centre -> 2 principal components -> sparsity-scaled projection -> 100 base clusters -> 2..5 groups by
weighted k-means on the base centres, k by silhouette and smoothed over ticks -> group tallies, representative
statements, consensus, group-informed consensus, divisiveness and routing priorities.

Where this knowingly differs from Pol.is:
- components come from an exact eigen-solver, not 100 power iterations (same vectors on the open data), with a
  deterministic sign (kept from the previous tick) instead of an unseeded random start; no mini-batch PCA for
  very large conversations;
- k-means convergence compares each cluster's old and new centre (moved < 0.01) rather than sorted centre lists;
  a warm start splits off the point farthest from any centre among all current points, newcomers included;
- routing priorities use this tick's tallies (Pol.is uses the previous tick's); rejected statements get 0;
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
