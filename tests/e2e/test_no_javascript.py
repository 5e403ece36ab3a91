"""Without JavaScript every participant action still works as a plain form: post, redirect, see the effect."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, timedelta

import pytest
import pytest_asyncio
from playwright.async_api import Browser, Page, expect

from tests.e2e.pages import PHONE, Site

pytestmark = pytest.mark.asyncio(loop_scope="session")


@pytest_asyncio.fixture(loop_scope="session")
async def no_js(chromium: Browser, site: Site) -> AsyncIterator[Page]:
    context = await chromium.new_context(
        base_url=site.base_url, viewport=PHONE, java_script_enabled=False, locale="th-TH"
    )
    context.set_default_timeout(15_000)
    await context.add_cookies([{"name": "lang", "value": "en", "url": site.base_url}])
    yield await context.new_page()
    await context.close()


async def join(page: Page, code: str, name: str) -> None:
    await page.goto(f"/s/{code}/join")
    await page.locator("#display_name").fill(name)
    await page.locator("input[name=consent]").check()
    await page.get_by_role("button", name="Join", exact=True).click()
    await expect(page.locator(".who strong")).to_have_text(name)


async def test_join_propose_comment_and_support_without_javascript(no_js: Page, site: Site) -> None:
    page = no_js
    code = site.codes["demo"]
    await join(page, code, "ยายสมศรี ไม่มีสคริปต์")
    await page.locator("#title").fill("ลานออกกำลังกายผู้สูงอายุ")
    await page.get_by_role("button", name="Send proposal").click()
    card = page.locator("article.proposal", has_text="ลานออกกำลังกายผู้สูงอายุ")  # redirected to the board
    await expect(card).to_be_visible()

    await card.locator(".proposal-title a").click()
    await page.locator("input[name=stance][value=for]").check()
    await page.locator("#comment-body").fill("เห็นด้วย ควรมีร่มเงาด้วย")
    await page.get_by_role("button", name="Send comment").click()
    await expect(page.locator("#comments")).to_contain_text("เห็นด้วย ควรมีร่มเงาด้วย")

    # Support buttons are on the board's cards in a support round (a dots round has its own controls instead).
    voting = site.codes["round-support"]
    await join(page, voting, "ยายสมศรี ไม่มีสคริปต์")
    support = page.get_by_role("button", name="Support").first
    await support.click()
    await expect(page.get_by_role("button", name="You support this").first).to_be_visible()


async def test_every_vote_form_and_the_pledge_work_without_javascript(no_js: Page, site: Site) -> None:
    page = no_js
    name = "ตาสมหมาย ไม่มีสคริปต์"
    await join(page, site.codes["round-dots"], name)
    await page.goto(f"/s/{site.codes['round-dots']}/vote")
    await page.get_by_role("button", name="One dot more").first.click()
    await expect(page.locator("#dots-left")).to_contain_text("4")

    await join(page, site.codes["round-score"], name)
    await page.goto(f"/s/{site.codes['round-score']}/vote")
    chosen = page.locator(".score-buttons").first.locator("button").last
    await chosen.click()
    await expect(page.locator(".score-buttons").first.locator("button[aria-pressed=true]")).to_have_count(1)

    await join(page, site.codes["round-rank"], name)
    await page.goto(f"/s/{site.codes['round-rank']}/vote")
    await page.locator("#rank-0").select_option(index=1)
    first = await page.locator("#rank-0").input_value()
    await page.get_by_role("button", name="Save my ranking").click()
    await expect(page.locator("#rank-0")).to_have_value(first)

    await join(page, site.codes["demo"], name)
    await page.goto(f"/s/{site.codes['demo']}/vote")
    statement = await page.locator(".statement-text").inner_text()
    await page.get_by_role("button", name="Agree", exact=True).click()
    await expect(page.locator(".statement-text")).not_to_have_text(statement)

    code = site.codes["pledge"]
    await join(page, code, name)
    pledge_page = next(p.path for p in site.pages if p.name == "proposal-pledge")
    await page.goto(pledge_page)
    await page.locator("input[name=role]").first.check()
    await page.locator("#pledge-what").fill("ชวนเพื่อนบ้านมาเป็นอาสาสมัคร")
    await page.locator("#pledge-due").fill((date.today() + timedelta(days=90)).isoformat())
    await page.get_by_role("button", name="Pledge", exact=True).click()
    await expect(page.locator("#pledge .notice")).to_be_visible()
