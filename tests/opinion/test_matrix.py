"""Building the matrix from vote events and choosing who is in the conversation."""

from __future__ import annotations

import datetime as dt

import numpy as np

from deliberate.opinion import vote_matrix_from_events
from deliberate.opinion.matrix import in_conversation, ratings


def test_latest_vote_wins_and_rows_follow_first_vote() -> None:
    events = [
        (7, 20, 1, 5.0),
        (3, 10, -1, 1.0),
        (7, 10, 0, 2.0),
        (3, 10, 1, 9.0),  # re-vote supersedes the earlier disagree
        (3, 30, 0, 9.0),
        (3, 30, -1, 9.0),  # same timestamp: the later event in the input wins
    ]
    m = vote_matrix_from_events(events, moderated_out=[30, 99])
    assert m.participant_ids == [3, 7]
    assert m.statement_ids == [10, 20, 30]
    np.testing.assert_array_equal(m.values, [[1, np.nan, -1], [0, 1, np.nan]])
    assert m.moderated_out.tolist() == [False, False, True]


def test_datetime_timestamps() -> None:
    t0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    events = [(1, 1, 1, t0 + dt.timedelta(seconds=5)), (2, 1, -1, t0), (1, 1, -1, t0 + dt.timedelta(seconds=1))]
    m = vote_matrix_from_events(events)
    assert m.participant_ids == [2, 1]
    np.testing.assert_array_equal(m.values, [[-1], [1]])


def test_moderated_columns_are_zero_for_everyone_and_centring_imputes_zero() -> None:
    m = vote_matrix_from_events([(1, 1, 1, 0), (2, 1, -1, 1), (2, 2, 1, 2), (3, 1, 1, 3)], moderated_out=[2])
    r = ratings(m)
    assert r.column_means.tolist() == [1 / 3, 0.0]
    dense = r.centred.toarray()
    np.testing.assert_allclose(dense[:, 0], [2 / 3, -4 / 3, 2 / 3])
    assert not dense[:, 1].any()
    assert r.row_counts.tolist() == [2, 2, 2]  # the moderated column counts as voted for everyone
    assert r.raw_counts.tolist() == [1, 2, 1]


def test_in_conversation_threshold_top_up_and_monotone() -> None:
    counts = np.array([7, 1, 3, 9, 3, 0] + [2] * 20)
    inside = in_conversation(counts, n_cols=40)
    assert inside[[0, 3]].all()
    assert inside.sum() == 15  # topped up by vote count, earlier rows first on ties
    assert inside[[2, 4]].all() and not inside[5]
    assert in_conversation(np.array([2, 1]), n_cols=2).tolist() == [True, True]
    many = np.array([8] * 20 + [1])
    previous = np.zeros(21, dtype=bool)
    previous[20] = True
    assert in_conversation(many, n_cols=40, previous=previous).all()
