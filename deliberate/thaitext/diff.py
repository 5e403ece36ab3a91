"""A word-by-word diff for Thai, so an amendment shows which words it changes, not which letters.

Both texts are cut into words by newmm (spaces and punctuation kept as their own tokens) and compared as
word sequences; a character diff of Thai would mark half-words and stray vowels.
"""

from __future__ import annotations

import difflib
import unicodedata
from dataclasses import dataclass

from pythainlp.tokenize import word_tokenize


@dataclass(frozen=True)
class Piece:
    op: str  # "same", "added" or "removed"
    text: str


def tokens(text: str) -> list[str]:
    return word_tokenize(unicodedata.normalize("NFC", text), engine="newmm", keep_whitespace=True)


def word_diff(old: str, new: str) -> list[Piece]:
    """The pieces that turn `old` into `new`: removed words then added ones at each change, in order."""
    a, b = tokens(old), tokens(new)
    pieces: list[Piece] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            pieces.append(Piece("same", "".join(a[i1:i2])))
            continue
        if tag in ("delete", "replace"):
            pieces.append(Piece("removed", "".join(a[i1:i2])))
        if tag in ("insert", "replace"):
            pieces.append(Piece("added", "".join(b[j1:j2])))
    merged: list[Piece] = []
    for piece in pieces:  # neighbours of one kind read as one mark
        if merged and merged[-1].op == piece.op:
            merged[-1] = Piece(piece.op, merged[-1].text + piece.text)
        elif piece.text:
            merged.append(piece)
    return merged
