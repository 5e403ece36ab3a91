"""Where a line of Thai may break: between words, found by pythainlp's newmm segmenter.

Browsers break Thai with their own dictionary, which on a narrow phone cuts words it does not know:
"บอร์ดา" as "บอร์ด|า", "ผู้สูงอายุ" as "ผู้สูง|อายุ". `pieces` gives the text as the units a line may break
between; the `words` template filter keeps each whole. The dictionary is pythainlp's with the few words of
this domain it lacks, and a fragment the dictionary does not know that is too short to stand alone (a lone
consonant or vowel, as newmm leaves of a transliteration) stays with the piece before it.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pythainlp.corpus import thai_words
from pythainlp.tokenize import word_tokenize
from pythainlp.util import Trie

__all__ = ["break_offsets", "pieces"]

# Words of deliberation and of this app that pythainlp's dictionary lacks (it splits each of them).
DOMAIN_WORDS = frozenset("บอร์ดา ชูลเซอ โหวต ออนไลน์ แอปพลิเคชัน คิวอาร์โค้ด โปรเจกเตอร์ เฟซบุ๊ก ไลน์ อบต. อสม.".split())
THAI = re.compile(r"[\u0e00-\u0e7f]")
# A piece no longer than this is kept whole; longer runs (a URL, a code) may break anywhere instead.
LONGEST = 30


@lru_cache(maxsize=1)
def _dictionary() -> tuple[Trie, frozenset[str]]:
    known = frozenset(thai_words()) | DOMAIN_WORDS
    return Trie(known), known


def _orphan(token: str, known: frozenset[str]) -> bool:
    """A fragment that is no word: Thai, unknown to the dictionary, and at most two characters."""
    return bool(THAI.match(token)) and token not in known and len(token) <= 2


@lru_cache(maxsize=8192)
def pieces(text: str) -> tuple[str, ...]:
    """The text split where a line may break; joined back they are the text itself."""
    trie, known = _dictionary()
    out: list[str] = []
    tokens = word_tokenize(unicodedata.normalize("NFC", text), custom_dict=trie, engine="newmm", keep_whitespace=True)
    for token in tokens:
        if out and _orphan(token, known) and THAI.search(out[-1][-1:]):
            out[-1] += token  # glue "ล" of "ชู|ล" to the piece before
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
