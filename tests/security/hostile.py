"""A corpus of hostile input, Thai and English, and the checks that say it was made harmless.

Each value is something a person (or a script) could type into any text field. What the app must do with it
(see deliberate/text.py for the text policy): store it as inert text, cleaned, or refuse it with a clear
message; never run it, never answer a server error.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from bs4 import BeautifulSoup

from deliberate.text import MAX_MARKS

HOSTILE: dict[str, str] = {
    # markup and script
    "script": '<script>alert("xss")</script>',
    "script_th": 'ข้อเสนอ<script>alert("แฮก")</script>ดี',
    "img_onerror": '<img src=x onerror=alert("xss")>',
    "svg_onload": "<svg/onload=alert(1)>รูป",
    "attr_double": '" onmouseover="alert(1)" data-x="',
    "attr_single": "' autofocus onfocus='alert(1)' '",
    "js_url": "javascript:alert(document.cookie)",
    "htmx_attr": '<div hx-get="/staff" data-hx-get="/staff" data-hx-trigger="load">ดูข้อมูล</div>',
    "template": "{{ 7*7 }} {% if 1 %}แม่แบบ{% endif %} ${7*7} #{7*7}",
    "entities": "ตัว &lt;b&gt; &amp; &#60;script&#62; และ </textarea></title>",
    "comment_close": "--> <!-- ]]> สิ้นสุด",
    # invisible and control characters
    "zero_width": "สม\u200bชาย\u200c ใจ\u200dดี\u2060\ufeff",
    "bidi": "ชื่อ\u202etxt.exe\u202c \u2066ซ่อน\u2069 \u200fabc",
    "controls": "ก\x00ข\x07ค\x1bง\x7fจ\x85ฉ",
    "newlines": "บรรทัด\r\nสอง\rสาม\u2028สี่\u2029ห้า\n\n\n\n\nหก",
    "blank_name": "\u3164\u3164 \u2800",
    "lone_surrogate": "ข้อความ\ud800ครึ่ง\udfff",
    # combining-mark floods (Zalgo) on Thai and Latin
    "combining_flood_th": "ก" + "\u0e49" * 40 + "ข" + "\u0e48\u0e34" * 20,
    "combining_flood_en": "Z" + "\u0301\u0316\u0337" * 30 + "algo",
    # look-alike letters: Cyrillic о and а inside Latin words
    "homoglyph": "S\u043emch\u0430i Admin",
    "homoglyph_th": "สมชาย P\u0430yap",
    # SQL metacharacters
    "sql": "'; DROP TABLE proposal; --",
    "sql_th": "ข้อเสนอ' OR '1'='1' /* ความเห็น */",
    "sql_like": "100% _ \\ \\' \"",
    # spreadsheet formula starts
    "formula_eq": '=HYPERLINK("http://evil.example/","คลิกที่นี่")',
    "formula_plus": "+cmd|' /C calc'!A0",
    "formula_minus": "-2+3+cmd|' /C notepad'!A0",
    "formula_at": "@SUM(1+9)*cmd|' /C calc'!A0",
    "formula_tab": "\t=1+1",
    # big, and emoji that must survive
    "long": "ยาวมาก " * 1200,
    "emoji": "👨\u200d👩\u200d👧 ครอบครัว 🏳\ufe0f\u200d🌈",
}
# What every field of every API operation and HTML form receives; the whole corpus goes through the fields
# people type most (proposals, comments, names, statements).
CORE = (
    "script_th",
    "img_onerror",
    "attr_double",
    "htmx_attr",
    "zero_width",
    "bidi",
    "controls",
    "combining_flood_th",
    "sql_th",
    "formula_eq",
    "lone_surrogate",
    "long",
)

MARKERS = ("alert(", "onmouseover=", "onfocus=", "onerror=", "onload=", 'hx-get="/staff"', "javascript:alert")
_EVENT_ATTR = re.compile(r"^on[a-z]+$")
_FORBIDDEN = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u200c\u200e\u200f\u202a-\u202e\u2060-\u2069"
    r"\ufeff\ud800-\udfff\u3164\u2800]"
)


def unsafe_markup(html: str) -> list[str]:
    """What in a rendered page shows that hostile text escaped its escaping: script elements made of our
    text, event-handler or broken-out attributes, injected elements. Empty when the page is safe. (Escaped
    hostile text may stand anywhere, in text or in an attribute's value: that is what safe looks like.)"""
    problems = []
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup.find_all(True):
        for name in tag.attrs:
            if _EVENT_ATTR.match(name) or name == "data-x":  # data-x: made by breaking out of a quoted value
                problems.append(f"<{tag.name} {name}=...>")
        if tag.name in ("script", "svg", "img") and any(m in str(tag) for m in MARKERS):
            problems.append(str(tag)[:80])
        if "/staff" in (tag.get("hx-get"), tag.get("data-hx-get")):
            problems.append(str(tag)[:80])
    return problems


def unclean(value: str) -> str | None:
    """Why a stored string breaks the text policy (deliberate/text.py), or None when it keeps it."""
    if _FORBIDDEN.search(value):
        return f"forbidden character U+{ord(_FORBIDDEN.search(value).group()):04X}"  # type: ignore[union-attr]
    run = 0
    for ch in value:
        run = run + 1 if unicodedata.category(ch) in ("Mn", "Me", "Mc") else 0
        if run > MAX_MARKS:
            return "a flood of combining marks"
    if value != unicodedata.normalize("NFC", value):
        return "not NFC"
    return None


def strings_in(value: Any) -> list[str]:
    """Every string inside a stored value (JSON columns hold lists and objects of them)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in strings_in(k) + strings_in(v)]
    if isinstance(value, (list, tuple)):
        return [s for v in value for s in strings_in(v)]
    return []


# What a participant's phone calls in the API; everything else is called as the facilitator.
PARTICIPANT_OPS = {
    "POST /api/v1/sessions/{code}/participants",
    "POST /api/v1/sessions/{code}/proposals",
    "POST /api/v1/sessions/{code}/rankings",
    "POST /api/v1/sessions/{code}/statements",
    "GET /api/v1/sessions/{code}/statements/next",
    "POST /api/v1/clauses/{clause_id}/amendments",
    "POST /api/v1/clauses/{clause_id}/comments",
    "POST /api/v1/amendments/{amendment_id}/backers",
    "POST /api/v1/checks/{check_id}/answers",
    "POST /api/v1/proposals/{proposal_id}/commitments",
    "POST /api/v1/proposals/{proposal_id}/votes",
    "POST /api/v1/proposals/{proposal_id}/comments",
    "POST /api/v1/proposals/{proposal_id}/support",
    "DELETE /api/v1/proposals/{proposal_id}/support",
}
