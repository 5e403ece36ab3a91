"""How a document writes numbers and dates: the Thai government office's way (งานสารบรรณ: Buddhist-era
years, Thai digits by choice, fiscal years that start in October), or plain English.

pythainlp does the calendar and the digit mapping; the functions here fix the house style on top of it,
and `Voice` applies them in a document's language and digit choice. Every renderer of the brief, the
minutes and the resolutions (Markdown, DOCX, PDF) writes its numbers and dates through a `Voice`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from pythainlp.util import arabic_digit_to_thai_digit, thai_digit_to_arabic_digit, thai_strftime

from deliberate.i18n import BANGKOK, DEFAULT_LANGUAGE, LANGUAGES
from deliberate.i18n import gettext as _

BE_OFFSET = 543
NBSP = "\u00a0"
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
EN_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def digits(value: object, thai: bool) -> str:
    """The text of `value` with Thai digits (๐-๙) when `thai`, as stored characters, not a font trick."""
    text = str(value)
    return arabic_digit_to_thai_digit(text) if thai and text else text


def number(value: float | int, thai: bool = False, places: int = 0) -> str:
    """1234567.5 -> "1,234,567.50" (Thai digits on request); tables keep Arabic by default."""
    return digits(f"{value:,.{places}f}", thai)


def _as_datetime(day: dt.date | dt.datetime) -> dt.datetime:
    return day if isinstance(day, dt.datetime) else dt.datetime(day.year, day.month, day.day)


def date_line(day: dt.date | dt.datetime, thai: bool = True) -> str:
    """A letter's or memo's date line: "๑๕ พฤศจิกายน ๒๕๖๙", no "พ.ศ."."""
    return thai_strftime(_as_datetime(day), "%-d %B %Y", thaidigit=thai)


def date_full(day: dt.date | dt.datetime, thai: bool = True) -> str:
    """In running text and announcements: "วันที่ ๑๕ พฤศจิกายน พ.ศ. ๒๕๖๙"."""
    return thai_strftime(_as_datetime(day), "วันที่ %-d %B พ.ศ. %Y", thaidigit=thai)


def meeting_date(day: dt.date | dt.datetime, thai: bool = True) -> str:
    """Minutes' "เมื่อ" line: "วันอาทิตย์ที่ ๑๕ พฤศจิกายน พ.ศ. ๒๕๖๙"."""
    return thai_strftime(_as_datetime(day), "%Aที่ %-d %B พ.ศ. %Y", thaidigit=thai)


def time_of_day(moment: dt.datetime, thai: bool = True) -> str:
    """ "๐๙.๓๐ น.", the way minutes give start and end times."""
    return digits(f"{moment:%H.%M} น.", thai)


def be_year(day: dt.date | dt.datetime) -> int:
    return day.year + BE_OFFSET


def fiscal_year(day: dt.date | dt.datetime) -> int:
    """The Buddhist-era budget year a day falls in: October starts the next one."""
    return be_year(day) + (1 if day.month >= 10 else 0)


def moment(value: str | dt.date | None) -> dt.date | dt.datetime | None:
    """ISO text from a document dictionary -> a date, or a datetime in Bangkok time."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.astimezone(BANGKOK) if value.tzinfo else value
    if isinstance(value, dt.date):
        return value
    if len(value) <= 10:
        return dt.date.fromisoformat(value)
    parsed = dt.datetime.fromisoformat(value)
    return parsed.astimezone(BANGKOK) if parsed.tzinfo else parsed


@dataclass(frozen=True)
class Voice:
    """A document's language and digit choice, applied to numbers and dates.

    `unbroken` is for print (render_pdf), which lays out its own lines: no space inside a date or a time
    may break there ("๑๕ พฤศจิกายน | พ.ศ. ๒๕๖๙" reads badly). Markdown and Word wrap text themselves, so
    only "พ.ศ. ๒๕๖๙" and the "น." of a time are held together.
    """

    lang: str
    thai: bool  # Thai digits in prose, dates and numbering
    unbroken: bool = False

    @classmethod
    def of(cls, document: dict[str, Any], thai_digits: bool = True, *, unbroken: bool = False) -> Voice:
        """The voice of a brief (or any document dictionary with a "language")."""
        lang = document.get("language") if document.get("language") in LANGUAGES else DEFAULT_LANGUAGE
        return cls(str(lang), thai_digits and lang == "th", unbroken)

    def _hold(self, text: str) -> str:
        if self.unbroken:
            return text.replace(" ", NBSP)
        return text.replace("พ.ศ. ", "พ.ศ." + NBSP).replace(" น.", NBSP + "น.")

    def d(self, value: object) -> str:
        """Digits as the document writes them: section, clause and meeting numbers."""
        return "" if value is None else digits(value, self.thai)

    def text(self, value: object) -> str:
        """A record's text in the document's one digit style: Thai digits become Arabic too when Arabic
        was chosen (the minutes quote titles and notes that people typed either way)."""
        out = self.d(value)
        return out if self.thai else thai_digit_to_arabic_digit(out) if out else out

    def num(self, value: float | int | None) -> str:
        """A count in running text: "1,234" or "๑,๒๓๔"."""
        return number(value or 0, self.thai)

    def people(self, n: int | None) -> str:
        """ "3 people" / "๓ คน" (English needs the singular; Thai has one form)."""
        return _("{n} person", n=self.num(n)) if n == 1 else _("{n} people", n=self.num(n))

    def tnum(self, value: float | int | None, places: int = 0) -> str:
        """A count or an amount in a table: always Arabic, "-" when there is none."""
        return "-" if value is None else number(value, False, places)

    def pct(self, share: float | None) -> str:
        """A share in running text: "ร้อยละ ๘๒" / "82%"."""
        return "" if share is None else _("{p}%", p=self.d(round(share * 100)))

    def tpct(self, share: float | None) -> str:
        return "-" if share is None else f"{round(share * 100)}%"

    def date(self, value: str | dt.date | None) -> str:
        """ "๑๕ พฤศจิกายน ๒๕๖๙" / "15 November 2026"."""
        day = moment(value)
        if day is None:
            return ""
        if self.lang == "th":
            return self._hold(date_line(day, self.thai))
        return self._hold(f"{day.day} {EN_MONTHS[day.month - 1]} {day.year}")

    def date_full(self, value: str | dt.date | None) -> str:
        """ "วันที่ ๑๕ พฤศจิกายน พ.ศ. ๒๕๖๙" / "15 November 2026", for running text."""
        day = moment(value)
        if day is None:
            return ""
        return self._hold(date_full(day, self.thai)) if self.lang == "th" else self.date(day)

    def date_span(self, start: str | None, end: str | None, full: bool = True) -> str:
        """An assembly's days, as running text ("วันที่ ... พ.ศ. ...") or as a date line (the PDF's cover)."""
        write = self.date_full if full else self.date
        if not end or end == start:
            return write(start)
        return _("{start} to {end}", start=write(start), end=write(end))

    def meeting_date(self, value: str | dt.date | None) -> str:
        """Minutes' "เมื่อ" line: "วันอาทิตย์ที่ ๑๕ พฤศจิกายน พ.ศ. ๒๕๖๙" / "Sunday 15 November 2026"."""
        day = moment(value)
        if day is None:
            return ""
        if self.lang == "th":
            return self._hold(meeting_date(day, self.thai))
        return self._hold(f"{EN_DAYS[day.weekday()]} {self.date(day)}")

    def time(self, value: str | dt.datetime | None) -> str:
        """ "๐๙.๐๐ น." / "09:00"."""
        when = moment(value)
        if not isinstance(when, dt.datetime):
            return ""
        return self._hold(time_of_day(when, self.thai)) if self.lang == "th" else f"{when:%H:%M}"
