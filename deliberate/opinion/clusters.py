"""Pol.is-style k-means (deterministic seeds, empty clusters dropped, warm starts), silhouette and k-smoother.

There are no random restarts and no k-means++: a cold start seeds from the first k distinct points in row order,
and a warm start reuses the previous tick's clusters (recentred on current positions, identical ones merged, the
most distant points split off until there are enough). Keeping ids stable across ticks is what keeps groups
stable on a live map.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

BASE_K = 100
BASE_ITERS = 100
MAX_GROUPS = 5
# Pol.is passes its group iteration option under a name k-means does not read, so its default of 20 applies.
GROUP_ITERS = 20
CONVERGENCE = 0.01
# Consecutive ticks a new best k must win before the displayed k switches.
K_SMOOTHER_TICKS = 4


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


@dataclass
class KSmoother:
    """Only switch the displayed number of groups after the same best k has won several ticks in a row."""

    last_k: int | None = None
    count: int = 0
    smoothed_k: int | None = None

    def update(self, best_k: int) -> KSmoother:
        count = self.count + 1 if best_k == self.last_k else 1
        smoothed = best_k if count >= K_SMOOTHER_TICKS or self.smoothed_k is None else self.smoothed_k
        return KSmoother(last_k=best_k, count=count, smoothed_k=smoothed)


def _nearest(points: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """Index of the nearest centre; exact ties go to the last centre, as in Pol.is."""
    d2 = _squared_distances(points, centres)
    nearest: np.ndarray = centres.shape[0] - 1 - np.argmin(d2[:, ::-1], axis=1)
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


def distinct_first(points: np.ndarray) -> np.ndarray:
    """Indices of the first occurrence of each distinct point, in row order."""
    if points.shape[0] == 0:
        return np.zeros(0, dtype=np.int64)
    _, first = np.unique(points, axis=0, return_index=True)
    return np.sort(first)


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


def cold_start(points: np.ndarray, weights: np.ndarray, k: int, max_iters: int) -> Clustering:
    if points.shape[0] == 0:
        return Clustering(np.zeros(0, dtype=np.int64), np.zeros((0, 2)), np.zeros(0, dtype=np.int64))
    seeds = distinct_first(points)[:k]
    return lloyd(points, weights, np.arange(seeds.size), points[seeds].copy(), max_iters)


def warm_start(
    points: np.ndarray,
    weights: np.ndarray,
    k: int,
    max_iters: int,
    previous: Sequence[tuple[int, np.ndarray]],
) -> Clustering:
    """Continue from the previous clusters (id, member point indices into `points`)."""
    n = points.shape[0]
    clusters = [(int(cid), np.asarray(mem, dtype=np.int64)) for cid, mem in previous if len(mem)]
    if n == 0 or not clusters:
        return cold_start(points, weights, k, max_iters)
    centres = np.array([np.average(points[mem], axis=0, weights=weights[mem]) for _, mem in clusters])
    # Identical centres merge; the bigger cluster keeps its id.
    merged: dict[tuple[float, float], int] = {}
    kept: list[tuple[int, np.ndarray]] = []
    kept_centres: list[np.ndarray] = []
    for (cid, mem), centre in sorted(zip(clusters, centres, strict=True), key=lambda c: -c[0][1].size):
        key = (float(centre[0]), float(centre[1]))
        if key in merged:
            slot = merged[key]
            kept[slot] = (kept[slot][0], np.concatenate([kept[slot][1], mem]))
        else:
            merged[key] = len(kept)
            kept.append((cid, mem))
            kept_centres.append(centre)
    order = np.argsort([cid for cid, _ in kept])
    ids = np.array([kept[i][0] for i in order], dtype=np.int64)
    cents = np.array([kept_centres[i] for i in order])
    member_of = np.full(n, -1, dtype=np.int64)
    for slot, i in enumerate(order):
        member_of[kept[i][1]] = slot

    wanted = min(k, distinct_first(points).size)
    sizes = np.bincount(member_of[member_of >= 0], minlength=ids.size)
    while ids.size < wanted:
        d2 = _squared_distances(points, cents).min(axis=1)
        far = int(np.argmax(d2))
        if d2[far] == 0.0:
            break
        old = member_of[far]
        if old >= 0:
            sizes[old] -= 1
        member_of[far] = ids.size
        ids = np.append(ids, ids.max() + 1)
        cents = np.vstack([cents, points[far]])
        sizes = np.append(sizes, 1)
        if old >= 0 and sizes[old] == 0:
            keep = sizes > 0
            remap = np.cumsum(keep) - 1
            member_of = np.where(member_of >= 0, remap[np.maximum(member_of, 0)], -1)
            ids, cents, sizes = ids[keep], cents[keep], sizes[keep]
    return lloyd(points, weights, ids, cents, max_iters)


def kmeans(
    points: np.ndarray,
    weights: np.ndarray,
    k: int,
    max_iters: int,
    previous: Sequence[tuple[int, np.ndarray]] | None = None,
) -> Clustering:
    if previous:
        return warm_start(points, weights, k, max_iters, previous)
    return cold_start(points, weights, k, max_iters)


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
    clusterings: dict[int, Clustering]
    silhouettes: dict[int, float]
    best_k: int
    smoother: KSmoother
    shown_k: int


def choose_groups(
    centres: np.ndarray,
    sizes: np.ndarray,
    previous: Mapping[int, Sequence[tuple[int, np.ndarray]]] | None,
    smoother: KSmoother | None,
) -> GroupChoice:
    """Weighted k-means on the base centres for every k in 2..K_max; pick k by silhouette, then smooth it."""
    k_max = max_groups(centres.shape[0])
    clusterings: dict[int, Clustering] = {}
    scores: dict[int, float] = {}
    best_k = 2
    best = -np.inf
    for k in range(2, k_max + 1):
        prev = (previous or {}).get(k)
        clustering = kmeans(centres, sizes.astype(float), k, GROUP_ITERS, prev)
        clusterings[k] = clustering
        scores[k] = silhouette(centres, clustering.labels)
        if scores[k] >= best:  # ties go to the larger k
            best_k, best = k, scores[k]
    smoothed = (smoother or KSmoother()).update(best_k)
    shown = min(max(smoothed.smoothed_k or best_k, 2), k_max)
    return GroupChoice(clusterings, scores, best_k, smoothed, shown)
