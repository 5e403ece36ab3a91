"""Where a line of Thai may break: pythainlp's words, the domain's own, and no orphaned letters."""

from __future__ import annotations

import pytest

from deliberate.thaitext.wrap import break_offsets, pieces
from deliberate.web.templating import words


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ลานออกกำลังกายผู้สูงอายุ", ("ลาน", "ออกกำลังกาย", "ผู้สูงอายุ")),
        # Words pythainlp lacks: "บอร์ดา" came out as "บอร์|ดา", "ชูลเซอ" as "ชู|ล|เซ|อ".
        ("คะแนนบอร์ดา", ("คะแนน", "บอร์ดา")),
        ("ลำดับชูลเซอ", ("ลำดับ", "ชูลเซอ")),
        ("ไป https://example.org/a", ("ไป", " ", "https", "://example.org/a")),
    ],
)
def test_pieces_are_whole_words_and_join_back_to_the_text(text: str, expected: tuple[str, ...]) -> None:
    assert pieces(text) == expected
    assert "".join(pieces(text)) == text


def test_no_piece_is_a_lone_unknown_letter() -> None:
    for text in ("ชูลเซอร์", "บอร์ดาแบบใหม่", "เคาน์เตอร์เซอร์วิส"):
        assert all(len(p) > 2 or not "\u0e00" <= p[0] <= "\u0e7f" for p in pieces(text)), pieces(text)


def test_break_offsets_are_the_ends_of_pieces() -> None:
    assert break_offsets("ลานออกกำลังกายผู้สูงอายุ") == {3, 14, 24}


def test_the_filter_keeps_thai_words_whole_and_escapes_the_rest() -> None:
    html = str(words("ผู้สูงอายุ <b>"))
    assert html == '<span class="w">ผู้สูงอายุ</span><wbr> &lt;b&gt;'
    code = "QX7-" * 10
    assert str(words(code)) == code  # no Thai: left bare, so the CSS may break it anywhere
