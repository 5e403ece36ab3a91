"""One math tick: from a VoteMatrix (and the previous tick's state) to the opinion map shown to people."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from deliberate.opinion import stats
from deliberate.opinion.clusters import BASE_ITERS, BASE_K, Clustering, KSmoother, choose_groups, kmeans
from deliberate.opinion.matrix import Ratings, VoteMatrix, in_conversation, ratings
from deliberate.opinion.pca import principal_components, project, statement_positions


@dataclass
class ClusterState:
    id: int
    members: list[int]  # participant ids for base clusters, base-cluster ids for groups


@dataclass
class MapState:
    """What carries over to the next tick: it keeps the map's orientation, cluster ids and group count stable."""

    statement_ids: list[int] = field(default_factory=list)
    components: list[list[float]] = field(default_factory=list)  # 2 rows aligned with statement_ids
    in_conv: list[int] = field(default_factory=list)
    base_clusters: list[ClusterState] = field(default_factory=list)
    group_clusterings: dict[int, list[ClusterState]] = field(default_factory=dict)  # k -> clusters
    smoother: KSmoother = field(default_factory=KSmoother)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> MapState:
        """Inverse of to_dict, also after a JSON round trip (which turns the k keys into strings)."""

        def clusters(items: Any) -> list[ClusterState]:
            return [ClusterState(int(c["id"]), [int(x) for x in c["members"]]) for c in items or []]

        smoother = data.get("smoother")
        return cls(
            statement_ids=[int(s) for s in data.get("statement_ids") or []],
            components=[[float(x) for x in row] for row in data.get("components") or []],
            in_conv=[int(p) for p in data.get("in_conv") or []],
            base_clusters=clusters(data.get("base_clusters")),
            group_clusterings={int(k): clusters(v) for k, v in (data.get("group_clusterings") or {}).items()},
            smoother=KSmoother(**smoother) if smoother else KSmoother(),
        )


@dataclass
class BaseCluster:
    id: int
    centre: tuple[float, float]
    members: list[int]


@dataclass
class Group:
    id: int
    centre: tuple[float, float]  # weighted mean of its base-cluster centres
    members: list[int]  # participant ids, row order
    base_clusters: list[int]


def group_name(group_id: object) -> str:
    """Opinion groups are named A, B, C... on every screen and in the brief, as Pol.is does."""
    return chr(ord("A") + group_id) if isinstance(group_id, int) and 0 <= group_id < 26 else str(group_id)


@dataclass
class GroupTally:
    """Raw votes of the group's members, aligned with OpinionMap.statement_ids."""

    group_id: int
    agree: list[int]
    disagree: list[int]
    passed: list[int]
    voted: list[int]


@dataclass
class GroupStatistics:
    """Everything that depends on the groups but not on how they were found."""

    statement_ids: list[int]
    tallies: list[GroupTally]
    repness: dict[int, list[stats.RepStatement]]  # group id -> representative statements
    consensus: stats.Consensus
    group_informed_consensus: dict[int, float]
    divisiveness: dict[int, float]
    uncertain: list[int]


@dataclass
class OpinionMap:
    statement_ids: list[int]
    participant_ids: list[int]  # in the conversation (clustered), row order
    positions: list[tuple[float, float]]  # map position per participant_ids entry
    statement_positions: dict[int, tuple[float, float]]
    extremity: dict[int, float]  # Pol.is' "divisive" axis: distance of the statement's position from the origin
    base_clusters: list[BaseCluster]
    groups: list[Group]
    silhouettes: dict[int, float]  # k -> silhouette of the k-group clustering
    best_k: int | None  # best silhouette this tick; len(groups) may lag behind it (k-smoother)
    tallies: list[GroupTally]
    repness: dict[int, list[stats.RepStatement]]
    consensus: stats.Consensus
    group_informed_consensus: dict[int, float]
    divisiveness: dict[int, float]
    uncertain: list[int]
    priorities: dict[int, float]  # relative weights for picking the next statement to show
    state: MapState

    def group_of(self) -> dict[int, int]:
        return {pid: g.id for g in self.groups for pid in g.members}

    def to_dict(self) -> dict[str, Any]:
        """Plain lists, dicts and numbers (int keys become strings under json.dumps)."""
        return asdict(self)


def _empty_map(m: VoteMatrix, previous: MapState | None) -> OpinionMap:
    sids = list(m.statement_ids)
    zeros = np.zeros(len(sids))
    prios = _priorities(m, zeros, zeros, zeros, zeros)
    return OpinionMap(
        statement_ids=sids,
        participant_ids=[],
        positions=[],
        statement_positions={s: (0.0, 0.0) for s in sids},
        extremity={s: 0.0 for s in sids},
        base_clusters=[],
        groups=[],
        silhouettes={},
        best_k=None,
        tallies=[],
        repness={},
        consensus=stats.Consensus([], []),
        group_informed_consensus={},
        divisiveness={s: 0.0 for s in sids},
        uncertain=[],
        priorities={s: float(prios[j]) for j, s in enumerate(sids)},
        state=previous or MapState(),
    )


def _priorities(
    m: VoteMatrix, agree: np.ndarray, voted: np.ndarray, passed: np.ndarray, extremity: np.ndarray
) -> np.ndarray:
    prio = stats.priority(agree, voted, passed, extremity)
    prio[m.excluded] = 0.0  # rejected statements are not shown
    if m.is_meta is not None:
        prio[m.is_meta] = stats.META_PRIORITY
    return prio


def _aligned_components(m: VoteMatrix, previous: MapState | None) -> np.ndarray | None:
    if previous is None or not previous.components:
        return None
    where = {sid: j for j, sid in enumerate(previous.statement_ids)}
    old = np.asarray(previous.components, dtype=float)
    out = np.zeros((old.shape[0], len(m.statement_ids)))
    for j, sid in enumerate(m.statement_ids):
        if sid in where:
            out[:, j] = old[:, where[sid]]
    return out


def _statistics(
    m: VoteMatrix, r: Ratings, groups: Sequence[np.ndarray], group_ids: Sequence[int]
) -> tuple[GroupStatistics, stats.Counts]:
    sids = list(m.statement_ids)
    raw = stats.group_counts(r.agree, r.disagree, r.voted, groups)
    sizes = np.array([len(rows) for rows in groups], dtype=np.int64)
    z_groups = stats.zeroed(raw, r.excluded, sizes)
    everyone = np.arange(m.values.shape[0])
    raw_all = stats.group_counts(r.agree, r.disagree, r.voted, [everyone])
    z_all = stats.zeroed(raw_all, r.excluded, np.array([everyone.size]))
    reps = stats.representative_statements(z_groups, r.excluded, sids)
    gic = stats.group_informed_consensus(raw)
    div = stats.divisiveness(raw)
    tallies = [
        GroupTally(
            group_id=int(gid),
            agree=raw.agree[g].tolist(),
            disagree=raw.disagree[g].tolist(),
            passed=raw.passed[g].tolist(),
            voted=raw.voted[g].tolist(),
        )
        for g, gid in enumerate(group_ids)
    ]
    result = GroupStatistics(
        statement_ids=sids,
        tallies=tallies,
        repness={int(gid): reps[g] for g, gid in enumerate(group_ids)},
        consensus=stats.consensus(z_all, r.excluded, sids),
        group_informed_consensus={s: float(gic[j]) for j, s in enumerate(sids)} if groups else {},
        divisiveness={s: float(div[j]) for j, s in enumerate(sids)},
        uncertain=stats.uncertain(raw_all, r.excluded, sids),
    )
    return result, raw


def _rows_of(m: VoteMatrix, groups: Mapping[int, Sequence[int]]) -> list[np.ndarray]:
    row = {pid: i for i, pid in enumerate(m.participant_ids)}
    unknown = [pid for members in groups.values() for pid in members if pid not in row]
    if unknown:
        raise ValueError(f"participants not in the vote matrix: {unknown[:5]}")
    return [np.array([row[p] for p in members], dtype=np.int64) for members in groups.values()]


def group_statistics(m: VoteMatrix, groups: Mapping[int, Sequence[int]]) -> GroupStatistics:
    """Tallies, repness, consensus, GIC and divisiveness for explicit groups {group id: participant ids}.

    Used to check the formulas against Pol.is' own groups, independently of the clustering.
    """
    stats_, _ = _statistics(m, ratings(m), _rows_of(m, groups), list(groups))
    return stats_


def group_informed_consensus(m: VoteMatrix, groups: Mapping[int, Sequence[int]]) -> dict[int, float]:
    """GIC per statement for explicit groups: Π_g (agree_g + 1) / (voted_g + 2) over raw votes."""
    raw = stats.group_counts(*_raw_masks(m), _rows_of(m, groups))
    gic = stats.group_informed_consensus(raw)
    return {s: float(gic[j]) for j, s in enumerate(m.statement_ids)}


def _raw_masks(m: VoteMatrix) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return m.values == 1.0, m.values == -1.0, ~np.isnan(m.values)


def _previous_members(previous: Sequence[ClusterState], index: Mapping[int, int]) -> list[tuple[int, np.ndarray]]:
    return [(c.id, np.array([index[x] for x in c.members if x in index], dtype=np.int64)) for c in previous]


def compute(m: VoteMatrix, previous: MapState | None = None, *, rng_seed: int = 0) -> OpinionMap:
    """Run one tick. `previous` warm-starts it; `rng_seed` only seeds the iterative solver of very large matrices."""
    n_rows, n_cols = m.values.shape
    if n_rows == 0 or n_cols == 0:
        return _empty_map(m, previous)
    r = ratings(m)
    comps = principal_components(r.centred, _aligned_components(m, previous), rng=np.random.default_rng(rng_seed))
    positions_all = project(r.centred, comps, r.row_counts)

    was_in = set(previous.in_conv) if previous else set()
    inside = in_conversation(r.raw_counts, n_cols, np.array([pid in was_in for pid in m.participant_ids], dtype=bool))
    rows = np.flatnonzero(inside)
    if rows.size == 0:
        return _empty_map(m, previous)
    pids = [m.participant_ids[i] for i in rows]
    points = positions_all[rows]

    slot_of_pid = {pid: i for i, pid in enumerate(pids)}
    base = kmeans(
        points,
        np.ones(rows.size),
        BASE_K,
        BASE_ITERS,
        _previous_members(previous.base_clusters, slot_of_pid) if previous else None,
    )
    base_sizes = base.sizes
    slot_of_base = {int(bid): b for b, bid in enumerate(base.ids)}
    prev_groups = (
        {k: _previous_members(cl, slot_of_base) for k, cl in previous.group_clusterings.items()} if previous else None
    )
    choice = choose_groups(base.centres, base_sizes, prev_groups, previous.smoother if previous else None)
    shown: Clustering = choice.clusterings[choice.shown_k]

    base_members = base.members()
    group_bases = shown.members()
    group_rows = [
        np.sort(np.concatenate([base_members[b] for b in bases])) if len(bases) else np.zeros(0, np.int64)
        for bases in group_bases
    ]
    group_ids = [int(g) for g in shown.ids]
    group_stats, raw = _statistics(m, r, [rows[gr] for gr in group_rows], group_ids)

    sids = list(m.statement_ids)
    spos = statement_positions(comps, r.column_means, r.excluded)
    extremity = np.linalg.norm(spos, axis=1)
    # Pol.is routes with the previous tick's tallies; the current ones are at hand and fresher.
    prio = _priorities(m, raw.agree.sum(0), raw.voted.sum(0), raw.passed.sum(0), extremity)

    state = MapState(
        statement_ids=sids,
        components=comps.tolist(),
        in_conv=pids,
        base_clusters=[ClusterState(int(bid), [pids[i] for i in base_members[b]]) for b, bid in enumerate(base.ids)],
        group_clusterings={
            k: [
                ClusterState(int(gid), [int(base.ids[b]) for b in members])
                for gid, members in zip(cl.ids, cl.members(), strict=True)
            ]
            for k, cl in choice.clusterings.items()
        },
        smoother=choice.smoother,
    )
    return OpinionMap(
        statement_ids=sids,
        participant_ids=pids,
        positions=[(float(x), float(y)) for x, y in points],
        statement_positions={s: (float(spos[j, 0]), float(spos[j, 1])) for j, s in enumerate(sids)},
        extremity={s: float(extremity[j]) for j, s in enumerate(sids)},
        base_clusters=[
            BaseCluster(int(bid), (float(base.centres[b, 0]), float(base.centres[b, 1])), [pids[i] for i in mem])
            for b, (bid, mem) in enumerate(zip(base.ids, base_members, strict=True))
        ],
        groups=[
            Group(
                id=gid,
                centre=(float(shown.centres[g, 0]), float(shown.centres[g, 1])),
                members=[pids[i] for i in group_rows[g]],
                base_clusters=[int(base.ids[b]) for b in group_bases[g]],
            )
            for g, gid in enumerate(group_ids)
        ],
        silhouettes={int(k): float(v) for k, v in choice.silhouettes.items()},
        best_k=int(choice.best_k),
        tallies=group_stats.tallies,
        repness=group_stats.repness,
        consensus=group_stats.consensus,
        group_informed_consensus=group_stats.group_informed_consensus,
        divisiveness=group_stats.divisiveness,
        uncertain=group_stats.uncertain,
        priorities={s: float(prio[j]) for j, s in enumerate(sids)},
        state=state,
    )
