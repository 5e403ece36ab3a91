"""Segmented search finds Thai words inside unspaced text, and not mere strings of letters."""

from __future__ import annotations

import pytest

from deliberate.thaitext.search import matches, terms


@pytest.mark.parametrize(
    ("query", "text", "found"),
    [
        ("น้ำ", "ชาวบ้านขาดแคลนน้ำในหน้าแล้ง", True),
        ("น้ำ", "พัฒนาแหล่งน้ำชุมชน", True),  # the head of a compound kept whole by the segmenter
        ("น้ำ", "ขุดลอกสระน้ำสาธารณะ", True),
        ("ตา", "ตากผ้าให้แห้ง", False),  # a substring, not a word
        ("ตา", "ส่งเสริมการตลาดสินค้าชุมชน", False),
        ("อายุ", "ศูนย์ดูแลผู้สูงอายุ", False),  # inside ผู้สูงอายุ, which is not อายุ
        ("ผู้สูงอายุ", "ศูนย์ดูแลผู้สูงอายุกลางวัน", True),
        ("แหล่งน้ำ ภาคใต้", "แหล่งน้ำในภาคใต้", True),
        ("แหล่งน้ำ ภาคเหนือ", "แหล่งน้ำในภาคใต้", False),  # every word must be there
        ("Water", "community water bank", True),
    ],
)
def test_matches_whole_words_only(query: str, text: str, found: bool) -> None:
    assert matches(text, terms(query)) is found


def test_terms_are_segmented_not_split_on_spaces() -> None:
    assert terms("ศูนย์ดูแลผู้สูงอายุ") == ["ศูนย์", "ดูแล", "ผู้สูงอายุ"]
    assert terms("ที่") == ["ที่"]  # a query of only a stop word still asks for it
