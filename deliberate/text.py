"""Checking and cleaning the text people type: NFC, trimmed, within limits, no control characters."""

from __future__ import annotations

import re
import unicodedata

from deliberate.errors import ValidationError
from deliberate.i18n import N_

# Control characters other than newline and tab, and the invisible format characters that are used
# to spoof or break layout (zero-width space/joiners, bidi overrides, BOM).
_INVISIBLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_SPACES = re.compile(r"[ \t]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def clean_text(
    value: object,
    *,
    field: str,
    max_length: int,
    min_length: int = 1,
    multiline: bool = False,
    required: bool = True,
) -> str:
    """Return `value` as NFC text within limits, or raise a ValidationError naming `field`."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(N_("This field must be text."), field=field)
    text = unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n"))
    text = _INVISIBLE.sub("", text)
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


def choice(value: object, options: tuple[str, ...] | list[str], *, field: str, required: bool = True) -> str:
    if value in (None, "") and not required:
        return ""
    if not isinstance(value, str) or value not in options:
        raise ValidationError(N_("Please choose one of the options."), field=field)
    return value


def as_int(value: object, *, field: str) -> int:
    if isinstance(value, bool):
        raise ValidationError(N_("Please choose one of the options."), field=field)
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) < 12:
        return int(value.strip())
    raise ValidationError(N_("Please choose one of the options."), field=field)
