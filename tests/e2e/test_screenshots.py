"""Screenshots of every page at phone and projector sizes, in Thai and English, to look at (not a check).

Runs only when DELIBERATE_SCREENSHOTS names a directory (outside the repository), e.g.
    DELIBERATE_SCREENSHOTS=/tmp/shots .venv/bin/pytest tests/e2e/test_screenshots.py
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.async_api import Browser

from tests.e2e.pages import LANGS, LARGE_PHONE, PHONE, PROJECTOR, Site

pytestmark = pytest.mark.asyncio(loop_scope="session")
OUT = os.environ.get("DELIBERATE_SCREENSHOTS", "")


@pytest.mark.skipif(not OUT, reason="set DELIBERATE_SCREENSHOTS=DIR to save screenshots of every page")
async def test_save_screenshots(chromium: Browser, site: Site) -> None:
    out = Path(OUT)
    saved = 0
    for lang in LANGS:
        for role, pages in site.by_role().items():
            context = await chromium.new_context(base_url=site.base_url)
            await context.add_cookies(site.playwright_cookies(role, lang))  # type: ignore[arg-type]
            page = await context.new_page()  # page.screenshot makes the directory
            for p in pages:
                sizes = [PROJECTOR] if p.screen == "projector" else [PHONE, LARGE_PHONE]
                for size in sizes:
                    await page.set_viewport_size(size)  # type: ignore[arg-type]
                    await page.goto(p.path)
                    await page.screenshot(path=str(out / f"{p.name}.{lang}.{size['width']}.png"), full_page=True)
                    saved += 1
            await context.close()
    assert saved >= 2 * len(site.pages)
