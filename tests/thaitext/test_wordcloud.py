"""Word frequencies and the projector's SVG word cloud."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET

import pytest

from deliberate.thaitext import frequencies, is_stopword, wordcloud_svg
from deliberate.thaitext.wordcloud import ASCENT_EM, DESCENT_EM, PALETTE, text_width
from tests.thaitext.proposals import PROPOSALS

SVG = "{http://www.w3.org/2000/svg}"
TEXTS = [text for _, text in PROPOSALS]


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 (our own output, parsed to check it)


def _texts(svg: str) -> list[ET.Element]:
    return list(_parse(svg).iter(f"{SVG}text"))


def _box(element: ET.Element) -> tuple[float, float, float, float]:
    # Recomputed from what the SVG says: x is the centre (text-anchor middle), y the baseline.
    x, baseline, size = (float(element.get(name, "nan")) for name in ("x", "y", "font-size"))
    half = text_width(element.text or "", size) / 2
    return x - half, baseline - ASCENT_EM * size, x + half, baseline + DESCENT_EM * size


def _overlap(first: tuple[float, float, float, float], second: tuple[float, float, float, float]) -> bool:
    return first[0] < second[2] and second[0] < first[2] and first[1] < second[3] and second[1] < first[3]


def _many_words() -> list[tuple[str, int]]:
    # More words than fit, with a long tail of equal counts.
    found = frequencies([*TEXTS, *TEXTS[:8], *TEXTS[:3]], limit=200)
    return found + [(f"คำที่{index}", 1) for index in range(40)]


def test_frequencies_count_segmented_words_without_stop_words() -> None:
    texts = ["ขยะล้นถังในชุมชน", "ชุมชนควรมีถังขยะ", "ถนนในชุมชนเป็นหลุม", "The bins are full"]
    counts = dict(frequencies(texts))
    assert counts["ชุมชน"] == 3
    assert counts["ถนน"] == 1
    assert counts["bins"] == 1
    assert not any(is_stopword(word) for word in counts)
    assert not {"ใน", "ควร", "มี", "the", "are"} & set(counts)


def test_a_word_counts_once_per_text() -> None:
    counts = dict(frequencies(["ขยะ ขยะ ขยะ ขยะเต็มไปหมด", "ถังขยะ"]))
    assert counts["ขยะ"] == 1


def test_numbers_and_single_characters_are_left_out() -> None:
    counts = dict(frequencies(["ประชุมปี 2567 ครั้งที่ ๑๒ งบ 1,000 บาท ข้อ ก และ ข x", "ประชุม 3.5 ชม."]))
    assert counts["ประชุม"] == 2
    assert not {"2567", "๑๒", "1,000", "3.5", "ก", "ข", "x"} & set(counts)


def test_frequencies_are_ordered_and_limited() -> None:
    ranked = frequencies([*TEXTS, *TEXTS[:5]], limit=100)
    assert [count for _, count in ranked] == sorted((count for _, count in ranked), reverse=True)
    for (word, count), (next_word, next_count) in itertools.pairwise(ranked):
        assert count > next_count or word < next_word
    assert frequencies([*TEXTS, *TEXTS[:5]], limit=4) == ranked[:4]
    assert all(count >= 2 for _, count in frequencies([*TEXTS, *TEXTS[:5]], min_count=2))
    assert frequencies([]) == []


def test_svg_is_an_accessible_image_with_the_top_words() -> None:
    top = frequencies(TEXTS)
    svg = wordcloud_svg(top, title="คำที่พบบ่อยในข้อเสนอ")
    root = _parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-label") == "คำที่พบบ่อยในข้อเสนอ"
    assert root.findtext(f"{SVG}title") == "คำที่พบบ่อยในข้อเสนอ"
    shown = [element.text for element in _texts(svg)]
    assert [word for word, _ in top[:5]] == shown[:5]
    assert all(f"{word} ({count})" in (root.findtext(f"{SVG}desc") or "") for word, count in top[:5])


def test_more_frequent_words_are_not_smaller() -> None:
    sizes = [float(element.get("font-size", "nan")) for element in _texts(wordcloud_svg(frequencies(TEXTS)))]
    assert sizes == sorted(sizes, reverse=True)
    assert sizes[0] > sizes[-1]


def test_text_is_escaped() -> None:
    title = "<script>alert('x')</script> & co"
    svg = wordcloud_svg([("<b>ขยะ</b>", 5), ('"&ถนน', 3)], title=title)
    assert "<script" not in svg and "<b>" not in svg
    root = _parse(svg)
    assert root.findtext(f"{SVG}title") == title and root.get("aria-label") == title
    assert [element.text for element in _texts(svg)] == ["<b>ขยะ</b>", '"&ถนน']
    assert not [element for element in root.iter() if element.tag.endswith("script")]


def test_characters_that_xml_cannot_hold_do_not_break_the_svg() -> None:
    svg = wordcloud_svg([("ขยะ\x00\x1b", 2), ("\x07", 1)], title="เมฆ\x0bคำ")
    assert [element.text for element in _texts(svg)] == ["ขยะ"]


@pytest.mark.parametrize(("width", "height"), [(1200, 600), (800, 450), (400, 200)])
def test_no_two_words_overlap_and_all_stay_on_the_canvas(width: int, height: int) -> None:
    words = _many_words()
    boxes = [_box(element) for element in _texts(wordcloud_svg(words, width=width, height=height))]
    assert 5 < len(boxes) < len(words)  # some fit, some are dropped
    for first, second in itertools.combinations(boxes, 2):
        assert not _overlap(first, second)
    assert all(left >= 0 and top >= 0 and right <= width and bottom <= height for left, top, right, bottom in boxes)


def test_output_is_deterministic() -> None:
    words = _many_words()
    assert wordcloud_svg(words) == wordcloud_svg(list(words)) == wordcloud_svg(words[::-1])


def test_colours_have_good_contrast_on_white() -> None:
    def luminance(colour: str) -> float:
        channels = [int(colour[index : index + 2], 16) / 255 for index in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    fills = {element.get("fill") for element in _texts(wordcloud_svg(_many_words()))}
    assert fills <= set(PALETTE) and len(fills) > 1
    assert all((1.0 + 0.05) / (luminance(colour) + 0.05) >= 4.5 for colour in PALETTE)


def test_width_ignores_thai_vowel_and_tone_marks() -> None:
    # "กิ่ง" is four code points but two glyph widths: sara i and mai ek sit on the ko kai.
    assert text_width("กิ่ง", 40) == text_width("กง", 40)
    assert text_width("ผู้สูงอายุ", 40) == text_width("ผสงอาย", 40)
    assert text_width("ชุมชน", 40) > text_width("ชน", 40) > 0


def test_empty_cloud_is_still_a_valid_svg() -> None:
    svg = wordcloud_svg([], title="ยังไม่มีคำ")
    assert _parse(svg).findtext(f"{SVG}title") == "ยังไม่มีคำ"
    assert _texts(svg) == []
    assert _texts(wordcloud_svg([("ขยะ", 0), ("   ", 4)])) == []
