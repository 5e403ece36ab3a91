"""Bodies are capped while they are read (web/bodylimit.py) and JSON nesting is bounded (api/v1.read_json)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import httpx

from tests.conftest import Api, Served, row_counts

MB = 1024 * 1024


class Pile:
    """A 50 MB body handed over in 64 KiB chunks, counting how much of it the server pulled."""

    def __init__(self, total: int = 50 * MB, chunk: int = 64 * 1024) -> None:
        self.total, self.chunk, self.pulled = total, chunk, 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while self.pulled < self.total:
            self.pulled += self.chunk
            yield b"x" * self.chunk


async def test_a_huge_body_is_refused_after_its_cap_not_read_whole(client: httpx.AsyncClient) -> None:
    api = Api(client)
    staff = await api.staff()
    made = await api.new_session(staff, phase="ideas")
    before = await row_counts()
    piles = [Pile() for _ in range(10)]
    answers = await asyncio.gather(
        *(
            client.post(
                f"/api/v1/sessions/{made['code']}/participants",
                content=pile,
                headers={"content-type": "application/json", "accept-language": "en"},
            )
            for pile in piles
        )
    )
    for r, pile in zip(answers, piles, strict=True):
        assert r.status_code == 413, r.text
        assert r.json() == {"error": "too_large", "message": "What you sent is too large."}
        assert pile.pulled <= 128 * 1024, pile.pulled  # the cap and one chunk, never the 50 MB
    assert await row_counts() == before


async def test_a_form_too_large_is_a_translated_page(client: httpx.AsyncClient) -> None:
    api = Api(client)
    staff = await api.staff()
    made = await api.new_session(staff, phase="ideas")
    pile = Pile(total=5 * MB)
    r = await client.post(
        f"/s/{made['code']}/join", content=pile, headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert r.status_code == 413 and "ใหญ่เกินไป" in r.text and "<html" in r.text
    assert pile.pulled <= 128 * 1024


async def test_a_declared_length_over_the_cap_is_refused_before_reading(served: Served) -> None:
    """Over a real socket: the server answers 413 on the headers alone, with most of the body never sent."""
    host, port = served.base_url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    try:
        writer.write(
            (
                "POST /api/v1/sessions/ABCDEF/participants HTTP/1.1\r\n"
                f"Host: {host}\r\nContent-Type: application/json\r\nContent-Length: {50 * MB}\r\n"
                "Accept-Language: en\r\n\r\n"
            ).encode()
            + b"{" * 1024
        )
        await writer.drain()
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=10)
        assert head.startswith(b"HTTP/1.1 413"), head
    finally:
        writer.close()


async def test_json_nested_too_deep_is_a_422_not_a_server_error(client: httpx.AsyncClient) -> None:
    api = Api(client)
    staff = await api.staff()
    made = await api.new_session(staff, phase="ideas")
    before = await row_counts()
    for depth in (17, 900, 1000, 5000):
        body = '{"display_name": "x", "consent": true, "deep": ' + "[" * depth + "]" * depth + "}"
        r = await client.post(
            f"/api/v1/sessions/{made['code']}/participants",
            content=body,
            headers={"content-type": "application/json", "accept-language": "en"},
        )
        assert r.status_code == 422, (depth, r.status_code, r.text[:200])
        assert r.json()["message"] == "What you sent is nested too deeply."
    # Brackets inside strings are text, not nesting: the name is kept as written.
    name = "[[[[[[[[[[[[[[[[[[[[ {{{{{{{{{{{{{{{{{{{{ ป้าแดง"
    r = await client.post(
        f"/api/v1/sessions/{made['code']}/participants",
        content=json.dumps({"display_name": name, "consent": True}),
        headers={"content-type": "application/json"},
    )
    assert r.status_code == 201, r.text
    counts = await row_counts()
    assert counts["Participant"] == before["Participant"] + 1
