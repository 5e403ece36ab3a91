"""Word clouds for the projector: word frequencies from Thai/English text and a static SVG (no JavaScript).

Placement is deterministic (same words, same picture: the projector does not reshuffle on every refresh)
and conservative: each word's box is estimated from its characters, and a word is placed only where its
box touches no other, so nothing overlaps even when the font is wider than expected.
"""

from __future__ import annotations

import math
import re
import unicodedata
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterable

import numpy as np

from deliberate.thaitext.segment import words

__all__ = ["ASCENT_EM", "DESCENT_EM", "PALETTE", "frequencies", "text_width", "wordcloud_svg"]

# Vertical extent of a line of text around its baseline, in em. Thai stacks an above vowel and a tone mark
# over a consonant, and has below vowels (ุ ู) and descending consonants (ฎ ฏ ฤ), so both are taller than
# Latin's ascenders and descenders.
ASCENT_EM = 1.15
DESCENT_EM = 0.4

# Dark enough for WCAG AA (contrast of at least 4.5:1) on the white background, distinct from each other.
PALETTE = ("#1d4e89", "#b3261e", "#1b6e3c", "#6a2c91", "#8a4b00", "#00606b", "#3d3d3d")

# Characters that are not XML 1.0: a word containing one would make the whole SVG unreadable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_NUMBER = re.compile(r"[\d.,:/-]+")  # \d matches any Unicode digit, Thai (๑๒๓) too
_NARROW = frozenset("ijlft.,:;'!|()[] ")
_WIDE_LATIN = frozenset("mwMW@%")


def _base_characters(word: str) -> int:
    # Thai above/below vowels and tone marks (category Mn) sit on the preceding consonant: "กิ่ง" is two
    # glyph widths, not four. unicodedata.combining() alone would miss the marks with combining class 0.
    return sum(1 for char in word if unicodedata.category(char) not in ("Mn", "Me", "Cf"))


def frequencies(texts: Iterable[str], *, limit: int = 60, min_count: int = 1) -> list[tuple[str, int]]:
    """The most frequent words in `texts` as (word, count), most frequent first, ties alphabetical.

    A word counts once per text, so the count is how many contributions mention it and one person
    repeating a word cannot dominate the cloud. Stop words, single characters (a lone Thai consonant is
    usually a segmentation leftover) and pure numbers are left out.
    """
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update({word for word in words(text) if _base_characters(word) > 1 and not _NUMBER.fullmatch(word)})
    ranked = sorted(((word, count) for word, count in counts.items() if count >= min_count), key=_rank)
    return ranked[: max(limit, 0)]


def _rank(item: tuple[str, int]) -> tuple[int, str]:
    return (-item[1], item[0])


def text_width(word: str, font_size: float) -> float:
    """A generous estimate of the rendered width of `word` in pixels: marks that combine with the previous
    character take no width, wide (East Asian, emoji) characters a full em, Thai and Latin about 0.6 em."""
    em = 0.0
    for char in word:
        category = unicodedata.category(char)
        if category in ("Mn", "Me", "Cf"):
            continue
        if unicodedata.east_asian_width(char) in ("W", "F"):
            em += 1.0
        elif char in _NARROW:
            em += 0.38
        elif char in _WIDE_LATIN or char.isupper():
            em += 0.8
        else:
            em += 0.64  # Thai consonants and vowels, lower-case Latin, digits (a little more than usual: bold)
    return em * font_size


def _font_sizes(counts: list[int], smallest: float, largest: float) -> list[float]:
    # Area proportional to frequency: the font size grows with the square root of the count, so a word
    # mentioned four times as often is twice as tall, not four times. Rounded to what the SVG will say.
    top = max(counts)
    return [round(max(smallest, largest * math.sqrt(count / top)), 1) for count in counts]


class _Canvas:
    """Free space on the canvas as a grid of CELL-pixel cells; a word takes every cell its box touches.

    Finding a spot is the vectorised form of walking an Archimedean spiral outwards until the box collides
    with nothing: among all positions where the box covers only free cells (found at once with a summed-area
    table), take the one nearest the centre, distances stretched to the canvas' shape. Walking the spiral in
    Python took over a second for 60 words whenever some did not fit; this takes milliseconds.
    """

    CELL = 4

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.rows, self.cols = height // self.CELL, width // self.CELL
        self.taken = np.zeros((self.rows, self.cols), dtype=bool)
        # Offset of each cell's centre from the canvas centre; x divided by the aspect ratio so that the
        # cloud grows as an ellipse that fills a wide canvas, not as a circle.
        aspect = width / height
        self._dx = ((np.arange(self.cols) + 0.5) * self.CELL - width / 2) / aspect
        self._dy = (np.arange(self.rows) + 0.5) * self.CELL - height / 2

    def place(self, box_width: float, box_height: float) -> tuple[float, float] | None:
        """Reserve room for a box; return its top-left corner in pixels, or None when it fits nowhere."""
        # A fraction of a pixel spare, so that rounding the SVG's coordinates cannot push a word outside
        # the cells reserved for it.
        wide = math.ceil((box_width + 0.5) / self.CELL)
        high = math.ceil((box_height + 0.5) / self.CELL)
        if wide > self.cols or high > self.rows:
            return None
        summed = np.zeros((self.rows + 1, self.cols + 1), dtype=np.int32)
        summed[1:, 1:] = self.taken.cumsum(axis=0, dtype=np.int32).cumsum(axis=1, dtype=np.int32)
        # Cells taken inside the box whose top-left cell is (row, col), for every row and col at once.
        inside = summed[high:, wide:] - summed[:-high, wide:] - summed[high:, :-wide] + summed[:-high, :-wide]
        if not (inside == 0).any():
            return None
        # Distance of each candidate box's centre (half a box beyond its top-left cell) from the canvas centre.
        dx = self._dx[: inside.shape[1]] + (wide - 1) * self.CELL / 2 / (self.width / self.height)
        dy = self._dy[: inside.shape[0]] + (high - 1) * self.CELL / 2
        distance = np.where(inside == 0, dy[:, None] ** 2 + dx[None, :] ** 2, np.inf)
        # argmin takes the first of equal distances in row order: the same input gives the same picture.
        row, col = np.unravel_index(int(np.argmin(distance)), distance.shape)
        self.taken[row : row + high, col : col + wide] = True
        return float(col * self.CELL + (wide * self.CELL - box_width) / 2), float(
            row * self.CELL + (high * self.CELL - box_height) / 2
        )


def _clean(text: str) -> str:
    return _NOT_XML.sub("", unicodedata.normalize("NFC", text))


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def wordcloud_svg(
    freqs: Iterable[tuple[str, int]],
    *,
    width: int = 1200,
    height: int = 600,
    font_family: str = "Sarabun, sans-serif",
    title: str = "Word cloud",
) -> str:
    """A standalone SVG document of the words in `freqs` ((word, count) pairs), most frequent largest and
    nearest the centre. Words that do not fit are left out; the placed ones are listed with their counts in
    the SVG's <desc> for screen readers. `title` is the accessible name (pass it translated)."""
    seen: set[str] = set()
    entries: list[tuple[str, int]] = []
    for word, count in sorted(((_clean(word), count) for word, count in freqs), key=_rank):
        if word.strip() and count > 0 and word not in seen:
            seen.add(word)
            entries.append((word, count))

    title = _clean(title)
    svg = ET.Element(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "viewBox": f"0 0 {width} {height}",
            "width": str(width),
            "height": str(height),
            "role": "img",
            "aria-label": title,
        },
    )
    ET.SubElement(svg, "title").text = title
    description = ET.SubElement(svg, "desc")
    ET.SubElement(svg, "rect", {"width": str(width), "height": str(height), "fill": "#ffffff"})
    group = ET.SubElement(svg, "g", {"font-family": font_family, "font-weight": "600", "text-anchor": "middle"})

    listed: list[str] = []
    if entries:
        # Sizes follow the canvas so that a smaller SVG is the same picture, not a crowded one.
        sizes = _font_sizes([count for _, count in entries], smallest=height * 0.03, largest=height * 0.16)
        canvas = _Canvas(width, height)
        for (word, count), size in zip(entries, sizes, strict=True):
            padding = 0.06 * size
            box_width = text_width(word, size) + 2 * padding
            corner = canvas.place(box_width, (ASCENT_EM + DESCENT_EM) * size + 2 * padding)
            if corner is None:
                continue
            x, baseline = corner[0] + box_width / 2, corner[1] + padding + ASCENT_EM * size
            text = ET.SubElement(
                group,
                "text",
                {
                    "x": _number(x),
                    "y": _number(baseline),
                    "font-size": _number(size),
                    "fill": PALETTE[len(listed) % len(PALETTE)],
                },
            )
            text.text = word  # ElementTree escapes <, > and & in text and attribute values
            listed.append(f"{word} ({count})")
    description.text = ", ".join(listed)
    return ET.tostring(svg, encoding="unicode")
