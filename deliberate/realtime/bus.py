"""How committed events reach the listeners (the live hub, the map worker) of every app process.

One process (the embedded default) needs no broker: `LocalBus` stamps each event with its session's next
sequence number and hands it straight to the listeners. Several processes (`deliberate serve --workers N`,
or several servers behind a proxy) share `RedisBus`: a small Lua script takes the session's next number and
publishes the event in one atomic step, so every process receives every session's events in the same order
under the same numbers, its own included. A page can then reconnect to any process and say "since 1234".

Why Redis pub/sub and not PostgreSQL LISTEN/NOTIFY: the embedded default runs without PostgreSQL, a NOTIFY
is delivered only at commit and holds a lock that serialises every notifying transaction in the database,
and the numbers need an atomic counter that outlives app processes anyway; Redis gives both in one round trip
and keeps the database out of the fan-out path.

Numbers are a hybrid clock: max(last + 1, milliseconds since EPOCH). They only grow, also after Redis (which
keeps nothing on disk here) or the app restarts, so a page never mistakes a new history for the one it saw.

When Redis cannot be reached, writes still succeed: events are delivered in this process only, numbered by
the same clock, and every other page is brought up to date by a snapshot every FALLBACK_S (the slower path)
until the subscriber reconnects.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import os
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from deliberate import events
from deliberate.events import Event

log = logging.getLogger(__name__)

EPOCH_MS = 1_735_689_600_000  # 2025-01-01T00:00:00Z: keeps numbers short enough to read in a URL
# Under a namespace per database, so instances (or test runs) sharing one Redis never hear each other.
CHANNEL = "deliberate:{}:events"
SEQ_KEY = "deliberate:{}:seq:{}"
SEQ_TTL_S = 14 * 24 * 3600
FALLBACK_S = 2.0
RETRY_MAX_S = 5.0
# A quiet subscription is pinged this often, so a dead connection is noticed on a quiet session.
PING_EVERY_S = 5.0
# KEYS[1] the session's counter; ARGV: channel, floor, payload. Returns the event's number.
PUBLISH_SCRIPT = """
local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
local floor = tonumber(ARGV[2])
local seq = cur + 1
if seq < floor then seq = floor end
redis.call('SET', KEYS[1], seq, 'EX', tonumber(ARGV[4]))
redis.call('PUBLISH', ARGV[1], seq .. ' ' .. ARGV[3])
return seq
"""


def clock_ms() -> int:
    return int(time.time() * 1000) - EPOCH_MS


class LocalBus:
    """One process: number and deliver in place."""

    healthy = True

    def __init__(self) -> None:
        self._last: dict[int, int] = {}

    def _stamp(self, event: Event) -> Event:
        seq = max(self._last.get(event.session_id, 0) + 1, clock_ms())
        self._last[event.session_id] = seq
        return replace(event, seq=seq)

    async def start(self) -> None:
        events.set_transport(self.publish)

    async def stop(self) -> None:
        events.set_transport(None)

    async def publish(self, event: Event) -> None:
        await events.deliver(self._stamp(event))

    async def current_seq(self, session_id: int) -> int:
        return self._last.get(session_id, 0)

    async def ready(self) -> bool:
        return True


def _encode(event: Event) -> str:
    return json.dumps(
        {"n": event.name, "s": event.session_id, "p": list(event.proposal_ids), "d": event.data, "o": os.getpid()},
        ensure_ascii=False,
        separators=(",", ":"),
    )


def _decode(message: str) -> Event:
    seq, _, body = message.partition(" ")
    data: dict[str, Any] = json.loads(body)
    return Event(
        str(data["n"]),
        int(data["s"]),
        tuple(int(p) for p in data.get("p") or ()),
        dict(data.get("d") or {}),
        seq=int(seq),
    )


class RedisBus(LocalBus):
    """Every process: publish through Redis, deliver what the subscription brings, in order."""

    def __init__(self, url: str, namespace: str, fallback: Callable[[], None] | None = None) -> None:
        super().__init__()
        import redis.asyncio as redis

        self.url = url
        self.channel = CHANNEL.format(namespace)
        self.seq_key = SEQ_KEY.format(namespace, "{}")
        self.fallback = fallback  # asks the hub to resynchronise its pages while Redis is away
        self.healthy = False
        # Named, so `redis-cli client list` tells which connections are a deliberate's live bus.
        self._redis = redis.Redis.from_url(
            url,
            socket_timeout=2.0,
            socket_connect_timeout=1.0,
            decode_responses=True,
            client_name=f"deliberate-bus-{namespace}",
        )
        self._script = self._redis.register_script(PUBLISH_SCRIPT)
        self._task: asyncio.Task[None] | None = None
        self._subscribed = asyncio.Event()

    async def start(self) -> None:
        await super().start()
        self._task = asyncio.create_task(self._listen(), name="redis-bus")
        # Wait briefly for the subscription so the first writes go through Redis; if Redis is down, carry on.
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._subscribed.wait(), timeout=2.0)

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await super().stop()
        with contextlib.suppress(Exception):
            await self._redis.aclose()

    async def publish(self, event: Event) -> None:
        if self.healthy:
            try:
                floor = max(self._last.get(event.session_id, 0) + 1, clock_ms())
                await self._script(
                    keys=[self.seq_key.format(event.session_id)], args=[self.channel, floor, _encode(event), SEQ_TTL_S]
                )
                return  # delivered here too, through the subscription
            except Exception as exc:  # noqa: BLE001 (any Redis failure: fall back, never fail the write)
                log.warning("redis publish failed, delivering locally: %s", exc)
                self._degrade()
        await events.deliver(self._stamp(event))

    async def current_seq(self, session_id: int) -> int:
        known = self._last.get(session_id, 0)
        if self.healthy:
            with contextlib.suppress(Exception):
                known = max(known, int(await self._redis.get(self.seq_key.format(session_id)) or 0))
        return known

    async def ready(self) -> bool:
        try:
            return bool(await self._redis.ping())
        except Exception:  # noqa: BLE001
            return False

    def _degrade(self) -> None:
        if self.healthy:
            log.warning("live bus: Redis unreachable, pages fall back to snapshots every %.0f s", FALLBACK_S)
        self.healthy = False
        self._subscribed.clear()

    async def _listen(self) -> None:
        """Subscribe, deliver, and on any failure fall back and retry with backoff."""
        delay = 0.2
        fallback: asyncio.Task[None] | None = None
        while True:
            pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(self.channel)
                was_down = not self.healthy and fallback is not None
                self.healthy = True
                self._subscribed.set()
                delay = 0.2
                if fallback is not None:
                    fallback.cancel()
                    fallback = None
                if was_down and self.fallback:
                    self.fallback()  # what happened elsewhere while we were cut off
                heard = time.monotonic()
                while True:
                    message = await pubsub.get_message(timeout=PING_EVERY_S)
                    now = time.monotonic()
                    if message is None:
                        # None also comes back at once for the PONG itself (ignored as a subscribe message):
                        # ping on time elapsed, not on every None, or the loop spins pinging.
                        if now - heard >= PING_EVERY_S:
                            heard = now
                            await pubsub.ping()
                        continue
                    heard = now
                    if message.get("type") != "message":
                        continue
                    try:
                        event = _decode(message["data"])
                    except (ValueError, KeyError, TypeError):
                        log.warning("live bus: ignored a malformed message")
                        continue
                    self._last[event.session_id] = max(self._last.get(event.session_id, 0), event.seq)
                    await events.deliver(event)
            except asyncio.CancelledError:
                if fallback is not None:
                    fallback.cancel()
                raise
            except Exception as exc:  # noqa: BLE001 (connection lost, Redis restarting, a bad message)
                log.warning("live bus: %s; retrying in %.1f s", exc, delay)
                self._degrade()
                if fallback is None:
                    fallback = asyncio.create_task(self._fallback_loop(), name="redis-bus-fallback")
                await asyncio.sleep(delay)
                delay = min(delay * 2, RETRY_MAX_S)
            finally:
                with contextlib.suppress(Exception):
                    await pubsub.aclose()

    async def _fallback_loop(self) -> None:
        while True:
            await asyncio.sleep(FALLBACK_S)
            if self.fallback:
                self.fallback()


def make_bus(redis_url: str | None, database_url: str, fallback: Callable[[], None] | None = None) -> LocalBus:
    namespace = hashlib.sha256(database_url.encode()).hexdigest()[:12]
    return RedisBus(redis_url, namespace, fallback) if redis_url else LocalBus()
