"""Thai-aware word segmentation: the one place that turns mixed Thai/English text into words.

Thai is written without spaces between words, so splitting on whitespace would treat a whole clause as
one "word". Everything here goes through pythainlp's dictionary-based newmm segmenter, which is bundled
with pythainlp and needs no download.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from pythainlp.corpus import thai_stopwords
from pythainlp.tokenize import word_tokenize
from pythainlp.util import normalize as thai_normalize

__all__ = ["ENGLISH_STOPWORDS", "THAI_STOPWORDS", "is_stopword", "words"]


def _normalise(text: str) -> str:
    # NFC first so that decomposed input (NFD) reaches the dictionary in its usual form; then pythainlp's
    # normaliser repairs common Thai typing variants (two sara e typed for sara ae, doubled tone marks,
    # zero-width spaces) that would otherwise split words in odd places.
    return thai_normalize(unicodedata.normalize("NFC", text))


# pythainlp's list (about a thousand entries) also holds verbs and nouns that carry the substance of a
# community proposal ("จัดการ" manage, "แก้ไข" fix, "จัดตั้ง" set up, "เปิดเผย" disclose...). Those stay words.
_MEANINGFUL_THAI = frozenset(
    "จัดการ จัดงาน จัดตั้ง จัดทำ จัดหา กลุ่ม ชาว แก้ไข ปรับ เปลี่ยนแปลง ร่วมมือ หารือ เหตุผล สำคัญ ปฏิบัติ กำหนด เปิดเผย".split()
)
# Conversely, the phrasing of a request says nothing about its subject, yet almost every proposal has
# some: "อยากให้มีศูนย์..." and "ขอให้ซ่อม..." are not alike because both ask, nor is "ปัญหา" a topic.
_REQUEST_PHRASING = frozenset("ขอให้ อยากให้ อยากได้ อยากเห็น ต้องการ เสนอ เสนอให้ ปัญหา แก้ปัญหา".split())
# Normalised like the text they are compared with: the list spells a few entries ("ทํา", "สําหรับ") with a
# separate nikhahit and sara aa instead of sara am.
THAI_STOPWORDS: frozenset[str] = (
    frozenset(_normalise(word) for word in thai_stopwords()) - _MEANINGFUL_THAI
) | _REQUEST_PHRASING

# A deliberately small list: short function words only. (scikit-learn's list is avoided on purpose: it
# contains content words such as "system", "fire" and "bill".)
ENGLISH_STOPWORDS: frozenset[str] = frozenset(
    """
    a about above after again all also am an and any are as at be been before being below between both
    but by can could did do does doing don down during each few for from further had has have having he
    her here hers him his how i if in into is it its just me more most my no nor not now of off on once
    only or other our ours out over own please same she should so some such than that the their theirs
    them then there these they this those through to too under until up us very was we were what when
    where which while who whom why will with would you your yours s t ll re ve d m
    """.split()
)


def _is_trimmed(char: str) -> bool:
    # Punctuation is trimmed from the ends of a token, so "COVID-" and "'t" lose their stray marks, and so
    # is the Thai repetition mark: "นานๆ", "นาน ๆ" and "นาน" are one word. Paiyannoi (ฯ) stays, or "ฯลฯ"
    # (et cetera) would shrink to the letter "ล".
    return char == "ๆ" or (char != "ฯ" and unicodedata.category(char).startswith("P"))


def _has_word_character(token: str) -> bool:
    # A letter or digit in any script; whitespace, punctuation, symbols and emoji have none.
    return any(unicodedata.category(char)[0] in "LN" for char in token)


def _clean_token(token: str) -> str:
    start, end = 0, len(token)
    while start < end and _is_trimmed(token[start]):
        start += 1
    while end > start and _is_trimmed(token[end - 1]):
        end -= 1
    return token[start:end].lower()


@lru_cache(maxsize=8192)
def _segment(text: str) -> tuple[str, ...]:
    # Cached on the normalised text: proposals and comments are segmented again for every similarity
    # query and word-cloud refresh. A tuple, so cached results cannot be mutated by callers.
    tokens = (_clean_token(token) for token in word_tokenize(text, engine="newmm", keep_whitespace=False))
    return tuple(token for token in tokens if token and _has_word_character(token))


def is_stopword(word: str) -> bool:
    """Whether an already-segmented, lower-cased word is a Thai or English stop word."""
    return word in THAI_STOPWORDS or word in ENGLISH_STOPWORDS


def words(text: str, *, keep_stopwords: bool = False) -> list[str]:
    """The words of `text` in order: segmented with newmm, Latin lower-cased, punctuation, whitespace
    and emoji dropped, and (unless `keep_stopwords`) Thai and English stop words dropped."""
    if not text or text.isspace():
        return []
    tokens = _segment(_normalise(text))
    if keep_stopwords:
        return list(tokens)
    return [token for token in tokens if not is_stopword(token)]
