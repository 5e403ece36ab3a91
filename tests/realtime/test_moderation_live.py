"""Moderation live, end to end against `deliberate serve`: a spotlighted proposal that is hidden or
merged leaves the projector within a second."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from bs4 import BeautifulSoup

from tests.conftest import Served
from tests.realtime.test_websocket import Message, Remote, wait_for


@pytest.fixture(scope="module")
def chair_login(served: Served) -> tuple[str, str]:
    return served.add_staff("facilitator")


@pytest.fixture
async def remote(served: Served, chair_login: tuple[str, str]) -> AsyncIterator[Remote]:
    async with httpx.AsyncClient(base_url=served.base_url, timeout=10) as http:
        email, password = chair_login
        r = await http.post("/api/v1/auth/token", json={"email": email, "password": password})
        assert r.status_code == 201, r.text
        yield Remote(served, http, {"authorization": f"Bearer {r.json()['token']}"})


class Desk:
    """The facilitator's console in a browser: signed in with a cookie, posting the console's forms."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    @staticmethod
    def csrf(r: httpx.Response) -> str:
        field = BeautifulSoup(r.text, "html.parser").find("input", attrs={"name": "csrf_token"})
        assert field is not None, r.text[:300]
        return str(field["value"])

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


async def test_hiding_the_spotlighted_proposal_clears_the_projector_live(remote: Remote, desk: Desk) -> None:
    code, theme = await remote.session("ideas")
    author = await remote.join(code, "ผู้เสนอ")
    pid = await remote.propose(code, author, theme, "ถ้อยคำยั่วยุบนจอ")
    async with remote.ws(code, "?view=projector") as screen:
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
