"""Segmentation really splits Thai (no spaces between words), copes with mixed scripts, and is stable."""

from __future__ import annotations

import unicodedata

import pytest

from deliberate.thaitext import is_stopword, words


def test_thai_without_spaces_is_split_into_words_and_stop_words_dropped() -> None:
    text = "ควรมีการจัดการขยะในชุมชน"
    assert " " not in text
    found = words(text)
    assert {"จัดการ", "ขยะ", "ชุมชน"} <= set(found)
    assert not {"ควร", "มี", "การ", "ใน"} & set(found)
    assert all(len(word) < len(text) for word in found)


def test_keep_stopwords_gives_every_word_and_the_words_rebuild_the_text() -> None:
    text = "ควรมีการจัดการขยะในชุมชน"
    everything = words(text, keep_stopwords=True)
    assert "".join(everything) == text
    assert {"ควร", "มี", "ใน"} <= set(everything)
    assert words(text) == [word for word in everything if not is_stopword(word)]


def test_mixed_thai_and_english_lower_cases_latin_and_drops_punctuation() -> None:
    found = words("อยากได้ WiFi ฟรีที่ศาลาประชาคม, FREE Wi-Fi for ALL villagers!")
    assert {"wifi", "ฟรี", "ศาลาประชาคม", "free", "wi-fi", "villagers"} <= set(found)
    assert not {"for", "all", "ที่"} & set(found)  # English and Thai stop words
    assert all(word == word.lower() for word in found)
    assert all(unicodedata.category(char)[0] != "P" for word in found for char in (word[0], word[-1]))


@pytest.mark.parametrize("text", ["", " ", "\n\t  ", "... !!! ?", "😀🎉👍"])
def test_text_without_words_gives_no_words(text: str) -> None:
    assert words(text) == []
    assert words(text, keep_stopwords=True) == []


def test_text_of_stop_words_only_is_empty_unless_they_are_kept() -> None:
    text = "และที่ของ the of and"
    assert words(text) == []
    assert len(words(text, keep_stopwords=True)) >= 4


def test_emoji_are_dropped_and_the_thai_around_them_kept() -> None:
    found = words("ขยะล้นถัง🗑️ทุกวันเลย😡 ช่วยด้วย👍🏽")
    assert "ขยะ" in found
    # Only letters, digits and (Thai) combining marks remain: no symbols, modifiers or variation selectors.
    assert all(unicodedata.category(char)[0] in "LNM" and char != "\ufe0f" for word in found for char in word)


def test_canonically_equivalent_texts_give_the_same_words() -> None:
    # Thai NFC orders a below vowel (ู) before a tone mark (้); someone typing the mark first produces a
    # different string that Unicode says is the same text.
    text = "ผู้สูงอายุอยู่บ้านคนเดียว café"
    below_vowel, tone_mark = "\u0e39", "\u0e49"  # ู and ้
    reordered = text.replace(below_vowel + tone_mark, tone_mark + below_vowel)
    decomposed = unicodedata.normalize("NFD", reordered)
    assert reordered != text and decomposed != text
    assert unicodedata.normalize("NFC", decomposed) == text
    assert words(reordered) == words(decomposed) == words(text)
    assert "ผู้สูงอายุ" in words(decomposed)


def test_common_thai_typing_variants_are_repaired() -> None:
    # Two sara e typed for sara ae, a doubled tone mark, and a zero-width space inside the text.
    assert words("เเยกขยะ") == words("แยกขยะ")
    assert words("น้้ำท่วม") == words("น้ำท่วม")
    assert words("ถังขยะ\u200bแยกประเภท") == words("ถังขยะแยกประเภท")


def test_repetition_mark_does_not_make_a_different_word() -> None:
    assert words("ต้นไม้ใหญ่ๆ ริมถนน") == words("ต้นไม้ใหญ่ ๆ ริมถนน") == words("ต้นไม้ใหญ่ริมถนน")


def test_cached_results_cannot_be_changed_by_callers() -> None:
    first = words("ซ่อมไฟถนนในหมู่บ้าน")
    expected = list(first)
    first.clear()
    assert words("ซ่อมไฟถนนในหมู่บ้าน") == expected
