"""Thai in tables and cards breaks between words only, on a 360×780 phone in Chromium.

The browser's own dictionary cuts words it does not know ("บอร์ด|า", "ผู้สูง|อายุ"); the `words` filter keeps
each word of pythainlp's segmentation whole. Measured here: each character's box (Range.getClientRects)
says on which line it sits, and every line must start where the segmenter allows a break
(`thaitext.wrap.break_offsets`). A long URL in a card may break anywhere, but never pushes the page sideways.
Screenshots: /tmp/thai-lines-board.png, /tmp/thai-lines-results.png.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.async_api import Page, expect

from deliberate.thaitext.wrap import THAI, break_offsets
from tests.e2e.conftest import Facilitator, PhoneFactory

pytestmark = pytest.mark.asyncio(loop_scope="session")

LIVE_MS = 5_000
TITLES = (
    "ศูนย์ดูแลผู้สูงอายุกลางวันประจำตำบลพร้อมรถรับส่งไปโรงพยาบาลส่งเสริมสุขภาพ",
    "จัดประชุมประชาคมหมู่บ้านทุกเดือนและนับคะแนนบอร์ดาให้ชาวบ้านเข้าใจง่าย",
    "ปรับปรุงลานกีฬาเยาวชนให้มีไฟส่องสว่างและห้องน้ำสะอาดสำหรับผู้พิการ",
)
BODY = (
    "ผู้สูงอายุในชุมชนจำนวนมากอยู่บ้านตามลำพังในเวลากลางวัน ลูกหลานออกไปทำงานนอกพื้นที่ "
    "ควรมีอาสาสมัครสาธารณสุขประจำหมู่บ้านช่วยดูแล รายละเอียดที่ https://example.org/"
    "phuket/community-welfare/elderly-day-care-centre-proposal-2027"
)
# Where each line of an element starts, as offsets into its text, from the boxes of its characters.
LINE_STARTS = """el => {
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT), range = document.createRange();
  let text = "", starts = [], lastTop = null, node;
  while ((node = walker.nextNode())) {
    for (let i = 0; i < node.length; i++) {
      range.setStart(node, i); range.setEnd(node, i + 1);
      const boxes = range.getClientRects();
      if (boxes.length && node.data[i].trim()) {
        const top = boxes[0].top;
        if (lastTop !== null && top > lastTop + boxes[0].height / 2) starts.push(text.length);
        lastTop = top;
      }
      text += node.data[i];
    }
  }
  return {text, starts};
}"""


async def lines_of(page: Page, selector: str) -> list[dict[str, Any]]:
    return [await el.evaluate(LINE_STARTS) for el in await page.locator(selector).element_handles()]


def wrong_breaks(measured: list[dict[str, Any]]) -> list[str]:
    """Each line start inside a Thai word, shown with a bar where the line broke. Between other letters (a
    URL, a code) a line may break anywhere."""
    bad = []
    for m in measured:
        text = m["text"]
        allowed = break_offsets(text)
        for at in m["starts"]:
            if not (THAI.match(text[at - 1]) and THAI.match(text[at])):
                continue
            # A line may also start after a run of spaces that hung at the end of the one before.
            back = len(text[:at]) - len(text[:at].rstrip())
            if at not in allowed and at - back not in allowed:
                bad.append(text[max(0, at - 12) : at] + "|" + text[at : at + 12])
    return bad


async def test_thai_in_cards_and_results_tables_breaks_between_words_only(
    phone: PhoneFactory, facilitator_api: Facilitator
) -> None:
    code, themes = await facilitator_api.new_session(["ผู้สูงอายุและผู้ด้อยโอกาสในชุมชน"])
    author = await facilitator_api.someone_else(code, "ผู้เสนอ")
    ids = []
    for n, title in enumerate(TITLES):
        body = {"title": title, "body": BODY if n == 0 else "", "theme_id": next(iter(themes.values()))}
        ids.append((await facilitator_api.post(f"/api/v1/sessions/{code}/proposals", body, headers=author))["id"])

    page = await phone()
    await page.goto(f"/s/{code}/join")
    await page.locator("#display_name").fill("ยายสมศรี")
    await page.locator("input[name=consent]").check()
    await page.get_by_role("button", name="เข้าร่วม", exact=True).click()
    await expect(page).to_have_url(re.compile(rf"/s/{code}$"))
    await page.screenshot(path="/tmp/thai-lines-board.png", full_page=True)
    cards = await lines_of(page, ".proposal-title, .proposal-body, .theme h2, [id^=theme-][id$=-title]")
    assert sum(len(m["starts"]) for m in cards) >= 6, cards  # the titles do wrap at this width
    assert wrong_breaks(cards) == []
    assert any("://" in m["text"] and m["starts"] for m in cards)  # the URL did wrap, within the card
    wide = await page.evaluate("() => document.documentElement.scrollWidth")
    assert wide <= 360, f"the board is {wide} px wide: something overflows the phone"

    # A support round with its results shown on the phone's vote page: the table of titles.
    await facilitator_api.phase(code, "voting")
    await facilitator_api.post(f"/api/v1/sessions/{code}/rounds", {"method": "support", "options": {}})
    for pid in ids[:2]:
        await facilitator_api.post(f"/api/v1/proposals/{pid}/support", {}, headers=author)
    await page.goto(f"/s/{code}/vote")
    table = page.locator("table.results")
    await expect(table).to_be_visible()
    await table.scroll_into_view_if_needed()
    await page.screenshot(path="/tmp/thai-lines-results.png")
    cells = await lines_of(page, "table.results td")
    assert sum(len(m["starts"]) for m in cells) >= 3, cells
    assert wrong_breaks(cells) == []
    assert await page.evaluate("() => document.documentElement.scrollWidth") <= 360
