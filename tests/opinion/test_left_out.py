"""Participants a facilitator left out of the map: not placed or grouped, still counted over everyone."""

from __future__ import annotations

from deliberate.opinion import compute
from tests.opinion.conftest import Conversation


def test_left_out_participants_leave_the_map_but_count_in_the_consensus(biodiversity: Conversation) -> None:
    gone = biodiversity.result.groups[0].members[:5]
    result = compute(biodiversity.matrix, left_out=gone)
    assert not set(gone) & set(result.participant_ids)
    assert not set(gone) & {p for g in result.groups for p in g.members}
    assert len(result.participant_ids) == len(biodiversity.result.participant_ids) - 5
    assert result.consensus == biodiversity.result.consensus  # over every voter, the left-out ones too
    assert result.uncertain == biodiversity.result.uncertain
