"""Cleaning what people type: NFC, trimmed, no invisible characters, within limits."""

from __future__ import annotations

import unicodedata

import pytest

from deliberate.errors import ValidationError
from deliberate.text import as_int, choice, clean_text
from tests.conftest import UNNORMALISED_THAI


def test_thai_is_stored_nfc() -> None:
    cleaned = clean_text(UNNORMALISED_THAI, field="title", max_length=140)
    assert cleaned == unicodedata.normalize("NFC", UNNORMALISED_THAI)
    assert cleaned != UNNORMALISED_THAI


def test_invisible_and_control_characters_are_removed() -> None:
    assert clean_text("ส\u200bวัส\u202eดี\x00", field="x", max_length=20) == "สวัสดี"


def test_single_line_collapses_space_multiline_keeps_paragraphs() -> None:
    assert clean_text("  ก \t ข\nค  ", field="x", max_length=20) == "ก ข ค"
    assert clean_text(" ก  ข \r\n\r\n\r\n\r\nค ", field="x", max_length=20, multiline=True) == "ก ข\n\nค"


def test_limits_count_characters_after_cleaning() -> None:
    assert clean_text("ก" * 140 + "   ", field="title", max_length=140) == "ก" * 140
    with pytest.raises(ValidationError) as too_long:
        clean_text("ก" * 141, field="title", max_length=140)
    assert too_long.value.field == "title"
    assert too_long.value.params == {"n": 140, "m": 141}
    with pytest.raises(ValidationError):
        clean_text("กข", field="title", max_length=140, min_length=3)


@pytest.mark.parametrize("value", [None, "", "   ", "\u200b"])
def test_required_text(value: object) -> None:
    with pytest.raises(ValidationError):
        clean_text(value, field="x", max_length=10)
    assert clean_text(value, field="x", max_length=10, required=False) == ""


@pytest.mark.parametrize("value", [1, ["ก"], {"a": 1}, True])
def test_non_text_is_refused(value: object) -> None:
    with pytest.raises(ValidationError):
        clean_text(value, field="x", max_length=10)


def test_choice_and_as_int() -> None:
    assert choice("for", ("for", "against"), field="stance") == "for"
    assert choice("", ("for",), field="stance", required=False) == ""
    with pytest.raises(ValidationError):
        choice("For", ("for",), field="stance")
    assert as_int(" 42 ", field="id") == 42
    for bad in (True, "4.2", "-1", "1" * 12, None, 4.0):
        with pytest.raises(ValidationError):
            as_int(bad, field="id")
