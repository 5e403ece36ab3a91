"""Journeys across the room in real Chromium: a phone votes in every method, the facilitator runs the console
on a laptop while the projector follows, and an official downloads the brief in every format.

English pages here (the Thai journeys are in test_journeys.py), so the steps read like the buttons.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
import pytest_asyncio
from playwright.async_api import Browser, BrowserContext, Page, expect

from tests.conftest import Served
from tests.e2e.conftest import COUNT_SOCKETS, LARGE_PHONE, Facilitator

pytestmark = pytest.mark.asyncio(loop_scope="session")

LIVE_MS = 5_000
LAPTOP = {"width": 1280, "height": 800}
PROJECTOR = {"width": 1920, "height": 1080}
THEMES = ["Elderly care", "Clean water"]
TITLES = ["Day centre for elders", "Village water filter", "Mobile library"]

Window = Callable[..., Awaitable[Page]]


@pytest_asyncio.fixture(loop_scope="session")
async def window(chromium: Browser, served: Served) -> AsyncIterator[Window]:
    """New browser contexts in English: a phone, a laptop or a projector."""
    contexts: list[BrowserContext] = []

    async def make(viewport: dict[str, int], mobile: bool = False) -> Page:
        context = await chromium.new_context(
            base_url=served.base_url,
            viewport=viewport,  # type: ignore[arg-type]
            is_mobile=mobile,
            has_touch=mobile,
            locale="en-US",
            accept_downloads=True,
        )
        context.set_default_timeout(10_000)
        await context.add_cookies([{"name": "lang", "value": "en", "url": served.base_url}])  # as ?lang=en leaves it
        await context.add_init_script(COUNT_SOCKETS)
        contexts.append(context)
        return await context.new_page()

    yield make
    for context in contexts:
        await context.close()


async def listening(page: Page) -> None:
    await page.wait_for_function("() => (window.__liveOpened || 0) >= 1", timeout=2 * LIVE_MS)


async def board(api: Facilitator) -> tuple[str, list[int]]:
    """A session in the voting phase with three proposals from someone else's phone."""
    code, themes = await api.new_session(THEMES, phase="ideas")
    author = await api.someone_else(code, "Somsri")
    ids = []
    for title in TITLES:
        body = await api.post(
            f"/api/v1/sessions/{code}/proposals", {"title": title, "theme_id": themes["Elderly care"]}, headers=author
        )
        ids.append(int(body["id"]))
    await api.phase(code, "voting")
    return code, ids


async def join(page: Page, code: str, name: str) -> None:
    await page.goto(f"/s/{code}/join")
    await page.locator("#display_name").fill(name)
    subdistrict = page.locator("#subdistrict_code")
    if await subdistrict.count():
        await page.locator(".more-about-you summary").click()  # the optional fields open on a tap
        await subdistrict.select_option(index=1)
    await page.locator("input[name=consent]").check()
    await page.locator("form button[type=submit], form button:not([type])").last.click()
    await expect(page).to_have_url(re.compile(rf"/s/{code}$"))


async def results(api: Facilitator, code: str) -> dict[int, dict[str, Any]]:
    r = await api.http.get(f"/api/v1/sessions/{code}/results", headers=api.headers)
    assert r.status_code == 200, r.text
    return {int(i["id"]): i for i in r.json()["items"]}


async def eventually(check: Callable[[], Awaitable[bool]], within: float = LIVE_MS / 1000) -> None:
    deadline = asyncio.get_running_loop().time() + within
    while not await check():
        assert asyncio.get_running_loop().time() < deadline, "the change did not land in time"
        await asyncio.sleep(0.1)


async def open_round(api: Facilitator, code: str, method: str, **options: Any) -> None:
    await api.post(f"/api/v1/sessions/{code}/rounds", {"method": method, "options": options})


async def test_a_phone_votes_in_every_method(window: Window, facilitator_api: Facilitator) -> None:
    code, (a, b, c) = await board(facilitator_api)
    page = await window(LARGE_PHONE, mobile=True)
    await join(page, code, "Prayut")

    # dots: a budget of 5, at most 3 on one proposal
    await open_round(facilitator_api, code, "dots", budget=5, max_per=3)
    await page.goto(f"/s/{code}/vote")
    more = page.locator(f"#vote-{a}").get_by_role("button", name="One dot more")
    await more.click()
    await expect(page.locator(f"#vote-{a} .n")).to_have_text("1")
    await page.locator(f"#vote-{a}").get_by_role("button", name="One dot more").click()
    await expect(page.locator(f"#vote-{a} .n")).to_have_text("2")
    await page.locator(f"#vote-{b}").get_by_role("button", name="One dot more").click()
    await expect(page.locator("#dots-left")).to_contain_text("2")

    async def dots_landed() -> bool:
        now = await results(facilitator_api, code)
        return (now[a]["dots"], now[b]["dots"]) == (2, 1)

    await eventually(dots_landed)

    # score 1-5
    await open_round(facilitator_api, code, "score", scale="1-5")
    await page.goto(f"/s/{code}/vote")
    await page.locator(f"#vote-{c}").get_by_role("button", name="4", exact=True).click()
    await expect(page.locator(f"#vote-{c}").get_by_role("button", name="4", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )

    async def score_landed() -> bool:
        return (await results(facilitator_api, code))[c].get("mean") == 4.0

    await eventually(score_landed)

    # ranking of the top 3, Borda and Schulze side by side in the results
    await open_round(facilitator_api, code, "rank", k=3)
    await page.goto(f"/s/{code}/vote")
    for i, pid in enumerate((b, c, a)):
        await page.locator(f"#rank-{i}").select_option(value=str(pid))
    await page.get_by_role("button", name="Save my ranking").click()

    async def ranking_landed() -> bool:
        now = await results(facilitator_api, code)
        return max(now, key=lambda pid: now[pid].get("borda", 0)) == b

    await eventually(ranking_landed)

    # agree / disagree / pass on a statement the facilitator seeded
    await facilitator_api.post(f"/api/v1/sessions/{code}/statements", {"text": "Elders should not travel alone"})
    await open_round(facilitator_api, code, "agree")
    await page.goto(f"/s/{code}/vote")
    await expect(page.locator("#statement")).to_contain_text("Elders should not travel alone")
    await page.locator("#statement").get_by_role("button", name="Agree", exact=True).click()

    async def agreed() -> bool:
        now = await results(facilitator_api, code)
        return any(item.get("agree") == 1 for item in now.values())

    await eventually(agreed)


async def sign_in(page: Page, email: str, password: str) -> None:
    await page.goto("/staff/login")
    await page.locator("#email").fill(email)
    await page.locator("#password").fill(password)
    await page.locator("form button[type=submit]").click()
    await expect(page).not_to_have_url(re.compile(r"/staff/login"))


async def test_the_facilitator_runs_the_room_and_the_projector_follows(
    window: Window, facilitator_api: Facilitator, staff_login: tuple[str, str]
) -> None:
    code, themes = await facilitator_api.new_session(THEMES, phase="ideas")
    author = await facilitator_api.someone_else(code, "Somsri")
    ids = [
        int(
            (
                await facilitator_api.post(
                    f"/api/v1/sessions/{code}/proposals",
                    {"title": t, "theme_id": themes["Clean water"]},
                    headers=author,
                )
            )["id"]
        )
        for t in ("Rain water tanks", "Rain water tanks for every house", "Bad words here")
    ]
    keep, duplicate, rude = ids

    projector = await window(PROJECTOR)
    await projector.goto(f"/s/{code}/screen")
    await listening(projector)
    console = await window(LAPTOP)
    await sign_in(console, *staff_login)
    await console.goto(f"/staff/s/{code}")
    await console.locator("#tab-proposals").click()
    await expect(console.locator(f"#row-{keep}")).to_be_visible()

    # phases: the projector's banner follows without a reload
    await console.locator("#tab-phase").click()
    await console.locator(".phase-buttons button[value=voting]").click()
    await expect(console.locator(".phase-buttons button[value=voting]")).to_have_attribute("aria-current", "step")
    await expect(projector.locator("#phase-banner")).to_have_class(re.compile("phase-voting"), timeout=LIVE_MS)

    # moderation: hide with a reason
    await console.locator("#tab-proposals").click()
    row = console.locator(f"#row-{rude}")
    await row.locator("input[name=reason]").fill("Offensive language")
    await expect(row.locator("input[name=reason]")).to_have_value("Offensive language")
    await row.locator("button[value=hide]").click()
    await expect(console.locator(f"#row-{rude}")).to_have_class(re.compile("status-hidden"), timeout=LIVE_MS)

    # merge the duplicate into the first
    row = console.locator(f"#row-{duplicate}")
    await row.locator("select[name=into_id]").select_option(value=str(keep))
    await expect(row.locator("select[name=into_id]")).to_have_value(str(keep))
    await row.locator("button[value=merge]").click()
    await expect(console.locator(f"#row-{duplicate}")).to_have_class(re.compile("status-merged"), timeout=LIVE_MS)
    listed = (await facilitator_api.http.get(f"/api/v1/sessions/{code}/proposals", headers=author)).json()["items"]
    assert [p["id"] for p in listed] == [keep]

    # spotlight: the projector shows the proposal large
    await console.locator(f"#row-{keep}").get_by_role("button", name="Spotlight").click()
    await expect(projector.locator("#spotlight h2")).to_have_text("Rain water tanks", timeout=LIVE_MS)
    await expect(projector.locator("#spotlight")).to_be_visible()


def looks_like(fmt: str, data: bytes) -> bool:
    """The file is what its name says: the format's signature, or for text formats text of the right shape."""
    if fmt in ("pdf", "docx", "xlsx"):
        return data.startswith({"pdf": b"%PDF", "docx": b"PK", "xlsx": b"PK"}[fmt])
    text = data.decode("utf-8-sig")
    if fmt == "json":
        return isinstance(json.loads(text), dict)
    if fmt == "csv":
        return "," in text.splitlines()[0]
    return "brief.json" in text  # the Markdown brief links its open data


async def test_an_official_signs_in_and_downloads_every_brief_format(
    window: Window, facilitator_api: Facilitator, served: Served
) -> None:
    code, (a, _, _) = await board(facilitator_api)
    backer = await facilitator_api.someone_else(code, "Prayut")
    await facilitator_api.post(f"/api/v1/proposals/{a}/support", {}, headers=backer)
    email, password = served.add_staff("official")
    # The assembly's owner puts the official on its team (staff stay in their assembly).
    assembly = (await facilitator_api.http.get(f"/api/v1/sessions/{code}")).json()["assembly"]["id"]
    await facilitator_api.post(f"/api/v1/assemblies/{assembly}/team", {"email": email, "role": "official"})
    page = await window(LAPTOP)
    await sign_in(page, email, password)
    await page.goto(f"/staff/s/{code}/outcomes")
    links = page.locator(f"a[href^='/staff/s/{code}/brief.'], a[href^='/staff/s/{code}/minutes.']")
    hrefs = [h for h in await links.evaluate_all("els => els.map(e => e.getAttribute('href'))")]
    kinds = {re.sub(r"\?.*", "", h).rsplit(".", 1)[1] for h in hrefs}
    assert kinds >= {"pdf", "docx", "xlsx", "json", "md", "csv"}, hrefs
    seen: set[str] = set()
    for href in hrefs:
        fmt = re.sub(r"\?.*", "", href).rsplit(".", 1)[1]
        key = f"{href.split('/')[-1].split('.')[0]}.{fmt}"
        if key in seen:  # the same format in another language or digits: one of each is enough here
            continue
        seen.add(key)
        async with page.expect_download(timeout=60_000) as info:
            await page.locator(f"a[href='{href}']").first.click()
        download = await info.value
        assert download.suggested_filename.endswith(f".{fmt}"), (href, download.suggested_filename)
        data = (await download.path()).read_bytes()
        assert len(data) > 100 and looks_like(fmt, data), (href, data[:40])
    assert {
        "brief.pdf",
        "brief.docx",
        "brief.xlsx",
        "brief.json",
        "brief.md",
        "brief.csv",
        "minutes.pdf",
        "minutes.docx",
    } <= seen
