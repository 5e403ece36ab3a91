"""Checking and cleaning the text people type.

What every text field gets, in this order (`clean_text`):

1. NFC, with CR LF and CR as LF, and line/paragraph separators (U+2028/2029) as LF.
2. Lone surrogates dropped: JSON lets `"\\ud800"` through, and no database can store one.
3. Control characters dropped, except newline and tab; so are the invisible format characters (Unicode
   category Cf: zero-width space and non-joiner, bidi overrides and isolates, the BOM, soft hyphen, tags...),
   which spoof names and break layout. The one kept is a zero-width joiner inside an emoji sequence
   (between two symbols), so a family or a rainbow flag stays one picture.
4. Odd spaces (no-break, ideographic, thin...) and characters that draw as nothing (Hangul fillers, the
   Braille blank) become a plain space, so an "empty" name is seen as empty.
5. At most MAX_MARKS combining marks on one base character: Thai stacks at most a vowel and a tone mark
   on a consonant (three with the rare nikhahit), so the rest of a "Zalgo" flood is dropped, not refused.
6. Spaces collapsed and the text trimmed (one line, or paragraphs for `multiline`), then the limits checked
   on what is left, in characters.

Display names (`display_name`) also refuse a word that mixes Latin with Cyrillic or Greek letters, the
classic homoglyph spoof ("Sоmchai" with a Cyrillic о). Thai and Latin words side by side are normal.
"""

from __future__ import annotations

import re
import unicodedata

from deliberate.errors import ValidationError
from deliberate.i18n import N_

MAX_MARKS = 3
INT_LIMIT = 2**31
_ZWJ = "\u200d"
# Drawn as nothing, yet letters or symbols to Unicode: the trick behind names that look empty.
_BLANKS = {"\u115f", "\u1160", "\u3164", "\uffa0", "\u2800"}
_SPACES = re.compile(r"[ \t]+")
_BLANK_LINES = re.compile(r"\n{3,}")
_NOT_ASCII = re.compile(r"[^\x20-\x7e\n]")  # the fast path: plain ASCII needs no scan
_SPOOFABLE = {"LATIN", "CYRILLIC", "GREEK"}


def _is_symbol(ch: str) -> bool:
    return unicodedata.category(ch) in ("So", "Sk") or "\ufe00" <= ch <= "\ufe0f" or "\U0001f3fb" <= ch <= "\U0001f3ff"


def _scrub(text: str) -> str:
    """Steps 2 to 5 above, one character at a time."""
    out: list[str] = []
    marks = 0
    for i, ch in enumerate(text):
        category = unicodedata.category(ch)
        if ch in "\n\t":
            out.append(ch)
            marks = 0
        elif category in ("Cc", "Cs"):
            continue
        elif category == "Cf":
            if ch == _ZWJ and out and _is_symbol(out[-1]) and i + 1 < len(text) and _is_symbol(text[i + 1]):
                out.append(ch)
        elif category == "Zs" or ch in _BLANKS:
            out.append(" ")
            marks = 0
        elif category in ("Mn", "Me", "Mc"):
            marks += 1
            if marks <= MAX_MARKS:
                out.append(ch)
        else:
            out.append(ch)
            marks = 0
    return "".join(out)


def clean_text(
    value: object,
    *,
    field: str,
    max_length: int,
    min_length: int = 1,
    multiline: bool = False,
    required: bool = True,
) -> str:
    """Return `value` as clean NFC text within limits, or raise a ValidationError naming `field`."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(N_("This field must be text."), field=field)
    text = value.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    if _NOT_ASCII.search(text):
        text = _scrub(text)
    text = unicodedata.normalize("NFC", text)
    if multiline:
        text = "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n"))
        text = _BLANK_LINES.sub("\n\n", text).strip()
    else:
        text = _SPACES.sub(" ", text.replace("\n", " ")).strip()
    if not text:
        if required:
            raise ValidationError(N_("Please fill in this field."), field=field)
        return ""
    if len(text) < min_length:
        raise ValidationError(N_("Please write at least {n} characters."), field=field, n=min_length)
    if len(text) > max_length:
        raise ValidationError(
            N_("Please keep this under {n} characters (you wrote {m})."), field=field, n=max_length, m=len(text)
        )
    return text


def _scripts(word: str) -> set[str]:
    found = set()
    for ch in word:
        if ch.isalpha():
            name = unicodedata.name(ch, "")
            found.add(name.split(" ", 1)[0])
    return found


def display_name(value: object, *, field: str, max_length: int = 60) -> str:
    """A person's name as others will see it: `clean_text`, and no word mixing look-alike alphabets."""
    name = clean_text(value, field=field, max_length=max_length)
    for word in name.split(" "):
        scripts = _scripts(word) & _SPOOFABLE
        if "LATIN" in scripts and len(scripts) > 1:
            raise ValidationError(
                N_(
                    "Please write each word of a name in one alphabet: it mixes letters that "
                    "look alike from different alphabets."
                ),
                field=field,
            )
    return name


def choice(value: object, options: tuple[str, ...] | list[str], *, field: str, required: bool = True) -> str:
    if value in (None, "") and not required:
        return ""
    if not isinstance(value, str) or value not in options:
        raise ValidationError(N_("Please choose one of the options."), field=field)
    return value


def is_id(value: object) -> bool:
    """Whether `value` (from JSON) can be a row id: a positive integer a 32-bit column holds."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < INT_LIMIT


def as_int(value: object, *, field: str) -> int:
    """An integer a database column can hold (32-bit: ids, counts, years); digits may be Thai."""
    if isinstance(value, str) and value.strip().isdecimal() and len(value.strip()) < 12:
        value = int(value.strip())
    if isinstance(value, int) and not isinstance(value, bool) and -INT_LIMIT < value < INT_LIMIT:
        return value
    raise ValidationError(N_("Please choose one of the options."), field=field)
