"""One math tick: from a VoteMatrix (and the previous tick's state) to the opinion map shown to people."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import scipy.optimize

from deliberate.opinion import stats
from deliberate.opinion.clusters import base_clusters, choose_groups
from deliberate.opinion.matrix import Ratings, VoteMatrix, in_conversation, ratings
from deliberate.opinion.pca import principal_components, project, statement_positions


@dataclass
class ClusterState:
    id: int
    members: list[int]  # participant ids


@dataclass
class MapState:
    """What carries over to the next tick: the map's orientation, who is in the map, and the groups' names.

    None of it changes which groups are found: a tick's groups depend on its votes alone, so a live map ends
    where a one-shot computation on the same votes does, whatever the cadence of the ticks.
    """

    statement_ids: list[int] = field(default_factory=list)
    components: list[list[float]] = field(default_factory=list)  # 2 rows aligned with statement_ids
    in_conv: list[int] = field(default_factory=list)
    groups: list[ClusterState] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> MapState:
        """Inverse of to_dict, also after a JSON round trip (which turns the k keys into strings)."""

        def clusters(items: Any) -> list[ClusterState]:
            return [ClusterState(int(c["id"]), [int(x) for x in c["members"]]) for c in items or []]

        return cls(
            statement_ids=[int(s) for s in data.get("statement_ids") or []],
            components=[[float(x) for x in row] for row in data.get("components") or []],
            in_conv=[int(p) for p in data.get("in_conv") or []],
            groups=clusters(data.get("groups")),
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
    best_k: int | None  # the number of groups, chosen by silhouette
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


def _group_ids(members: Sequence[Sequence[int]], centres: np.ndarray, previous: Sequence[ClusterState]) -> list[int]:
    """Names (ids) for this tick's groups: a group keeps the id of the previous group most of its members come
    from (one-to-one, by the assignment that keeps the most members); other groups take the lowest free ids,
    larger groups first. Without a previous map, ids follow size (then position), largest first.
    """
    k = len(members)
    ids: list[int | None] = [None] * k
    if previous:
        before = {pid for c in previous for pid in c.members}
        overlap = np.array([[len(set(m) & set(c.members)) for c in previous] for m in members], dtype=float)
        rows, cols = scipy.optimize.linear_sum_assignment(overlap, maximize=True)
        for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
            placed = sum(pid in before for pid in members[r])
            if overlap[r, c] > 0 and 2 * overlap[r, c] > placed:
                ids[r] = previous[c].id
    taken = {i for i in ids if i is not None}
    free = (i for i in range(k + len(taken) + 1) if i not in taken)
    order = sorted(range(k), key=lambda g: (-len(members[g]), float(centres[g, 0]), float(centres[g, 1])))
    for g in order:
        if ids[g] is None:
            ids[g] = next(free)
    return [int(i) for i in ids if i is not None]


def _without(m: VoteMatrix, left_out: Collection[int]) -> VoteMatrix:
    keep = [i for i, pid in enumerate(m.participant_ids) if pid not in left_out]
    return VoteMatrix(
        [m.participant_ids[i] for i in keep], list(m.statement_ids), m.values[keep], m.moderated_out, m.is_meta
    )


def _everyone(m: VoteMatrix) -> tuple[stats.Consensus, list[int]]:
    """Consensus and uncertain statements over every voter's votes."""
    r = ratings(m)
    everyone = np.arange(m.values.shape[0])
    raw_all = stats.group_counts(r.agree, r.disagree, r.voted, [everyone])
    z_all = stats.zeroed(raw_all, r.excluded, np.array([everyone.size]))
    sids = list(m.statement_ids)
    return stats.consensus(z_all, r.excluded, sids), stats.uncertain(raw_all, r.excluded, sids)


def compute(
    m: VoteMatrix, previous: MapState | None = None, *, rng_seed: int = 0, left_out: Collection[int] = ()
) -> OpinionMap:
    """Run one tick. `previous` keeps orientation, the in-conversation set and group names; it never changes
    which groups are found. `rng_seed` only seeds the iterative solver of very large matrices.

    Participants in `left_out` (a facilitator left them out of the map) take no part in the map: not in the
    components, positions or groups. Their votes still count in the consensus and uncertainty over everyone."""
    everyone = m
    left = set(left_out) & set(m.participant_ids)
    if left:
        m = _without(m, left)
    result = _map(m, previous, rng_seed)
    if left and everyone.values.size:
        result.consensus, result.uncertain = _everyone(everyone)
    return result


def _map(m: VoteMatrix, previous: MapState | None, rng_seed: int) -> OpinionMap:
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

    base = base_clusters(points)
    choice = choose_groups(points, base)
    labels = choice.labels[choice.best_k]
    k = int(labels.max()) + 1 if labels.size else 0
    group_rows = [np.flatnonzero(labels == g) for g in range(k)]
    centres = np.array([points[gr].mean(axis=0) for gr in group_rows]).reshape(k, 2)
    ids = _group_ids([[pids[i] for i in gr] for gr in group_rows], centres, previous.groups if previous else [])
    by_id = sorted(range(k), key=lambda g: ids[g])
    group_rows = [group_rows[g] for g in by_id]
    group_centres = centres[by_id]
    group_ids = [ids[g] for g in by_id]
    base_of = base.labels
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
        groups=[ClusterState(gid, [pids[i] for i in rows_]) for gid, rows_ in zip(group_ids, group_rows, strict=True)],
    )
    base_members = base.members()
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
                centre=(float(group_centres[g, 0]), float(group_centres[g, 1])),
                members=[pids[i] for i in group_rows[g]],
                base_clusters=sorted({int(base.ids[b]) for b in base_of[group_rows[g]]}),
            )
            for g, gid in enumerate(group_ids)
        ],
        silhouettes={int(kk): float(v) for kk, v in choice.silhouettes.items()},
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
