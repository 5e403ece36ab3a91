"""Deterministic k-means for the opinion map: 100 base clusters, then 2..5 groups of them, k by silhouette.

Pol.is seeds both steps from the first distinct points in the order people joined and warm-starts every tick
from the last one, so its groups depend on row order and on the history of ticks. Here both steps are a
function of the set of map positions alone (see README.md in this folder for the procedure and why):

- base clusters: k-means++ seeding from a fixed-seed generator over the distinct points in coordinate order,
  then Lloyd iterations;
- groups, for each k: GROUP_STARTS weighted Lloyd runs on the base centres, each started from the base clusters
  of k participants drawn at random (a fixed seed again), as Pol.is' "first k participants" would be under a
  random join order. Of the distinct partitions they end in, those reached by at least BASIN_SHARE of the
  starts are kept, and of these the one with the smallest within-group sum of squares wins.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

BASE_K = 100
BASE_ITERS = 100
MAX_GROUPS = 5
GROUP_ITERS = 100
CONVERGENCE = 0.01
# Starts per k for the group k-means, and the share of them a partition must be reached by to be considered.
GROUP_STARTS = 200
BASIN_SHARE = 0.05
SEED = 0


@dataclass
class Clustering:
    """Clusters over a set of points: `labels[i]` indexes `ids` / `centres`."""

    ids: np.ndarray  # int (K,)
    centres: np.ndarray  # float (K, 2)
    labels: np.ndarray  # int (N,)

    @property
    def sizes(self) -> np.ndarray:
        return np.bincount(self.labels, minlength=self.ids.size)

    def members(self) -> list[np.ndarray]:
        order = np.argsort(self.labels, kind="stable")
        bounds = np.cumsum(self.sizes)[:-1]
        return np.split(order, bounds) if self.ids.size else []


def _empty() -> Clustering:
    return Clustering(np.zeros(0, dtype=np.int64), np.zeros((0, 2)), np.zeros(0, dtype=np.int64))


def _nearest(points: np.ndarray, centres: np.ndarray) -> np.ndarray:
    nearest: np.ndarray = np.argmin(_squared_distances(points, centres), axis=1)
    return nearest


def _squared_distances(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    # Per coordinate rather than a reduction over a length-2 axis: same values, several times faster.
    d2: np.ndarray = (a[:, None, 0] - b[None, :, 0]) ** 2 + (a[:, None, 1] - b[None, :, 1]) ** 2
    return d2


def _weighted_means(
    points: np.ndarray, weights: np.ndarray, labels: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray]:
    mass = np.bincount(labels, weights=weights, minlength=k)
    sums = np.stack([np.bincount(labels, weights=weights * points[:, d], minlength=k) for d in range(2)], axis=1)
    counts = np.bincount(labels, minlength=k)
    centres = np.divide(sums, mass[:, None], out=np.zeros_like(sums), where=mass[:, None] > 0)
    return centres, counts


def lloyd(points: np.ndarray, weights: np.ndarray, ids: np.ndarray, centres: np.ndarray, max_iters: int) -> Clustering:
    """Lloyd iterations that drop clusters left empty, stopping once no centre moves by CONVERGENCE or more."""
    labels = np.zeros(points.shape[0], dtype=np.int64)
    for _ in range(max_iters):
        labels = _nearest(points, centres)
        new_centres, counts = _weighted_means(points, weights, labels, ids.size)
        keep = counts > 0
        moved = np.linalg.norm(new_centres - centres, axis=1)
        converged = bool(keep.all() and (moved < CONVERGENCE).all())
        remap = np.cumsum(keep) - 1
        labels = remap[labels]
        ids, centres = ids[keep], new_centres[keep]
        if converged:
            break
    return Clustering(ids=ids, centres=centres, labels=labels)


def base_clusters(points: np.ndarray, k: int = BASE_K, max_iters: int = BASE_ITERS) -> Clustering:
    """Up to k clusters of the participants' positions, the same whatever order the points come in.

    Seeds: k-means++ over the distinct points (sorted by coordinates, weighted by how many participants share
    each) with a fixed-seed generator; with at most k distinct points, each is a seed.
    """
    if points.shape[0] == 0:
        return _empty()
    distinct, counts = np.unique(points, axis=0, return_counts=True)
    if distinct.shape[0] <= k:
        seeds = distinct
    else:
        rng = np.random.default_rng(SEED)
        weight = counts.astype(float)
        chosen = [int(rng.choice(distinct.shape[0], p=weight / weight.sum()))]
        d2 = ((distinct - distinct[chosen[0]]) ** 2).sum(axis=1)
        for _ in range(k - 1):
            mass = d2 * weight
            total = float(mass.sum())
            if total <= 0.0:
                break
            nxt = int(rng.choice(distinct.shape[0], p=mass / total))
            chosen.append(nxt)
            d2 = np.minimum(d2, ((distinct - distinct[nxt]) ** 2).sum(axis=1))
        seeds = distinct[chosen]
    return lloyd(points, np.ones(points.shape[0]), np.arange(seeds.shape[0]), seeds.copy(), max_iters)


def _lloyd_many(points: np.ndarray, weights: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Weighted Lloyd from every start at once (starts: S x k x 2) until the labels stop changing.

    Returns the final labels (S x N). A cluster left empty keeps its centre; such runs end with fewer than k
    clusters and the caller drops them.
    """
    centres = starts.copy()
    n_starts, k, _ = centres.shape
    labels = np.full((n_starts, points.shape[0]), -1, dtype=np.int64)
    active = np.arange(n_starts)
    for _ in range(GROUP_ITERS):
        c = centres[active]
        d2 = (points[None, :, None, 0] - c[:, None, :, 0]) ** 2 + (points[None, :, None, 1] - c[:, None, :, 1]) ** 2
        new = np.argmin(d2, axis=2)
        changed = (new != labels[active]).any(axis=1)
        labels[active] = new
        onehot = (new[:, :, None] == np.arange(k)[None, None, :]) * weights[None, :, None]
        mass = onehot.sum(axis=1)
        sums = np.einsum("snk,nd->skd", onehot, points)
        moved = np.divide(sums, mass[:, :, None], out=c.copy(), where=mass[:, :, None] > 0)
        centres[active] = moved
        active = active[changed]
        if active.size == 0:
            break
    return labels


def _canonical(labels: np.ndarray) -> tuple[int, ...]:
    """The partition as labels numbered by first appearance, so equal partitions compare equal."""
    _, first, inverse = np.unique(labels, return_index=True, return_inverse=True)
    rank = np.argsort(np.argsort(first))
    return tuple(int(x) for x in rank[inverse.ravel()])


def _within_ss(points: np.ndarray, weights: np.ndarray, labels: np.ndarray, k: int) -> float:
    centres, _ = _weighted_means(points, weights, labels, k)
    return float((weights * ((points - centres[labels]) ** 2).sum(axis=1)).sum())


def _polish(points: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray | None:
    """Lloyd on the participants themselves from the groups' centres; None if a group empties."""
    centres, _ = _weighted_means(points, np.ones(points.shape[0]), labels, k)
    result = lloyd(points, np.ones(points.shape[0]), np.arange(k), centres, GROUP_ITERS)
    return result.labels if result.ids.size == k else None


def group_kmeans(points: np.ndarray, base: Clustering, k: int) -> tuple[np.ndarray, np.ndarray] | None:
    """k groups: (labels of the participants, labels of the base clusters), or None if k cannot be had.

    Weighted Lloyd on the base centres from GROUP_STARTS seeded starts; every partition reached by at least
    BASIN_SHARE of them is refined on the participants, and the one with the smallest within-group sum of
    squares wins. The base labels (for the silhouette) are those of the partition before refinement.
    """
    centres, sizes = base.centres, base.sizes
    n = centres.shape[0]
    if n < k:
        return None
    weights = sizes.astype(float)
    rng = np.random.default_rng(SEED + k)
    p = weights / weights.sum()
    seeds = np.stack([rng.choice(n, size=k, replace=False, p=p) for _ in range(GROUP_STARTS)])
    labels = _lloyd_many(centres, weights, centres[seeds])
    reached: dict[tuple[int, ...], int] = {}
    for row in labels:
        if np.unique(row).size == k:
            key = _canonical(row)
            reached[key] = reached.get(key, 0) + 1
    bar = min(BASIN_SHARE * sum(reached.values()), max(reached.values(), default=0))
    best: tuple[float, int, tuple[int, ...]] | None = None
    chosen: tuple[np.ndarray, np.ndarray] | None = None
    for key, count in reached.items():
        if count < bar:
            continue
        base_labels = np.array(key, dtype=np.int64)
        refined = _polish(points, base_labels[base.labels], k)
        if refined is None:
            continue
        score = (_within_ss(points, np.ones(points.shape[0]), refined, k), -count, key)
        if best is None or score < best:
            best, chosen = score, (refined, base_labels)
    return chosen


def silhouette(points: np.ndarray, labels: np.ndarray) -> float:
    """Mean silhouette over the points, unweighted; a point alone in its cluster scores 0."""
    n = points.shape[0]
    k = int(labels.max()) + 1 if n else 0
    if n < 2 or k < 2:
        return 0.0
    dist = np.sqrt(_squared_distances(points, points))
    onehot = np.zeros((n, k))
    onehot[np.arange(n), labels] = 1.0
    sizes = onehot.sum(axis=0)
    sums = dist @ onehot  # (n, k): total distance from each point to each cluster
    own_size = sizes[labels] - 1
    alpha = np.divide(sums[np.arange(n), labels], own_size, out=np.zeros(n), where=own_size > 0)
    others = np.divide(sums, sizes[None, :], out=np.full((n, k), np.inf), where=sizes[None, :] > 0)
    others[np.arange(n), labels] = np.inf
    beta = others.min(axis=1)
    denom = np.maximum(alpha, beta)
    s = np.divide(beta - alpha, denom, out=np.zeros(n), where=(own_size > 0) & np.isfinite(beta) & (denom > 0))
    return float(s.mean())


def max_groups(n_base: int) -> int:
    """Largest k tried: more base clusters allow more groups, up to MAX_GROUPS."""
    return min(MAX_GROUPS, 2 + n_base // 12)


@dataclass
class GroupChoice:
    labels: dict[int, np.ndarray]  # k -> group of each participant
    silhouettes: dict[int, float]
    best_k: int


def choose_groups(points: np.ndarray, base: Clustering) -> GroupChoice:
    """Groups for every k in 2..K_max; the k with the best silhouette of the base centres wins (ties: larger k).

    With a single base cluster (or no k that keeps its groups non-empty) there is one group.
    """
    labels: dict[int, np.ndarray] = {1: np.zeros(points.shape[0], dtype=np.int64)}
    scores: dict[int, float] = {}
    best_k, best = 1, -np.inf
    for k in range(2, max_groups(base.ids.size) + 1):
        found = group_kmeans(points, base, k)
        if found is None:
            continue
        labels[k] = found[0]
        scores[k] = silhouette(base.centres, found[1])
        if scores[k] >= best:
            best_k, best = k, scores[k]
    return GroupChoice(labels, scores, best_k)
