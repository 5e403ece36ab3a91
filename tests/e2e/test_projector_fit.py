"""The hall's screen is read from the back of a ballroom and cannot be scrolled: at 1920×1080 every projector
view's main text is at least 40 px, no text is below 32 px (nothing is drawn smaller to fit), and nothing
runs off the screen: what does not fit is paged, and the results show only the bars that fit. Checked in
Thai and English on the seeded demo assembly (eleven strategic issues), and on the most a session can hold
(thirty strategic issues with long names, the longest titles people may write, all on the board at once)."""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Page, expect

from tests.e2e.conftest import COUNT_SOCKETS, Facilitator
from tests.e2e.pages import LANGS, PROJECTOR, Site
from tests.e2e.test_journeys_rooms import listening

pytestmark = pytest.mark.asyncio(loop_scope="session")

VIEWS = ("join", "board", "spotlight", "results", "map", "cloud", "pledges", "timer")
MAX_THEMES, MAX_TITLE, MAX_BODY = 30, 140, 2000
MAIN_PX, LEAST_PX = 40, 32
# What each view is for: the text a hall must read. Every one shown must be at least MAIN_PX.
MAIN_TEXT = ".main-text, .leader-theme .t, .spotlight h2, .spotlight-body, .pledge-line, .map-side li, .timer-left"
MEASURE = """([mainText]) => {
  const main = document.querySelector("main"), W = innerWidth, H = innerHeight;
  const shown = (el) => el.checkVisibility({visibilityProperty: true}) && el.getClientRects().length > 0;
  let least = 1e9, leastText = "";
  const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const text = walker.currentNode.textContent.trim(), el = walker.currentNode.parentElement;
    if (!text || el.closest("svg, .sr-only, template, [hidden]") || !shown(el)) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (size < least) { least = size; leastText = text.slice(0, 40); }
  }
  const px = (el) => parseFloat(getComputedStyle(el).fontSize);
  const mains = [...main.querySelectorAll(mainText)].filter(shown).map(px);
  // The word cloud's words are drawn in its SVG, each as large as it is frequent: the largest is its main text.
  const words = [...main.querySelectorAll(".wordcloud svg text")].map((el) => el.getBoundingClientRect().height);
  const outside = [...main.querySelectorAll("*")].filter((el) => !el.closest("svg") && shown(el)).filter((el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && (r.bottom > H + 1 || r.right > W + 1 || r.left < -1 || r.top < -1);
  }).map((el) => el.tagName + "." + el.className).slice(0, 5);
  return {least, leastText, mains, words, outside, view: main.dataset.view,
          size: [document.documentElement.scrollWidth, document.documentElement.scrollHeight]};
}"""


async def measure(page: Page, view: str) -> dict[str, Any]:
    await expect(page.locator(f'main[data-view="{view}"]')).to_be_attached()
    await page.evaluate("document.fonts.ready")
    await page.wait_for_timeout(300)  # live.js pages the view on the next frame
    return dict(await page.evaluate(MEASURE, [MAIN_TEXT]))


def problems(view: str, m: dict[str, Any]) -> list[str]:
    out = []
    if m["size"][0] > PROJECTOR["width"] or m["size"][1] > PROJECTOR["height"]:
        out.append(f"{view}: the page is {m['size']}")
    if m["outside"]:
        out.append(f"{view}: off the screen: {m['outside']}")
    if m["least"] < LEAST_PX:
        out.append(f"{view}: text of {m['least']} px ({m['leastText']!r})")
    if view == "cloud":
        if not m["words"] or max(m["words"]) < MAIN_PX:
            out.append(f"{view}: the largest word is {max(m['words'], default=0)} px high")
    elif not m["mains"] or min(m["mains"]) < MAIN_PX:
        out.append(f"{view}: main text {m['mains'][:5]} px")
    return out


async def shot(page: Page, name: str) -> None:
    if shots := os.environ.get("DELIBERATE_SCREENSHOTS"):
        await page.screenshot(path=str(Path(shots) / f"projector-{name}.png"))


@pytest.mark.parametrize("lang", LANGS)
async def test_every_projector_view_of_the_demo_reads_from_the_back(
    site: Site, as_role: Callable[..., Awaitable[Page]], lang: str
) -> None:
    page = await as_role("public", lang, viewport=PROJECTOR)
    board = next(p for p in site.pages if p.name == "screen")
    pages = [(view, f"{board.path}?show={view}") for view in VIEWS if view not in ("results", "pledges")]
    pages += [
        (v, p.path)
        for v, p in ((v, next(p for p in site.pages if p.name == f"screen-{v}")) for v in ("results", "pledges"))
    ]
    found = []
    for view, path in pages:
        await page.goto(path)
        found += problems(view, await measure(page, view))
        await shot(page, f"demo-{view}-{lang}")
    assert not found, found


async def test_the_fullest_session_reads_from_the_back_in_every_view(
    facilitator_api: Facilitator, chromium: Any
) -> None:
    themes = [f"{i + 1:02d} " + ("ประเด็นยุทธศาสตร์การพัฒนาสวัสดิการชุมชนและคุณภาพชีวิต " * 4)[:190] for i in range(MAX_THEMES)]
    code, theme_ids = await facilitator_api.new_session(themes)
    title = "ให้องค์การบริหารส่วนตำบลจัดตั้งกองทุนสวัสดิการผู้สูงอายุติดบ้านติดเตียงร่วมกับอาสาสมัคร" * 3
    body = ("รายละเอียดข้อเสนอที่ยาวมากเพื่อทดสอบว่าจอยังอ่านได้จากท้ายห้องประชุม " * 40)[:MAX_BODY]
    ids = []
    for t, theme_id in enumerate(theme_ids.values()):
        author = await facilitator_api.someone_else(code, f"ผู้เสนอ {t + 1}")
        for n in range(3):
            made = await facilitator_api.post(
                f"/api/v1/sessions/{code}/proposals",
                {"title": f"{t + 1}.{n + 1} {title}"[:MAX_TITLE], "body": body, "theme_id": theme_id},
                headers=author,
            )
            ids.append(made["id"])
    await facilitator_api.phase(code, "voting")
    for pid in ids[:12]:
        await facilitator_api.post(
            f"/api/v1/proposals/{pid}/support", {}, headers=await facilitator_api.someone_else(code, "ผู้สนับสนุน")
        )

    context = await chromium.new_context(base_url=str(facilitator_api.http.base_url), viewport=PROJECTOR)
    await context.add_init_script(COUNT_SOCKETS)
    try:
        page = await context.new_page()
        await page.goto(f"/s/{code}/screen")
        await listening(page)  # the views below arrive live: the projector is listening first
        found = []
        for view in VIEWS:
            extra = {"proposal_id": ids[-1]} if view == "spotlight" else {}
            await facilitator_api.post(f"/api/v1/sessions/{code}/screen", {"view": view, **extra})
            m = await measure(page, view)  # the live swap: no reload
            found += problems(view, m)
            await shot(page, f"fullest-{view}")
            if view == "board":  # thirty issues do not fit at 40 px: they are paged, each page whole
                assert await page.locator(".leader-theme:visible").count() < MAX_THEMES
                assert await page.locator(".leaders.paged").count() == 1
            if view == "results":  # at most what fits, the longest bar the leader's
                bars = page.locator(".bar-row:visible")
                assert 3 <= await bars.count() <= 10
        assert not found, found
    finally:
        await context.close()
