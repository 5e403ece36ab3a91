"""k-means as Pol.is runs it, silhouette and the k-smoother."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import silhouette_score

from deliberate.opinion.clusters import KSmoother, choose_groups, cold_start, kmeans, lloyd, max_groups, silhouette


def test_cold_start_seeds_first_distinct_points_and_ties_go_to_the_last_cluster() -> None:
    points = np.array([[0.0, 0.0], [0.0, 0.0], [2.0, 0.0], [1.0, 0.0]])
    result = cold_start(points, np.ones(4), k=2, max_iters=100)
    assert result.ids.tolist() == [0, 1]
    assert result.labels.tolist() == [0, 0, 1, 1]  # (1, 0) is as far from both seeds: the last one wins
    np.testing.assert_allclose(result.centres, [[0.0, 0.0], [1.5, 0.0]])


def test_empty_clusters_are_dropped() -> None:
    points = np.array([[0.0, 0.0], [1.0, 0.0]])
    result = lloyd(points, np.ones(2), np.array([0, 1, 2]), np.array([[0.0, 0.0], [1.0, 0.0], [50.0, 50.0]]), 10)
    assert result.ids.tolist() == [0, 1]


def test_weighted_centres() -> None:
    points = np.array([[0.0, 0.0], [1.0, 0.0], [10.0, 0.0]])
    result = cold_start(points, np.array([1.0, 3.0, 1.0]), k=2, max_iters=20)
    np.testing.assert_allclose(result.centres[0], [0.75, 0.0])


def test_fewer_distinct_points_than_k() -> None:
    points = np.array([[1.0, 1.0]] * 5 + [[2.0, 2.0]] * 5)
    assert cold_start(points, np.ones(10), k=100, max_iters=100).ids.size == 2


def test_warm_start_keeps_ids_and_splits_new_outliers() -> None:
    rng = np.random.default_rng(0)
    points = np.vstack([rng.normal(0, 0.1, (30, 2)), rng.normal(5, 0.1, (30, 2))])
    first = cold_start(points, np.ones(60), k=2, max_iters=100)
    previous = list(zip(first.ids.tolist(), first.members(), strict=True))
    again = kmeans(points, np.ones(60), 2, 100, previous)
    assert again.ids.tolist() == first.ids.tolist()
    np.testing.assert_array_equal(again.labels, first.labels)
    moved = np.vstack([points, [[20.0, 20.0]]])
    grown = kmeans(moved, np.ones(61), 3, 100, previous)
    assert grown.ids.tolist() == [0, 1, 2]
    assert grown.labels[-1] == 2 and grown.sizes[2] == 1


def test_silhouette_matches_sklearn() -> None:
    rng = np.random.default_rng(3)
    points = rng.normal(size=(40, 2))
    labels = rng.integers(0, 3, size=40)
    assert np.isclose(silhouette(points, labels), silhouette_score(points, labels))
    # A point alone in its cluster scores 0 (sklearn agrees); one cluster overall scores 0.
    labels[0] = 3
    assert np.isclose(silhouette(points, labels), silhouette_score(points, labels))
    assert silhouette(points, np.zeros(40, dtype=np.int64)) == 0.0


def test_k_smoother_needs_four_ticks_in_a_row() -> None:
    smoother = KSmoother()
    shown = []
    for best in [2, 2, 3, 3, 3, 3, 2]:
        smoother = smoother.update(best)
        shown.append(smoother.smoothed_k)
    assert shown == [2, 2, 2, 2, 2, 3, 3]


def test_max_groups_grows_with_base_clusters() -> None:
    assert [max_groups(b) for b in (1, 11, 12, 24, 36, 100)] == [2, 2, 3, 4, 5, 5]


def test_choose_groups_finds_three_blobs() -> None:
    rng = np.random.default_rng(5)
    centres = np.vstack([rng.normal(c, 0.2, (12, 2)) for c in ([0, 0], [6, 0], [0, 6])])
    choice = choose_groups(centres, np.ones(36, dtype=np.int64), None, None)
    assert choice.best_k == choice.shown_k == 3
    assert set(choice.silhouettes) == {2, 3, 4, 5}
