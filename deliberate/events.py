"""Domain events: small records of what changed, published after the transaction commits.

Services publish; the live channel (and later the audit log) listen. Services never know who listens.
"""

from __future__ import annotations

import contextvars
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

Listener = Callable[["Event"], Awaitable[None] | None]
_listeners: list[Listener] = []
# The live channel's bus, once the app runs: it numbers events and carries them to every process's listeners.
_transport: Callable[[Event], Awaitable[None]] | None = None
# Inside `deferred()`: the events held back until the enclosing transaction has committed.
_held: contextvars.ContextVar[list[Event] | None] = contextvars.ContextVar("held_events", default=None)


@dataclass(frozen=True)
class Event:
    name: str  # dotted, past tense: "support.added", "phase.changed"
    session_id: int
    proposal_ids: tuple[int, ...] = ()
    data: dict[str, object] = field(default_factory=dict)
    # Set by the live channel's bus: the event's place in its session's history, the same in every process.
    seq: int = 0


def subscribe(listener: Listener) -> None:
    _listeners.append(listener)


def unsubscribe(listener: Listener) -> None:
    if listener in _listeners:
        _listeners.remove(listener)


async def publish(event: Event) -> None:
    """Call only after the write has committed, so nobody sees a change that rolls back."""
    held = _held.get()
    if held is not None:
        held.append(event)
        return
    if _transport is not None:
        await _transport(event)
    else:
        await deliver(event)


def set_transport(transport: Callable[[Event], Awaitable[None]] | None) -> None:
    global _transport
    _transport = transport


async def deliver(event: Event) -> None:
    for listener in list(_listeners):
        result = listener(event)
        if result is not None:
            await result


def hold(into: list[Event]) -> contextvars.Token[list[Event] | None]:
    """Hold back what this context publishes, into `into`, until `release`: for a write whose transaction
    is committed by someone else (groupcommit.py), who publishes them after the commit."""
    return _held.set(into)


def release(token: contextvars.Token[list[Event] | None]) -> None:
    _held.reset(token)


@asynccontextmanager
async def deferred() -> AsyncIterator[None]:
    """Hold back what a block publishes until it ends well: for a service call wrapped in an outer transaction
    (an idempotent write), whose own "after commit" comes before the real commit. Close the transaction inside
    this block, so the events go out after it; an exception drops them with the rolled-back writes."""
    if _held.get() is not None:
        yield  # already deferring: the outermost block publishes
        return
    token = _held.set([])
    try:
        yield
        held = _held.get() or []
    finally:
        _held.reset(token)
    for event in held:
        await publish(event)
