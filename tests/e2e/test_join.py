"""Joining from the QR code on a small phone: name, consent and the join button on the first screen, the board
a few taps away, the full personal-data notice one tap away, and the optional fields still there when wanted."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Locator, Page, expect

from tests.e2e.conftest import Facilitator, PhoneFactory
from tests.e2e.pages import AXE
from tests.e2e.test_accessibility import RUN, TAGS, readable

pytestmark = pytest.mark.asyncio(loop_scope="session")

SMALL_PHONE = {"width": 360, "height": 780}
MOST_TAPS = 4


class Thumb:
    """Taps on a touch screen, counted: filling a field is one tap (the keyboard is not counted)."""

    def __init__(self, page: Page) -> None:
        self.page, self.taps = page, 0

    async def fill(self, field: Locator, text: str) -> None:
        self.taps += 1
        await field.fill(text)

    async def tap(self, target: Locator) -> None:
        self.taps += 1
        await target.tap()


async def qr_link(api: Facilitator) -> tuple[str, str]:
    """A new session in Phuket and the join link its QR code carries (absolute, as the camera opens it)."""
    made = await api.post(
        "/api/v1/sessions", {"title": "สมัชชาสวัสดิการชุมชน ทดสอบ", "themes": ["ผู้สูงอายุ"], "province_code": "83"}
    )
    await api.phase(made["code"], "ideas")
    return made["code"], made["join_url"]


async def above_the_fold(page: Page, target: Locator) -> None:
    box = await target.bounding_box()
    assert box is not None, "not shown"
    assert box["y"] >= 0 and box["y"] + box["height"] <= SMALL_PHONE["height"], f"{box} is below the first screen"


@pytest.mark.parametrize(
    ("lang", "consent", "join"),
    [("th", "ข้าพเจ้าได้อ่านประกาศข้างต้นแล้ว", "เข้าร่วม"), ("en", "I have read the notice above", "Join")],
    ids=["th", "en"],
)
async def test_from_the_qr_code_to_the_board_in_a_few_taps_on_a_small_phone(
    phone: PhoneFactory, facilitator_api: Facilitator, lang: str, consent: str, join: str
) -> None:
    code, link = await qr_link(facilitator_api)
    page = await phone(SMALL_PHONE)
    await page.goto(link if lang == "th" else f"{link}?lang={lang}")
    await page.screenshot(path=f"/tmp/join-{lang}.png")
    await page.screenshot(path=f"/tmp/join-{lang}-full.png", full_page=True)
    name, box = page.locator("#display_name"), page.get_by_label(consent)
    button = page.get_by_role("button", name=join, exact=True)
    for target in (page.locator("h1"), name, page.locator("label.consent"), button):
        await above_the_fold(page, target)

    thumb = Thumb(page)
    await thumb.fill(name, "ยายสมศรี")
    await thumb.tap(box)
    await thumb.tap(button)
    await expect(page).to_have_url(re.compile(rf"/s/{code}$"))
    await expect(page.locator(".who strong")).to_have_text("ยายสมศรี")
    assert thumb.taps <= MOST_TAPS


async def test_the_full_notice_is_one_tap_away(phone: PhoneFactory, facilitator_api: Facilitator) -> None:
    _, link = await qr_link(facilitator_api)
    page = await phone(SMALL_PHONE)
    await page.goto(link)
    retention = page.get_by_text("ข้อมูลของท่านจะเก็บไว้ 365 วันหลังการประชุม")
    await expect(retention).to_be_hidden()
    await page.locator(".full-notice summary").tap()
    await expect(retention).to_be_visible()
    await page.screenshot(path="/tmp/join-th-notice.png", full_page=True)
    await expect(page.get_by_text("ท่านสามารถดูและลบข้อมูลของท่านได้ด้วยตนเอง")).to_be_visible()


async def test_the_optional_fields_still_save_when_used(phone: PhoneFactory, facilitator_api: Facilitator) -> None:
    code, link = await qr_link(facilitator_api)
    page = await phone(SMALL_PHONE)
    await page.goto(link)
    await page.locator("#display_name").fill("ลุงเพิ่ม")
    await page.locator(".more-about-you summary").tap()
    await page.locator("#subdistrict_code").select_option(label="ตลาดใหญ่")
    await page.get_by_label("อาสาสมัครพัฒนาสังคมและความมั่นคงของมนุษย์").tap()
    await page.locator("#organization").fill("อพม.ตำบลตลาดใหญ่")
    await page.screenshot(path="/tmp/join-th-more.png", full_page=True)
    await page.locator("label.consent").tap()
    await page.get_by_role("button", name="เข้าร่วม", exact=True).tap()
    await expect(page).to_have_url(re.compile(rf"/s/{code}$"))

    await page.goto(f"/s/{code}/me")
    about = page.locator(".my-data")
    await expect(about).to_contain_text("ตลาดใหญ่")
    await expect(about).to_contain_text("อาสาสมัครพัฒนาสังคม")
    await expect(about).to_contain_text("อพม.ตำบลตลาดใหญ่")


async def test_opened_the_join_page_is_still_accessible(phone: PhoneFactory, facilitator_api: Facilitator) -> None:
    """tests/e2e/test_accessibility.py audits the page as it opens; this audits what the two taps reveal."""
    _, link = await qr_link(facilitator_api)
    page = await phone(SMALL_PHONE)
    await page.goto(f"{link}?lang=en")
    for toggle in (".more-about-you summary", ".full-notice summary"):
        await page.locator(toggle).tap()
    await expect(page.locator(".full-notice h2")).to_be_visible()
    await page.evaluate(AXE.read_text())
    result = await page.evaluate(RUN, TAGS)
    assert not result["violations"], "\n".join(readable("join, opened", result["violations"]))
