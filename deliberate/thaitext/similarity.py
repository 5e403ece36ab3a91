"""Finding proposals that say the same thing: "is this already on the board?" and "which ones could merge?".

Two TF-IDF channels, each compared by cosine similarity:

* words: unigrams and bigrams of segmented content words (stop words removed), so "ถังขยะ" and "ขยะ" are
  words, not strings of letters, and a shared bigram such as "ดูแล ผู้สูงอายุ" counts for more than its
  parts;
* characters: 2- to 4-grams of the same content words, which tolerates misspellings, different compound
  splits ("ถังขยะ" against "ถัง ขยะ") and words missing from the segmenter's dictionary.

The combined score is WORD_WEIGHT * words + CHAR_WEIGHT * characters (the weights add up to 1, so the
score stays in 0..1 and identical texts score 1). Words get the larger share because Thai syllables recur
across unrelated words: character n-grams alone give unrelated proposals a noisy 0.1-0.2.

Thresholds were set on the proposals in tests/thaitext/proposals.py: with these weights every planted
duplicate pair scores 0.34-0.54 and every other pair at most 0.22. `similar` (0.3) answers one query
while someone types; `merge_suggestions` (0.33) looks at every pair of a session, so it asks for a little
more. Both only suggest: a person decides. Being lexical, neither sees that "WiFi" is "ไวไฟ" in another
language or that "ไม่" negates, and two proposals sharing a rare place name ("ประจำตำบล") can look alike.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from pythainlp.corpus import thai_words
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from deliberate.thaitext.segment import is_stopword, words

__all__ = ["CHAR_WEIGHT", "WORD_WEIGHT", "Match", "Pair", "merge_suggestions", "similar", "similarity_matrix"]

WORD_WEIGHT = 0.6
CHAR_WEIGHT = 1.0 - WORD_WEIGHT


@dataclass(frozen=True, slots=True)
class Match:
    id: int
    score: float


@dataclass(frozen=True, slots=True)
class Pair:
    a: int
    b: int
    score: float


@lru_cache(maxsize=1)
def _dictionary() -> frozenset[str]:
    return frozenset(thai_words())


@lru_cache(maxsize=8192)
def _compound_parts(word: str) -> tuple[str, ...]:
    # newmm prefers the longest dictionary word, so one person's "ถังขยะ" is another's "ถัง" + "ขยะ", and
    # "การท่องเที่ยว" never meets "ท่องเที่ยว". Every split of a compound into two dictionary words adds
    # those words as extra features, so both spellings share vocabulary.
    dictionary = _dictionary()
    parts: list[str] = []
    for cut in range(2, len(word) - 1):
        if unicodedata.category(word[cut]) == "Mn":  # never separate a vowel or tone mark from its consonant
            continue
        head, tail = word[:cut], word[cut:]
        if head in dictionary and tail in dictionary:
            parts.extend(part for part in (head, tail) if not is_stopword(part) and part not in parts)
    return tuple(parts)


def _word_features(tokens: list[str]) -> list[str]:
    # TfidfVectorizer ignores ngram_range when given a callable analyzer, so the bigrams are made here.
    bigrams = [f"{first} {second}" for first, second in zip(tokens, tokens[1:], strict=False)]
    parts = [part for token in tokens for part in _compound_parts(token)]
    return tokens + bigrams + parts


def similarity_matrix(texts: Sequence[str]) -> sparse.csr_matrix:
    """Pairwise combined similarity (0..1) of `texts` as a sparse symmetric matrix.

    Texts with no content words (empty, only stop words, only emoji) have all-zero rows.
    """
    tokenised = [words(text) for text in texts]
    if not any(tokenised):
        return sparse.csr_matrix((len(texts), len(texts)))
    # The vocabulary comes from the texts themselves; the analyzers are given the already-segmented
    # words so that each text goes through the segmenter once.
    word_vectors = TfidfVectorizer(analyzer=_word_features, sublinear_tf=True).fit_transform(tokenised)
    # Spaces around and between words mark word edges for the character n-grams, and give even a
    # one-character word a couple of n-grams.
    char_vectors = TfidfVectorizer(analyzer="char", ngram_range=(2, 4), sublinear_tf=True).fit_transform(
        [f" {' '.join(tokens)} " if tokens else "" for tokens in tokenised]
    )
    # Rows are L2-normalised, so the products are cosine similarities.
    combined = WORD_WEIGHT * (word_vectors @ word_vectors.T) + CHAR_WEIGHT * (char_vectors @ char_vectors.T)
    return sparse.csr_matrix(combined)


def similar(
    query: str, candidates: Sequence[tuple[int, str]], *, limit: int = 5, threshold: float = 0.3
) -> list[Match]:
    """Candidates (id, text) that say much the same as `query`: at most `limit`, best first (ties in the
    candidates' order), each scoring at least `threshold` and more than 0. Empty when the query has no
    content words. The vocabulary's weights come from the query and candidates, so pass the whole pool."""
    if limit <= 0 or not candidates or not words(query):
        return []
    matrix = similarity_matrix([query, *(text for _, text in candidates)])
    scores = np.minimum(matrix[0, 1:].toarray().ravel(), 1.0)  # rounding can push identical texts past 1
    # Stable sort on the negated score: ties keep the candidates' order.
    order = np.argsort(-scores, kind="stable")
    # A score of 0 means nothing in common, never a match, whatever the threshold.
    return [
        Match(id=candidates[i][0], score=float(scores[i]))
        for i in order[:limit]
        if scores[i] >= threshold and scores[i] > 0
    ]


def merge_suggestions(items: Sequence[tuple[int, str]], *, threshold: float = 0.33, limit: int = 20) -> list[Pair]:
    """Pairs of items (id, text) that are likely duplicates: at most `limit`, best first, each scoring at
    least `threshold`. Each pair appears once, with `a` the item that comes first in `items`."""
    if limit <= 0 or len(items) < 2:
        return []
    # Upper triangle only: each unordered pair once, and no item paired with itself. Filtering the sparse
    # data keeps Python work proportional to the pairs above the threshold.
    upper = sparse.triu(similarity_matrix([text for _, text in items]), k=1).tocoo()
    keep = (upper.data >= threshold) & (upper.data > 0)
    rows, cols, scores = upper.row[keep], upper.col[keep], np.minimum(upper.data[keep], 1.0)
    # Best first; ties in input order, so the result does not depend on sparse storage order.
    order = np.lexsort((cols, rows, -scores))[:limit]
    return [Pair(a=items[rows[i]][0], b=items[cols[i]][0], score=float(scores[i])) for i in order]
