"""The hall's screen cannot be scrolled: every projector view fits a 1920×1080 projector whole, in Thai and in
English, with the seeded demo assembly (eleven strategic issues) and with the most a session can hold
(thirty strategic issues with long names, the longest titles people may write, all on the board at once)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Page
from playwright.async_api import TimeoutError as PlaywrightTimeout

from tests.e2e.conftest import Facilitator
from tests.e2e.pages import LANGS, PROJECTOR, Site

pytestmark = pytest.mark.asyncio(loop_scope="session")

FITS = ("screen", "screen-map", "screen-cloud", "screen-results", "screen-resolution", "screen-pledges")
MAX_THEMES, MAX_TITLE = 30, 140
FITTED = (
    f"document.documentElement.scrollHeight <= {PROJECTOR['height']} && "
    f"document.documentElement.scrollWidth <= {PROJECTOR['width']}"
)


async def size_and_zoom(page: Page) -> tuple[int, int, float]:
    """The page's size once the screen has been fitted (or after 5 s), and the zoom it took."""
    await page.evaluate("document.fonts.ready")
    with contextlib.suppress(PlaywrightTimeout):  # reported by the caller, with the sizes
        await page.wait_for_function(FITTED, timeout=5_000)
    return tuple(
        await page.evaluate(  # type: ignore[return-value]
            "[document.documentElement.scrollWidth, document.documentElement.scrollHeight, "
            "parseFloat(document.querySelector('.screen').style.zoom || '1')]"
        )
    )


@pytest.mark.parametrize("lang", LANGS)
async def test_every_projector_view_of_the_demo_fits_the_screen(
    site: Site, as_role: Callable[..., Awaitable[Page]], lang: str
) -> None:
    page = await as_role("public", lang, viewport=PROJECTOR)
    views = [p for p in site.pages if p.name in FITS]
    assert {p.name for p in views} == set(FITS)
    overflow = {}
    for view in views:
        await page.goto(view.path)
        width, height, zoom = await size_and_zoom(page)
        if shots := os.environ.get("DELIBERATE_SCREENSHOTS"):
            await page.screenshot(path=str(Path(shots) / f"projector-demo-{view.name}-{lang}.png"))
        if height > PROJECTOR["height"] or width > PROJECTOR["width"] or zoom < 0.8:
            overflow[view.name] = (width, height, zoom)
    assert not overflow, f"views that do not fit {PROJECTOR['width']}×{PROJECTOR['height']} at 80 % or more: {overflow}"


async def test_the_fullest_session_still_fits_the_screen(facilitator_api: Facilitator, chromium: Any) -> None:
    themes = [f"{i + 1:02d} " + ("ประเด็นยุทธศาสตร์การพัฒนาสวัสดิการชุมชนและคุณภาพชีวิต " * 4)[:190] for i in range(MAX_THEMES)]
    code, theme_ids = await facilitator_api.new_session(themes)
    title = "ให้องค์การบริหารส่วนตำบลจัดตั้งกองทุนสวัสดิการผู้สูงอายุติดบ้านติดเตียงร่วมกับอาสาสมัคร" * 3
    for t, theme_id in enumerate(theme_ids.values()):
        author = await facilitator_api.someone_else(code, f"ผู้เสนอ {t + 1}")
        for n in range(3):
            await facilitator_api.post(
                f"/api/v1/sessions/{code}/proposals",
                {
                    "title": f"{t + 1}.{n + 1} {title}"[:MAX_TITLE],
                    "body": "รายละเอียด",
                    "theme_id": theme_id,
                    "target_groups": ["everyone"],
                },
                headers=author,
            )
    await facilitator_api.phase(code, "voting")

    context = await chromium.new_context(base_url=str(facilitator_api.http.base_url), viewport=PROJECTOR)
    try:
        page = await context.new_page()
        await page.goto(f"/s/{code}/screen")
        assert await page.locator(".leader-theme").count() == MAX_THEMES
        width, height, zoom = await size_and_zoom(page)
        if shots := os.environ.get("DELIBERATE_SCREENSHOTS"):
            await page.screenshot(path=str(Path(shots) / "projector-fullest.png"))
        assert height <= PROJECTOR["height"] and width <= PROJECTOR["width"], (width, height, zoom)
        assert zoom < 1  # this much needed the screen drawn smaller...
        # ...and every line is still there, clamped, not cut off below the edge.
        last = await page.locator(".leader-theme").last.bounding_box()
        assert last is not None and last["y"] + last["height"] <= PROJECTOR["height"]
    finally:
        await context.close()
