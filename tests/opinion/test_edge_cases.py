"""Degenerate conversations give a small, valid map rather than an error or a numpy warning."""

from __future__ import annotations

import json

import numpy as np
import pytest

from deliberate.opinion import NEW_STATEMENT_PRIORITY, OpinionMap, VoteMatrix, compute, vote_matrix_from_events


def matrix(values: list[list[float]] | np.ndarray, moderated: list[bool] | None = None) -> VoteMatrix:
    arr = np.asarray(values, dtype=float)
    n_rows, n_cols = arr.shape
    return VoteMatrix(
        participant_ids=list(range(100, 100 + n_rows)),
        statement_ids=list(range(n_cols)),
        values=arr,
        moderated_out=np.array(moderated if moderated is not None else [False] * n_cols),
    )


def check(result: OpinionMap) -> dict:
    data = json.loads(json.dumps(result.to_dict(), allow_nan=False))
    members = sorted(p for g in result.groups for p in g.members)
    assert members == sorted(result.participant_ids)
    assert len(result.positions) == len(result.participant_ids)
    assert all(np.isfinite(v) for pos in result.positions for v in pos)
    assert set(result.priorities) == set(result.statement_ids)
    assert all(np.isfinite(v) and v >= 0 for v in result.priorities.values())
    return data


def test_no_votes() -> None:
    result = compute(vote_matrix_from_events([]))
    check(result)
    assert result.groups == [] and result.participant_ids == [] and result.statement_ids == []


def test_participants_who_never_voted() -> None:
    result = compute(matrix(np.full((3, 2), np.nan)))
    check(result)
    assert result.groups == []
    assert result.priorities == {0: NEW_STATEMENT_PRIORITY, 1: NEW_STATEMENT_PRIORITY}


def test_one_participant() -> None:
    result = compute(matrix([[1, -1, 0, 1]]))
    check(result)
    assert result.participant_ids == [100]
    assert len(result.groups) == 1 and result.groups[0].members == [100]
    assert result.group_informed_consensus[0] == pytest.approx(2 / 3)


def test_fewer_participants_than_base_k() -> None:
    rng = np.random.default_rng(1)
    values = rng.choice([-1.0, 0.0, 1.0, np.nan], size=(30, 12))
    values[:15, :6] = 1.0
    values[15:, :6] = -1.0
    result = compute(matrix(values))
    check(result)
    assert len(result.base_clusters) <= 30
    assert 2 <= len(result.groups) <= 5
    # With two opposed halves the first split is exactly them.
    group_of = result.group_of()
    assert len({group_of[p] for p in range(100, 115)}) == 1
    assert len({group_of[p] for p in range(115, 130)}) == 1


def test_all_passes() -> None:
    result = compute(matrix(np.zeros((20, 5))))
    check(result)
    assert all(pos == (0.0, 0.0) for pos in result.positions)
    assert len(result.base_clusters) == 1 and len(result.groups) == 1
    assert result.consensus.agree == [] and result.consensus.disagree == []
    assert all(v == 0.0 for v in result.extremity.values())


def test_all_statements_moderated_out() -> None:
    rng = np.random.default_rng(2)
    values = rng.choice([-1.0, 0.0, 1.0], size=(25, 8))
    result = compute(matrix(values, moderated=[True] * 8))
    check(result)
    assert len(result.groups) == 1
    assert all(reps == [] for reps in result.repness.values())
    assert result.consensus.agree == [] and result.consensus.disagree == []
    assert all(v == 0.0 for v in result.priorities.values())
    # Raw votes still count for the group-informed consensus.
    assert all(0.0 < v < 1.0 for v in result.group_informed_consensus.values())


def test_single_statement() -> None:
    result = compute(matrix([[1], [-1], [1], [0]]))
    check(result)
    assert result.participant_ids == [100, 101, 102, 103]


def test_two_identical_voters() -> None:
    result = compute(matrix([[1, 1, -1], [1, 1, -1]]))
    check(result)
    assert len(result.base_clusters) == 1


def test_meta_statements_are_routed_but_not_counted() -> None:
    m = matrix(np.tile([1.0, -1.0, 1.0], (20, 1)))
    m.is_meta = np.array([False, False, True])
    result = compute(m)
    check(result)
    assert result.priorities[2] == 49.0
    assert all(r.statement_id != 2 for reps in result.repness.values() for r in reps)


def test_bad_vote_values_are_refused() -> None:
    with pytest.raises(ValueError, match="votes must be"):
        matrix([[2.0]])
    with pytest.raises(ValueError, match="votes must be"):
        vote_matrix_from_events([(1, 1, 5, 0)])
