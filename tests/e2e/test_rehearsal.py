"""The rehearsal (issue 17, must 10): one whole assembly run the way a hall runs it, in real Chromium, asserting
what every screen shows at each step, not only that requests succeed.

The hall: a projector (1920x1080), the facilitator's console (1366x768), and three phones (360x780): ป้าแดง in
Thai, Somchai who opens the QR link with `?lang=en` and keeps English on every page, and ลุงมา whose phone loses
its signal in the middle of a vote. They join from the QR code read off the projector's screenshot; the
facilitator runs every step from the console (phases, the projector's view, hiding a proposal and a comment,
rounds of every method with a paper pile and a vote entered for someone without a phone, a hidden round
revealed), the phones follow live. Where a figure is checked, the same figure is read from the results API.

Latency has its own tests (test_room.py asserts the one second); here each step waits up to LIVE_MS so the
rehearsal reads what a screen shows, not how fast. With DELIBERATE_SCREENSHOTS=DIR it saves every screen at each
step for a person to look at.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
import zxingcpp
from PIL import Image
from playwright.async_api import Browser, BrowserContext, Page, Route, expect

from tests.conftest import Served
from tests.e2e.conftest import COUNT_SOCKETS, Facilitator, Network
from tests.e2e.test_journeys_rooms import listening, sign_in

pytestmark = pytest.mark.asyncio(loop_scope="session")

LIVE_MS = 4_000
PHONE = {"width": 360, "height": 780}
CONSOLE = {"width": 1366, "height": 768}
PROJECTOR = {"width": 1920, "height": 1080}
THEMES = ["ผู้สูงอายุ", "อาชีพและรายได้", "น้ำและสิ่งแวดล้อม"]
SHOTS = os.environ.get("DELIBERATE_SCREENSHOTS", "")


class Hall:
    """The screens of the rehearsal, each its own browser context, and what the test needs to reach them."""

    def __init__(self, chromium: Browser, served: Served) -> None:
        self.chromium, self.served = chromium, served
        self.contexts: list[BrowserContext] = []
        self.step = 0

    async def screen(self, viewport: dict[str, int], *, mobile: bool = False, locale: str = "th-TH") -> Page:
        context = await self.chromium.new_context(
            base_url=self.served.base_url,
            viewport=viewport,  # type: ignore[arg-type]
            is_mobile=mobile,
            has_touch=mobile,
            locale=locale,
        )
        context.set_default_timeout(15_000)
        await context.add_init_script(COUNT_SOCKETS)
        self.contexts.append(context)
        return await context.new_page()

    async def look(self, name: str, pages: dict[str, Page]) -> None:
        """Screenshots of every screen at this step, when asked for (DELIBERATE_SCREENSHOTS)."""
        self.step += 1
        if not SHOTS:
            return
        for who, page in pages.items():
            await page.screenshot(path=str(Path(SHOTS) / f"rehearsal-{self.step:02d}-{name}-{who}.png"))

    async def close(self) -> None:
        for context in self.contexts:
            await context.close()


@pytest_asyncio.fixture(loop_scope="session")
async def hall(chromium: Browser, served: Served) -> AsyncIterator[Hall]:
    made = Hall(chromium, served)
    yield made
    await made.close()


class Offline:
    """ลุงมา's phone without signal: its writes fail as they do with no network, and its socket is cut."""

    def __init__(self, page: Page) -> None:
        self.page, self.down = page, False
        self.network = Network(page)

    async def attach(self) -> None:
        await self.network.attach()
        await self.page.context.route(re.compile(r"/s/\w+/(vote|rank|p/\d+/support)$"), self._writes)

    async def _writes(self, route: Route) -> None:
        if self.down and route.request.method == "POST":
            await route.abort("internetdisconnected")
        else:
            await route.continue_()

    async def drop(self) -> None:
        self.down = True
        await self.network.drop()

    async def restore(self) -> None:
        self.down = False
        await self.network.restore()


def read_qr(png: bytes) -> str:
    """The text of the one QR code in a screenshot."""
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert len(found) == 1, f"{len(found)} QR codes on the screen"
    return str(found[0].text)


async def join_from_qr(phone: Page, link: str, name: str) -> int:
    """Join as a person does from the QR: type a name, tick consent, press Join. Returns the taps it took."""
    await phone.goto(link)
    taps = 0
    await phone.locator("#display_name").tap()
    taps += 1
    await phone.locator("#display_name").fill(name)
    await phone.locator("input[name=consent]").tap()
    taps += 1
    await phone.locator("form button.primary").tap()
    taps += 1
    await expect(phone.locator("#now")).to_be_visible()
    return taps


async def console_tab(console: Page, tab: str) -> None:
    await console.locator(f"#tab-{tab}").click()
    await expect(console.locator(f"#console-tabs[data-tab={tab}]")).to_be_visible()


async def console_phase(console: Page, phase: str) -> None:
    await console_tab(console, "phase")
    async with console.expect_navigation():
        await console.locator(f".phase-buttons button[value={phase}]").click()
    await expect(console.locator(f".phase-buttons button[value={phase}]")).to_have_attribute("aria-current", "step")


async def projector_shows(console: Page, projector: Page, view: str) -> None:
    async with console.expect_navigation():
        await console.locator(f"#presenter [data-screen-view={view}]").click()
    await expect(projector.locator("main")).to_have_attribute("data-view", view, timeout=LIVE_MS)


async def open_round(console: Page, method: str, *, hidden: bool = False, paper: bool = True, **options: str) -> None:
    await console_tab(console, "voting")
    await console.locator("#console-voting details summary").click()
    form = console.locator("#console-voting details form")
    await form.locator("#r-method").select_option(method)
    for field, value in options.items():
        await form.locator(f"[name={field}]").fill(value)
    if hidden:
        await form.locator("input[name=hidden]").check()
    if paper:
        await form.locator("input[name=allow_paper]").check()
    async with console.expect_navigation():
        await form.locator("button.primary").click()


async def round_act(console: Page, action: str) -> None:
    await console_tab(console, "voting")
    async with console.expect_navigation():
        await console.locator(f"#console-voting form[action$='/{action}'] button").click()


async def paper_pile(
    console: Page, sheets: int, *, proposal: int | None = None, order: list[int] | None = None, value: str | None = None
) -> None:
    """A pile of identical paper ballots, counted and entered once (the console's paper form)."""
    await console_tab(console, "voting")
    form = console.locator("#console-voting form[action$='/paper']")
    if order is not None:
        for n, pid in enumerate(order, start=1):
            await form.locator(f"#paper-order-{n}").select_option(str(pid))
    else:
        await form.locator("#paper-proposal").select_option(str(proposal))
        if value is not None:
            await form.locator("#paper-value").fill(value)
    await form.locator("#paper-sheets").fill(str(sheets))
    async with console.expect_navigation():
        await form.locator("button").click()


async def assisted_vote(
    console: Page, name: str, *, proposal: int | None = None, order: list[int] | None = None, value: str | None = None
) -> None:
    """A vote the facilitator enters for someone without a phone."""
    await console_tab(console, "voting")
    form = console.locator("#console-voting form[action$='/assisted-vote']")
    await form.locator("#av-name").fill(name)
    if order is not None:
        for n, pid in enumerate(order, start=1):
            await form.locator(f"#av-order-{n}").select_option(str(pid))
    else:
        await form.locator("#av-proposal").select_option(str(proposal))
        if value is not None:
            await form.locator("#av-value").fill(value)
    async with console.expect_navigation():
        await form.locator("button.primary").click()


async def results(api: Facilitator, code: str) -> dict[str, Any]:
    r = await api.http.get(f"/api/v1/sessions/{code}/results", headers=api.headers)
    assert r.status_code == 200, r.text
    return dict(r.json())


async def public_results(api: Facilitator, code: str) -> dict[str, Any]:
    r = await api.http.get(f"/api/v1/sessions/{code}/results")
    assert r.status_code == 200, r.text
    return dict(r.json())


def item(answer: dict[str, Any], pid: int) -> dict[str, Any]:
    return next(i for i in answer["items"] if int(i["id"]) == pid)


async def propose(phone: Page, title: str, theme: str) -> int:
    """Put a proposal from the board's form; the form clears and says it was sent, by its button."""
    form = phone.locator("#propose form")
    await form.locator("#theme_id").select_option(label=theme)
    await form.locator("#title").fill(title)
    await form.locator("button[type=submit]").tap()
    await expect(phone.locator("#propose-sent")).to_be_visible()
    await expect(phone.locator("#propose-sent")).not_to_be_empty()
    await expect(phone.locator("#propose form #title")).to_have_value("")
    card = phone.locator("article.proposal", has_text=title).first
    await expect(card).to_be_visible(timeout=LIVE_MS)
    return int((await card.get_attribute("id") or "").removeprefix("proposal-"))


async def test_a_whole_assembly_as_a_hall_runs_it(
    hall: Hall, facilitator_api: Facilitator, staff_login: tuple[str, str]
) -> None:
    api = facilitator_api
    code, themes = await api.new_session(THEMES, phase="lobby")

    # -- Doors open: the projector shows how to join, the phones join from its QR code ---------------------
    projector = await hall.screen(PROJECTOR)
    await projector.goto(f"/s/{code}/screen")
    await listening(projector)
    console = await hall.screen(CONSOLE)
    await sign_in(console, *staff_login)
    await console.goto(f"/staff/s/{code}")
    await listening(console)
    await projector_shows(console, projector, "join")
    await expect(projector.locator(".join-code-big")).to_have_text(code)
    link = read_qr(await projector.screenshot())
    assert link.endswith(f"/s/{code}/join"), link

    daeng = await hall.screen(PHONE, mobile=True)
    somchai = await hall.screen(PHONE, mobile=True, locale="en-US")
    ma = await hall.screen(PHONE, mobile=True)
    signal = Offline(ma)
    await signal.attach()
    assert await join_from_qr(daeng, link, "ป้าแดง ใจงาม") <= 4
    assert await join_from_qr(somchai, link + "?lang=en", "Somchai") <= 4
    assert await join_from_qr(ma, link, "ลุงมา รักถิ่น") <= 4
    phones = {"daeng": daeng, "somchai": somchai, "ma": ma}
    screens = {"projector": projector, "console": console, **phones}
    for page in phones.values():
        await listening(page)
    await expect(somchai.locator("html")).to_have_attribute("lang", "en")
    await expect(somchai.locator("#now")).to_contain_text("Lobby")
    await expect(daeng.locator("#now")).to_contain_text("รอเริ่ม")
    await expect(projector.locator("#count-participants")).to_have_text("3", timeout=LIVE_MS)
    await hall.look("joined", screens)

    # -- Ideas: the phones put proposals; the board follows on every screen --------------------------------
    await console_phase(console, "ideas")
    for page in phones.values():
        await expect(page.locator("#now")).to_have_attribute("data-phase", "ideas", timeout=LIVE_MS)
    await expect(somchai.locator("#now")).to_contain_text("Put your proposals")
    elders = await propose(daeng, "ศูนย์ดูแลผู้สูงอายุกลางวันในตำบล", "ผู้สูงอายุ")
    market = await propose(daeng, "ตลาดนัดสินค้าชุมชนทุกวันเสาร์", "อาชีพและรายได้")
    water = await propose(somchai, "Rain water tanks for every school", "น้ำและสิ่งแวดล้อม")
    rude = await propose(ma, "ข้อเสนอที่มีคำหยาบคาย", "ผู้สูงอายุ")
    for page in (daeng, somchai):  # each phone sees the others' proposals arrive live
        await expect(page.locator(f"#proposal-{rude}")).to_be_visible(timeout=LIVE_MS)
    await expect(ma.locator(f"#proposal-{water}")).to_be_visible(timeout=LIVE_MS)
    await expect(projector.locator("#count-proposals")).to_have_text("4", timeout=LIVE_MS)
    await projector_shows(console, projector, "board")
    await expect(projector.locator("#stage")).to_contain_text("ศูนย์ดูแลผู้สูงอายุกลางวันในตำบล")
    await hall.look("ideas", screens)

    # -- Moderation: a proposal and a comment hidden from the console, gone from every phone ---------------
    await console_tab(console, "proposals")
    row = console.locator(f"#row-{rude}")
    await row.locator("input[name=reason]").fill("ถ้อยคำไม่สุภาพ")
    async with console.expect_navigation():
        await row.locator("button[value=hide]").click()
    for page in phones.values():
        await expect(page.locator(f"#proposal-{rude}")).to_have_count(0, timeout=LIVE_MS)
    await expect(projector.locator("#stage")).not_to_contain_text("ข้อเสนอที่มีคำหยาบคาย", timeout=LIVE_MS)
    await expect(projector.locator("#count-proposals")).to_have_text("3", timeout=LIVE_MS)

    await daeng.goto(f"/s/{code}/p/{elders}")
    await somchai.goto(f"/s/{code}/p/{elders}")
    for page in (daeng, somchai):
        await listening(page)
    await somchai.get_by_label("Against", exact=True).check()
    await somchai.locator("#comment-body").fill("Elders need transport to get there too")
    await somchai.locator(".comment-form button[type=submit]").tap()
    await expect(somchai.locator(".comment-form #comment-body")).to_have_value("")
    comment = daeng.locator("#comments .comment", has_text="Elders need transport")
    await expect(comment).to_be_visible(timeout=LIVE_MS)
    comment_id = int((await comment.get_attribute("id") or "").removeprefix("comment-"))
    await console_tab(console, "queue")
    mod = console.locator(f"#console-comment-{comment_id}")
    await expect(mod).to_contain_text("Elders need transport")
    await mod.locator("select[name=reason_choice]").select_option(index=2)
    async with console.expect_navigation():
        await mod.locator("button").click()
    await expect(console.locator(f"#console-hidden-comment-{comment_id}")).to_be_visible()
    for page in (daeng, somchai):
        await expect(page.locator(f"#comment-{comment_id}")).to_have_count(0, timeout=LIVE_MS)
    await hall.look("moderated", screens)

    # -- Deliberation: the phase reaches every phone where it is, in its language --------------------------
    await daeng.goto(f"/s/{code}")
    await somchai.goto(f"/s/{code}")
    await console_phase(console, "deliberation")
    for page in phones.values():
        await expect(page.locator("#now")).to_have_attribute("data-phase", "deliberation", timeout=LIVE_MS)
    await expect(somchai.locator("#now")).to_contain_text("Deliberation")
    await expect(daeng.locator("#now")).to_contain_text("อภิปราย")

    # Agree / disagree on a statement the facilitator seeds (the opinion map's method): one statement at a time,
    # in the card.
    await console_tab(console, "voting")
    await console.locator("#seed-text").fill("ผู้สูงอายุไม่ควรเดินทางไปโรงพยาบาลคนเดียว")
    async with console.expect_navigation():
        await console.locator("#console-statements form button.primary").click()
    await expect(daeng.locator("#now .statement-text")).to_contain_text("ผู้สูงอายุไม่ควร", timeout=LIVE_MS)
    await daeng.locator("#now .agree-buttons button[value='1']").tap()
    await expect(daeng.locator("#now")).to_contain_text("ตอบครบทุกข้อความ", timeout=LIVE_MS)
    await somchai.locator("#now .agree-buttons button[value='-1']").tap()
    await expect(somchai.locator("#now")).to_contain_text("every statement", timeout=LIVE_MS)

    # -- Voting: every method, with a paper pile and a vote entered by staff -------------------------------
    await console_phase(console, "voting")
    for page in phones.values():
        await listening(page)

    # A hidden support round: phones support from their card; no figure anywhere but the console until
    # the facilitator reveals it.
    await open_round(console, "support", hidden=True)
    for page in phones.values():
        # The card of the new round, not the statement card still showing "open" until the signal lands.
        await expect(page.locator("#now")).to_have_attribute("data-round", re.compile(r"^\d+$"), timeout=LIVE_MS)
        await expect(page.locator("#now")).to_have_attribute("data-state", "open", timeout=LIVE_MS)
    round_id = await daeng.locator("#now").get_attribute("data-round")
    assert round_id
    await projector_shows(console, projector, "results")
    await expect(projector.locator("#projector-results")).to_contain_text("ผลจะแสดงเมื่อผู้ดำเนินการเปิดเผย")
    for page, pid in ((daeng, elders), (somchai, elders), (ma, water)):
        await page.locator(f"#proposal-{pid}-action button.support").tap()
        await expect(page.locator(f"#proposal-{pid}-action button.supported")).to_be_visible(timeout=LIVE_MS)
    await paper_pile(console, 12, proposal=water)
    await assisted_vote(console, "ยายจันทร์ ไม่มีโทรศัพท์", proposal=elders)
    hidden_answer = await public_results(api, code)
    assert hidden_answer["hidden"] is True and "count" not in str(hidden_answer["items"])
    for page in phones.values():
        await expect(page.locator(f"#proposal-{elders}-supports")).to_have_text("—")
    await expect(projector.locator("#projector-results .bar")).to_have_count(0)
    staff_view = await results(api, code)
    assert item(staff_view, water)["count"] == 13 and item(staff_view, water)["by_source"] == {
        "phone": 1,
        "assisted": 0,
        "paper": 12,
    }
    assert item(staff_view, elders)["count"] == 3 and item(staff_view, elders)["by_source"]["assisted"] == 1
    assert [int(i["id"]) for i in staff_view["items"][:2]] == [water, elders]  # the one count ranks
    await hall.look("support-hidden", screens)
    await round_act(console, "close-round")
    for page in phones.values():
        await expect(page.locator("#now")).to_have_attribute("data-state", "closed", timeout=LIVE_MS)
    await round_act(console, "reveal-round")
    for page in phones.values():
        await expect(page.locator("#now")).to_have_attribute("data-state", "revealed", timeout=LIVE_MS)
    await expect(projector.locator(f"#result-{water} .bar-figure")).to_contain_text("13", timeout=LIVE_MS)
    await expect(projector.locator(f"#result-{water} .bar-sources")).to_contain_text("12")
    await expect(daeng.locator(f"#now #result-{water}")).to_contain_text("13", timeout=LIVE_MS)
    await expect(somchai.locator(f"#now #result-{water}")).to_contain_text("13", timeout=LIVE_MS)
    assert (await public_results(api, code))["hidden"] is False
    await hall.look("support-revealed", screens)

    # Dots, while ลุงมา's phone has no signal: what he does waits on the phone and lands once it is back.
    await open_round(console, "dots", budget="5", max_per="3")
    for page in phones.values():
        await expect(page.locator("#now")).to_have_attribute("data-state", "open", timeout=LIVE_MS)
        await expect(page.locator("#now #dots-left")).to_contain_text("5")
    await signal.drop()
    await ma.locator(f"#now #vote-{market} .stepper button.primary").tap()
    await expect(ma.locator("#outbox-count")).to_be_visible(timeout=LIVE_MS)
    more = daeng.locator(f"#now #vote-{elders} .stepper button.primary")
    await more.tap()
    await expect(daeng.locator("#now .now-done")).to_contain_text("1 จาก 5", timeout=LIVE_MS)
    await daeng.locator(f"#now #vote-{elders} .stepper button.primary").tap()
    await expect(daeng.locator("#now .now-done")).to_contain_text("2 จาก 5", timeout=LIVE_MS)
    await somchai.locator(f"#now #vote-{water} .stepper button.primary").tap()
    await expect(somchai.locator("#now .now-done")).to_contain_text("1 of 5", timeout=LIVE_MS)
    await paper_pile(console, 4, proposal=market, value="2")
    await assisted_vote(console, "ยายจันทร์ ไม่มีโทรศัพท์", proposal=market, value="1")
    await signal.restore()
    await expect(ma.locator("#outbox-count")).to_be_hidden(timeout=3 * LIVE_MS)
    now = await results(api, code)
    assert item(now, market)["count"] == 1 + 8 + 1 and item(now, market)["by_source"] == {
        "phone": 1,
        "assisted": 1,
        "paper": 8,
    }
    assert item(now, elders)["count"] == 2 and item(now, water)["count"] == 1
    await expect(projector.locator(f"#result-{market} .bar-figure")).to_contain_text("10", timeout=LIVE_MS)
    await hall.look("dots", screens)
    await round_act(console, "close-round")

    # Scores of 1 to 5.
    await open_round(console, "score")
    await expect(daeng.locator("#now")).to_have_attribute("data-state", "open", timeout=LIVE_MS)
    await daeng.locator(f"#now #vote-{water} .score-buttons button[value='5']").tap()
    await expect(daeng.locator(f"#now #vote-{water} button[value='5']")).to_have_attribute("aria-pressed", "true")
    await somchai.locator(f"#now #vote-{water} .score-buttons button[value='3']").tap()
    await expect(somchai.locator(f"#now #vote-{water} button[value='3']")).to_have_attribute("aria-pressed", "true")
    await paper_pile(console, 2, proposal=water, value="4")
    await assisted_vote(console, "ยายจันทร์ ไม่มีโทรศัพท์", proposal=water, value="4")
    assert item(await results(api, code), water)["count"] == pytest.approx((5 + 3 + 4 + 4 + 4) / 5)
    await round_act(console, "close-round")

    # A ranking of three, with a pile of paper rankings: Borda points on phones and the projector, the names
    # of the methods on the console only.
    await open_round(console, "rank", k="3")
    await expect(somchai.locator("#now")).to_have_attribute("data-state", "open", timeout=LIVE_MS)
    for page, order in ((daeng, [elders, market, water]), (somchai, [water, elders, market])):
        for n, pid in enumerate(order):
            await page.locator(f"#now #rank-{n}").select_option(str(pid))
        await page.locator("#now #ranking button").tap()
        await expect(page.locator("#now .now-done")).to_contain_text(re.compile("saved|บันทึก"), timeout=LIVE_MS)
    await paper_pile(console, 3, order=[market, water, elders])
    await assisted_vote(console, "ยายจันทร์ ไม่มีโทรศัพท์", order=[elders, water, market])
    ranked = await results(api, code)
    # Top-3 Borda as the console explains it: 3 points for a first place, 2 for a second, 1 for a third.
    ballots = [([elders, market, water], 1), ([water, elders, market], 1), ([market, water, elders], 3)]
    ballots.append(([elders, water, market], 1))
    points = {pid: sum(w * (3 - order.index(pid)) for order, w in ballots) for pid in (elders, market, water)}
    assert {pid: item(ranked, pid)["count"] for pid in points} == points
    assert [int(i["id"]) for i in ranked["items"][:3]] == sorted(points, key=lambda pid: -points[pid])
    await expect(projector.locator(f"#result-{market} .bar-figure")).to_contain_text(
        str(points[market]), timeout=LIVE_MS
    )
    await expect(projector.locator("#stage")).not_to_contain_text(re.compile("Borda|บอร์ดา|Schulze|ชูลเซ"))
    await expect(daeng.locator("#now")).not_to_contain_text(re.compile("Borda|บอร์ดา|Schulze|ชูลเซ"))
    await console_tab(console, "voting")
    await expect(console.locator("#console-voting")).to_contain_text(re.compile("บอร์ดา|Borda"))
    await hall.look("rank", screens)
    await round_act(console, "close-round")

    # -- Commitments: the assembly's answer, a pledge from a phone, the pledges on the projector -----------
    await api.post(
        f"/api/v1/proposals/{market}/answer",
        {"state": "adopted", "reason": "ที่ประชุมเห็นพ้องให้เริ่มในปีนี้", "lead_agency": "เทศบาลตำบลวิชิต"},
    )
    await console_phase(console, "commitments")
    await expect(daeng.locator("#now")).to_have_attribute("data-phase", "commitments", timeout=LIVE_MS)
    await daeng.goto(f"/s/{code}/p/{market}")
    form = daeng.locator("form.pledge-form")
    await form.locator("input[name=role]").first.check()
    await form.locator("#pledge-what").fill("จัดหาแผงขายและประชาสัมพันธ์ในหมู่บ้าน")
    await form.locator("#pledge-due").fill("2027-03-31")
    await form.locator("button[type=submit]").tap()
    await expect(daeng.locator("#pledge-sent")).not_to_be_empty()
    await projector_shows(console, projector, "pledges")
    await expect(projector.locator("#stage")).to_contain_text("จัดหาแผงขาย", timeout=LIVE_MS)
    await hall.look("commitments", screens)

    # -- Closed: every phone says so and nothing more can be sent -------------------------------------------
    await daeng.goto(f"/s/{code}")
    await console_phase(console, "closed")
    for page in phones.values():
        await expect(page.locator("#now")).to_have_attribute("data-phase", "closed", timeout=LIVE_MS)
        await expect(page.locator("#propose form")).to_have_count(0)
    await expect(somchai.locator("#now")).to_contain_text("closed")
    await expect(daeng.locator("#now")).to_contain_text("ปิด")
    await hall.look("closed", screens)
