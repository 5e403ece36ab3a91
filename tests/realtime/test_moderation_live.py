"""Moderation and phases live, end to end against `deliberate serve`: a spotlighted proposal that is hidden or
merged leaves the projector within a second, and a phase change takes a running timer off every screen."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import websockets
from bs4 import BeautifulSoup

from deliberate.web.identity import STAFF_COOKIE
from tests.conftest import Served
from tests.realtime.test_websocket import Message, Remote, wait_for


class Desk:
    """The facilitator's console in a browser: signed in with a cookie, posting the console's forms."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    @staticmethod
    def csrf(r: httpx.Response) -> str:
        field = BeautifulSoup(r.text, "html.parser").find("input", attrs={"name": "csrf_token"})
        assert field is not None, r.text[:300]
        return str(field["value"])

    def ws(self, code: str) -> Any:
        cookie = f"{STAFF_COOKIE}={self.http.cookies[STAFF_COOKIE]}"
        url = f"{self.http.base_url}".replace("http", "ws", 1).rstrip("/")
        return websockets.connect(f"{url}/ws/sessions/{code}?view=console", additional_headers={"cookie": cookie})

    async def post(self, code: str, what: str, **form: Any) -> None:
        page = await self.http.get(f"/staff/s/{code}")
        r = await self.http.post(f"/staff/s/{code}/{what}", data={"csrf_token": self.csrf(page), **form})
        assert r.status_code == 303, r.text


@pytest.fixture
async def desk(served: Served, chair_login: tuple[str, str]) -> AsyncIterator[Desk]:
    async with httpx.AsyncClient(base_url=served.base_url, timeout=10) as http:
        email, password = chair_login
        page = await http.get("/staff/login")
        r = await http.post("/staff/login", data={"csrf_token": Desk.csrf(page), "email": email, "password": password})
        assert r.status_code == 303, r.text
        yield Desk(http)


def spotlight_of(message: Message) -> Any:
    return message.element("spotlight")


def phase_of(message: Message) -> str | None:
    banner = message.element("phase-banner")
    return (
        next(
            (c.removeprefix("phase-") for c in banner["class"] if c.startswith("phase-") and c != "phase-banner"), None
        )
        if banner is not None
        else None
    )


def timer_of(message: Message) -> Any:
    banner = message.element("phase-banner")
    return banner.find(id="timer") if banner is not None else None


async def test_hiding_the_spotlighted_proposal_clears_the_projector_live(remote: Remote, desk: Desk) -> None:
    code, theme = await remote.session("ideas")
    author = await remote.join(code, "ผู้เสนอ")
    pid = await remote.propose(code, author, theme, "ถ้อยคำยั่วยุบนจอ")
    async with remote.ws(code, "?view=projector") as screen, desk.ws(code) as console:
        await desk.post(code, "spotlight", proposal_id=pid)
        shown, _ = await wait_for(screen, lambda m: spotlight_of(m) is not None)
        assert not shown.element("spotlight").has_attr("hidden")
        assert "ถ้อยคำยั่วยุบนจอ" in shown.element("spotlight").get_text()

        await remote.post(
            f"/api/v1/proposals/{pid}/moderation", remote.staff, {"action": "hide", "reason": "ถ้อยคำรุนแรง"}, expect=200
        )
        cleared, _ = await wait_for(screen, lambda m: spotlight_of(m) is not None)
        assert cleared.element("spotlight").has_attr("hidden")
        assert "ถ้อยคำยั่วยุบนจอ" not in cleared.text
        # Another facilitator's console re-fetches its proposal list: the hidden row offers no spotlight.
        told, _ = await wait_for(console, lambda m: m.seq >= cleared.seq)
        region = await desk.http.get(told.element("console-refresh")["data-hx-get"], headers={"hx-request": "true"})
        row = BeautifulSoup(region.text, "html.parser").find(id=f"row-{pid}")
        assert "status-hidden" in row["class"]
        assert row.find("form", attrs={"action": f"/staff/s/{code}/spotlight"}) is None


async def test_merging_the_spotlighted_proposal_clears_the_projector_live(remote: Remote, desk: Desk) -> None:
    code, theme = await remote.session("ideas")
    author = await remote.join(code, "ผู้เสนอ")
    duplicate = await remote.propose(code, author, theme, "ไฟถนนซอยมืด")
    kept = await remote.propose(code, author, theme, "ไฟส่องสว่างในซอย")
    async with remote.ws(code, "?view=projector") as screen:
        await desk.post(code, "spotlight", proposal_id=duplicate)
        await wait_for(screen, lambda m: spotlight_of(m) is not None)

        await remote.post(
            f"/api/v1/proposals/{duplicate}/moderation",
            remote.staff,
            {"action": "merge", "into_id": kept, "reason": "ซ้ำกัน"},
            expect=200,
        )
        cleared, _ = await wait_for(screen, lambda m: spotlight_of(m) is not None)
        assert cleared.element("spotlight").has_attr("hidden")
        assert "ไฟถนนซอยมืด" not in cleared.text


async def test_a_phase_change_takes_the_timer_off_every_screen_live(remote: Remote, desk: Desk) -> None:
    code, _ = await remote.session("ideas")
    async with remote.ws(code, "?view=projector") as screen, remote.ws(code) as phone:
        await desk.post(code, "timer", minutes="5", label="อภิปรายกลุ่ม")
        for ws in (screen, phone):
            running, _ = await wait_for(ws, lambda m: timer_of(m) is not None)
            assert not timer_of(running).has_attr("hidden") and "อภิปรายกลุ่ม" in timer_of(running).get_text()

        await remote.phase(code, "voting")
        for ws in (screen, phone):
            changed, _ = await wait_for(ws, lambda m: phase_of(m) == "voting")
            assert timer_of(changed).has_attr("hidden")
            assert "อภิปรายกลุ่ม" not in timer_of(changed).get_text()
