"""The room follows the facilitator (issue 17, musts 1 and 2) in real Chromium: the console opens, closes and
reveals rounds; a phone on the board and a phone on the voting page follow within a second, without a reload,
through the "now" card; a hidden round shows no counts on the phones or the projector until it is revealed."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from playwright.async_api import Browser, BrowserContext, Page, expect

from tests.conftest import Served
from tests.e2e.conftest import COUNT_SOCKETS, Facilitator, PhoneFactory
from tests.e2e.test_journeys_rooms import LAPTOP, PROJECTOR, Window, listening, sign_in

pytestmark = pytest.mark.asyncio(loop_scope="session")

WITHIN_MS = 1_000  # the contract: a round's change is on every screen within a second
TALL_PHONE = {"width": 360, "height": 780}
TITLES = ["ศูนย์ดูแลผู้สูงอายุกลางวัน", "ธนาคารน้ำใต้ดิน", "ห้องสมุดเคลื่อนที่"]


@pytest_asyncio.fixture(loop_scope="session")
async def screen(chromium: Browser, served: Served) -> AsyncIterator[Window]:
    """A laptop for the console or the hall's projector, in Thai."""
    contexts: list[BrowserContext] = []

    async def make(viewport: dict[str, int]) -> Page:
        context = await chromium.new_context(base_url=served.base_url, viewport=viewport)  # type: ignore[arg-type]
        context.set_default_timeout(10_000)
        await context.add_init_script(COUNT_SOCKETS)
        contexts.append(context)
        return await context.new_page()

    yield make
    for context in contexts:
        await context.close()


async def join_on_phone(page: Page, code: str, name: str) -> None:
    await page.goto(f"/s/{code}/join")
    await page.locator("#display_name").fill(name)
    await page.locator("input[name=consent]").check()
    await page.locator("form button[type=submit], form button:not([type])").last.click()
    await expect(page).to_have_url(re.compile(rf"/s/{code}$"))


async def mark(page: Page) -> None:
    """A mark on the page's window: still there later means the page never reloaded."""
    await page.evaluate("() => { window.__sameRoom = true; }")


async def same_page(page: Page) -> bool:
    return bool(await page.evaluate("() => window.__sameRoom === true"))


async def console_round(console: Page, code: str, method: str, *, hidden: bool) -> None:
    await console.goto(f"/staff/s/{code}?tab=voting")
    form = console.locator("#console-voting details form")
    await console.locator("#console-voting details summary").click()
    await form.locator("#r-method").select_option(method)
    if hidden:
        await form.locator("input[name=hidden]").check()
    async with console.expect_navigation():
        await form.locator("button.primary").click()


async def console_press(console: Page, action: str) -> None:
    async with console.expect_navigation():
        await console.locator(f"#console-voting form[action$='/{action}'] button").click()


async def now_is(page: Page, state: str, round_id: str | None = None) -> None:
    now = page.locator("#now")
    await expect(now).to_have_attribute("data-state", state, timeout=WITHIN_MS)
    if round_id is not None:
        await expect(now).to_have_attribute("data-round", round_id, timeout=WITHIN_MS)


async def test_phones_follow_the_console_and_hidden_rounds_stay_hidden(
    phone: PhoneFactory, screen: Window, facilitator_api: Facilitator, staff_login: tuple[str, str]
) -> None:
    api = facilitator_api
    code, themes = await api.new_session(["ผู้สูงอายุ"], phase="ideas")
    author = await api.someone_else(code, "สมศรี")
    ids: list[int] = []
    for title in TITLES:
        made: dict[str, Any] = await api.post(
            f"/api/v1/sessions/{code}/proposals", {"title": title, "theme_id": themes["ผู้สูงอายุ"]}, headers=author
        )
        ids.append(int(made["id"]))
    first = ids[0]
    await api.phase(code, "voting")

    on_board, on_vote = await phone(TALL_PHONE), await phone(TALL_PHONE)
    await join_on_phone(on_board, code, "ป้าแดง")
    await join_on_phone(on_vote, code, "ลุงมา")
    await on_vote.goto(f"/s/{code}/vote")
    projector = await screen(PROJECTOR)
    await projector.goto(f"/s/{code}/screen")
    for page in (on_board, on_vote, projector):
        await listening(page)
        await mark(page)
    console = await screen(LAPTOP)
    await sign_in(console, *staff_login)
    # A second console (the co-facilitator's laptop) only watches: its voting panel follows the round live.
    watching = await screen(LAPTOP)
    await sign_in(watching, *staff_login)
    await watching.goto(f"/staff/s/{code}?tab=voting")
    await listening(watching)
    await mark(watching)

    # A hidden dots round: both phones show it with its controls, within a second, no reload.
    await console_round(console, code, "dots", hidden=True)
    round_id = await on_board.locator("#now").get_attribute("data-round", timeout=WITHIN_MS)
    for page in (on_board, on_vote):
        await expect(page.locator("#now")).not_to_have_attribute("data-round", "", timeout=WITHIN_MS)
        round_id = await page.locator("#now").get_attribute("data-round")
        await now_is(page, "open")
        await expect(page.locator(f"#now #vote-{first} .stepper button").last).to_be_visible(timeout=WITHIN_MS)
        await expect(page.locator("#now #dots-left")).to_contain_text("5")
        await expect(page.locator("#now .now-done")).to_contain_text("0 จาก 5")
    close_button = watching.locator("#console-voting form[action$='/close-round'] button")
    await expect(close_button).to_have_count(1, timeout=WITHIN_MS)
    # The board no longer asks for supports during a dots round.
    await expect(on_board.locator(".support-action button")).to_have_count(0)
    assert round_id

    # A dot from the board's card: back on the board, the card says what this phone did.
    await on_board.locator(f"#now #vote-{first}").get_by_role("button", name=re.compile("เพิ่ม|more")).click()
    await expect(on_board).to_have_url(re.compile(rf"/s/{code}\b"))
    await expect(on_board.locator("#now .now-done")).to_contain_text("1 จาก 5")
    await mark(on_board)
    await expect(on_vote.locator("#now table.results")).to_have_count(0)  # hidden: no figures

    await console_press(console, "close-round")
    await expect(close_button).to_have_count(0, timeout=WITHIN_MS)
    assert await same_page(watching)
    for page in (on_board, on_vote):
        await now_is(page, "closed", round_id)
        await expect(page.locator("#now .stepper")).to_have_count(0)
        await expect(page.locator("#now table.results")).to_have_count(0)

    # The console puts the round's results on the projector: hidden, no figure; revealed, the bars.
    await api.post(f"/api/v1/sessions/{code}/screen", {"view": "results"})
    await expect(projector.locator("main")).to_have_attribute("data-view", "results", timeout=WITHIN_MS)
    await expect(projector.locator(f"#projector-results #result-{first}")).to_have_count(0)
    await console_press(console, "reveal-round")
    await expect(projector.locator(f"#projector-results #result-{first}")).to_contain_text("1", timeout=WITHIN_MS)
    await api.post(f"/api/v1/sessions/{code}/screen", {"view": "board"})
    await expect(projector.locator("main")).to_have_attribute("data-view", "board", timeout=WITHIN_MS)
    for page in (on_board, on_vote):
        await now_is(page, "revealed", round_id)
        await expect(page.locator(f"#now #result-{first}")).to_contain_text("1", timeout=WITHIN_MS)
        assert await same_page(page)

    # A hidden support round: the vote page has the support buttons; no count shows anywhere but the console.
    await api.post(f"/api/v1/proposals/{first}/support", {}, headers=author)
    await console_round(console, code, "support", hidden=True)
    await now_is(on_vote, "open")
    await expect(on_vote.locator(f"#now #vote-{first} button.support")).to_be_visible(timeout=WITHIN_MS)
    await now_is(on_board, "open")
    await expect(on_board.locator(f"#proposal-{first}-action button.support")).to_be_visible(timeout=WITHIN_MS)
    await expect(on_board.locator(f"#proposal-{first}-supports")).to_have_text("—", timeout=WITHIN_MS)
    await expect(on_board.locator("#count-supports")).to_have_text("—")
    await expect(projector.locator(f"#leader-{first}-supports")).to_have_text("—", timeout=WITHIN_MS)
    await expect(projector.locator("#count-supports")).to_have_text("—")

    await on_vote.locator(f"#now #vote-{first} button.support").click()
    await expect(on_vote.locator(f"#now #vote-{first} button.supported")).to_be_visible()
    await expect(on_board.locator(f"#proposal-{first}-supports")).to_have_text("—", timeout=WITHIN_MS)
    await expect(projector.locator(f"#leader-{first}-supports")).to_have_text("—")
    for page in (on_board, projector):
        assert not re.search(
            r"\b2\b", await page.locator(f"#leader-{first}-supports, #proposal-{first}-supports").first.inner_text()
        )

    # Revealed: the figures reach every screen at once.
    await console.goto(f"/staff/s/{code}?tab=voting")
    await console_press(console, "reveal-round")
    await expect(on_board.locator(f"#proposal-{first}-supports")).to_have_text("2", timeout=WITHIN_MS)
    await expect(projector.locator(f"#leader-{first}-supports")).to_have_text("2", timeout=WITHIN_MS)
    # Revealed while still open: the round still takes votes, and the voting page shows the figures so far.
    await now_is(on_vote, "open")
    await expect(on_vote.locator(f"#now #result-{first}")).to_contain_text("2", timeout=WITHIN_MS)
    for page in (on_board, on_vote, projector):
        assert await same_page(page)


async def test_a_choice_half_made_survives_a_live_card(phone: PhoneFactory, facilitator_api: Facilitator) -> None:
    """A phone halfway through a ranking when the room's card comes again unchanged for it (here the facilitator
    puts a proposal on the screen): the card shows the spotlight, and the choices already made stay made."""
    api = facilitator_api
    code, themes = await api.new_session(["ผู้สูงอายุ"], phase="ideas")
    author = await api.someone_else(code, "สมศรี")
    ids = [
        int(
            (
                await api.post(
                    f"/api/v1/sessions/{code}/proposals", {"title": t, "theme_id": themes["ผู้สูงอายุ"]}, headers=author
                )
            )["id"]
        )
        for t in TITLES
    ]
    await api.phase(code, "voting")
    await api.post(f"/api/v1/sessions/{code}/rounds", {"method": "rank", "options": {"k": 3}})
    page = await phone(TALL_PHONE)
    await join_on_phone(page, code, "ป้าแดง")
    await page.goto(f"/s/{code}/vote")
    await listening(page)
    await mark(page)
    await page.locator("#now #rank-0").select_option(str(ids[1]))
    await page.locator("#now #rank-1").select_option(str(ids[2]))
    await api.post(f"/api/v1/sessions/{code}/screen", {"view": "spotlight", "proposal_id": ids[0]})
    await expect(page.locator("#now .now-spotlight")).to_contain_text(TITLES[0], timeout=WITHIN_MS * 3)
    await expect(page.locator("#now #rank-0")).to_have_value(str(ids[1]))
    await expect(page.locator("#now #rank-1")).to_have_value(str(ids[2]))
    assert await same_page(page)


async def test_the_console_never_redraws_a_round_form_under_the_facilitators_hands(
    screen: Window, facilitator_api: Facilitator, staff_login: tuple[str, str]
) -> None:
    """A co-facilitator opens a round while this facilitator is setting up the next one: the half-filled form
    stays open as it was; once it is closed, the panel follows the round."""
    api = facilitator_api
    code, _ = await api.new_session(["ผู้สูงอายุ"], phase="voting")
    console = await screen(LAPTOP)
    await sign_in(console, *staff_login)
    await console.goto(f"/staff/s/{code}?tab=voting")
    await listening(console)
    await console.locator("#console-voting details summary").click()
    await console.locator("#r-title").fill("รอบถัดไป")
    await api.post(f"/api/v1/sessions/{code}/rounds", {"method": "dots", "options": {"budget": 5}})
    await console.wait_for_timeout(2_500)
    await expect(console.locator("#console-voting details")).to_have_attribute("open", "")
    await expect(console.locator("#r-title")).to_have_value("รอบถัดไป")
    await console.locator("#console-voting details summary").click()  # closed: now it may be redrawn
    await console.locator("body").click(position={"x": 5, "y": 5})
    await expect(console.locator("#console-voting form[action$='/close-round']")).to_have_count(1, timeout=6_000)
