"""Presenter mode live, end to end against `deliberate serve`: a view chosen over the API or on the console
reaches the projector's websocket within a second (the message names the view and fetches it), the console
says what is on the projector, and while the results are shown each vote redraws only the bars."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from bs4 import BeautifulSoup

from tests.conftest import Served
from tests.realtime.test_moderation_live import Desk
from tests.realtime.test_websocket import Message, Remote, wait_for


@pytest.fixture
async def desk(served: Served, chair_login: tuple[str, str]) -> AsyncIterator[Desk]:
    async with httpx.AsyncClient(base_url=served.base_url, timeout=10) as http:
        page = await http.get("/staff/login")
        form = {"csrf_token": Desk.csrf(page), "email": chair_login[0], "password": chair_login[1]}
        assert (await http.post("/staff/login", data=form)).status_code == 303
        yield Desk(http)


def refresh_of(message: Message) -> dict[str, str] | None:
    found = message.element("stage-refresh")
    return {"view": found.get("data-view", ""), "get": found["data-hx-get"]} if found is not None else None


async def test_a_chosen_view_reaches_the_projector_and_the_console_within_a_second(remote: Remote, desk: Desk) -> None:
    code, _ = await remote.session("ideas")
    async with remote.ws(code, "?view=projector") as screen, desk.ws(code) as console:
        await remote.post(f"/api/v1/sessions/{code}/screen", remote.staff, {"view": "map"}, expect=200)
        shown, _ = await wait_for(screen, lambda m: (refresh_of(m) or {}).get("view") == "map")
        url = refresh_of(shown)["get"]  # type: ignore[index]
        assert url.endswith("part=view")
        now, _ = await wait_for(console, lambda m: m.element("screen-now") is not None)
        assert now.element("screen-now")["data-view"] == "map"
        # What the projector then fetches is the view, marked with its name.
        stage = BeautifulSoup((await remote.http.get(url)).text, "html.parser").find(id="stage")
        assert stage is not None and stage["data-view"] == "map"
        # The console's form: the same service, the same live answer.
        await desk.post(code, "screen", view="join")
        shown, _ = await wait_for(screen, lambda m: (refresh_of(m) or {}).get("view") == "join")


async def test_votes_redraw_only_the_bars_while_results_are_shown(remote: Remote) -> None:
    code, theme = await remote.session("ideas")
    author = await remote.join(code, "ผู้เสนอ")
    pid = await remote.propose(code, author, theme, "ตลาดนัดชุมชน")
    await remote.phase(code, "voting")
    async with remote.ws(code, "?view=projector") as screen:
        await remote.post(f"/api/v1/sessions/{code}/screen", remote.staff, {"view": "results"}, expect=200)
        await wait_for(screen, lambda m: (refresh_of(m) or {}).get("view") == "results")
        await remote.support(pid, await remote.join(code, "ผู้สนับสนุน"))
        bars, _ = await wait_for(screen, lambda m: "part=results" in (refresh_of(m) or {}).get("get", ""))
        assert refresh_of(bars)["view"] == ""  # type: ignore[index]  # the same view: no redraw of the whole stage
        page = BeautifulSoup((await remote.http.get(refresh_of(bars)["get"])).text, "html.parser")  # type: ignore[index]
        assert page.select_one(f"#result-{pid} .bar")["data-share"] == "100.0"  # type: ignore[index]


async def test_hiding_the_spotlit_proposal_redraws_the_spotlight_view(remote: Remote) -> None:
    code, theme = await remote.session("ideas")
    pid = await remote.propose(code, await remote.join(code, "ผู้เสนอ"), theme, "ข้อความที่ต้องซ่อน")
    async with remote.ws(code, "?view=projector") as screen:
        body = {"view": "spotlight", "proposal_id": pid}
        await remote.post(f"/api/v1/sessions/{code}/screen", remote.staff, body, expect=200)
        await wait_for(screen, lambda m: (refresh_of(m) or {}).get("view") == "spotlight")
        await remote.post(
            f"/api/v1/proposals/{pid}/moderation", remote.staff, {"action": "hide", "reason": "ไม่สุภาพ"}, expect=200
        )
        gone, _ = await wait_for(screen, lambda m: refresh_of(m) is not None)
        page = BeautifulSoup((await remote.http.get(refresh_of(gone)["get"])).text, "html.parser")  # type: ignore[index]
        assert "ข้อความที่ต้องซ่อน" not in page.get_text() and page.select_one(".stage-empty") is not None


async def test_closing_the_session_brings_the_end_screen_with_the_audit_chains_head(remote: Remote) -> None:
    code, theme = await remote.session("ideas")
    pid = await remote.propose(code, await remote.join(code, "ผู้เสนอ"), theme, "ลานกีฬาชุมชน")
    await remote.phase(code, "voting")
    await remote.support(pid, await remote.join(code, "ผู้สนับสนุน"))
    async with remote.ws(code, "?view=projector") as screen:
        await remote.phase(code, "closed")
        shown, _ = await wait_for(screen, lambda m: refresh_of(m) is not None)
        stage = BeautifulSoup((await remote.http.get(refresh_of(shown)["get"])).text, "html.parser")  # type: ignore[index]
    head = stage.select_one("#chain-head .hash")
    assert head is not None and len(head.get_text()) == 64
    # The head shown is the one the brief carries, and the one the chain ends with.
    brief = (await remote.http.get(f"/api/v1/sessions/{code}/brief.json", headers=remote.staff)).json()
    assert brief["chain_head"] == head.get_text()
