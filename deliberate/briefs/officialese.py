"""How a Thai government office writes numbers and dates (งานสารบรรณ): Buddhist-era years, Thai digits
by choice, "- ๒ -" page numbers, fiscal years that start in October.

pythainlp does the calendar and the digit mapping; this module only fixes the house style on top of it.
"""

from __future__ import annotations

import datetime as dt

from pythainlp.util import arabic_digit_to_thai_digit, thai_strftime

BE_OFFSET = 543


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


def short_date(day: dt.date | dt.datetime, thai: bool = False) -> str:
    """For tables: "15 พ.ย. 69"."""
    return thai_strftime(_as_datetime(day), "%-d %b %y", thaidigit=thai)


def be_year(day: dt.date | dt.datetime) -> int:
    return day.year + BE_OFFSET


def fiscal_year(day: dt.date | dt.datetime) -> int:
    """The Buddhist-era budget year a day falls in: October starts the next one."""
    return be_year(day) + (1 if day.month >= 10 else 0)


def page_number(n: int, thai: bool = True) -> str:
    """ "- ๒ -": official page numbers, shown from page two."""
    return f"- {digits(n, thai)} -"
