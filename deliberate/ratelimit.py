"""Abuse limits, counted by the `limits` library: in memory for one process, in Redis when REDIS_URL is set
so that every worker process counts against the same numbers. A refusal is a `RateLimited` (429) that
carries how many seconds to wait, sent as Retry-After."""

from __future__ import annotations

import hashlib
import logging
import math
import time
from dataclasses import dataclass

from limits import RateLimitItem, RateLimitItemPerSecond, parse_many
from limits.aio.storage import MemoryStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string
from starlette.applications import Starlette

from deliberate.errors import TooManyRequests
from deliberate.settings import Settings

log = logging.getLogger(__name__)


class RateLimited(TooManyRequests):
    def __init__(self, message: str, *, retry_after: int, field: str | None = None, **params: object) -> None:
        super().__init__(message, field=field, seconds=retry_after, minutes=math.ceil(retry_after / 60), **params)
        self.retry_after = retry_after

    @property
    def headers(self) -> dict[str, str]:
        return {"retry-after": str(self.retry_after)}


@dataclass(frozen=True)
class Policy:
    name: str
    items: tuple[RateLimitItem, ...]

    @classmethod
    def parse(cls, name: str, spec: str) -> Policy:
        return cls(name, tuple(parse_many(spec)))


def slow_mode_policy(seconds: int) -> Policy:
    return Policy("slow", (RateLimitItemPerSecond(1, seconds),))


class Limiter:
    """Counts events per (policy, key). `test` asks without counting, `hit` counts and asks."""

    def __init__(self, storage: Storage, settings: Settings) -> None:
        self.strategy = MovingWindowRateLimiter(storage)
        self.login_account = Policy.parse("login-account", settings.login_failures_per_account)
        self.login_address = Policy.parse("login-address", settings.login_failures_per_address)
        self.code_misses = Policy.parse("code-misses", settings.code_misses_per_address)
        self.writes = Policy.parse("writes", settings.participant_writes)
        self.joins = Policy.parse("joins", settings.joins_per_address)

    async def wait(self, policy: Policy, key: str) -> int:
        """Seconds until `key` may act again under `policy`; 0 when it may now."""
        try:
            return await self._wait(policy, key)
        except Exception:  # the counters' store is down: the room keeps working, unlimited for the while
            log.warning("rate limit store unavailable; %s not enforced", policy.name, exc_info=True)
            return 0

    async def _wait(self, policy: Policy, key: str) -> int:
        longest = 0.0
        for item in policy.items:
            if not await self.strategy.test(item, policy.name, key):
                stats = await self.strategy.get_window_stats(item, policy.name, key)
                longest = max(longest, stats.reset_time - time.time())
        return math.ceil(longest) if longest > 0 else 0

    async def hit(self, policy: Policy, key: str) -> int:
        """Count one event; the wait in seconds if it went over a limit (then it is not counted)."""
        try:
            for item in policy.items:
                if not await self.strategy.hit(item, policy.name, key):
                    return max(1, await self._wait(policy, key))
        except Exception:
            log.warning("rate limit store unavailable; %s not enforced", policy.name, exc_info=True)
        return 0

    async def clear(self, policy: Policy, key: str) -> None:
        try:
            for item in policy.items:
                await self.strategy.clear(item, policy.name, key)
        except Exception:
            log.warning("rate limit store unavailable; %s not cleared", policy.name, exc_info=True)


class HallMemoryStorage(MemoryStorage):
    """limits' in-memory store sweeps every key for expired events after each call (a thread hop per key), so a
    call costs more with each participant: with 5,000 phones, most of a write's time (bench live). Reads skip
    expired events anyway; sweeping once a second only bounds the memory."""

    SWEEP_EVERY_S = 1.0

    def __init__(self) -> None:
        super().__init__()
        self._swept = 0.0

    async def _MemoryStorage__schedule_expiry(self) -> None:  # the name-mangled hook every call goes through
        now = time.monotonic()
        if now - self._swept >= self.SWEEP_EVERY_S:
            self._swept = now
            # limits' types leave its private hook out, so mypy cannot see the method this overrides.
            await MemoryStorage._MemoryStorage__schedule_expiry(self)  # type: ignore[attr-defined]


def build_limiter(settings: Settings) -> Limiter:
    if settings.redis_url:
        # redis://host:6379/0 -> async+redis://host:6379/0, through the redis client the project already has.
        # Under the database's namespace, as the live bus: instances (and test runs) sharing one Redis must not
        # share counters, or one's wrong codes would lock another's hall out.
        namespace = settings.limits_namespace or hashlib.sha256(settings.db_url.encode()).hexdigest()[:12]
        storage = storage_from_string(
            f"async+{settings.redis_url}", implementation="redispy", key_prefix=f"deliberate-limits:{namespace}"
        )
        assert isinstance(storage, Storage)  # an "async+" URI always gives an asyncio store
        return Limiter(storage, settings)
    return Limiter(HallMemoryStorage(), settings)


def limiter_for(app: Starlette) -> Limiter:
    """The app's limiter, made on first use (the app factory need not know about it)."""
    state = app.state
    limiter = getattr(state, "limiter", None)
    if limiter is None:
        limiter = build_limiter(state.settings)
        state.limiter = limiter
    return limiter
