"""What a hidden round keeps from everyone but staff until the facilitator reveals it.

A round's own figures are withheld by `results.round_results`. A support round's figures are the proposals'
support counts themselves, shown on every board card, the projector's leaders and spotlight, the session's
totals and several API answers: while such a round is hidden, each of those draws `WITHHELD` instead of the
count (and the projector does not rank by it). Revealing the round (a `round.changed` event) redraws them.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from deliberate.voting.methods import options_of
from deliberate.voting.models import VoteRound

if TYPE_CHECKING:
    from deliberate.proposals.services import ProposalView
    from deliberate.sessions.models import Session
    from deliberate.sessions.services import Counts


class Withheld(int):
    """A count that may not be shown yet: an int where a view holds a count (value 0, so arithmetic and
    sorting stay harmless), drawn as a dash by any template, and given as null by the API (`public_count`)."""

    def __str__(self) -> str:
        return "—"

    def __repr__(self) -> str:
        return "Withheld()"

    def __html__(self) -> str:
        return "—"


WITHHELD = Withheld(0)


def is_hidden(vote_round: VoteRound | None) -> bool:
    """Whether a round's results are hidden now (its option `hidden`, not yet revealed)."""
    return vote_round is not None and options_of(vote_round.options).hidden and not vote_round.revealed


async def supports_withheld(session: Session) -> bool:
    """Whether support counts are withheld from phones, the projector and the public API: the session's
    current round is a support round whose results are hidden (open or closed, until revealed)."""
    if session.current_round_id is None:
        return False
    vote_round = await VoteRound.get_or_none(id=session.current_round_id, session_id=session.id)
    return vote_round is not None and vote_round.method == "support" and is_hidden(vote_round)


def withhold_views(views: list[ProposalView]) -> list[ProposalView]:
    return [replace(v, supports=WITHHELD) for v in views]


def withhold_counts(counts: Counts) -> Counts:
    return replace(counts, supports=WITHHELD)


def public_count(value: int) -> int | None:
    """A count for a JSON answer: null while withheld."""
    return None if isinstance(value, Withheld) else value
