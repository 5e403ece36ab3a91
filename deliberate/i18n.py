"""Translations: Thai first, English one tap away.

Source strings are written in English and looked up in gettext catalogues under `deliberate/locale/`.
The Thai catalogue must translate every string (a test extracts them from the code and templates).
The current language lives in a context variable so services, templates and errors agree on it.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.messages.pofile import read_po

# Days and times people see are Thailand's, whatever the server's clock zone.
BANGKOK = ZoneInfo("Asia/Bangkok")

LANGUAGES = ("th", "en")
DEFAULT_LANGUAGE = "th"
LOCALE_DIR = Path(__file__).parent / "locale"

_language: contextvars.ContextVar[str] = contextvars.ContextVar("language", default=DEFAULT_LANGUAGE)


@cache
def catalogue(language: str) -> dict[str, str]:
    return read_catalogue(LOCALE_DIR / language / "LC_MESSAGES" / "messages.po", language)


def read_catalogue(path: Path, language: str) -> dict[str, str]:
    if not path.exists():
        return {}
    with path.open("rb") as f:
        po = read_po(f, locale=language)
    out: dict[str, str] = {}
    for m in po:
        if not m.id or m.fuzzy:
            continue
        if isinstance(m.id, tuple):
            # A plural entry: Thai has one form for both, English a singular and a plural.
            forms = [str(f) for f in m.string or ()]
            if forms and all(forms):
                out[str(m.id[0])], out[str(m.id[1])] = forms[0], forms[-1]
        elif m.string:
            out[str(m.id)] = str(m.string)
    return out


def get_language() -> str:
    return _language.get()


def set_language(language: str) -> contextvars.Token[str]:
    return _language.set(language if language in LANGUAGES else DEFAULT_LANGUAGE)


@contextmanager
def language(lang: str) -> Iterator[None]:
    token = set_language(lang)
    try:
        yield
    finally:
        _language.reset(token)


def gettext(message: str, **params: object) -> str:
    text = catalogue(get_language()).get(message, message)
    return text.format(**params) if params else text


def ngettext(singular: str, plural: str, n: int, **params: object) -> str:
    # Thai has no plural forms; English needs two.
    return gettext(singular if n == 1 else plural, n=n, **params)


_ = gettext


def N_(message: str) -> str:
    """Mark a string for extraction without translating it yet."""
    return message


def negotiate(accept_language: str | None) -> str:
    for part in (accept_language or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return DEFAULT_LANGUAGE
