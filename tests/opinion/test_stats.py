"""The statement statistics on small hand-checked cases."""

from __future__ import annotations

import math

import numpy as np
import pytest

from deliberate.opinion import NEW_STATEMENT_PRIORITY, VoteMatrix, group_informed_consensus, group_statistics
from deliberate.opinion.stats import one_proportion_z, priority, two_proportion_z


def test_one_proportion_z() -> None:
    assert one_proportion_z(np.array([3.0]), np.array([4.0]))[0] == pytest.approx(0.6 * math.sqrt(5))
    assert one_proportion_z(np.array([0.0]), np.array([0.0]))[0] == pytest.approx(1.0)


def test_two_proportion_z() -> None:
    z = two_proportion_z(np.array([1.0]), np.array([3.0]), np.array([4.0]), np.array([4.0]))
    assert z[0] == pytest.approx(-0.4 / math.sqrt(0.096))
    # Pooled proportion 1: defined as 0 instead of a division by zero.
    assert two_proportion_z(np.array([4.0]), np.array([2.0]), np.array([4.0]), np.array([2.0]))[0] == 0.0


def test_priority() -> None:
    assert NEW_STATEMENT_PRIORITY == pytest.approx((0.25 * 9) ** 2)
    a, s, p, e = 6.0, 10.0, 2.0, 0.5
    importance = (1 - (p + 1) / (s + 2)) * (e + 1) * (a + 1) / (s + 2)
    expected = (importance * (1 + 8 * 2 ** (-s / 5))) ** 2
    assert priority(np.array([a]), np.array([s]), np.array([p]), np.array([e]))[0] == pytest.approx(expected)


def two_camps() -> VoteMatrix:
    """Ten people agree with 1 and disagree with 2, ten the opposite; everyone agrees with 3; 4 is rejected."""
    rows = [[1, -1, 1, 1]] * 10 + [[-1, 1, 1, -1]] * 10
    values = np.array(rows, dtype=float)
    values[0, 2] = 0.0  # one pass on the shared statement
    values[19, 0] = np.nan  # one person never saw statement 1
    return VoteMatrix(
        participant_ids=list(range(20)),
        statement_ids=[1, 2, 3, 4],
        values=values,
        moderated_out=np.array([False, False, False, True]),
    )


GROUPS = {0: list(range(10)), 1: list(range(10, 20))}


def test_group_informed_consensus_by_hand() -> None:
    gic = group_informed_consensus(two_camps(), GROUPS)
    assert gic[1] == pytest.approx((11 / 12) * (1 / 11))
    assert gic[3] == pytest.approx((10 / 12) * (11 / 12))
    assert gic[4] == pytest.approx((11 / 12) * (1 / 12))  # moderated statements keep their raw votes


def test_representative_statements_and_consensus() -> None:
    result = group_statistics(two_camps(), GROUPS)
    first = result.repness[0]
    assert [(r.statement_id, r.direction) for r in first] == [(1, "agree"), (2, "disagree")]
    assert first[0].n_success == 10 and first[0].n_trials == 10
    assert first[0].p_success == pytest.approx(11 / 12)
    assert first[0].repness == pytest.approx((11 / 12) / (1 / 11))
    second = result.repness[1]
    assert [(r.statement_id, r.direction) for r in second] == [(2, "agree"), (1, "disagree")]
    assert all(r.statement_id != 4 for reps in result.repness.values() for r in reps)
    assert [c.statement_id for c in result.consensus.agree] == [3]
    assert result.consensus.disagree == []
    assert result.divisiveness[1] == pytest.approx(11 / 12 - 1 / 11)
    assert result.divisiveness[3] == pytest.approx(11 / 12 - 10 / 12)
    tally = {t.group_id: t for t in result.tallies}
    assert tally[0].agree == [10, 0, 9, 10] and tally[0].passed == [0, 0, 1, 0]
    assert tally[1].voted == [9, 10, 10, 10]


def test_unknown_participants_are_refused() -> None:
    with pytest.raises(ValueError, match="not in the vote matrix"):
        group_informed_consensus(two_camps(), {0: [1, 2, 999]})
