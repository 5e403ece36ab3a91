"""Ticks: state survives JSON, group names stay stable, the in-conversation set never shrinks, and a live map
ends where a one-shot computation on the same votes does."""

from __future__ import annotations

import json

import numpy as np

from deliberate.opinion import MapState, compute, vote_matrix_from_arrays
from tests.opinion.conftest import Conversation


def roundtrip(state: MapState) -> MapState:
    return MapState.from_dict(json.loads(json.dumps(state.to_dict(), allow_nan=False)))


def test_state_survives_json(biodiversity: Conversation) -> None:
    state = biodiversity.result.state
    assert roundtrip(state) == state


def test_same_votes_give_the_same_map(biodiversity: Conversation) -> None:
    first = biodiversity.result
    second = compute(biodiversity.matrix, roundtrip(first.state))
    assert [(g.id, g.members) for g in second.groups] == [(g.id, g.members) for g in first.groups]
    assert [c.id for c in second.base_clusters] == [c.id for c in first.base_clusters]
    # Orientation is kept from the previous components.
    np.testing.assert_allclose(second.positions, first.positions)


def test_replay_in_ticks(vtaiwan: Conversation) -> None:
    votes = np.array(vtaiwan.export.votes, dtype=np.int64)
    votes = votes[np.argsort(votes[:, 0], kind="stable")]
    state: MapState | None = None
    in_conv: set[int] = set()
    for cut in np.linspace(len(votes) // 6, len(votes), 6).astype(int):
        part = votes[:cut]
        m = vote_matrix_from_arrays(
            part[:, 1], part[:, 2], part[:, 3], part[:, 0], moderated_out=vtaiwan.export.moderated_out
        )
        result = compute(m, roundtrip(state) if state else None)
        assert in_conv <= set(result.participant_ids)
        in_conv = set(result.participant_ids)
        state = result.state
        assert 2 <= len(result.groups) <= 5
    assert in_conv == set(vtaiwan.result.participant_ids)


def test_previous_members_stay_in_with_few_votes() -> None:
    events = [(p, s, 1.0, p * 100 + s) for p in range(20) for s in range(8)]
    m = vote_matrix_from_arrays(*(np.array(col) for col in zip(*events, strict=True)))
    state = compute(m).state
    state.in_conv.append(99)
    late = vote_matrix_from_arrays(*(np.array(col) for col in zip(*([*events, (99, 0, -1.0, 10_000)]), strict=True)))
    assert 99 in compute(late, state).participant_ids
    assert 99 not in compute(late).participant_ids
