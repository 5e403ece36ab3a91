"""Thailand's provinces, districts and sub-districts (ตำบล), from the geothai package."""

from __future__ import annotations

from functools import cache

import geothai
from geothai.types import District, Subdistrict

from deliberate.i18n import get_language


def subdistrict_label(code: str) -> str:
    addr = geothai.address(code) if code else None
    if addr is None:
        return ""
    th = get_language() == "th"
    sub, dist = addr.subdistrict, addr.district
    return f"{sub.name_th} ({dist.name_th})" if th else f"{sub.name_en} ({dist.name_en})"


def is_subdistrict(code: object) -> bool:
    return isinstance(code, str) and len(code) == 6 and geothai.subdistrict(code) is not None


def is_area_in(code: str, province_code: str) -> bool:
    """A district (4 digits) or sub-district (6 digits) code of the province."""
    if not code.isdigit() or not province_code or not code.startswith(province_code):
        return False
    if len(code) == 4:
        return geothai.district(code) is not None
    return is_subdistrict(code)


def area_label(code: str) -> str:
    """A district or sub-district by name, with its official code."""
    if len(code) == 4:
        d = geothai.district(code)
        if d is None:
            return code
        return f"{d.name_th if get_language() == 'th' else d.name_en} ({code})"
    return f"{subdistrict_label(code) or code} ({code})"


@cache
def _province_groups(province_code: str) -> tuple[tuple[District, tuple[Subdistrict, ...]], ...]:
    return tuple((d, tuple(geothai.subdistricts(d.code))) for d in geothai.districts(province_code))


def subdistrict_choices(province_code: str) -> list[dict[str, object]]:
    """Districts of a province, each with its sub-districts, for a grouped select."""
    th = get_language() == "th"
    return [
        {
            "code": d.code,
            "label": d.name_th if th else d.name_en,
            "options": [(s.code, s.name_th if th else s.name_en) for s in subs],
        }
        for d, subs in _province_groups(province_code)
    ]


def province_name(code: str) -> str:
    p = geothai.province(code) if code else None
    if p is None:
        return ""
    return p.name_th if get_language() == "th" else p.name_en


def provinces() -> list[tuple[str, str]]:
    th = get_language() == "th"
    return [(p.code, p.name_th if th else p.name_en) for p in geothai.provinces()]


# Regions by the first digit of the province code, as the Department of Provincial Administration numbers
# provinces: 1 central, 2 east, 3-4 northeast, 5-6 north, 7 west, 8-9 south.
REGIONS = {"central": "1", "east": "2", "northeast": "34", "north": "56", "west": "7", "south": "89"}


def region_of(province_code: str) -> str:
    first = province_code[:1]
    return next((name for name, digits in REGIONS.items() if first and first in digits), "")


def provinces_in(region: str) -> list[str]:
    return [code for code, _ in provinces() if region_of(code) == region]
