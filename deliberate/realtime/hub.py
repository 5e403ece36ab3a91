"""The live channel: what changed in a session reaches every open page within a tick.

Writes publish domain events after they commit. The hub only marks the session dirty; once per tick it
renders what changed once per audience (participant phones, the projector, the facilitator console)
and hands the same text to every viewer of that audience. Each message carries a per-session sequence
number; a page that reconnects says the last one it saw and gets what it missed from a bounded replay
buffer, or a fresh snapshot when it was away too long. A slow viewer has a bounded queue: when it fills,
the viewer is dropped and its page reconnects and resynchronises, so it never slows the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from deliberate.events import Event

log = logging.getLogger(__name__)

AUDIENCES = ("participant", "projector", "console")
REPLAY = 256  # messages kept per session for reconnecting pages
QUEUE_MAX = 64  # messages a viewer may have waiting before it is dropped
CLOSE_FELL_BEHIND = 1013  # "try again later": the page reconnects and resynchronises


@dataclass
class Dirty:
    """What to render on the next tick. `everything` asks for a full snapshot."""

    proposals: set[int] = field(default_factory=set)
    names: set[str] = field(default_factory=set)
    everything: bool = False

    def merge(self, event: Event) -> None:
        self.proposals.update(event.proposal_ids)
        self.names.add(event.name)


Renderer = Callable[[int, Dirty, str, int], Awaitable[str]]


class Viewer:
    def __init__(self, send: Callable[[str], Awaitable[None]], close: Callable[[int], Awaitable[None]],
                 audience: str) -> None:
        self.send = send
        self.close = close
        self.audience = audience
        self.queue: asyncio.Queue[str] = asyncio.Queue(maxsize=QUEUE_MAX)
        self.dropped = False

    def offer(self, text: str) -> bool:
        try:
            self.queue.put_nowait(text)
            return True
        except asyncio.QueueFull:
            self.dropped = True
            return False

    async def pump(self) -> None:
        """Send queued messages until the connection ends or the viewer falls behind."""
        while not self.dropped:
            text = await self.queue.get()
            await self.send(text)
        with contextlib.suppress(Exception):
            await self.close(CLOSE_FELL_BEHIND)


@dataclass
class Channel:
    session_id: int
    seq: int = 0
    # Keyed by audience and language ("participant", "participant.en"): one render per key per tick.
    viewers: dict[str, set[Viewer]] = field(default_factory=lambda: defaultdict(set))
    dirty: Dirty | None = None
    replay: deque[tuple[int, dict[str, str]]] = field(default_factory=lambda: deque(maxlen=REPLAY))

    @property
    def viewer_count(self) -> int:
        return sum(len(v) for v in self.viewers.values())


class Hub:
    def __init__(self, render: Renderer, tick_s: float = 0.1) -> None:
        self.render = render
        self.tick_s = tick_s
        self.channels: dict[int, Channel] = {}
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self.delivered = 0

    # -- lifecycle -------------------------------------------------------------------------------------
    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="live-hub")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    # -- input: domain events ----------------------------------------------------------------------------
    def on_event(self, event: Event) -> None:
        channel = self.channels.get(event.session_id)
        if channel is None or channel.viewer_count == 0:
            if channel is not None:
                channel.seq += 1  # nobody is watching, but reconnecting pages must still see a gap
                channel.replay.clear()
            return
        if channel.dirty is None:
            channel.dirty = Dirty()
        channel.dirty.merge(event)
        self._wake.set()

    # -- output: one render per audience per tick ----------------------------------------------------------
    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            await asyncio.sleep(self.tick_s)  # coalesce the burst that woke us
            for channel in list(self.channels.values()):
                if channel.dirty is not None:
                    try:
                        await self._flush(channel)
                    except Exception:
                        log.exception("live render failed for session %s", channel.session_id)

    async def _flush(self, channel: Channel) -> None:
        dirty, channel.dirty = channel.dirty, None
        assert dirty is not None
        channel.seq += 1
        seq = channel.seq
        messages: dict[str, str] = {}
        for audience, viewers in channel.viewers.items():
            if viewers:
                messages[audience] = await self.render(channel.session_id, dirty, audience, seq)
        channel.replay.append((seq, messages))
        sent = 0
        for audience, text in messages.items():
            for viewer in list(channel.viewers[audience]):
                if viewer.offer(text):
                    self.delivered += 1
                sent += 1
                if sent % 500 == 0:
                    await asyncio.sleep(0)  # let writes and other pages in between big fan-outs

    # -- viewers -------------------------------------------------------------------------------------------
    def channel(self, session_id: int) -> Channel:
        channel = self.channels.get(session_id)
        if channel is None:
            channel = self.channels[session_id] = Channel(session_id)
        return channel

    async def attach(self, session_id: int, viewer: Viewer, since: int | None) -> None:
        """Register a viewer and bring its page up to date from `since`, the last sequence it saw."""
        channel = self.channel(session_id)
        channel.viewers[viewer.audience].add(viewer)
        if since is None or since == channel.seq:
            return
        missed = [(s, m) for s, m in channel.replay if s > since]
        complete = (0 <= since < channel.seq and missed and missed[0][0] == since + 1
                    and all(viewer.audience in m for _, m in missed))
        if complete:
            for _, m in missed:
                viewer.offer(m[viewer.audience])
        else:
            text = await self.render(session_id, Dirty(everything=True), viewer.audience, channel.seq)
            viewer.offer(text)

    def detach(self, session_id: int, viewer: Viewer) -> None:
        channel = self.channels.get(session_id)
        if channel is not None:
            channel.viewers[viewer.audience].discard(viewer)

    @property
    def connections(self) -> int:
        return sum(c.viewer_count for c in self.channels.values())
