"""Page weight on a phone, in real Chromium against `deliberate serve`: what the network really carried.

Bytes are Chromium's own count of what was transferred (DevTools' encodedDataLength: compressed bodies and
headers), the figure Lighthouse and a venue's metered connection see.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from typing import Any

import pytest
from playwright.async_api import CDPSession, Page, expect

from tests.e2e.conftest import Facilitator, PhoneFactory
from tests.e2e.test_journeys import LIVE_MS, join, listening

pytestmark = pytest.mark.asyncio(loop_scope="session")

FIRST_LOAD_MAX = 150 * 1024
UPDATE_MAX = 4 * 1024
THEMES = ["เด็กและเยาวชน", "ผู้สูงอายุ", "แหล่งน้ำ"]
HASHED = re.compile(r"^/static/.+\.[0-9a-f]{10}\.[a-z0-9]+$")


@dataclass
class Traffic:
    """Every response and websocket frame of one page, from the DevTools protocol."""

    urls: dict[str, str] = field(default_factory=dict)  # request id -> url
    cached: set[str] = field(default_factory=set)
    bytes_by_url: dict[str, int] = field(default_factory=dict)
    frames: list[int] = field(default_factory=list)

    @classmethod
    async def watch(cls, page: Page) -> Traffic:
        traffic = cls()
        cdp: CDPSession = await page.context.new_cdp_session(page)
        cdp.on("Network.requestWillBeSent", traffic._sent)
        cdp.on("Network.requestServedFromCache", lambda e: traffic.cached.add(e["requestId"]))
        cdp.on("Network.loadingFinished", traffic._finished)
        cdp.on(
            "Network.webSocketFrameReceived",
            lambda e: traffic.frames.append(len(e["response"]["payloadData"].encode())),
        )
        await cdp.send("Network.enable")
        return traffic

    def _sent(self, event: dict[str, Any]) -> None:
        self.urls[event["requestId"]] = event["request"]["url"]

    def _finished(self, event: dict[str, Any]) -> None:
        url = self.urls.get(event["requestId"], "?")
        self.bytes_by_url[url] = self.bytes_by_url.get(url, 0) + int(event["encodedDataLength"])

    @property
    def total(self) -> int:
        return sum(self.bytes_by_url.values())

    def static_bytes(self) -> int:
        return sum(n for url, n in self.bytes_by_url.items() if "/static/" in url or "/vendor/" in url)

    def reset(self) -> None:
        self.bytes_by_url.clear()
        self.frames.clear()


async def seeded_session(facilitator_api: Facilitator) -> tuple[str, list[int]]:
    """A session as a hall sees it mid-morning: a dozen proposals under three themes, open for support."""
    code, themes = await facilitator_api.new_session(THEMES, phase="ideas")
    ids = []
    for n in range(12):
        author = await facilitator_api.someone_else(code, f"ผู้เข้าร่วม {n + 1}")
        theme = themes[THEMES[n % len(THEMES)]]
        body = await facilitator_api.post(
            f"/api/v1/sessions/{code}/proposals",
            {
                "theme_id": theme,
                "title": f"ข้อเสนอที่ {n + 1} กองทุนสวัสดิการชุมชนเพื่อผู้สูงอายุติดเตียง",
                "body": "ให้ตำบลจัดอาสาสมัครเยี่ยมบ้านทุกสัปดาห์ และเชื่อมกับโรงพยาบาลส่งเสริมสุขภาพตำบล " * 2,
            },
            headers=author,
        )
        ids.append(body["id"])
    await facilitator_api.phase(code, "voting")
    return code, ids


async def test_the_session_page_first_load_fits_a_thin_connection_and_updates_stay_small(
    phone: PhoneFactory, facilitator_api: Facilitator
) -> None:
    code, ids = await seeded_session(facilitator_api)
    joined = await phone()
    await join(joined, code, "สมศรี รักถิ่น")

    # A cold phone: nothing cached, only the participant's cookie.
    page = await phone()
    await page.context.add_cookies(await joined.context.cookies())
    traffic = await Traffic.watch(page)
    statics: dict[str, dict[str, str]] = {}
    page.on("response", lambda r: statics.__setitem__(r.url, r.headers) if "/static/" in r.url else None)
    await page.goto(f"/s/{code}")
    await listening(page)
    await page.wait_for_load_state("networkidle")
    await expect(page.locator(f"#proposal-{ids[0]}")).to_be_visible()

    first = traffic.total
    print(f"first load {first} B", traffic.bytes_by_url)
    assert first <= FIRST_LOAD_MAX, f"first load {first} B > {FIRST_LOAD_MAX} B: {traffic.bytes_by_url}"
    fonts = [url for url in traffic.bytes_by_url if url.endswith(".woff2")]
    assert fonts and all("sarabun-thai-" in u or "sarabun-latin-" in u for u in fonts), fonts
    assert len(statics) >= 5, statics  # css, htmx, its websocket extension, live.js, outbox.js (+ fonts)
    for url, headers in statics.items():
        path = re.sub(r"^https?://[^/]+", "", url)
        assert HASHED.match(path), f"{path} is not content-hashed"
        assert headers.get("cache-control") == "public, max-age=31536000, immutable", (path, headers)
        if path.endswith((".css", ".js")):
            assert headers.get("content-encoding") in ("br", "gzip"), (path, headers)

    # Someone else supports a proposal: the open page learns it over the websocket, in a few KB.
    traffic.reset()
    neighbour = await facilitator_api.someone_else(code, "ลุงเสริม")
    await facilitator_api.post(f"/api/v1/proposals/{ids[0]}/support", {}, headers=neighbour)
    await expect(page.locator(f"#proposal-{ids[0]}-supports")).to_have_text("1", timeout=LIVE_MS)
    await asyncio.sleep(0.3)  # let a coalesced tick finish arriving
    assert traffic.frames, "no live update reached the page"
    assert max(traffic.frames) <= UPDATE_MAX, traffic.frames
    assert sum(traffic.frames) <= UPDATE_MAX, traffic.frames
    print("live frames", traffic.frames)

    # Opened again: the static files come from the phone's cache; only the HTML travels.
    traffic.reset()
    await page.goto(f"/s/{code}")
    await listening(page)  # a new document: its counter starts again
    await page.wait_for_load_state("networkidle")
    assert traffic.static_bytes() <= 512, traffic.bytes_by_url
    assert traffic.total <= first // 4, (traffic.total, traffic.bytes_by_url)


async def test_html_is_compressed_and_plain_static_paths_still_work(
    phone: PhoneFactory, facilitator_api: Facilitator
) -> None:
    code, _ = await facilitator_api.new_session(THEMES, phase="ideas")
    page = await phone()
    response = await page.goto(f"/s/{code}/join")
    assert response is not None and response.ok
    assert response.headers.get("content-encoding") in ("gzip", "br"), response.headers
    assert "accept-encoding" in response.headers.get("vary", "").lower()
    old = await page.request.get("/static/css/app.css")
    assert old.ok and "@font-face" in await old.text()
    assert old.headers.get("cache-control") == "public, max-age=300"
