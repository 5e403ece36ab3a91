"""The hall's screen cannot be scrolled: each projector view of the seeded demo assembly (eleven strategic
issues, as in a provincial welfare assembly) fits a 1920×1080 projector whole, in Thai and in English."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from playwright.async_api import Browser

from tests.conftest import Served
from tests.e2e.pages import LANGS, PROJECTOR, Site, build_site

pytestmark = pytest.mark.asyncio(loop_scope="session")

FITS = ("screen", "screen-map", "screen-cloud", "screen-results", "screen-resolution", "screen-pledges")


@pytest_asyncio.fixture(loop_scope="session")
async def site(served: Served) -> Site:
    return await build_site(served)


@pytest_asyncio.fixture(loop_scope="session")
async def projector(chromium: Browser, site: Site) -> AsyncIterator[Any]:
    made = []

    async def make(lang: str) -> Any:
        context = await chromium.new_context(base_url=site.base_url, viewport=PROJECTOR)  # type: ignore[arg-type]
        await context.add_cookies(site.playwright_cookies("public", lang))  # type: ignore[arg-type]
        made.append(context)
        return await context.new_page()

    yield make
    for c in made:
        await c.close()


@pytest.mark.parametrize("lang", LANGS)
async def test_every_projector_view_fits_the_screen_without_scrolling(site: Site, projector: Any, lang: str) -> None:
    page = await projector(lang)
    views = [p for p in site.pages if p.name in FITS]
    assert {p.name for p in views} == set(FITS)
    overflow = {}
    for view in views:
        await page.goto(view.path)
        await page.evaluate("document.fonts.ready")
        height = await page.evaluate("document.documentElement.scrollHeight")
        width = await page.evaluate("document.documentElement.scrollWidth")
        if height > PROJECTOR["height"] or width > PROJECTOR["width"]:
            overflow[view.name] = (width, height)
    assert not overflow, f"taller or wider than {PROJECTOR['width']}×{PROJECTOR['height']}: {overflow}"
