"""A clause's action must open with a verb: "ขอให้ [agency] ร่วมกับ [partners] [verb ...]"."""

from __future__ import annotations

import pytest

from deliberate.thaitext.verbs import CARRY_OUT, PROVIDE, action, starts_with_verb


@pytest.mark.parametrize(
    "text",
    ["จัดตั้งศูนย์ดูแลผู้สูงอายุ", "ส่งเสริมการท่องเที่ยวโดยชุมชน", "พัฒนาแหล่งน้ำ", "สนับสนุนงบประมาณ", "ปรับปรุงถนน"],
)
def test_an_action_that_opens_with_a_verb_stays_as_written(text: str) -> None:
    assert starts_with_verb(text)
    assert action(text).text == text and action(text).had_verb


def test_a_noun_phrase_gets_a_verb_proposed() -> None:
    housing = action("บ้านมั่นคงสำหรับผู้มีรายได้น้อย")  # the clause: it asked an agency for nothing
    assert not housing.had_verb and housing.proposed_verb == PROVIDE
    assert housing.text == "ดำเนินการให้มีบ้านมั่นคงสำหรับผู้มีรายได้น้อย"
    project = action("โครงการศูนย์ดูแลผู้สูงอายุโดยชุมชน")
    assert project.text == CARRY_OUT + "โครงการศูนย์ดูแลผู้สูงอายุโดยชุมชน"


def test_text_that_is_not_thai_is_taken_as_written() -> None:
    assert action("improve the bus routes").had_verb
