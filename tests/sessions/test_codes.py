"""Join codes survive being read aloud and typed on a phone."""

from __future__ import annotations

from deliberate.sessions.codes import ALPHABET, LENGTH, looks_like_code, new_code, normalise_code


def test_new_codes_use_only_unambiguous_characters() -> None:
    codes = {new_code() for _ in range(200)}
    assert len(codes) > 190
    for code in codes:
        assert len(code) == LENGTH and looks_like_code(code)
    assert not set("0O1IL5S2Z8B") & set(ALPHABET)


def test_normalise_accepts_what_people_type() -> None:
    assert normalise_code(" acd-efg ") == "ACDEFG"
    assert normalise_code("a c d\te f g") == "ACDEFG"
    assert normalise_code(None) == ""
    assert not looks_like_code(normalise_code("ABCDEF"))  # B is not in the alphabet
