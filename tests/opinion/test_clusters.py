"""Deterministic k-means: base clusters, groups of them, silhouette and the choice of k."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import adjusted_rand_score, silhouette_score

from deliberate.opinion.clusters import base_clusters, choose_groups, lloyd, max_groups, silhouette


def blobs(seed: int, centres: list[tuple[float, float]], n: int, spread: float = 0.3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.vstack([rng.normal(c, spread, (n, 2)) for c in centres])


def test_empty_clusters_are_dropped() -> None:
    points = np.array([[0.0, 0.0], [1.0, 0.0]])
    result = lloyd(points, np.ones(2), np.array([0, 1, 2]), np.array([[0.0, 0.0], [1.0, 0.0], [50.0, 50.0]]), 10)
    assert result.ids.tolist() == [0, 1]


def test_weighted_centres() -> None:
    points = np.array([[0.0, 0.0], [1.0, 0.0], [10.0, 0.0]])
    result = lloyd(points, np.array([1.0, 3.0, 1.0]), np.arange(2), np.array([[0.0, 0.0], [10.0, 0.0]]), 20)
    np.testing.assert_allclose(result.centres[0], [0.75, 0.0])


def test_fewer_distinct_points_than_base_clusters() -> None:
    points = np.array([[1.0, 1.0]] * 5 + [[2.0, 2.0]] * 5)
    assert base_clusters(points).ids.size == 2


def test_base_clusters_do_not_depend_on_row_order() -> None:
    points = blobs(1, [(0, 0), (4, 0), (2, 3)], 150, spread=1.0)
    first = base_clusters(points)
    order = np.random.default_rng(2).permutation(points.shape[0])
    again = base_clusters(points[order])
    assert first.ids.size == again.ids.size == 100
    np.testing.assert_allclose(first.centres, again.centres)
    np.testing.assert_array_equal(first.labels[order], again.labels)


def test_groups_do_not_depend_on_row_order() -> None:
    points = blobs(3, [(0, 0), (3, 0)], 200, spread=1.2)  # two overlapping blobs: many local optima
    choice = choose_groups(points, base_clusters(points))
    for seed in range(3):
        order = np.random.default_rng(seed).permutation(points.shape[0])
        shuffled = points[order]
        again = choose_groups(shuffled, base_clusters(shuffled))
        assert again.best_k == choice.best_k
        assert adjusted_rand_score(choice.labels[choice.best_k][order], again.labels[again.best_k]) == 1.0


def test_silhouette_matches_sklearn() -> None:
    rng = np.random.default_rng(3)
    points = rng.normal(size=(40, 2))
    labels = rng.integers(0, 3, size=40)
    assert np.isclose(silhouette(points, labels), silhouette_score(points, labels))
    # A point alone in its cluster scores 0 (sklearn agrees); one cluster overall scores 0.
    labels[0] = 3
    assert np.isclose(silhouette(points, labels), silhouette_score(points, labels))
    assert silhouette(points, np.zeros(40, dtype=np.int64)) == 0.0


def test_max_groups_grows_with_base_clusters() -> None:
    assert [max_groups(b) for b in (1, 11, 12, 24, 36, 100)] == [2, 2, 3, 4, 5, 5]


def test_choose_groups_finds_three_blobs() -> None:
    points = blobs(5, [(0, 0), (6, 0), (0, 6)], 40, spread=0.5)
    choice = choose_groups(points, base_clusters(points))
    assert choice.best_k == 3
    assert set(choice.silhouettes) == {2, 3, 4, 5}
    truth = np.repeat(np.arange(3), 40)
    assert adjusted_rand_score(truth, choice.labels[3]) == 1.0


def test_one_point_makes_one_group() -> None:
    choice = choose_groups(np.array([[1.0, 2.0]] * 3), base_clusters(np.array([[1.0, 2.0]] * 3)))
    assert choice.best_k == 1
    assert choice.labels[1].tolist() == [0, 0, 0]
