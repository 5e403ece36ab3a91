"""The live channel end to end: `deliberate serve` in a subprocess, real HTTP and a real websocket client.

A live message is HTML made of out-of-band fragments. It opens with `<template id="live-seq" data-seq="N">`
and names what changed by element id (`proposal-42-supports`).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import websockets
from bs4 import BeautifulSoup
from websockets.asyncio.client import ClientConnection
from websockets.exceptions import InvalidStatus

from tests.conftest import Browser, Served

WITHIN_S = 1.0


@dataclass(frozen=True)
class Message:
    text: str

    @property
    def soup(self) -> BeautifulSoup:
        return BeautifulSoup(self.text, "html.parser")

    @property
    def seq(self) -> int:
        marker = self.soup.find(id="live-seq")
        assert marker is not None, self.text[:300]
        return int(marker["data-seq"])

    def element(self, element_id: str) -> Any:
        return self.soup.find(id=element_id)

    def names_proposal(self, proposal_id: int) -> bool:
        pattern = re.compile(rf"^proposal-{proposal_id}(-|$)")
        return self.soup.find(id=pattern) is not None


async def next_message(ws: ClientConnection, within: float = WITHIN_S) -> Message:
    text = await asyncio.wait_for(ws.recv(), within)
    assert isinstance(text, str)
    return Message(text)


async def wait_for(ws: ClientConnection, check: Any, within: float = WITHIN_S) -> tuple[Message, list[Message]]:
    """Read messages until `check(message)` holds; fail if that takes longer than `within` seconds."""
    seen: list[Message] = []
    deadline = time.monotonic() + within
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            pytest.fail(f"no matching live message within {within} s; got {[m.text[:200] for m in seen]}")
        try:
            message = await next_message(ws, left)
        except TimeoutError:
            pytest.fail(f"no matching live message within {within} s; got {[m.text[:200] for m in seen]}")
        seen.append(message)
        if check(message):
            return message, seen


class Remote:
    """The served app over real HTTP."""

    def __init__(self, served: Served, http: httpx.AsyncClient, staff: dict[str, str]) -> None:
        self.served, self.http, self.staff = served, http, staff

    async def post(
        self, path: str, who: dict[str, str], json: dict[str, Any] | None = None, expect: int = 201
    ) -> dict[str, Any]:
        r = await self.http.post(path, headers=who, json=json)
        assert r.status_code == expect, r.text
        return r.json()

    async def session(self, phase: str = "ideas") -> tuple[str, int]:
        created = await self.post(
            "/api/v1/sessions", self.staff, {"title": "เวทีสด", "themes": ["ประเด็นหนึ่ง", "ประเด็นสอง"]}
        )
        detail = (await self.http.get(f"/api/v1/sessions/{created['code']}")).json()
        await self.phase(created["code"], phase)
        return created["code"], detail["themes"][0]["id"]

    async def phase(self, code: str, phase: str) -> None:
        await self.post(f"/api/v1/sessions/{code}/phase", self.staff, {"phase": phase}, expect=200)

    async def join(self, code: str, name: str) -> dict[str, str]:
        body = await self.post(f"/api/v1/sessions/{code}/participants", {}, {"display_name": name, "consent": True})
        return {"authorization": f"Bearer {body['token']}"}

    async def propose(self, code: str, who: dict[str, str], theme: int, title: str) -> int:
        body = await self.post(f"/api/v1/sessions/{code}/proposals", who, {"title": title, "theme_id": theme})
        return int(body["id"])

    async def support(self, pid: int, who: dict[str, str]) -> None:
        await self.post(f"/api/v1/proposals/{pid}/support", who)

    def ws(self, code: str, query: str = "") -> Any:
        return websockets.connect(f"{self.served.ws_url}/ws/sessions/{code}{query}", open_timeout=5)


@pytest.fixture(scope="module")
def staff_login(served: Served) -> tuple[str, str]:
    return served.add_staff("facilitator")


@pytest.fixture
async def remote(served: Served, staff_login: tuple[str, str]) -> AsyncIterator[Remote]:
    async with httpx.AsyncClient(base_url=served.base_url, timeout=10) as http:
        email, password = staff_login
        r = await http.post("/api/v1/auth/token", json={"email": email, "password": password})
        assert r.status_code == 201, r.text
        yield Remote(served, http, {"authorization": f"Bearer {r.json()['token']}"})


async def test_served_app_answers_over_real_http(remote: Remote) -> None:
    code, _ = await remote.session()
    r = await remote.http.get(f"/s/{code}/join")
    assert r.status_code == 200
    assert BeautifulSoup(r.text, "html.parser").find("html")["lang"] == "th"


async def test_each_change_reaches_the_phone_within_a_second(remote: Remote) -> None:
    code, theme = await remote.session("ideas")
    author = await remote.join(code, "ผู้เสนอ")
    async with remote.ws(code) as ws:
        pid = await remote.propose(code, author, theme, "ลานกีฬาสำหรับเยาวชน")
        message, _ = await wait_for(ws, lambda m: m.names_proposal(pid))
        assert message.element(f"proposal-{pid}-supports").get_text(strip=True) == "0"
        assert message.element("count-proposals").get_text(strip=True) == "1"

        await remote.phase(code, "voting")
        message = await next_message(ws)
        assert "phase-voting" in message.element("phase-banner")["class"]

        await remote.support(pid, author)
        message, _ = await wait_for(ws, lambda m: m.element(f"proposal-{pid}-supports") is not None)
        assert message.element(f"proposal-{pid}-supports").get_text(strip=True) == "1"
        assert message.element("count-supports").get_text(strip=True) == "1"

        await remote.post(f"/api/v1/proposals/{pid}/comments", author, {"body": "ควรมีไฟส่องสว่าง", "stance": "for"})
        message, _ = await wait_for(ws, lambda m: m.element(f"proposal-{pid}-comments") is not None)
        assert message.element(f"proposal-{pid}-comments").get_text(strip=True) == "1"


async def test_every_phone_gets_the_same_update(remote: Remote) -> None:
    code, theme = await remote.session("ideas")
    author = await remote.join(code, "ผู้เสนอ")
    async with remote.ws(code) as first, remote.ws(code) as second:
        pid = await remote.propose(code, author, theme, "ตลาดชุมชนวันเสาร์")
        a, _ = await wait_for(first, lambda m: m.names_proposal(pid))
        b, _ = await wait_for(second, lambda m: m.names_proposal(pid))
        assert a.text == b.text


async def test_a_burst_of_supports_is_coalesced_and_ends_at_the_right_count(remote: Remote) -> None:
    code, theme = await remote.session("ideas")
    people = [await remote.join(code, f"คนที่ {i}") for i in range(8)]
    pid = await remote.propose(code, people[0], theme, "ห้องสมุดเคลื่อนที่")
    await remote.phase(code, "voting")
    async with remote.ws(code) as ws:
        await asyncio.gather(*(remote.support(pid, who) for who in people))
        message, seen = await wait_for(
            ws,
            lambda m: (
                m.element(f"proposal-{pid}-supports") is not None
                and m.element(f"proposal-{pid}-supports").get_text(strip=True) == "8"
            ),
        )
        assert len(seen) <= len(people)  # at most one message per tick, however many supports it holds
        assert [m.seq for m in seen] == sorted({m.seq for m in seen})


async def test_reconnect_with_since_replays_what_was_missed(remote: Remote) -> None:
    code, theme = await remote.session("ideas")
    author, backer = await remote.join(code, "ผู้เสนอ"), await remote.join(code, "ผู้สนับสนุน")
    first = await remote.propose(code, author, theme, "น้ำประปาหมู่บ้าน")
    second = await remote.propose(code, author, theme, "ไฟถนนซอยเปลี่ยว")
    await remote.phase(code, "voting")
    async with remote.ws(code) as watcher:  # another phone stays online throughout
        async with remote.ws(code) as phone:
            await remote.support(first, backer)
            seen_by_phone, _ = await wait_for(phone, lambda m: m.names_proposal(first))
            last_seq = seen_by_phone.seq
            await wait_for(watcher, lambda m: m.seq == last_seq)
        # the phone sleeps; two changes happen
        await remote.support(second, backer)
        await wait_for(watcher, lambda m: m.names_proposal(second))
        await remote.post(f"/api/v1/proposals/{first}/comments", backer, {"body": "รีบทำเถอะ", "stance": "for"})
        newest, _ = await wait_for(watcher, lambda m: m.element(f"proposal-{first}-comments") is not None)

        async with remote.ws(code, f"?since={last_seq}") as phone:
            replayed = [await next_message(phone)]
            while replayed[-1].seq < newest.seq:
                replayed.append(await next_message(phone))
    # The messages it missed, in order and none twice (numbers are the bus's clock, so they skip), not a snapshot.
    numbers = [m.seq for m in replayed]
    assert numbers == sorted(set(numbers)) and numbers[0] > last_seq and numbers[-1] == newest.seq
    assert all(m.element("board-refresh") is None for m in replayed)
    assert any(
        m.element(f"proposal-{second}-supports") is not None
        and m.element(f"proposal-{second}-supports").get_text(strip=True) == "1"
        for m in replayed
    )
    assert any(m.element(f"proposal-{first}-comments") is not None for m in replayed)


async def test_reconnect_after_nobody_watched_gets_what_changed_meanwhile(remote: Remote) -> None:
    """Changes made while no page watched wait, unrendered; the pages that come back get one diff (a whole hall
    reconnecting after the Wi-Fi returns costs one render, not one snapshot each)."""
    code, theme = await remote.session("ideas")
    author = await remote.join(code, "ผู้เสนอ")
    async with remote.ws(code) as phone:
        pid = await remote.propose(code, author, theme, "สวนสาธารณะริมคลอง")
        seen, _ = await wait_for(phone, lambda m: m.names_proposal(pid))
    await asyncio.sleep(0.5)  # let the server notice the phone went away
    later = await remote.propose(code, author, theme, "ทางเดินริมคลอง")  # nobody watching

    async with remote.ws(code, f"?since={seen.seq}") as first, remote.ws(code, f"?since={seen.seq}") as second:
        a, b = await next_message(first), await next_message(second)
    assert a.text == b.text and a.seq > seen.seq
    assert a.names_proposal(later) and a.element("board-refresh") is None  # a diff, not a snapshot
    assert a.element("count-proposals").get_text(strip=True) == "2"


async def test_reconnect_after_the_replay_is_gone_gets_a_snapshot(remote: Remote) -> None:
    code, theme = await remote.session("ideas")
    author = await remote.join(code, "ผู้เสนอ")
    async with remote.ws(code) as phone:
        pid = await remote.propose(code, author, theme, "ลานกีฬาชุมชน")
        seen, _ = await wait_for(phone, lambda m: m.names_proposal(pid))
        await remote.propose(code, author, theme, "ลานกีฬาชุมชนแห่งที่สอง")
        await wait_for(
            phone,
            lambda m: (
                m.element("count-proposals") is not None and m.element("count-proposals").get_text(strip=True) == "2"
            ),
        )
    async with remote.ws(code, f"?since={seen.seq - 1}") as stale:  # a number that was never a message here
        snapshot = await next_message(stale)
    assert snapshot.element("board-refresh") is not None
    assert snapshot.element("count-proposals").get_text(strip=True) == "2"
    assert "phase-ideas" in snapshot.element("phase-banner")["class"]


async def test_first_connection_with_since_zero_gets_a_snapshot(remote: Remote) -> None:
    code, theme = await remote.session("ideas")
    author = await remote.join(code, "ผู้เสนอ")
    async with remote.ws(code) as phone:
        pid = await remote.propose(code, author, theme, "อาสาสมัครดูแลผู้ป่วยติดเตียง")
        await wait_for(phone, lambda m: m.names_proposal(pid))
    async with remote.ws(code, "?since=0") as phone:
        snapshot = await next_message(phone)
    assert snapshot.seq >= 1
    assert snapshot.element("count-proposals").get_text(strip=True) == "1"
    # A proposal page that was away re-reads its comments: one may have been hidden meanwhile.
    assert snapshot.element("comments-resync")["data-hx-get"] == "?part=comments"


async def test_projector_sees_the_leaders(remote: Remote) -> None:
    code, theme = await remote.session("ideas")
    author = await remote.join(code, "ผู้เสนอ")
    pid = await remote.propose(code, author, theme, "ธนาคารอาหารชุมชน")
    await remote.phase(code, "voting")
    async with remote.ws(code, "?view=projector") as screen:
        await remote.support(pid, author)
        message, _ = await wait_for(screen, lambda m: m.element("leaders") is not None)
        assert message.element(f"leader-{pid}-supports").get_text(strip=True) == "1"
        assert message.element(f"proposal-{pid}-supports").get_text(strip=True) == "1"


async def test_unknown_session_and_staff_console_are_refused(remote: Remote) -> None:
    with pytest.raises(InvalidStatus) as unknown:
        async with remote.ws("XXXXXX"):
            pass
    assert unknown.value.response.status_code == 403
    code, _ = await remote.session()
    with pytest.raises(InvalidStatus) as console:
        async with remote.ws(code, "?view=console"):
            pass
    assert console.value.response.status_code == 403


async def test_each_page_gets_updates_in_its_own_language(remote: Remote) -> None:
    code, theme = await remote.session("ideas")
    author = await remote.join(code, "ผู้เสนอ")
    async with remote.ws(code) as thai, remote.ws(code, "?lang=en") as english:
        pid = await remote.propose(code, author, theme, "ตลาดนัดชุมชน")
        th_message, _ = await wait_for(thai, lambda m: m.names_proposal(pid))
        en_message, _ = await wait_for(english, lambda m: m.names_proposal(pid))
        label = {m: m.soup.find(id="live-counts").find("dt").get_text(strip=True) for m in (th_message, en_message)}
        assert (label[th_message], label[en_message]) == ("ผู้เข้าร่วม", "Joined")
        assert th_message.seq == en_message.seq


async def test_projector_shows_pledges_arriving(remote: Remote) -> None:
    code, theme = await remote.session("ideas")
    author = await remote.join(code, "ผู้เสนอ")
    pid = await remote.propose(code, author, theme, "ศูนย์ดูแลผู้สูงอายุกลางวัน")
    await remote.post(
        f"/api/v1/proposals/{pid}/answer",
        remote.staff,
        {"state": "adopted", "reason": "ที่ประชุมเห็นชอบ", "lead_agency": "เทศบาลนครภูเก็ต"},
        expect=200,
    )
    await remote.phase(code, "commitments")
    volunteer = await remote.join(code, "อพม. สมใจ")
    async with remote.ws(code, "?view=projector") as screen:
        due = (dt.date.today() + dt.timedelta(days=60)).isoformat()
        await remote.post(
            f"/api/v1/proposals/{pid}/commitments",
            volunteer,
            {"role": "support", "what": "จัดเวรอาสาสมัครดูแลวันละ ๒ คน", "due": due, "organisation": "ชมรม อพม. รัษฎา"},
        )
        message, _ = await wait_for(
            screen,
            lambda m: (
                m.element("projector-pledges") is not None and "จัดเวร" in m.element("projector-pledges").get_text()
            ),
        )
        panel = message.element("projector-pledges")
        assert not panel.has_attr("hidden") and "ชมรม อพม. รัษฎา" in panel.get_text()


async def test_a_hidden_comment_leaves_phones_and_the_projector_live_and_comes_back(
    remote: Remote, staff_login: tuple[str, str]
) -> None:
    code, theme = await remote.session("ideas")
    author = await remote.join(code, "ผู้เสนอ")
    pid = await remote.propose(code, author, theme, "ศูนย์เด็กเล็กประจำตำบล")
    # The spotlight is the console's (a form): sign in as the facilitator in a browser of its own.
    async with httpx.AsyncClient(base_url=remote.served.base_url, timeout=10) as web:
        desk = Browser(web)
        await desk.sign_in(*staff_login)
        await desk.get(f"/staff/s/{code}")
        r = await desk.post(f"/staff/s/{code}/spotlight", {"csrf_token": desk.csrf(), "proposal_id": str(pid)})
        assert r.status_code == 303
    body = "ข้อความที่ไม่สุภาพต่อผู้เสนอ"
    comment = await remote.post(f"/api/v1/proposals/{pid}/comments", author, {"body": body, "stance": "against"})
    part = f"/s/{code}/p/{pid}?part=comments"
    assert body in (await remote.http.get(part)).text
    async with remote.ws(code) as phone, remote.ws(code, "?view=projector") as screen:
        await remote.post(
            f"/api/v1/comments/{comment['id']}/moderation", remote.staff, {"action": "hide", "reason": "ไม่สุภาพ"}, 200
        )
        message, _ = await wait_for(phone, lambda m: m.element(f"proposal-{pid}-comments-refresh") is not None)
        refresh = message.element(f"proposal-{pid}-comments-refresh")
        assert refresh["data-hx-get"] == part and refresh["data-hx-target"] == f"#proposal-{pid}-comment-list"
        assert message.element(f"proposal-{pid}-comments").get_text(strip=True) == "0"
        assert body not in message.text
        # What the phone then fetches has the comment no more.
        assert body not in (await remote.http.get(part)).text
        # The projector (the proposal in its spotlight) counts it out and never carries its text.
        shown, _ = await wait_for(screen, lambda m: m.element(f"proposal-{pid}-comments") is not None)
        assert shown.element(f"proposal-{pid}-comments").get_text(strip=True) == "0" and body not in shown.text

        await remote.post(f"/api/v1/comments/{comment['id']}/moderation", remote.staff, {"action": "restore"}, 200)
        message, _ = await wait_for(phone, lambda m: m.element(f"proposal-{pid}-comments-refresh") is not None)
        assert message.element(f"proposal-{pid}-comments").get_text(strip=True) == "1"
        assert body in (await remote.http.get(part)).text
        shown, _ = await wait_for(screen, lambda m: m.element(f"proposal-{pid}-comments") is not None)
        assert shown.element(f"proposal-{pid}-comments").get_text(strip=True) == "1"
