"""Ticks: state survives JSON, group names stay stable, the in-conversation set never shrinks, and a live map
ends where a one-shot computation on the same votes does."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from deliberate.opinion import MapState, OpinionMap, compute, vote_matrix_from_arrays
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


def replay(conv: Conversation, ticks: int) -> list[OpinionMap]:
    """The conversation's votes in time order, the map recomputed after each of `ticks` equal slices."""
    votes = np.array(conv.export.votes, dtype=np.int64)
    votes = votes[np.argsort(votes[:, 0], kind="stable")]
    state: MapState | None = None
    maps = []
    for cut in np.linspace(len(votes) / ticks, len(votes), ticks).astype(int):
        part = votes[:cut]
        m = vote_matrix_from_arrays(
            part[:, 1],
            part[:, 2],
            part[:, 3],
            part[:, 0],
            moderated_out=conv.export.moderated_out,
            meta=conv.export.meta,
        )
        result = compute(m, roundtrip(state) if state else None)
        state = result.state
        maps.append(result)
    return maps


def same_groups(a: OpinionMap, b: OpinionMap) -> float:
    ga, gb = a.group_of(), b.group_of()
    common = [p for p in ga if p in gb]
    return float(adjusted_rand_score([ga[p] for p in common], [gb[p] for p in common]))


@pytest.mark.parametrize("ticks", [9, 14])
def test_live_map_ends_where_the_batch_one_does(biodiversity: Conversation, ticks: int) -> None:
    maps = replay(biodiversity, ticks)
    last, batch = maps[-1], biodiversity.result
    assert len(last.groups) == len(batch.groups)
    assert same_groups(last, batch) >= 0.95
    # Names carry over: when the members barely change, every group keeps its id (its letter on screen).
    for before, after in itertools.pairwise(maps):
        if same_groups(before, after) >= 0.9 and len(before.groups) == len(after.groups):
            gb, ga = before.group_of(), after.group_of()
            common = [p for p in gb if p in ga]
            kept = sum(gb[p] == ga[p] for p in common) / len(common)
            assert kept >= 0.9


def test_group_names_follow_members() -> None:
    """Ids go largest first on a first tick; later a group keeps the id of the group most of its members had."""
    rng = np.random.default_rng(0)
    statements = 12
    lean = np.where(np.arange(statements) < 6, 1.0, -1.0)
    events = []
    for pid in range(90):
        side = 1.0 if pid < 60 else -1.0
        for s in range(statements):
            vote = side * lean[s] if rng.random() < 0.9 else -side * lean[s]
            events.append((pid, s, vote, pid * 100 + s))
    first = compute(vote_matrix_from_arrays(*(np.array(col) for col in zip(*events, strict=True))))
    assert [len(g.members) for g in first.groups] == [60, 30]
    assert [g.id for g in first.groups] == [0, 1]
    # Forty newcomers side with the smaller group: it becomes the larger one but keeps its name.
    more = list(events)
    for pid in range(90, 130):
        for s in range(statements):
            vote = -lean[s] if rng.random() < 0.9 else lean[s]
            more.append((pid, s, vote, pid * 100 + s))
    m = vote_matrix_from_arrays(*(np.array(col) for col in zip(*more, strict=True)))
    later = compute(m, roundtrip(first.state))
    by_id = {g.id: set(g.members) for g in later.groups}
    assert set(range(60)) <= by_id[0] and set(range(60, 90)) <= by_id[1]
    assert len(by_id[1]) > len(by_id[0])
    fresh = compute(m)
    assert {g.id: set(g.members) for g in fresh.groups} == {0: by_id[1], 1: by_id[0]}


def test_previous_members_stay_in_with_few_votes() -> None:
    events = [(p, s, 1.0, p * 100 + s) for p in range(20) for s in range(8)]
    m = vote_matrix_from_arrays(*(np.array(col) for col in zip(*events, strict=True)))
    state = compute(m).state
    state.in_conv.append(99)
    late = vote_matrix_from_arrays(*(np.array(col) for col in zip(*([*events, (99, 0, -1.0, 10_000)]), strict=True)))
    assert 99 in compute(late, state).participant_ids
    assert 99 not in compute(late).participant_ids
