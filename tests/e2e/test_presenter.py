"""Presenter mode in real Chromium: the facilitator's console (1366×768) drives the projector (1920×1080).
A click or a key on the console changes the projector's view live, within a second, without a reload; the
results bars grow as votes arrive. Screenshots go to $DELIBERATE_SCREENSHOTS when it is set."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Page, expect

from tests.conftest import Served
from tests.e2e.conftest import Facilitator
from tests.e2e.pages import PROJECTOR

pytestmark = pytest.mark.asyncio(loop_scope="session")

LAPTOP = {"width": 1366, "height": 768}
LIVE_MS = 1_000  # the contract: the projector follows within a second


async def console_page(chromium: Any, served: Served, login: tuple[str, str]) -> Page:
    context = await chromium.new_context(base_url=served.base_url, viewport=LAPTOP, locale="th-TH")
    context.set_default_timeout(10_000)
    page = await context.new_page()
    await page.goto("/staff/login")
    await page.locator("#email").fill(login[0])
    await page.locator("#password").fill(login[1])
    await page.locator("form button[type=submit]").click()
    await expect(page).not_to_have_url(re.compile(r"/staff/login"))
    return page


async def test_the_console_drives_the_projector_live(
    facilitator_api: Facilitator, chromium: Any, served: Served, staff_login: tuple[str, str]
) -> None:
    code, themes = await facilitator_api.new_session(["ผู้สูงอายุ", "อาชีพและรายได้"])
    author = await facilitator_api.someone_else(code, "ป้าแดง")
    ids = [
        (
            await facilitator_api.post(
                f"/api/v1/sessions/{code}/proposals",
                {"title": title, "body": "รายละเอียด", "theme_id": list(themes.values())[0]},
                headers=author,
            )
        )["id"]
        for title in ("ศูนย์ดูแลผู้สูงอายุในตำบล", "รถรับส่งผู้สูงอายุไปโรงพยาบาล")
    ]
    await facilitator_api.phase(code, "voting")
    projector_context = await chromium.new_context(base_url=served.base_url, viewport=PROJECTOR, locale="th-TH")
    desk = await console_page(chromium, served, staff_login)
    try:
        screen = await projector_context.new_page()
        await screen.goto(f"/s/{code}/screen")
        await expect(screen.locator('main[data-view="board"]')).to_be_attached()
        await screen.evaluate("window.notReloaded = true")
        await desk.goto(f"/staff/s/{code}")
        shortcuts = desk.locator("#presenter .shortcuts")
        await expect(shortcuts).to_be_visible()  # the keys are listed where the facilitator looks
        await expect(shortcuts).to_contain_text("หน้าจอถัดไป")

        # A click on the console's button.
        await desk.locator('[data-screen-view="join"]').click()
        await expect(screen.locator('main[data-view="join"]')).to_be_attached(timeout=LIVE_MS)
        await expect(screen.locator(".join-code-big")).to_have_text(code)
        await expect(desk.locator("#screen-now")).to_have_attribute("data-view", "join")
        # Keys: next view (N), a view by number, spotlight next (S), the timer (T).
        await expect(desk.locator('[data-screen-view="join"]')).to_have_attribute("aria-pressed", "true")
        await desk.keyboard.press("n")
        await expect(screen.locator('main[data-view="board"]')).to_be_attached(timeout=LIVE_MS)
        await expect(desk.locator('[data-screen-view="board"]')).to_have_attribute("aria-pressed", "true")
        await desk.keyboard.press("4")
        await expect(screen.locator('main[data-view="results"]')).to_be_attached(timeout=LIVE_MS)
        await expect(screen.locator(".bar-row")).to_have_count(2)
        await expect(desk.locator('[data-screen-view="results"]')).to_have_attribute("aria-pressed", "true")
        await desk.wait_for_load_state()
        await shot(desk, "console")
        # A vote arrives: the bars move without a reload.
        voter = await facilitator_api.someone_else(code, "ลุงเพิ่ม")
        await facilitator_api.post(f"/api/v1/proposals/{ids[1]}/support", {}, headers=voter)
        await expect(screen.locator(f"#result-{ids[1]} .bar")).to_have_attribute("data-share", "100.0", timeout=LIVE_MS)
        await expect(screen.locator(f"#result-{ids[1]} .bar-figure")).to_contain_text("1")
        await desk.keyboard.press("s")
        await expect(screen.locator('main[data-view="spotlight"]')).to_be_attached(timeout=LIVE_MS)
        await expect(screen.locator("#spotlight h2")).to_have_text("ศูนย์ดูแลผู้สูงอายุในตำบล")
        # The console answered the form with itself again: "spotlight next" now means the next proposal.
        await expect(desk.locator('[data-shortcut="s"] [name=proposal_id]')).to_have_value(str(ids[1]))
        await desk.keyboard.press("s")
        await expect(screen.locator("#spotlight h2")).to_have_text("รถรับส่งผู้สูงอายุไปโรงพยาบาล", timeout=LIVE_MS)
        await expect(desk.locator('[data-shortcut="s"] [name=proposal_id]')).to_have_value(str(ids[0]))
        await desk.keyboard.press("8")
        await expect(screen.locator('main[data-view="timer"]')).to_be_attached(timeout=LIVE_MS)
        await expect(screen.locator(".timer-empty")).to_be_visible()
        await expect(desk.locator('[data-screen-view="timer"]')).to_have_attribute("aria-pressed", "true")
        await desk.keyboard.press("t")
        big = screen.locator("#timer .timer-left")
        await expect(big).to_have_text(re.compile(r"^[45]:\d\d$"), timeout=2 * LIVE_MS)
        assert float(await big.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")) >= 300
        await shot(screen, "timer")
        await expect(desk.locator('[data-shortcut="t"] button')).to_contain_text("หยุดจับเวลา")
        await desk.keyboard.press("t")
        await expect(screen.locator("#timer")).to_be_hidden(timeout=LIVE_MS)
        # A key typed into a field is text, not a shortcut.
        await expect(desk.locator("#presenter-minutes")).to_be_visible()
        await desk.locator("#presenter-minutes").press("1")
        await expect(screen.locator('main[data-view="timer"]')).to_be_attached()
        assert await screen.evaluate("window.notReloaded === true")  # every change came live
    finally:
        await projector_context.close()
        await desk.context.close()


async def shot(page: Page, name: str) -> None:
    if shots := os.environ.get("DELIBERATE_SCREENSHOTS"):
        await page.screenshot(path=str(Path(shots) / f"presenter-{name}.png"))
