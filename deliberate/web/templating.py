"""Jinja2 templates with autoescape, translations and Thai date and digit filters."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape
from starlette.templating import Jinja2Templates

from deliberate import geo
from deliberate.i18n import BANGKOK, get_language, gettext, ngettext
from deliberate.opinion import group_name
from deliberate.privacy.notice import PRIVACY_NOTICE
from deliberate.sessions.phases import ACTION_LABELS, PHASE_HINTS, PHASE_LABELS, STATUS_LABELS
from deliberate.sessions.vocab import SECTORS, TARGET_GROUPS
from deliberate.settings import ROOT
from deliberate.thaitext.wrap import LONGEST, THAI, pieces
from deliberate.web.assets import asset
from deliberate.web.urls import url

THAI_MONTHS = (
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
)
EN_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def long_date(value: date | datetime | None) -> str:
    """'22 พฤศจิกายน 2569' in Thai (Buddhist era), '22 November 2026' in English."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(BANGKOK).date()
    if get_language() == "th":
        return f"{value.day} {THAI_MONTHS[value.month - 1]} {value.year + 543}"
    return f"{value.day} {EN_MONTHS[value.month - 1]} {value.year}"


def clock(value: datetime | None) -> str:
    return value.astimezone(BANGKOK).strftime("%H:%M") if value else ""


def iso(value: datetime | None) -> str:
    return value.isoformat() if value else ""


@lru_cache(maxsize=8192)
def words(text: str) -> Markup:
    """Thai text that breaks across lines only between words (thaitext/wrap.py): each Thai word is kept
    whole (`.w` is nowrap) with a <wbr> after it. Other text is left as it is, so a long URL or code (no
    Thai, or longer than LONGEST) can still break anywhere where the CSS lets it. The text is unchanged."""
    out = []
    for piece in pieces(text):
        if THAI.search(piece) and len(piece) <= LONGEST:
            out.append(Markup('<span class="w">{}</span><wbr>').format(piece))
        else:
            out.append(escape(piece))
    return Markup("").join(out)


def build_environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(ROOT / "templates"),
        autoescape=select_autoescape(("html", "xml", "svg"), default_for_string=True, default=True),
        trim_blocks=True,
        lstrip_blocks=True,
        # Templates do not change under a running server: without this, every include (a board includes a
        # card per proposal) stats its file to see whether to reload it.
        auto_reload=False,
    )
    env.globals.update(
        _=gettext,
        gettext=gettext,
        asset=asset,
        url=url,
        group_name=group_name,
        ngettext=ngettext,
        lang=get_language,
        phase_labels=PHASE_LABELS,
        phase_hints=PHASE_HINTS,
        sectors=SECTORS,
        target_groups=TARGET_GROUPS,
        subdistrict_label=geo.subdistrict_label,
        province_name=geo.province_name,
        action_labels=ACTION_LABELS,
        status_labels=STATUS_LABELS,
        privacy_notice=PRIVACY_NOTICE.translated,
    )
    env.filters.update(long_date=long_date, clock=clock, iso=iso, words=words)
    return env


templates = Jinja2Templates(env=build_environment())
