"""Domain events: small records of what changed, published after the transaction commits.

Services publish; the live channel (and later the audit log) listen. Services never know who listens.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

Listener = Callable[["Event"], Awaitable[None] | None]
_listeners: list[Listener] = []


@dataclass(frozen=True)
class Event:
    name: str  # dotted, past tense: "support.added", "phase.changed"
    session_id: int
    proposal_ids: tuple[int, ...] = ()
    data: dict[str, object] = field(default_factory=dict)


def subscribe(listener: Listener) -> None:
    _listeners.append(listener)


def unsubscribe(listener: Listener) -> None:
    if listener in _listeners:
        _listeners.remove(listener)


async def publish(event: Event) -> None:
    """Call only after the write has committed, so nobody sees a change that rolls back."""
    for listener in list(_listeners):
        result = listener(event)
        if result is not None:
            await result
