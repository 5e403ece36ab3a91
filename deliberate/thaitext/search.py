"""Finding a word inside Thai text, which has no spaces to find it by.

A query is segmented into words (newmm), and a text matches when every query word is one of the text's
words, or the head or tail of a compound the segmenter kept whole, with the rest a dictionary word too:
"น้ำ" finds "ขาดแคลนน้ำ" (its own word) and "แหล่งน้ำ" (แหล่ง + น้ำ), but "ตา" (eye) does not find
"ตากผ้า" or "การตลาด", where a plain substring search would. Compounds of two dictionary words still
match either half ("น้ำตาล", sugar, is found by "น้ำ"): the price of finding แหล่งน้ำ.
"""

from __future__ import annotations

from functools import lru_cache

from pythainlp.corpus import thai_words

from deliberate.thaitext.segment import words


@lru_cache(maxsize=1)
def _dictionary() -> frozenset[str]:
    return frozenset(thai_words())


def terms(query: str) -> list[str]:
    """The words a query asks for, lower-cased, stop words dropped (unless that leaves nothing)."""
    found = words(query) or words(query, keep_stopwords=True)
    return list(dict.fromkeys(w.casefold() for w in found))


def _in_compound(term: str, token: str) -> bool:
    if len(token) <= len(term) or term not in token:
        return False
    dictionary = _dictionary()
    if token.startswith(term) and token[len(term) :] in dictionary:
        return True
    return token.endswith(term) and token[: -len(term)] in dictionary


def matches(text: str, wanted: list[str]) -> bool:
    tokens = {w.casefold() for w in words(text, keep_stopwords=True)}
    return all(t in tokens or any(_in_compound(t, tok) for tok in tokens) for t in wanted)
