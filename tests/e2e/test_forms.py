"""Forms behave on a phone: once the server accepts a proposal, comment, pledge or vote the form is fresh, "ส่งแล้ว"
shows by the button that sent it (in view), a double tap posts once, and the next thing typed is its own post."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.async_api import Page, Request, expect

from tests.e2e.conftest import Facilitator, PhoneFactory
from tests.e2e.test_journeys import LIVE_MS, THEMES, join

pytestmark = pytest.mark.asyncio(loop_scope="session")

PHONE = {"width": 360, "height": 780}
SENT = "ส่งแล้ว"


def keys_of(page: Page, path_end: str) -> list[str]:
    """The Idempotency-Key of every POST the page sends to a path ending with `path_end`, in order."""
    keys: list[str] = []

    def seen(request: Request) -> None:
        if request.method == "POST" and request.url.split("?")[0].endswith(path_end):
            keys.append(request.headers.get("idempotency-key", ""))

    page.on("request", seen)
    return keys


async def proposals(facilitator: Facilitator, code: str) -> list[dict[str, object]]:
    r = await facilitator.http.get(f"/api/v1/sessions/{code}/proposals", headers=facilitator.headers)
    assert r.status_code == 200, r.text
    items: list[dict[str, object]] = r.json()["items"]
    return items


async def a_proposal(facilitator: Facilitator, phase: str) -> tuple[str, int]:
    code, themes = await facilitator.new_session(THEMES, phase="ideas")
    author = await facilitator.someone_else(code, "ลุงเสริม")
    pid = (
        await facilitator.post(
            f"/api/v1/sessions/{code}/proposals",
            {"title": "รถรับส่งผู้สูงอายุไปโรงพยาบาล", "body": "วันละสองรอบ", "theme_id": themes["ผู้สูงอายุ"]},
            headers=author,
        )
    )["id"]
    if phase != "ideas":
        await facilitator.phase(code, phase)
    return code, pid


async def test_a_comment_clears_confirms_and_posts_once(phone: PhoneFactory, facilitator_api: Facilitator) -> None:
    code, pid = await a_proposal(facilitator_api, "ideas")
    page = await phone(PHONE)
    await join(page, code, "สมศรี รักถิ่น")
    await page.goto(f"/s/{code}/p/{pid}")
    keys = keys_of(page, f"/p/{pid}/comments")
    form = page.locator("form.comment-form")
    body = page.locator("#comment-body")
    send = form.get_by_role("button", name="ส่งความคิดเห็น")

    first = "ควรมีผู้ช่วยพยาบาลไปด้วยทุกเที่ยว"
    await form.get_by_label("เห็นด้วย", exact=True).check()
    await body.fill(first)
    await send.dblclick()  # a double tap
    note = form.locator("#comments-sent")
    await expect(note).to_have_text(SENT)
    await expect(note).to_have_attribute("aria-live", "polite")
    await expect(note).to_be_in_viewport()
    await expect(body).to_have_value("")
    await expect(send).to_be_enabled()
    await page.screenshot(path="/tmp/forms-comment.png")
    await expect(page.locator("#comments .comment")).to_have_count(1)
    assert len(keys) == 1

    # the next comment is its own post, with its own key, not the old text with more added
    second = "ขอให้มีรอบบ่ายสำหรับคนทำงาน"
    await form.get_by_label("ไม่เห็นด้วย", exact=True).check()
    await body.fill(second)
    await send.click()
    await expect(page.locator("#comments .comment")).to_have_count(2)
    await expect(body).to_have_value("")
    assert len(keys) == 2 and keys[0] != keys[1]
    await page.reload()
    texts = [t.strip() for t in await page.locator("#comments .comment > p:last-child").all_inner_texts()]
    assert texts == [first, second]
    item = next(p for p in await proposals(facilitator_api, code) if p["id"] == pid)
    assert item["comments"] == 2
    await expect(form.locator("#comments-sent")).to_have_text("")  # a later visit is not told again


async def test_a_refused_comment_keeps_its_text(phone: PhoneFactory, facilitator_api: Facilitator) -> None:
    code, pid = await a_proposal(facilitator_api, "ideas")
    page = await phone(PHONE)
    await join(page, code, "ครูแก้ว")
    await page.goto(f"/s/{code}/p/{pid}")
    body = page.locator("#comment-body")
    await page.locator("input[name=stance][value=note]").check()
    await body.fill("ก")  # too short: the server refuses it
    await page.get_by_role("button", name="ส่งความคิดเห็น").click()
    await expect(page.locator("#body-error")).to_be_visible()
    await expect(body).to_have_value("ก")
    await expect(page.locator("#comments-sent")).to_have_text("")
    await expect(page.locator("#comments .comment")).to_have_count(0)


async def test_a_proposal_clears_and_its_thank_you_is_in_view(
    phone: PhoneFactory, facilitator_api: Facilitator
) -> None:
    code, _ = await facilitator_api.new_session(THEMES, phase="ideas")
    page = await phone(PHONE)
    await join(page, code, "ป้าแดง ใจงาม")
    keys = keys_of(page, "/proposals")
    title, body = page.locator("#title"), page.locator("#body")
    await page.locator("#theme_id").select_option(label="ผู้สูงอายุ")
    await title.fill("ศูนย์ดูแลผู้สูงอายุในตำบล")
    await body.fill("อาสาสมัครเยี่ยมบ้านสัปดาห์ละครั้ง")
    await page.get_by_role("button", name="ส่งข้อเสนอ").dblclick()
    note = page.locator("#propose-sent")
    await expect(note).to_contain_text(SENT)
    await expect(note).to_contain_text("ขอบคุณ ข้อเสนอของท่านขึ้นกระดานแล้ว")
    await expect(note).to_be_in_viewport()
    await expect(title).to_have_value("")
    await expect(body).to_have_value("")
    await page.screenshot(path="/tmp/forms-proposal.png")
    assert len(keys) == 1

    await title.fill("ตลาดนัดสินค้าชุมชน")
    await page.get_by_role("button", name="ส่งข้อเสนอ").click()
    await expect(page.locator("article.proposal", has_text="ตลาดนัดสินค้าชุมชน")).to_be_visible(timeout=LIVE_MS)
    assert len(keys) == 2 and keys[0] != keys[1]
    titles = sorted(str(p["title"]) for p in await proposals(facilitator_api, code))
    assert titles == ["ตลาดนัดสินค้าชุมชน", "ศูนย์ดูแลผู้สูงอายุในตำบล"]


async def test_a_pledge_clears_and_confirms(phone: PhoneFactory, facilitator_api: Facilitator) -> None:
    code, pid = await a_proposal(facilitator_api, "ideas")
    await facilitator_api.post(
        f"/api/v1/proposals/{pid}/answer",
        {"state": "adopted", "reason": "ที่ประชุมเห็นพ้อง", "lead_agency": "เทศบาลตำบลวิชิต"},
    )
    await facilitator_api.phase(code, "commitments")
    page = await phone(PHONE)
    await join(page, code, "ลุงเพิ่ม รักถิ่น")
    await page.goto(f"/s/{code}/p/{pid}")
    keys = keys_of(page, f"/p/{pid}/pledge")
    form = page.locator("form.pledge-form")
    what, due = page.locator("#pledge-what"), page.locator("#pledge-due")
    await form.locator("input[name=role]").first.check()
    await what.fill("ชวนเพื่อนบ้านมาเป็นอาสาขับรถ")
    await due.fill((date.today() + timedelta(days=60)).isoformat())
    await form.get_by_role("button", name="แสดงเจตจำนง").dblclick()
    note = page.locator("#pledge-sent")
    await expect(note).to_contain_text(SENT)
    await expect(note).to_contain_text("บันทึกเจตจำนงของท่านแล้ว")
    await expect(note).to_be_in_viewport()
    await expect(what).to_have_value("")
    await expect(due).to_have_value("")
    await expect(page.locator("#pledge")).to_contain_text("1 เจตจำนงร่วมดำเนินการ")
    await page.screenshot(path="/tmp/forms-pledge.png")
    assert len(keys) == 1


async def test_a_vote_confirms_by_the_proposal_voted_on(phone: PhoneFactory, facilitator_api: Facilitator) -> None:
    code, pid = await a_proposal(facilitator_api, "voting")
    await facilitator_api.post(
        f"/api/v1/sessions/{code}/rounds",
        {"method": "dots", "options": {"budget": 5, "max_per": 3}, "title": "เลือกข้อเสนอที่ควรทำก่อน"},
    )
    page = await phone(PHONE)
    await join(page, code, "ยายสมศรี")
    await page.goto(f"/s/{code}/vote")
    keys = keys_of(page, "/vote")
    item = page.locator(f"#vote-{pid}")
    await item.get_by_role("button", name="เพิ่มหนึ่งจุด").dblclick()
    await expect(item.locator(".sent-note")).to_have_text(SENT)
    await expect(item.locator(".sent-note")).to_be_in_viewport()
    await expect(item.locator(".n")).to_have_text("1")
    await page.screenshot(path="/tmp/forms-vote.png")
    assert len(keys) == 1
    await item.get_by_role("button", name="เพิ่มหนึ่งจุด").click()  # the refreshed form adds the next dot
    await expect(item.locator(".n")).to_have_text("2")
    assert len(keys) == 2 and keys[0] != keys[1]
