"""Where a line of Thai may break: between words, found by pythainlp's newmm segmenter.

Browsers break Thai with their own dictionary, which on a narrow phone cuts words it does not know:
"บอร์ดา" as "บอร์ด|า", "ผู้สูงอายุ" as "ผู้สูง|อายุ". `pieces` gives the text as the units a line may break
between; the `words` template filter keeps each whole. The dictionary is pythainlp's; the few words of
this domain it lacks are joined back after it, and a fragment the dictionary does not know that is too
short to stand alone (a lone consonant or vowel, as newmm leaves of a transliteration) stays with the
piece before it.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pythainlp.corpus import thai_words
from pythainlp.tokenize import word_tokenize

__all__ = ["break_offsets", "pieces", "with_breaks"]

# Words of deliberation and of this app that pythainlp's dictionary lacks (it splits each of them).
DOMAIN_WORDS = frozenset("บอร์ดา ชูลเซอ โหวต ออนไลน์ แอปพลิเคชัน คิวอาร์โค้ด โปรเจกเตอร์ เฟซบุ๊ก ไลน์ อบต. อสม.".split())
THAI = re.compile(r"[\u0e00-\u0e7f]")
# The most tokens the segmenter cuts one of DOMAIN_WORDS into ("ชู|ล|เซ|อ").
LONGEST_DOMAIN_RUN = 5
# A piece no longer than this is kept whole; longer runs (a URL, a code) may break anywhere instead.
LONGEST = 30


def _known() -> frozenset[str]:
    return thai_words()  # pythainlp's own set, loaded once with its dictionary


def _orphan(token: str, known: frozenset[str]) -> bool:
    """A fragment that is no word: Thai, unknown to the dictionary, and at most two characters."""
    return bool(THAI.match(token)) and token not in known and len(token) <= 2


def _domain_words(tokens: list[str]) -> list[str]:
    """Join the runs of tokens that spell one of DOMAIN_WORDS ("บอร์" + "ดา"). The segmenter keeps its own
    dictionary rather than a second copy with these few added: that one took seconds to build."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        for k in range(min(LONGEST_DOMAIN_RUN, len(tokens) - i), 1, -1):
            if "".join(tokens[i : i + k]) in DOMAIN_WORDS:
                out.append("".join(tokens[i : i + k]))
                i += k
                break
        else:
            out.append(tokens[i])
            i += 1
    return out


@lru_cache(maxsize=8192)
def pieces(text: str) -> tuple[str, ...]:
    """The text split where a line may break; joined back they are the text itself."""
    known = _known()
    tokens = _domain_words(word_tokenize(unicodedata.normalize("NFC", text), engine="newmm", keep_whitespace=True))
    out: list[str] = []
    for token in tokens:
        if out and _orphan(token, known) and THAI.search(out[-1][-1:]):
            out[-1] += token  # glue the "า" of "บอร์ด|า" to the piece before
        elif out and out[-1] and _orphan(out[-1], known) and THAI.match(token) and not out[-1].isspace():
            out[-1] += token  # or a leading fragment to the one after
        else:
            out.append(token)
    return tuple(out)


def break_offsets(text: str) -> frozenset[int]:
    """The character offsets (in the NFC text) where a line may start: after each piece."""
    offsets, at = set(), 0
    for piece in pieces(text):
        at += len(piece)
        offsets.add(at)
    return frozenset(offsets)


ZWSP = "\u200b"


def with_breaks(text: str) -> str:
    """The text with a zero-width space between two Thai words, where a line may break. Word and LibreOffice
    each break Thai with their own dictionary and disagree ("ปีงบประม|าณ" in LibreOffice); both break at a
    zero-width space and keep the runs between whole, so a DOCX carries the segmenter's breaks itself."""
    if not THAI.search(text):
        return text
    out: list[str] = []
    for piece in pieces(text):
        if out and THAI.search(out[-1][-1:]) and THAI.match(piece):
            out.append(ZWSP)
        out.append(piece)
    return "".join(out)
