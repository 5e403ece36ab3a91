"""Similar proposals and merge suggestions over a realistic set of Thai community-welfare proposals."""

from __future__ import annotations

import itertools

import pytest

from deliberate.thaitext import Match, Pair, merge_suggestions, similar
from tests.thaitext.proposals import DUPLICATES, PROPOSALS, TEXT


def _others(proposal_id: int) -> list[tuple[int, str]]:
    return [(other_id, text) for other_id, text in PROPOSALS if other_id != proposal_id]


def _partner(proposal_id: int) -> int:
    return next(b if a == proposal_id else a for a, b in DUPLICATES if proposal_id in (a, b))


def test_a_near_duplicate_is_found_above_the_threshold() -> None:
    matches = similar("ควรมีถังขยะแยกประเภทในชุมชน", _others(1))
    assert matches[0].id == 11  # "อยากให้มีถังแยกขยะในหมู่บ้านและชุมชน"
    assert matches[0].score >= 0.3


def test_unrelated_proposals_do_not_match() -> None:
    assert similar("ปรับปรุงถนนเข้าหมู่บ้าน", [(3, "ส่งเสริมการท่องเที่ยวโดยชุมชน")]) == []
    assert 3 not in [match.id for match in similar("ปรับปรุงถนนเข้าหมู่บ้าน", _others(2), limit=20)]


@pytest.mark.parametrize("proposal_id", sorted({member for pair in DUPLICATES for member in pair}))
def test_every_planted_duplicate_is_the_best_match_of_its_partner(proposal_id: int) -> None:
    matches = similar(TEXT[proposal_id], _others(proposal_id))
    assert matches and matches[0].id == _partner(proposal_id)


@pytest.mark.parametrize("proposal_id", [3, 7, 8, 10, 12, 13, 15, 17, 19, 20])
def test_proposals_without_a_duplicate_match_nothing(proposal_id: int) -> None:
    assert similar(TEXT[proposal_id], _others(proposal_id)) == []


def test_a_misspelt_query_still_finds_its_proposal() -> None:
    # "ประเพท" for "ประเภท", "ครอง" for "คลอง": the segmenter splits the misspelt words differently, and the
    # character channel still sees the overlap.
    assert similar("ควรมีถังขยะแยกประเพทในชุมชน", PROPOSALS)[0].id == 1
    assert similar("ขุดลอกครองป้องกันน้ำท่วม", PROPOSALS)[0].id == 6


def test_results_are_ranked_best_first_with_scores_between_0_and_1() -> None:
    query = "ซ่อมไฟส่องสว่างริมถนนที่ดับ"
    matches = similar(query, [*PROPOSALS, (99, query)], limit=10, threshold=0.01)
    assert len(matches) > 3
    assert matches[0] == Match(id=99, score=pytest.approx(1.0))
    scores = [match.score for match in matches]
    assert scores == sorted(scores, reverse=True)
    assert all(0 < score <= 1 for score in scores)
    assert [match.id for match in matches[1:3]] == [4, 14] or [match.id for match in matches[1:3]] == [14, 4]


def test_limit_and_threshold() -> None:
    query = "ไฟถนนดับ อยากให้ซ่อม"
    loose = similar(query, PROPOSALS, limit=50, threshold=0.01)
    assert len(loose) > 3
    assert similar(query, PROPOSALS, limit=2, threshold=0.01) == loose[:2]
    assert similar(query, PROPOSALS, limit=0) == []
    strict = similar(query, PROPOSALS, limit=50, threshold=0.3)
    assert strict == [match for match in loose if match.score >= 0.3]
    assert similar(query, PROPOSALS, threshold=1.01) == []


def test_ties_keep_the_candidates_order_and_ids_are_the_callers() -> None:
    text = "ติดตั้งกล้องวงจรปิดที่ทางแยก"
    matches = similar(text, [(7001, "ตลาดนัด"), (5003, text), (5001, text)])
    assert [match.id for match in matches] == [5003, 5001]


def test_no_candidates_or_no_words_in_the_query() -> None:
    assert similar("ถังขยะแยกประเภท", []) == []
    assert similar("", PROPOSALS) == []
    assert similar("และที่ของ the of 😀", PROPOSALS) == []


def test_candidates_without_words_are_skipped_not_an_error() -> None:
    candidates = [(1, ""), (2, "และที่ของ"), (3, "😀👍"), (4, "ถังขยะแยกประเภทในชุมชน"), (5, "   ")]
    assert [match.id for match in similar("ถังขยะแยกประเภท", candidates, threshold=0.0)] == [4]
    assert similar("ถังขยะแยกประเภท", [(1, ""), (2, "และที่ของ")], threshold=0.0) == []


def test_merge_suggestions_are_exactly_the_planted_duplicates() -> None:
    pairs = merge_suggestions(PROPOSALS)
    assert {(pair.a, pair.b) for pair in pairs} == DUPLICATES


def test_merge_suggestions_come_best_first_once_each_in_input_order() -> None:
    pairs = merge_suggestions(PROPOSALS, threshold=0.1, limit=100)
    assert len(pairs) > len(DUPLICATES)
    scores = [pair.score for pair in pairs]
    assert scores == sorted(scores, reverse=True)
    assert all(0.1 <= score <= 1 for score in scores)
    position = {proposal_id: index for index, (proposal_id, _) in enumerate(PROPOSALS)}
    assert all(position[pair.a] < position[pair.b] for pair in pairs)
    assert len({frozenset((pair.a, pair.b)) for pair in pairs}) == len(pairs)
    # The planted duplicates outrank every other pair.
    assert {(pair.a, pair.b) for pair in pairs[: len(DUPLICATES)]} == DUPLICATES
    assert merge_suggestions(PROPOSALS, threshold=0.1, limit=3) == pairs[:3]


def test_merge_suggestions_do_not_depend_on_the_order_of_items() -> None:
    forward = merge_suggestions(PROPOSALS)
    backward = merge_suggestions(PROPOSALS[::-1])
    assert {frozenset((p.a, p.b)): p.score for p in backward} == pytest.approx(
        {frozenset((p.a, p.b)): p.score for p in forward}
    )


def test_merge_suggestions_agree_with_similar() -> None:
    # The same scores, looked at from both ends of each pair.
    for pair in merge_suggestions(PROPOSALS):
        best = similar(TEXT[pair.a], PROPOSALS, limit=2)
        assert pair.b in [match.id for match in best]


def test_merge_suggestions_edge_cases() -> None:
    assert merge_suggestions([]) == []
    assert merge_suggestions([(1, "ถังขยะแยกประเภท")]) == []
    assert merge_suggestions(PROPOSALS, limit=0) == []
    # Texts without words are not duplicates of each other, and identical texts are.
    items = [(1, ""), (2, "และที่ของ"), (3, "😀"), (4, "ปลูกป่าชายเลน"), (5, "ปลูกป่าชายเลน")]
    assert merge_suggestions(items, threshold=0.0) == [Pair(a=4, b=5, score=pytest.approx(1.0))]
    assert merge_suggestions([(1, ""), (2, "และ")], threshold=0.0) == []


def test_merge_suggestions_over_repeated_proposals_pair_only_copies_and_duplicates() -> None:
    # Every fixture proposal five times under new ids: copies of one proposal always pair up, and nothing
    # pairs across proposals other than the planted duplicates.
    items = [(copy * 100 + proposal_id, text) for copy in range(5) for proposal_id, text in PROPOSALS]
    found = {(pair.a, pair.b) for pair in merge_suggestions(items, limit=10_000)}
    copies = {(x, y) for (x, _), (y, _) in itertools.combinations(items, 2) if x % 100 == y % 100}
    duplicates = {
        (x, y)
        for (x, _), (y, _) in itertools.combinations(items, 2)
        if (min(x % 100, y % 100), max(x % 100, y % 100)) in DUPLICATES
    }
    assert copies <= found <= copies | duplicates
