"""The live channel: what changed in a session reaches every open page within a tick.

Writes publish domain events after they commit. The hub only marks the session dirty; once per tick it
renders what changed once per audience (participant phones, the projector, the facilitator console)
and hands the same text to every viewer of that audience. Each message carries a per-session sequence
number: that of the last event it includes, the same in every app process (see bus.py). A page that
reconnects, to this process or another, says the last number it saw and gets what it missed from a bounded
replay buffer, or a fresh snapshot when it was away too long or the buffer cannot prove it complete.
A slow viewer has a bounded queue: when it fills, the viewer is dropped and its page reconnects and
resynchronises, so it never slows the others. Sends happen inline, not in a task per viewer (see Viewer).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from deliberate.events import Event

log = logging.getLogger(__name__)

AUDIENCES = ("participant", "projector", "console")
REPLAY = 256  # messages kept per session for reconnecting pages
QUEUE_MAX = 64  # messages a viewer may have waiting before it is dropped
CLOSE_FELL_BEHIND = 1013  # "try again later": the page reconnects and resynchronises
# The coalescing window widens with the audience: every message costs a send per viewer, so a big hall gets
# fewer, fuller messages (5,000 viewers: 4 a second instead of 10), still well within half a second.
VIEWERS_PER_BASE_TICK = 2000
TICK_MAX_S = 0.25
# Sends are written in the hub's own turn of the event loop; it gives way this often, so a write's database
# round trip waits behind a few milliseconds of fan-out, never behind a whole hall's.
SENDS_PER_TURN = 50
# Events that change only numbers on a page (a proposal's supports or comments), never what it shows.
SUPPORT_COUNTS = frozenset({"support.added", "support.withdrawn"})
COMMENT_COUNTS = frozenset({"comment.added", "comment.hidden", "comment.restored"})
COUNTS_ONLY = SUPPORT_COUNTS | COMMENT_COUNTS


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
    """One open page. A message is sent at once, in the hub's own turn of the event loop: a socket with room
    takes the frame without suspending, so a hall of 5,000 costs 5,000 writes, not 5,000 task switches that
    queue in front of the writes the hall is making (bench live: supports waited seconds behind them). Only a
    send that has to wait (the phone's buffer is full) continues in a task of its own, and later messages
    queue behind it, at most QUEUE_MAX; past that the viewer is dropped and its page resynchronises."""

    def __init__(
        self,
        send: Callable[[str], Coroutine[Any, Any, None]],
        close: Callable[[int], Awaitable[None]],
        audience: str,
    ) -> None:
        # `send` is driven by hand (`offer` steps its coroutine), so it must be an async function.
        self.send = send
        self.close = close
        self.audience = audience
        self.waiting: deque[str] = deque()
        self.dropped = False
        self.seq = 0  # the number its page has been brought up to: a message it already has is not sent again
        self._task: asyncio.Task[None] | None = None  # the send that had to wait, then what queued behind it

    def offer(self, text: str) -> bool:
        if self.dropped:
            return False
        if self._task is not None:
            if len(self.waiting) >= QUEUE_MAX:
                self._drop()
                return False
            self.waiting.append(text)
            return True
        coro = self.send(text)
        try:
            awaited = coro.send(None)  # run the send until it completes or must wait
        except StopIteration:
            return True
        except Exception:  # noqa: BLE001 (the connection is gone: its endpoint notices and detaches)
            self.dropped = True
            return False
        self._task = asyncio.get_running_loop().create_task(self._resume(coro, awaited))
        return True

    async def _resume(self, coro: Coroutine[Any, Any, None], awaited: Any) -> None:
        """Carry on a send that suspended on the future `awaited`, as a task would have (Python 3.12's eager
        tasks do this for us), then send what queued meanwhile."""
        try:
            while True:
                if awaited is None:  # a bare yield: give the loop one turn
                    await asyncio.sleep(0)
                    awaited = coro.send(None)
                    continue
                woken = asyncio.get_running_loop().create_future()
                awaited.add_done_callback(lambda _, w=woken: w.done() or w.set_result(None))
                try:
                    await woken
                except asyncio.CancelledError as exc:
                    awaited.cancel()
                    awaited = coro.throw(exc)
                    continue
                awaited = coro.send(None)  # the future is done: the send goes on from where it waited
        except StopIteration:
            pass
        except Exception:  # noqa: BLE001 (the connection failed under the send)
            self.dropped = True
            return
        finally:
            coro.close()
        while self.waiting and not self.dropped:
            try:
                await self.send(self.waiting.popleft())
            except Exception:  # noqa: BLE001
                self.dropped = True
                return
        self._task = None

    def _drop(self) -> None:
        self.dropped = True
        self.waiting.clear()
        if self._task is not None:
            self._task.cancel()
        asyncio.get_running_loop().create_task(self._close())

    async def _close(self) -> None:
        with contextlib.suppress(Exception):
            await self.close(CLOSE_FELL_BEHIND)

    async def aclose(self) -> None:
        """The page went away: stop whatever send is still waiting."""
        self.dropped = True
        self.waiting.clear()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task


@dataclass
class Replay:
    after: int  # the number the previous message carried: this one holds the events after it, up to `seq`
    seq: int
    messages: dict[str, str]


@dataclass
class Channel:
    session_id: int
    seq: int = 0  # the last event's number
    flushed: int = 0  # the number the last message carried
    # Keyed by audience and language ("participant", "participant.en"): one render per key per tick.
    viewers: dict[str, set[Viewer]] = field(default_factory=lambda: defaultdict(set))
    dirty: Dirty | None = None
    replay: deque[Replay] = field(default_factory=lambda: deque(maxlen=REPLAY))
    # The number of the last event that changed more than counts (see COUNTS_ONLY): what pages draw of the
    # session keeps its shape while this stands, however many supports come in.
    shape_seq: int = 0
    # What pages derive from the session and may share while a number stands, by name: (number, made at, value).
    shared: dict[str, tuple[int, float, Any]] = field(default_factory=dict)

    async def share(self, name: str, number: int, max_age: float, make: Callable[[], Awaitable[Any]]) -> Any:
        """What `make` derives from the session, made once while `number` stands (for `max_age` seconds at most)
        however many pages ask at once: when voting opens a whole hall asks in the same instant, and each
        making its own copy (all waiting on the one database) was what a spike cost."""
        now = time.monotonic()
        kept = self.shared.get(name)
        if kept is None or kept[0] != number or now - kept[1] >= max_age:
            kept = self.shared[name] = (number, now, asyncio.ensure_future(make()))
        try:
            return await asyncio.shield(kept[2])  # a page that goes away does not cancel it for the others
        except Exception:
            if self.shared.get(name) is kept:
                del self.shared[name]  # the next page tries again
            raise

    def advance(self, seq: int) -> None:
        """Take an event's number (0: number it here, for a hub without a bus)."""
        self.seq = max(self.seq, seq or self.seq + 1)

    @property
    def viewer_count(self) -> int:
        return sum(len(v) for v in self.viewers.values())


SeqSource = Callable[[int], Awaitable[int]]


class Hub:
    def __init__(self, render: Renderer, tick_s: float = 0.1, seq_source: SeqSource | None = None) -> None:
        self.render = render
        self.tick_s = tick_s
        self.seq_source = seq_source  # where a new channel learns the session's current number (the bus)
        self.channels: dict[int, Channel] = {}
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._flushed_at = 0.0  # when the last tick began (the loop's clock)
        self.delivered = 0
        self.dropped = 0  # viewers dropped for falling behind
        self.events = 0

    # -- lifecycle -------------------------------------------------------------------------------------
    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="live-hub")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def tick(self) -> float:
        return min(max(self.tick_s, TICK_MAX_S), self.tick_s * max(1.0, self.connections / VIEWERS_PER_BASE_TICK))

    # -- input: domain events ----------------------------------------------------------------------------
    def on_event(self, event: Event) -> None:
        self.events += 1
        channel = self.channels.get(event.session_id)
        if channel is None:
            return
        channel.advance(event.seq)
        if event.name not in COUNTS_ONLY:
            channel.shape_seq = channel.seq
        if channel.dirty is None:
            channel.dirty = Dirty()
        channel.dirty.merge(event)
        # With nobody watching, what changed waits, unrendered, for the first page to come back: when a whole
        # hall reconnects at once (the Wi-Fi came back), one diff for everyone instead of a snapshot each.
        if channel.viewer_count:
            self._wake.set()

    def resync_all(self) -> None:
        """Send every open page a snapshot on the next tick (the bus lost events, or got them back)."""
        for channel in self.channels.values():
            channel.shape_seq = channel.seq  # events may have been missed: whatever pages keep is redrawn
            if channel.viewer_count:
                channel.dirty = Dirty(everything=True)
                channel.replay.clear()
        self._wake.set()

    # -- output: one render per audience per tick ----------------------------------------------------------
    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            # Coalesce the burst that woke us, a tick after the previous tick began rather than after its
            # fan-out ended: a change made just as a big hall's fan-out started would otherwise wait for that
            # whole fan-out and a whole tick more. After a quiet spell the first change goes out at once.
            loop = asyncio.get_running_loop()
            await asyncio.sleep(max(0.0, self._flushed_at + self.tick() - loop.time()))
            self._flushed_at = loop.time()
            for channel in list(self.channels.values()):
                if channel.dirty is not None and channel.viewer_count:
                    try:
                        await self._flush(channel)
                    except Exception:
                        log.exception("live render failed for session %s", channel.session_id)

    async def _flush(self, channel: Channel) -> None:
        dirty, channel.dirty = channel.dirty, None
        assert dirty is not None
        seq, after = channel.seq, channel.flushed
        messages: dict[str, str] = {}
        for audience, viewers in channel.viewers.items():
            if viewers:
                messages[audience] = await self.render(channel.session_id, dirty, audience, seq)
        if dirty.everything:
            channel.replay.clear()  # a snapshot is no diff to replay to a page that missed what came before
        else:
            channel.replay.append(Replay(after, seq, messages))
        channel.flushed = seq
        sent = 0
        for audience, text in messages.items():
            for viewer in list(channel.viewers[audience]):
                if viewer.seq >= seq and not dirty.everything:
                    continue  # its snapshot already holds this
                viewer.seq = seq
                already = viewer.dropped
                if viewer.offer(text):
                    self.delivered += 1
                elif not already:
                    self.dropped += 1
                sent += 1
                if sent % SENDS_PER_TURN == 0:
                    await asyncio.sleep(0)  # let writes and other pages in between big fan-outs

    # -- viewers -------------------------------------------------------------------------------------------
    async def channel(self, session_id: int) -> Channel:
        channel = self.channels.get(session_id)
        if channel is None:
            channel = self.channels[session_id] = Channel(session_id)
            if self.seq_source is not None:
                # Another process may have numbered this session's events for a long time already.
                current = await self.seq_source(session_id)
                channel.seq = max(channel.seq, current)
                channel.flushed = max(channel.flushed, current)
                channel.shape_seq = channel.seq  # what came before is unknown here: take it as a new shape
        return channel

    async def attach(self, session_id: int, viewer: Viewer, since: int | None) -> None:
        """Register a viewer and bring its page up to date from `since`, the last sequence it saw."""
        channel = await self.channel(session_id)
        channel.viewers[viewer.audience].add(viewer)
        if channel.dirty is not None:
            self._wake.set()  # changes made while nobody watched
        if since is None or since in (channel.seq, channel.flushed):
            viewer.seq = since or 0
            return  # up to date, or about to be by the next tick
        missed = [r for r in channel.replay if r.seq > since]
        chained = all(a.seq == b.after for a, b in zip(missed, missed[1:], strict=False))
        complete = (
            since > 0
            and missed
            and missed[0].after == since
            and chained
            and missed[-1].seq == channel.flushed
            and all(viewer.audience in r.messages for r in missed)
        )
        if complete:
            for r in missed:
                viewer.offer(r.messages[viewer.audience])
            viewer.seq = missed[-1].seq
        else:
            viewer.seq = channel.seq
            text = await self.render(session_id, Dirty(everything=True), viewer.audience, channel.seq)
            viewer.offer(text)

    def detach(self, session_id: int, viewer: Viewer) -> None:
        channel = self.channels.get(session_id)
        if channel is not None:
            channel.viewers[viewer.audience].discard(viewer)

    @property
    def connections(self) -> int:
        return sum(c.viewer_count for c in self.channels.values())
