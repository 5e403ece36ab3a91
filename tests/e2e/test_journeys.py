"""Participants' journeys in real Chromium at phone sizes, against `deliberate serve`.

Every assertion is on what a person sees: text on the page and the numbers in it. Live changes are awaited
on the page without reloading it, each within LIVE_MS.
"""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Page, expect

from tests.e2e.conftest import LARGE_PHONE, Facilitator, Network, PhoneFactory

pytestmark = pytest.mark.asyncio(loop_scope="session")

LIVE_MS = 5_000
THEMES = ["เด็กและเยาวชน", "ผู้สูงอายุ"]


async def join(page: Page, code: str, name: str) -> None:
    """Open the link the QR code carries, give a name, pick a ตำบล when offered, consent and join."""
    await page.goto(f"/s/{code}/join")
    await page.locator("#display_name").fill(name)
    subdistrict = page.locator("#subdistrict_code")
    if await subdistrict.count():
        await page.locator(".more-about-you summary").click()  # the optional fields open on a tap
        await subdistrict.select_option(label="ตลาดใหญ่")
    await page.get_by_label("ข้าพเจ้าได้อ่านประกาศข้างต้นแล้ว").check()
    await page.get_by_role("button", name="เข้าร่วม", exact=True).click()
    await expect(page).to_have_url(re.compile(rf"/s/{code}$"))
    await expect(page.locator(".who strong")).to_have_text(name)
    await listening(page)


async def listening(page: Page, times: int = 1) -> None:
    """Wait until the page's live channel has opened `times` times (it must listen before changes happen)."""
    await page.wait_for_function("n => (window.__liveOpened || 0) >= n", arg=times, timeout=LIVE_MS)


async def propose(page: Page, theme: str, title: str, body: str) -> int:
    await page.locator("#theme_id").select_option(label=theme)
    await page.locator("#title").fill(title)
    await page.locator("#body").fill(body)
    await page.get_by_role("button", name="ส่งข้อเสนอ").click()
    await expect(page.locator("#propose")).to_contain_text("ขอบคุณ ข้อเสนอของท่านขึ้นกระดานแล้ว")
    card = page.locator("article.proposal", has_text=title)
    await expect(card).to_be_visible(timeout=LIVE_MS)
    card_id = await card.get_attribute("id")
    assert card_id is not None
    return int(card_id.removeprefix("proposal-"))


async def test_a_participant_proposes_comments_and_supports_while_another_phone_follows_live(
    phone: PhoneFactory, facilitator_api: Facilitator
) -> None:
    code, _ = await facilitator_api.new_session(THEMES, phase="ideas")
    mine, other = await phone(), await phone()
    await join(mine, code, "สมศรี รักถิ่น")
    await join(other, code, "ประยุทธ ชาวเล")
    await expect(other.locator("#count-proposals")).to_have_text("0")

    title = "ศูนย์ดูแลผู้สูงอายุกลางวันในตำบล"
    pid = await propose(mine, "ผู้สูงอายุ", title, "ให้ผู้สูงอายุที่อยู่บ้านลำพังมีที่พบปะและมีคนดูแลตอนกลางวัน")
    # the other phone: the card appears under its issue and the count goes up, without a reload
    elders = other.locator("section.theme", has=other.get_by_role("heading", name="ผู้สูงอายุ", exact=True))
    await expect(elders.locator("article.proposal")).to_contain_text(title, timeout=LIVE_MS)
    await expect(other.locator("#count-proposals")).to_have_text("1", timeout=LIVE_MS)

    # comment on it from its own page
    await mine.get_by_role("link", name=title).click()
    await expect(mine.locator("h1")).to_have_text(title)
    await listening(mine)
    await mine.get_by_label("เห็นด้วย", exact=True).check()
    comment = "เห็นด้วยค่ะ ควรมีรถรับส่งด้วย"
    await mine.locator("#comment-body").fill(comment)
    await mine.get_by_role("button", name="ส่งความคิดเห็น").click()
    await expect(mine.locator("#comments")).to_contain_text(comment)
    await expect(mine.locator(f"#proposal-{pid}-comments")).to_have_text("1")
    await expect(other.locator(f"#proposal-{pid}-comments")).to_have_text("1", timeout=LIVE_MS)

    # the facilitator opens voting: the board changes on both phones by itself
    await mine.goto(f"/s/{code}")
    await listening(mine)
    await facilitator_api.phase(code, "voting")
    support = mine.locator(f"#proposal-{pid}-action").get_by_role("button", name="สนับสนุน", exact=True)
    await expect(support).to_be_visible(timeout=LIVE_MS)
    await expect(
        other.locator(f"#proposal-{pid}-action").get_by_role("button", name="สนับสนุน", exact=True)
    ).to_be_visible(timeout=LIVE_MS)
    await expect(other.locator(f"#proposal-{pid}-supports")).to_have_text("0")
    await support.click()
    await expect(mine.locator(f"#proposal-{pid}-action")).to_contain_text("ท่านสนับสนุนข้อเสนอนี้แล้ว")
    await expect(other.locator(f"#proposal-{pid}-supports")).to_have_text("1", timeout=LIVE_MS)
    await expect(other.locator("#count-supports")).to_have_text("1", timeout=LIVE_MS)


async def test_the_network_drops_and_comes_back_and_nothing_is_lost(
    phone: PhoneFactory, facilitator_api: Facilitator
) -> None:
    code, _ = await facilitator_api.new_session(THEMES, phase="ideas")
    page = await phone(LARGE_PHONE)
    network = Network(page)
    await network.attach()
    await join(page, code, "มาลี ใจงาม")
    title = "ทุนการศึกษาให้เด็กในชุมชนประมง"
    pid = await propose(page, "เด็กและเยาวชน", title, "เด็กที่พ่อแม่ออกเรือได้เรียนต่อถึงมัธยมปลาย")
    await facilitator_api.phase(code, "voting")
    action = page.locator(f"#proposal-{pid}-action")
    await action.get_by_role("button", name="สนับสนุน", exact=True).click()
    await expect(action).to_contain_text("ท่านสนับสนุนข้อเสนอนี้แล้ว")
    await expect(page.locator(f"#proposal-{pid}-supports")).to_have_text("1")

    reconnecting = page.locator("#net-status")
    await expect(reconnecting).to_be_hidden()
    await network.drop()
    await expect(reconnecting).to_be_visible(timeout=LIVE_MS)
    await expect(reconnecting).to_have_text("กำลังเชื่อมต่อใหม่…")

    # meanwhile someone else supports the same proposal
    neighbour = await facilitator_api.someone_else(code, "ลุงเสริม")
    await facilitator_api.post(f"/api/v1/proposals/{pid}/support", {}, headers=neighbour)

    await expect(page.locator(f"#proposal-{pid}-supports")).to_have_text("1")  # nothing reaches it offline
    await network.restore()
    await expect(reconnecting).to_be_hidden(timeout=LIVE_MS)
    await listening(page, times=2)  # the live channel opened again, asking for what it missed
    await expect(page.locator(f"#proposal-{pid}-supports")).to_have_text("2", timeout=LIVE_MS)
    await expect(page.locator("#count-supports")).to_have_text("2", timeout=LIVE_MS)

    # after a reload the participant's own proposal and support are still there
    await page.reload()
    card = page.locator(f"#proposal-{pid}")
    await expect(card).to_contain_text(title)
    await expect(card.locator(f"#proposal-{pid}-supports")).to_have_text("2")
    await expect(card.locator(f"#proposal-{pid}-action")).to_contain_text("ท่านสนับสนุนข้อเสนอนี้แล้ว")
