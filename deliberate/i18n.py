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

from babel.messages.pofile import read_po

LANGUAGES = ("th", "en")
DEFAULT_LANGUAGE = "th"
LOCALE_DIR = Path(__file__).parent / "locale"

_language: contextvars.ContextVar[str] = contextvars.ContextVar("language", default=DEFAULT_LANGUAGE)


@cache
def catalogue(language: str) -> dict[str, str]:
    path = LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        return {}
    with path.open("rb") as f:
        po = read_po(f, locale=language)
    return {str(m.id): str(m.string) for m in po if m.id and m.string and not m.fuzzy}


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
