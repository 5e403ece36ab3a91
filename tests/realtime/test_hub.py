"""The hub on its own: coalescing per tick, one render per audience, replay on reconnect, slow viewers.

The renderer here is a small real function describing what it was asked to render, so each message says
which sequence number, proposals and snapshot flag it stands for.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from deliberate.events import Event
from deliberate.realtime.hub import CLOSE_FELL_BEHIND, QUEUE_MAX, Dirty, Hub, Viewer

TICK = 0.01
SESSION = 7


class Renders:
    def __init__(self) -> None:
        self.calls: list[tuple[int, str, int, bool]] = []

    async def __call__(self, session_id: int, dirty: Dirty, audience: str, seq: int) -> str:
        self.calls.append((session_id, audience, seq, dirty.everything))
        return f"{audience} seq={seq} proposals={sorted(dirty.proposals)} everything={dirty.everything}"


class Phone:
    """A viewer whose messages land in a list; `stalled` phones never take messages off their queue."""

    def __init__(self, audience: str = "participant") -> None:
        self.got: list[str] = []
        self.closed_with: int | None = None
        self.viewer = Viewer(self._send, self._close, audience)

    async def _send(self, text: str) -> None:
        self.got.append(text)

    async def _close(self, code: int) -> None:
        self.closed_with = code


@pytest.fixture
async def hub() -> AsyncIterator[tuple[Hub, Renders]]:
    renders = Renders()
    h = Hub(renders, tick_s=TICK)
    await h.start()
    yield h, renders
    await h.stop()


async def settle() -> None:
    await asyncio.sleep(TICK * 5)


async def stop(*pumps: asyncio.Task[None]) -> None:
    for p in pumps:
        p.cancel()
    await asyncio.gather(*pumps, return_exceptions=True)


async def attach(h: Hub, phone: Phone, since: int | None = None) -> asyncio.Task[None]:
    await h.attach(SESSION, phone.viewer, since)
    return asyncio.create_task(phone.viewer.pump())


async def test_a_burst_is_rendered_once_per_audience(hub: tuple[Hub, Renders]) -> None:
    h, renders = hub
    phones = [Phone(), Phone(), Phone("projector")]
    pumps = [await attach(h, p) for p in phones]
    for pid in (1, 2, 3, 2):
        h.on_event(Event("support.added", SESSION, proposal_ids=(pid,)))
    await settle()
    assert sorted(renders.calls) == [(SESSION, "participant", 1, False), (SESSION, "projector", 1, False)]
    assert phones[0].got == phones[1].got == ["participant seq=1 proposals=[1, 2, 3] everything=False"]
    assert phones[2].got == ["projector seq=1 proposals=[1, 2, 3] everything=False"]
    assert h.delivered == 3
    await stop(*pumps)


async def test_events_of_unwatched_sessions_render_nothing(hub: tuple[Hub, Renders]) -> None:
    h, renders = hub
    h.on_event(Event("support.added", SESSION + 1, proposal_ids=(1,)))
    await settle()
    assert renders.calls == []


async def test_reconnect_replays_what_was_missed(hub: tuple[Hub, Renders]) -> None:
    h, _ = hub
    stays, returns = Phone(), Phone()
    pumps = [await attach(h, stays), await attach(h, returns)]
    h.on_event(Event("support.added", SESSION, proposal_ids=(1,)))
    await settle()
    h.detach(SESSION, returns.viewer)
    for pid in (2, 3):
        h.on_event(Event("comment.added", SESSION, proposal_ids=(pid,)))
        await settle()
    back = Phone()
    pumps.append(await attach(h, back, since=1))
    await settle()
    assert back.got == stays.got[1:] == ["participant seq=2 proposals=[2] everything=False",
                                         "participant seq=3 proposals=[3] everything=False"]
    await stop(*pumps)


async def test_up_to_date_reconnect_gets_nothing(hub: tuple[Hub, Renders]) -> None:
    h, _ = hub
    first = Phone()
    pumps = [await attach(h, first)]
    h.on_event(Event("support.added", SESSION, proposal_ids=(1,)))
    await settle()
    again = Phone()
    pumps.append(await attach(h, again, since=1))
    await settle()
    assert again.got == []
    await stop(*pumps)


@pytest.mark.parametrize("since", [0, 5, 99])
async def test_a_gap_gets_a_snapshot(hub: tuple[Hub, Renders], since: int) -> None:
    h, _ = hub
    first = Phone()
    pump = await attach(h, first)
    for pid in (1, 2):
        h.on_event(Event("support.added", SESSION, proposal_ids=(pid,)))
        await settle()
    h.detach(SESSION, first.viewer)
    await stop(pump)
    for _ in range(4):  # nobody watching: the sequence moves on but nothing is kept
        h.on_event(Event("support.added", SESSION, proposal_ids=(3,)))
    assert h.channels[SESSION].seq == 6
    back = Phone()
    pump = await attach(h, back, since=since)
    await settle()
    assert back.got == ["participant seq=6 proposals=[] everything=True"]
    await stop(pump)


async def test_a_stalled_viewer_is_dropped_without_holding_up_others(hub: tuple[Hub, Renders]) -> None:
    h, _ = hub
    healthy, stalled = Phone(), Phone()
    pump = await attach(h, healthy)
    await h.attach(SESSION, stalled.viewer, None)  # never pumped: its queue only fills
    for i in range(QUEUE_MAX + 3):
        h.on_event(Event("support.added", SESSION, proposal_ids=(i,)))
        await asyncio.sleep(TICK * 2)
    await settle()
    assert len(healthy.got) == QUEUE_MAX + 3
    assert stalled.viewer.dropped
    await stalled.viewer.pump()  # what the endpoint runs: it notices and closes the connection
    assert stalled.closed_with == CLOSE_FELL_BEHIND
    await stop(pump)
