"""The brief and the minutes as PDF, laid out the way a Thai government office files them.

WeasyPrint lays out `templates/briefs/brief.html` and `templates/briefs/minutes.html` (style in
`templates/briefs/_print.css`) with the Sarabun font from `node_modules/`. Layout: A4, margins 3 cm left,
2 cm right, 2.5 cm top, 2 cm bottom, "- ๒ -" page numbers from page two (THAI-CONTEXT.md section 1);
structure: a National Health Assembly resolution (section 2). Both are pure functions of the brief
dictionary (`schema.md`) and fetch nothing: fonts and styles come from the repository only.

`thai_digits` writes Thai digits (stored characters, not a font trick) in prose, dates, page numbers and
numbering; counts and budgets in tables stay Arabic, as offices do. An English brief always uses Arabic.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, cast
from urllib.request import url2pathname

import pydyf
import segno
import weasyprint
import weasyprint.draw.text as weasy_text
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from pythainlp.corpus import thai_words
from pythainlp.tokenize import word_tokenize
from pythainlp.util import Trie, dict_trie
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from deliberate.briefs.officialese import NBSP, Voice
from deliberate.i18n import gettext, language, ngettext
from deliberate.settings import ROOT

TEMPLATES = ROOT / "templates"
SARABUN = ROOT / "node_modules" / "@expo-google-fonts" / "sarabun"
FONTS = {
    "regular": SARABUN / "400Regular" / "Sarabun_400Regular.ttf",
    "bold": SARABUN / "700Bold" / "Sarabun_700Bold.ttf",
}

ZWSP = "\u200b"
# A word with more letters than this (about 2.7 cm at 14 pt) may break between the words it is made of.
LONG_WORD = 10
_BODY = re.compile(r"<body\b[^>]*>")
_TAG = re.compile(r"(<[^>]*>)")
_UNIT = re.compile(r"[^ \t\r\n]+")  # between breakable spaces (a no-break space is inside a unit)
_THAI = re.compile("[\u0e01-\u0e5b]+")  # letters, vowels, marks and digits; no spaces
# Spaces that must not break a line: before a number, after a number followed by a word, before ๆ / ฯ.
_GLUED_SPACE = re.compile(r"(?<=\d) (?=[^\W\d])|(?<=\S) (?=[\d\u0e46\u0e2f])")  # \d: Arabic and Thai digits

# The ActualText patch below was checked against this WeasyPrint only; see install_actual_text.
PINNED_WEASYPRINT = "70.0"


# A printed brief is read, not searched: a one-page ranking, findings for the leading proposals of each
# issue, and in Annex A the first ANNEX_LIMIT proposals (the DOCX, XLSX, CSV and JSON carry every one).
# Without limits a session of 1,000 proposals made a PDF of some 700 pages that took minutes to lay out.
SUMMARY_LIMIT = 20
DETAIL_PER_THEME = 3
SECTOR_COLUMNS = 10
ANNEX_LIMIT = 200


def brief_pdf(brief: dict[str, Any], *, thai_digits: bool = True) -> bytes:
    """The brief: cover, parts 1-7 (summary, participation, findings, resolution, commitments, plan
    rows, follow-up), annexes, and a last line with the content hash and the audit chain head."""
    from deliberate.briefs import outline

    return render(
        "briefs/brief.html",
        brief,
        thai_digits,
        clause_note_lines=lambda c, f: ["".join(r.text for r in runs) for runs in outline.clause_notes(c, f)],
        not_adopted_line=outline.not_adopted_line,
        follow_up_ref=lambda item, f: outline.follow_up_ref(brief, item, f),
        summary_extras=lambda f: outline.summary_extras(brief, f),
    )


def minutes_pdf(brief: dict[str, Any], *, thai_digits: bool = True) -> bytes:
    """The session's record as minutes in the form-11 layout (รายงานการประชุม)."""
    return render("briefs/minutes.html", brief, thai_digits)


def render(template: str, brief: dict[str, Any], thai_digits: bool, **context: Any) -> bytes:
    """Lay out `template` with the brief (or any document dictionary with a "language") as `brief`, the
    voice (as `f`), the fonts, and the extra `context`; other documents (resolutions/render.py) reuse it."""
    install_actual_text()
    voice = Voice.of(brief, thai_digits, unbroken=True)
    lang = voice.lang
    with language(lang):
        html = (
            environment()
            .get_template(template)
            .render(
                brief=brief,
                lang=lang,
                f=voice,
                fonts={name: path.as_uri() for name, path in FONTS.items()},
                qr=_qr_svg((brief.get("links") or {}).get("open_data")),
                proposal_by_id={p["id"]: p for p in brief.get("proposals") or []},
                summary_limit=SUMMARY_LIMIT,
                detail_per_theme=DETAIL_PER_THEME,
                sector_columns=SECTOR_COLUMNS,
                annex_limit=ANNEX_LIMIT,
                **context,
            )
        )
    font_config = FontConfiguration()
    document = weasyprint.HTML(
        string=keep_thai_words(html), base_url=TEMPLATES.as_uri() + "/", url_fetcher=RepositoryFiles()
    )
    # weasyprint ships no types: write_pdf is Any to mypy, and returns the PDF's bytes when given no target.
    return cast(bytes, document.write_pdf(font_config=font_config))


@cache
def environment() -> Environment:
    # Same settings as the web layer's templating.py (and the babel extraction), without the web globals.
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(("html", "xml", "svg"), default_for_string=True, default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(_=gettext, gettext=gettext, ngettext=ngettext)
    return env


def _qr_svg(url: str | None) -> Markup | None:
    """The open-data link as an inline SVG QR code, sized by the style sheet (no width/height, a viewBox)."""
    if not url:
        return None
    svg = segno.make(url, error="m", micro=False).svg_inline(border=0, omitsize=True, dark="#000")
    return Markup(svg)  # noqa: S704 (segno's own markup; the URL is encoded in modules, never as text)


def keep_thai_words(html: str) -> str:
    """Let lines break between Thai words only, never inside one, and keep numbers with their words.

    Pango breaks Thai with libthai, which splits compounds and even plain words ("หน่วย|งาน", "ข้อ|เสนอ",
    "สนับ|สนุน") depending on where the line's text starts. Here every run of Thai letters in the body is
    cut into words by pythainlp (newmm, the segmenter the rest of deliberate uses); each word becomes a
    no-wrap span and a zero-width space between words is the only break opportunity inside the run.
    Compounds longer than LONG_WORD letters ("แสดงความคิดเห็น") may break between their parts, or
    they would leave half-empty lines. A space before or after a number ("พ.ศ. ๒๕๖๙", "๓๑๒ คน") and
    before ๆ or ฯ becomes a no-break space. The text layer drops the zero-width spaces and turns the
    no-break spaces back into spaces (see install_actual_text).
    """
    body = _BODY.search(html)
    if body is None:
        return html
    parts = _TAG.split(html[body.end() :])
    for i in range(0, len(parts), 2):  # even items are text between tags
        text = _GLUED_SPACE.sub(NBSP, parts[i])
        parts[i] = _UNIT.sub(_glue_unit, text) if _THAI.search(text) else text
    return html[: body.end()] + "".join(parts)


def _glue_unit(match: re.Match[str]) -> str:
    """Text between breakable spaces -> no-wrap spans, one per Thai word (with what is glued to it:
    punctuation, a number after a no-break space), joined by zero-width spaces."""
    unit = match.group()
    if not _THAI.search(unit):
        return unit
    groups, start = [""], 0
    for run in _THAI.finditer(unit):
        words = thai_words_of(run.group())
        groups[-1] += unit[start : run.start()] + words[0]
        groups += list(words[1:])
        start = run.end()
    groups[-1] += unit[start:]
    return ZWSP.join(f'<span class="w">{group}</span>' for group in groups)


@lru_cache(maxsize=50_000)  # theme names, labels and agency names recur on every page
def thai_words_of(run: str) -> tuple[str, ...]:
    words: list[str] = []
    for word in word_tokenize(run, engine="newmm"):
        if _letters(word) > LONG_WORD:
            words += word_tokenize(word, engine="newmm", custom_dict=_short_words())
        else:
            words.append(word)
    return tuple(words)


def _letters(word: str) -> int:
    """Letters on the base line: vowels above and below and tone marks do not count."""
    return sum(unicodedata.category(c) != "Mn" for c in word)


@cache
def _short_words() -> Trie:
    return dict_trie(word for word in thai_words() if _letters(word) <= LONG_WORD)


# weasyprint ships no types, so its URLFetcher is Any to mypy; weasyprint needs a subclass (it reads the
# base class's attributes), so the subclass stays and only the strict "subclassing Any" check is waived.
class RepositoryFiles(URLFetcher):  # type: ignore[misc]
    """Fetches file:// URLs inside the repository and refuses everything else, so a render never
    touches the network (a brief's data is escaped text, but a template slip must not go online)."""

    def fetch(self, url: str, headers: Any = None) -> Any:
        if not url.startswith("file:"):
            raise ValueError(f"refused to fetch {url!r}: PDFs are rendered from local files only")
        path = Path(url2pathname(url.split("?")[0].removeprefix("file:"))).resolve()
        if not path.is_relative_to(ROOT):
            raise ValueError(f"refused to fetch {url!r}: outside the repository")
        return super().fetch(url, headers)


def install_actual_text() -> None:
    """Make the PDF text layer say exactly what the page shows.

    WeasyPrint builds each font's ToUnicode map one glyph to one character. HarfBuzz shapes SARA AM (ำ)
    in Sarabun into a NIKHAHIT glyph and a SARA AA glyph, and moves tone marks with a y-offset, so a copy,
    a search or `pdftotext` read "สานักงาน" for "สำนักงาน" and put raised marks on a line of their own.
    Wrapping every drawn line in a `/Span <</ActualText (...)>> BDC ... EMC` marked-content sequence
    (PDF 32000-1, 14.9.4, replacement text) gives text extraction the line's real text instead. The
    zero-width and no-break spaces of keep_thai_words are taken out of that text again.

    It wraps a private function, so it is pinned to the WeasyPrint it was checked with: an upgrade
    fails here until someone re-checks that `draw_first_line(stream, textbox, ...)` still draws one line
    and that tests/briefs/test_render_pdf.py passes. Installing twice is a no-op.
    """
    if weasyprint.__version__ != PINNED_WEASYPRINT:
        raise RuntimeError(
            f"deliberate.briefs.render_pdf patches WeasyPrint {PINNED_WEASYPRINT}'s draw_first_line for a "
            f"correct Thai text layer; found WeasyPrint {weasyprint.__version__}: re-check the patch"
        )
    if getattr(weasy_text.draw_first_line, "deliberate_actual_text", False):
        return
    original = weasy_text.draw_first_line

    def draw_first_line(stream: Any, textbox: Any, *args: Any) -> Any:
        if not textbox.text.strip():
            return original(stream, textbox, *args)
        text = textbox.text.replace(ZWSP, "").replace(NBSP, " ")
        stream.begin_marked_content("Span", pydyf.Dictionary({"ActualText": pydyf.String(text)}))
        try:
            return original(stream, textbox, *args)
        finally:
            stream.end_marked_content()

    # The mark lives on the installed function itself, so it survives a re-import of this module; mypy
    # types a function without attributes of its own.
    draw_first_line.deliberate_actual_text = True  # type: ignore[attr-defined]
    weasy_text.draw_first_line = draw_first_line
