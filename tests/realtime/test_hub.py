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
    """A viewer whose messages land in a list. A `slow` phone's socket takes no frame until `drain()` (its
    sends wait), like a phone whose Wi-Fi froze with the connection still open."""

    def __init__(self, audience: str = "participant", *, slow: bool = False) -> None:
        self.got: list[str] = []
        self.closed_with: int | None = None
        self.gate: asyncio.Event | None = asyncio.Event() if slow else None
        self.viewer = Viewer(self._send, self._close, audience)

    async def _send(self, text: str) -> None:
        if self.gate is not None:
            await self.gate.wait()
        self.got.append(text)

    def drain(self) -> None:
        assert self.gate is not None
        self.gate.set()

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
    await asyncio.sleep(TICK * 12)  # a few ticks, with room for a loaded machine


async def stop(*viewers: Viewer) -> None:
    for viewer in viewers:
        await viewer.aclose()


async def attach(h: Hub, phone: Phone, since: int | None = None) -> Viewer:
    await h.attach(SESSION, phone.viewer, since)
    return phone.viewer


async def test_a_burst_is_rendered_once_per_audience(hub: tuple[Hub, Renders]) -> None:
    h, renders = hub
    phones = [Phone(), Phone(), Phone("projector")]
    viewers = [await attach(h, p) for p in phones]
    for pid in (1, 2, 3, 2):
        h.on_event(Event("support.added", SESSION, proposal_ids=(pid,)))
    await settle()
    # One message per audience, numbered after the last of the four events it holds.
    assert sorted(renders.calls) == [(SESSION, "participant", 4, False), (SESSION, "projector", 4, False)]
    assert phones[0].got == phones[1].got == ["participant seq=4 proposals=[1, 2, 3] everything=False"]
    assert phones[2].got == ["projector seq=4 proposals=[1, 2, 3] everything=False"]
    assert h.delivered == 3
    await stop(*viewers)


async def test_events_of_unwatched_sessions_render_nothing(hub: tuple[Hub, Renders]) -> None:
    h, renders = hub
    h.on_event(Event("support.added", SESSION + 1, proposal_ids=(1,)))
    await settle()
    assert renders.calls == []


async def test_reconnect_replays_what_was_missed(hub: tuple[Hub, Renders]) -> None:
    h, _ = hub
    stays, returns = Phone(), Phone()
    viewers = [await attach(h, stays), await attach(h, returns)]
    h.on_event(Event("support.added", SESSION, proposal_ids=(1,)))
    await settle()
    h.detach(SESSION, returns.viewer)
    for pid in (2, 3):
        h.on_event(Event("comment.added", SESSION, proposal_ids=(pid,)))
        await settle()
    back = Phone()
    viewers.append(await attach(h, back, since=1))
    await settle()
    assert (
        back.got
        == stays.got[1:]
        == ["participant seq=2 proposals=[2] everything=False", "participant seq=3 proposals=[3] everything=False"]
    )
    await stop(*viewers)


async def test_up_to_date_reconnect_gets_nothing(hub: tuple[Hub, Renders]) -> None:
    h, _ = hub
    first = Phone()
    viewers = [await attach(h, first)]
    h.on_event(Event("support.added", SESSION, proposal_ids=(1,)))
    await settle()
    again = Phone()
    viewers.append(await attach(h, again, since=1))
    await settle()
    assert again.got == []
    await stop(*viewers)


@pytest.mark.parametrize("since", [0, 5, 99])
async def test_a_gap_gets_a_snapshot(hub: tuple[Hub, Renders], since: int) -> None:
    h, _ = hub
    first = Phone()
    viewer = await attach(h, first)
    for pid in (1, 2):
        h.on_event(Event("support.added", SESSION, proposal_ids=(pid,)))
        await settle()
    h.detach(SESSION, first.viewer)
    await stop(viewer)
    for _ in range(4):  # nobody watching: the sequence moves on but nothing is kept
        h.on_event(Event("support.added", SESSION, proposal_ids=(3,)))
    assert h.channels[SESSION].seq == 6
    back = Phone()
    viewer = await attach(h, back, since=since)
    await settle()
    assert back.got == ["participant seq=6 proposals=[] everything=True"]
    await stop(viewer)


async def test_a_stalled_viewer_is_dropped_without_holding_up_others(hub: tuple[Hub, Renders]) -> None:
    h, _ = hub
    healthy, stalled = Phone(), Phone(slow=True)
    viewers = [await attach(h, healthy), await attach(h, stalled)]
    for i in range(QUEUE_MAX + 3):
        h.on_event(Event("support.added", SESSION, proposal_ids=(i,)))
        await asyncio.sleep(TICK * 2)
    await settle()
    assert len(healthy.got) == QUEUE_MAX + 3
    # One send waiting on the frozen socket, QUEUE_MAX behind it, then one too many: dropped and closed, so its
    # page reconnects and resynchronises.
    assert stalled.viewer.dropped and stalled.got == []
    assert stalled.closed_with == CLOSE_FELL_BEHIND
    assert h.dropped == 1
    await stop(*viewers)


async def test_a_slow_viewer_catches_up_in_order_once_its_socket_drains(hub: tuple[Hub, Renders]) -> None:
    """A socket that is only slow (its buffer fills, then drains) gets every message, in order, and meanwhile
    the others get theirs at once."""
    h, _ = hub
    fast, slow = Phone(), Phone(slow=True)
    viewers = [await attach(h, fast), await attach(h, slow)]
    for i in range(5):
        h.on_event(Event("support.added", SESSION, proposal_ids=(i,)))
        await asyncio.sleep(TICK * 2)
    await settle()
    assert len(fast.got) == 5 and slow.got == []
    slow.drain()
    await settle()
    assert slow.got == fast.got and not slow.viewer.dropped
    h.on_event(Event("support.added", SESSION, proposal_ids=(9,)))
    await settle()
    assert slow.got == fast.got and len(fast.got) == 6
    await stop(*viewers)


async def test_numbers_from_the_bus_replay_across_coalesced_messages(hub: tuple[Hub, Renders]) -> None:
    """Numbered by the bus (as in every process behind Redis), a message carries its last event's number and
    a page that saw any message boundary gets exactly the messages after it."""
    h, _ = hub
    stays, returns = Phone(), Phone()
    viewers = [await attach(h, stays), await attach(h, returns)]
    h.on_event(Event("support.added", SESSION, proposal_ids=(1,), seq=5000))
    await settle()
    h.detach(SESSION, returns.viewer)
    for seq, pid in ((5001, 2), (5002, 3)):  # two events, one tick: one message numbered 5002
        h.on_event(Event("comment.added", SESSION, proposal_ids=(pid,), seq=seq))
    await settle()
    h.on_event(Event("support.added", SESSION, proposal_ids=(4,), seq=5007))
    await settle()
    assert stays.got == [
        "participant seq=5000 proposals=[1] everything=False",
        "participant seq=5002 proposals=[2, 3] everything=False",
        "participant seq=5007 proposals=[4] everything=False",
    ]
    back = Phone()
    viewers.append(await attach(h, back, since=5000))
    await settle()
    assert back.got == stays.got[1:]
    late = Phone()  # a number that was never a message boundary here: only a snapshot is safe
    viewers.append(await attach(h, late, since=5001))
    await settle()
    assert late.got == ["participant seq=5007 proposals=[] everything=True"]
    await stop(*viewers)


async def test_a_new_channel_starts_from_the_sessions_number_elsewhere() -> None:
    async def elsewhere(session_id: int) -> int:
        return 9000 if session_id == SESSION else 0

    renders = Renders()
    h = Hub(renders, tick_s=TICK, seq_source=elsewhere)
    await h.start()
    try:
        up_to_date, behind = Phone(), Phone()
        viewers = [await attach(h, up_to_date, since=9000), await attach(h, behind, since=8990)]
        await settle()
        assert up_to_date.got == []
        assert behind.got == ["participant seq=9000 proposals=[] everything=True"]
        h.on_event(Event("support.added", SESSION, proposal_ids=(1,), seq=9001))
        await settle()
        assert up_to_date.got == behind.got[1:] == ["participant seq=9001 proposals=[1] everything=False"]
        await stop(*viewers)
    finally:
        await h.stop()


async def test_resync_sends_every_open_page_a_snapshot(hub: tuple[Hub, Renders]) -> None:
    h, _ = hub
    phone, projector = Phone(), Phone("projector")
    viewers = [await attach(h, phone), await attach(h, projector)]
    h.on_event(Event("support.added", SESSION, proposal_ids=(1,)))
    await settle()
    h.resync_all()
    await settle()
    assert phone.got[-1] == "participant seq=1 proposals=[] everything=True"
    assert projector.got[-1] == "projector seq=1 proposals=[] everything=True"
    again = Phone()  # a snapshot is not a diff: a page that missed what came before it gets its own
    viewers.append(await attach(h, again, since=0))
    await settle()
    assert again.got == ["participant seq=1 proposals=[] everything=True"]
    await stop(*viewers)


async def test_a_hall_reconnecting_at_once_costs_one_render(hub: tuple[Hub, Renders]) -> None:
    """Everyone drops (the Wi-Fi went), changes happen, everyone comes back saying the last number they saw:
    the changes are rendered once, as a diff, and nobody needs a snapshot."""
    h, renders = hub
    phones = [Phone() for _ in range(50)]
    viewers = [await attach(h, p) for p in phones]
    h.on_event(Event("support.added", SESSION, proposal_ids=(1,), seq=100))
    await settle()
    for p in phones:
        h.detach(SESSION, p.viewer)
    await stop(*viewers)
    for seq, pid in ((101, 2), (102, 3)):
        h.on_event(Event("support.added", SESSION, proposal_ids=(pid,), seq=seq))
    await settle()
    renders.calls.clear()
    back = [Phone() for _ in range(50)]
    viewers = [await attach(h, p, since=100) for p in back]
    await settle()
    assert renders.calls == [(SESSION, "participant", 102, False)]
    assert all(p.got == ["participant seq=102 proposals=[2, 3] everything=False"] for p in back)
    await stop(*viewers)


async def test_ticks_are_counted_from_the_previous_tick_not_from_its_end() -> None:
    """A big hall's fan-out takes a while. The next tick comes one tick after the previous began, so a change
    made as a long tick started waits for that tick, not for it and a whole tick more; and after a quiet
    spell the first change goes out at once. (A tick here is long, so a loaded machine cannot blur it.)"""
    long_tick, render_s = 0.5, 0.6
    ticks: list[tuple[float, float]] = []  # (began, ended) of each render

    async def slow_render(session_id: int, dirty: Dirty, audience: str, seq: int) -> str:
        began = asyncio.get_running_loop().time()
        await asyncio.sleep(render_s)
        ticks.append((began, asyncio.get_running_loop().time()))
        return f"seq={seq}"

    h = Hub(slow_render, tick_s=long_tick)
    await h.start()
    phone = Phone()
    await attach(h, phone)
    posted = asyncio.get_running_loop().time()
    h.on_event(Event("support.added", SESSION, proposal_ids=(1,)))
    await asyncio.sleep(0.1)
    h.on_event(Event("support.added", SESSION, proposal_ids=(2,)))  # during the first tick's render
    await asyncio.sleep(render_s * 2 + long_tick)
    await h.stop()
    await stop(phone.viewer)
    assert phone.got == ["seq=1", "seq=2"]
    (first_began, first_ended), (second_began, _) = ticks
    assert first_began - posted < long_tick / 2  # not a tick after a quiet spell
    assert second_began - first_ended < long_tick / 2  # the tick had passed while the first one rendered


async def test_what_pages_share_is_made_once_however_many_ask_at_once() -> None:
    """A whole hall asks for its board in the same instant when voting opens: one of them makes it, the others
    wait for that one. A new number makes it again; a failure is not kept, so the next page tries again."""
    from deliberate.realtime.hub import Channel

    channel = Channel(SESSION)
    made: list[int] = []
    gate = asyncio.Event()

    async def make() -> str:
        made.append(1)
        await gate.wait()  # the database, slow under a spike
        return f"board {len(made)}"

    waiting = [asyncio.create_task(channel.share("board", 5, 60.0, make)) for _ in range(50)]
    await asyncio.sleep(0)
    waiting[0].cancel()  # one phone goes away while it waits: the others still get theirs
    gate.set()
    results = await asyncio.gather(*waiting[1:])
    assert results == ["board 1"] * 49 and len(made) == 1
    assert await channel.share("board", 5, 60.0, make) == "board 1"
    assert await channel.share("board", 6, 60.0, make) == "board 2"  # a change: made again

    async def broken() -> str:
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        await channel.share("other", 1, 60.0, broken)
    assert "other" not in channel.shared
    assert await channel.share("other", 1, 60.0, make) == "board 3"
