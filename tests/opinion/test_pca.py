"""Principal components: the direct eigen-solution equals Pol.is' power iteration; projection details."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from deliberate.opinion import VoteMatrix
from deliberate.opinion import pca as pca_module
from deliberate.opinion.matrix import ratings
from deliberate.opinion.pca import principal_components, project
from tests.opinion.conftest import Conversation


def power_iteration(y: np.ndarray, iters: int = 100) -> np.ndarray:
    """MATH.md §3.5, as an oracle: v <- Yᵀ(Yv)/|.|, then deflate the rows and repeat for the second component."""
    rng = np.random.default_rng(0)
    comps = []
    data = y.copy()
    for _ in range(2):
        v = rng.random(y.shape[1])
        for _ in range(iters):
            w = data.T @ (data @ v)
            v = w / np.linalg.norm(w)
        comps.append(v)
        data = data - np.outer(data @ v / (v @ v), v)
    return np.array(comps)


def test_components_equal_power_iteration(vtaiwan: Conversation) -> None:
    r = ratings(vtaiwan.matrix)
    ours = principal_components(r.centred)
    oracle = power_iteration(r.centred.toarray(), iters=300)
    for i in range(2):
        assert abs(ours[i] @ oracle[i]) == pytest.approx(1.0, abs=1e-6)


@pytest.mark.parametrize("limit", [50, 10], ids=["participant-gram", "lanczos"])
def test_large_matrix_solvers_agree(limit: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """40 participants x 60 statements: above the limit in statements only, or in both."""
    rng = np.random.default_rng(4)
    dense = rng.normal(size=(40, 60)) * (rng.random((40, 60)) < 0.3)
    y = sp.csr_matrix(dense)
    expected = principal_components(y)
    monkeypatch.setattr(pca_module, "DENSE_GRAM_LIMIT", limit)
    got = principal_components(y)
    np.testing.assert_allclose(got, expected, atol=1e-8)


def test_identical_voters_land_on_the_same_point() -> None:
    rng = np.random.default_rng(7)
    values = rng.choice([-1.0, 0.0, 1.0, np.nan], size=(200, 50))
    values[150:] = values[3]
    m = VoteMatrix(list(range(200)), list(range(50)), values, np.zeros(50, dtype=bool))
    r = ratings(m)
    pos = project(r.centred, principal_components(r.centred), r.row_counts)
    assert (pos[150:] == pos[3]).all()


def test_single_voter_is_not_centred() -> None:
    m = VoteMatrix([1], [1, 2, 3], np.array([[1.0, -1.0, np.nan]]), np.zeros(3, dtype=bool))
    r = ratings(m)
    comps = principal_components(r.centred)
    np.testing.assert_allclose(np.abs(comps[0]), [2**-0.5, 2**-0.5, 0.0])
    assert not comps[1].any()


def test_orientation_follows_previous_tick(vtaiwan: Conversation) -> None:
    r = ratings(vtaiwan.matrix)
    first = principal_components(r.centred)
    flipped = principal_components(r.centred, previous=-first)
    np.testing.assert_allclose(flipped, -first)
