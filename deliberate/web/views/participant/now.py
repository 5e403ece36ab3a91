"""The "now" card at the top of a phone's board and voting page: what the room is doing (the phase's task, or
the open round with its controls) and what this phone has already done there.

It comes in two parts. The room's part (phase, round, state, the spotlight) is the same for every phone and
travels in the live message (web/live.py renders `participant/_now.html` with `mine` left out). That message
carries a stand-in for the phone's own part, which each phone then asks for here (`now_card`), after a random
wait that grows with the hall (static/js/live.js, `data-now-spread`): a whole hall opening a vote does not ask
in the same instant. What one answer costs: the round, this phone's marks (one query each), and the list of
proposals shared by every phone while the session keeps its shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from deliberate.actors import Actor
from deliberate.i18n import get_language
from deliberate.outcomes.models import Commitment
from deliberate.proposals.models import Proposal, ProposalStatus
from deliberate.proposals.services import ProposalView, own_part
from deliberate.resolutions.models import CheckAnswer, ConsensusCheck
from deliberate.sessions.models import Session
from deliberate.sessions.services import can
from deliberate.statements.services import next_statement
from deliberate.voting import services as voting
from deliberate.voting.methods import METHOD_HINTS, METHOD_LABELS, Options, options_of
from deliberate.voting.models import Ballot, VoteRound
from deliberate.voting.results import round_results
from deliberate.voting.secrecy import is_hidden
from deliberate.voting.services import STATEMENT
from deliberate.web.guards import guarded, phone
from deliberate.web.pages import render

PAGES = ("board", "vote")
# The proposals a round's controls list, shared by every phone while the session keeps its shape.
PROPOSALS_SHARED_S = 2.0


@dataclass
class Room:
    """The room's part of the card, the same for every phone."""

    session: Session
    round: VoteRound | None
    state: str  # "open", "closed" or "revealed" (see `state_of`)
    options: Options = field(default_factory=Options)
    spotlight: Proposal | None = None
    statements: int = 0  # published statements: a new one is something new for every phone to answer

    @property
    def key(self) -> str:
        """What a phone's own part of the card depends on. A live card with the key the phone already shows
        keeps the phone's part as it is (static/js/live.js), choices half made included, instead of fetching it."""
        shown = int(bool(self.round and self.round.revealed))  # revealed while still open: the figures appear
        return f"{self.session.phase}/{self.round.id if self.round else ''}/{self.state}/{shown}/{self.statements}"

    @property
    def method(self) -> str:
        return self.round.method if self.round else ""


def state_of(session: Session, vote_round: VoteRound | None) -> str:
    """`open` while the round takes votes; `revealed` once its results are out (revealed, or never hidden);
    `closed` while they wait to be revealed. With no round: the phase's task is open until the session closes."""
    if vote_round is None:
        return "closed" if session.phase == "closed" else "open"
    if vote_round.is_open:
        return "open"
    return "closed" if is_hidden(vote_round) else "revealed"


async def room_of(session: Session) -> Room:
    vote_round = await voting.current_round(session)
    if vote_round is not None and vote_round.method == "agree":
        vote_round = None  # statements are answered one at a time, under the phase's task
    if vote_round is not None and not vote_round.is_open and session.phase != "voting":
        vote_round = None  # the room has moved on from the last round's result: the new phase's task
    spotlight = None
    if session.spotlight_id:
        spotlight = await Proposal.get_or_none(
            id=session.spotlight_id, session_id=session.id, status=ProposalStatus.PUBLISHED
        )
    options = options_of(vote_round.options) if vote_round else Options()
    statements = await Proposal.filter(session_id=session.id, kind=STATEMENT, status=ProposalStatus.PUBLISHED).count()
    return Room(session, vote_round, state_of(session, vote_round), options, spotlight, statements)


def room_context(room: Room) -> dict[str, Any]:
    """What `participant/_now.html` needs of the room, for the live message as for a page."""
    low, high = room.options.score_range
    return {
        "now": room,
        "now_hint": METHOD_HINTS[room.method] if room.round else "",
        "now_label": METHOD_LABELS[room.method] if room.round else "",
        "scores": list(range(low, high + 1)),
    }


async def _proposals(request: Request, session: Session) -> list[Proposal]:
    async def make() -> list[Proposal]:
        return list(
            await Proposal.filter(session_id=session.id, status=ProposalStatus.PUBLISHED, kind="proposal").order_by(
                "theme_id", "id"
            )
        )

    channel = request.app.state.hub.channels.get(session.id)
    if channel is None:
        return await make()
    found: list[Proposal] = await channel.share("now.proposals", channel.shape_seq, PROPOSALS_SHARED_S, make)
    return found


async def _results(request: Request, session: Session, vote_round: VoteRound) -> dict[str, Any]:
    """The round's public results, tallied once per language while the session's number stands: a reveal makes
    every phone ask for its card, and each tallying every mark for itself would be the hall's cost squared."""

    async def make() -> dict[str, Any]:
        return await round_results(Actor(), session, vote_round)

    channel = request.app.state.hub.channels.get(session.id)
    if channel is None:
        return await make()
    found: dict[str, Any] = await channel.share(
        f"now.results.{vote_round.id}.{get_language()}", channel.seq, PROPOSALS_SHARED_S, make
    )
    return found


async def mine_context(request: Request, session: Session, actor: Actor, room: Room, page: str) -> dict[str, Any]:
    """This phone's part: its marks and the round's controls, or its answers to the phase's task."""
    me = actor.participant_in(session)
    mine: dict[str, Any] = {"page": page}
    if me is None:
        return {"mine": mine}
    vote_round, method = room.round, room.method
    if vote_round is not None:
        if method == "support":
            backed, _ = await own_part(actor, session)
            mine["backed"] = backed
            mine["done"] = len(backed)
        else:
            marks = dict(
                await Ballot.filter(round_id=vote_round.id, participant_id=me.id).values_list("proposal_id", "value")
            )
            mine["marks"] = marks
            mine["done"] = len(marks)
            mine["used"] = sum(marks.values()) if method == "dots" else 0
            mine["ranking"] = [pid for pid, _ in sorted(marks.items(), key=lambda kv: kv[1])]
        if room.state == "open" and can(session, "support"):
            # On the board, a support round's buttons are on the proposals' cards below: no second copy.
            if not (method == "support" and page == "board"):
                mine["proposals"] = await _proposals(request, session)
                if method == "support":
                    backed = mine["backed"]
                    mine["views"] = [ProposalView(p, supported=p.id in backed) for p in mine["proposals"]]
        # Figures: once revealed; on the voting page also while a round that hides nothing runs.
        if room.state == "revealed" or (page == "vote" and not is_hidden(vote_round)):
            mine["results"] = await _results(request, session, vote_round)
        return {"mine": mine}
    if can(session, "react") and page == "board":
        mine["statement"] = await next_statement(actor, session)
        mine["statements_total"] = await Proposal.filter(
            session_id=session.id, kind="statement", status=ProposalStatus.PUBLISHED
        ).count()
    if session.phase == "deliberation":
        checks = await ConsensusCheck.filter(clause__item__session_id=session.id, is_open=True).values_list(
            "id", flat=True
        )
        if checks:
            mine["checks"] = len(checks)
            mine["checks_done"] = await CheckAnswer.filter(check_id__in=list(checks), participant_id=me.id).count()
    if can(session, "pledge"):
        mine["pledges"] = await Commitment.filter(participant_id=me.id, proposal__session_id=session.id).count()
    return {"mine": mine}


async def now_context(request: Request, session: Session, actor: Actor, page: str) -> dict[str, Any]:
    room = await room_of(session)
    return room_context(room) | await mine_context(request, session, actor, room, page)


@guarded
async def now_card(request: Request) -> Response:
    """The whole card for this phone (`?page=board|vote`): what a phone asks for when the live message says
    the room moved on."""
    session, actor = await phone(request)
    page = request.query_params.get("page", "board")
    page = page if page in PAGES else "board"
    ctx = {"session": session, "errors": {}, "values": {}} | await now_context(request, session, actor, page)
    response = render(request, "participant/_now.html", ctx, actor=actor)
    response.headers["cache-control"] = "no-store"
    return response
