"""Real Chromium driving `deliberate serve`: Debian's system Chromium through Playwright, never a download.

`playwright install` cannot download here, so the browser is the one `python3 -m deliberate.bootstrap test`
installs with apt. When it is missing every journey is skipped with that reason, and no server is started for
them.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from playwright.async_api import Browser, BrowserContext, Page, WebSocketRoute, async_playwright

from tests.conftest import Served
from tests.e2e.pages import Site, build_site

CHROMIUM = Path("/usr/bin/chromium")
SKIPPED = f"Chromium not found at {CHROMIUM}: end-to-end journeys skipped"
PHONE = {"width": 360, "height": 640}
LARGE_PHONE = {"width": 412, "height": 915}
# Counts each time the page's live websocket opens: lets a journey wait until a phone is listening before the
# change it expects to see live, and tell a reconnect from a socket that never dropped.
COUNT_SOCKETS = """
document.addEventListener("htmx-ws-after-connection", function () {
  window.__liveOpened = (window.__liveOpened || 0) + 1;
});
"""

PhoneFactory = Callable[..., Awaitable[Page]]


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if not CHROMIUM.exists():
        pytest.skip(SKIPPED)
    return CHROMIUM


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def chromium(chromium_path: Path) -> AsyncIterator[Browser]:
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(chromium_path), args=["--no-sandbox", "--disable-gpu"])
        try:
            yield browser
        finally:
            await browser.close()


@pytest_asyncio.fixture(loop_scope="session")
async def site(served: Served) -> Site:
    """Every page of the served app, built once per run (tests/e2e/pages.py)."""
    return await build_site(served)


@pytest_asyncio.fixture(loop_scope="session")
async def as_role(chromium: Browser, site: Site) -> AsyncIterator[Callable[..., Awaitable[Page]]]:
    """Opens a page as `role` sees it in `lang` (its cookies), on a phone unless a viewport is given."""
    made: list[BrowserContext] = []

    async def make(role: str, lang: str, **options: Any) -> Page:
        options.setdefault("viewport", PHONE)
        context = await chromium.new_context(base_url=site.base_url, **options)
        context.set_default_timeout(15_000)
        await context.add_cookies(site.playwright_cookies(role, lang))  # type: ignore[arg-type]
        made.append(context)
        return await context.new_page()

    yield make
    for context in made:
        await context.close()


@pytest_asyncio.fixture(loop_scope="session")
async def phone(chromium: Browser, served: Served) -> AsyncIterator[PhoneFactory]:
    """Makes phones: each call is a new browser context (its own cookies) with one page on the served app."""
    contexts: list[BrowserContext] = []

    async def make(viewport: dict[str, int] = PHONE) -> Page:
        context = await chromium.new_context(
            base_url=served.base_url,
            viewport=viewport,  # type: ignore[arg-type]
            is_mobile=True,
            has_touch=True,
            locale="th-TH",
        )
        context.set_default_timeout(10_000)  # clicks and page loads; live changes wait LIVE_MS
        await context.add_init_script(COUNT_SOCKETS)
        contexts.append(context)
        return await context.new_page()

    yield make
    for context in contexts:
        await context.close()


class Network:
    """One phone's network, with its live websocket passed through Playwright so a test can cut it.

    Chromium's offline mode refuses new connections but leaves an open websocket open, holding its frames
    until the network is back; a phone that really loses its signal loses the socket. So `drop` goes
    offline and also closes the socket, and every reconnect attempt fails until `restore`.
    """

    def __init__(self, page: Page) -> None:
        self.page, self.down = page, False
        self.sockets: list[tuple[WebSocketRoute, WebSocketRoute]] = []

    async def attach(self) -> None:
        """Route the page's live websockets; call before the page opens them."""
        await self.page.route_web_socket(re.compile(r"/ws/sessions/"), self._route)

    async def _route(self, ws: WebSocketRoute) -> None:
        if self.down:
            await ws.close(code=1001, reason="offline")
            return
        self.sockets.append((ws, ws.connect_to_server()))

    async def drop(self) -> None:
        self.down = True
        await self.page.context.set_offline(True)
        for page_side, server_side in self.sockets:
            await server_side.close()
            await page_side.close(code=1001, reason="network lost")
        self.sockets.clear()

    async def restore(self) -> None:
        self.down = False
        await self.page.context.set_offline(False)


class Facilitator:
    """The facilitator's side, over the JSON API of the served app."""

    def __init__(self, http: httpx.AsyncClient, headers: dict[str, str]) -> None:
        self.http, self.headers = http, headers

    async def post(
        self,
        path: str,
        json: dict[str, Any],
        headers: dict[str, str] | None = None,
        expect: tuple[int, ...] = (200, 201),
    ) -> dict[str, Any]:
        r = await self.http.post(path, json=json, headers=self.headers if headers is None else headers)
        assert r.status_code in expect, r.text
        return r.json()

    async def new_session(self, themes: list[str], phase: str = "ideas") -> tuple[str, dict[str, int]]:
        """A session in Phuket (so the join form offers its ตำบล); returns its code and theme ids by name."""
        created = await self.post(
            "/api/v1/sessions", {"title": "สมัชชาสวัสดิการชุมชน ทดสอบ", "themes": themes, "province_code": "83"}
        )
        code = created["code"]
        await self.phase(code, phase)
        detail = (await self.http.get(f"/api/v1/sessions/{code}")).json()
        return code, {t["name"]: t["id"] for t in detail["themes"]}

    async def phase(self, code: str, phase: str) -> None:
        await self.post(f"/api/v1/sessions/{code}/phase", {"phase": phase})

    async def someone_else(self, code: str, name: str) -> dict[str, str]:
        """Another participant, joining through the API (their own phone is not under test)."""
        body = await self.post(
            f"/api/v1/sessions/{code}/participants", {"display_name": name, "consent": True}, headers={}
        )
        return {"authorization": f"Bearer {body['token']}"}


@pytest.fixture(scope="module")
def staff_login(served: Served) -> tuple[str, str]:
    return served.add_staff("facilitator")


@pytest_asyncio.fixture(loop_scope="session")
async def facilitator_api(served: Served, staff_login: tuple[str, str]) -> AsyncIterator[Facilitator]:
    async with httpx.AsyncClient(base_url=served.base_url, timeout=10) as http:
        email, password = staff_login
        r = await http.post("/api/v1/auth/token", json={"email": email, "password": password})
        assert r.status_code == 201, r.text
        yield Facilitator(http, {"authorization": f"Bearer {r.json()['token']}"})
