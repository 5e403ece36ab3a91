"""The JSON API for rounds, votes, rankings, statements and the opinion map (under /api/v1)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from deliberate.actors import Actor
from deliberate.proposals.services import get_proposal
from deliberate.sessions.models import Session
from deliberate.statements import opinion
from deliberate.statements.services import next_statement, write_statement
from deliberate.text import as_int
from deliberate.voting import services as voting
from deliberate.voting.methods import clean_sheets
from deliberate.voting.models import VoteRound
from deliberate.voting.results import clean_grouping, round_results
from deliberate.web.api.v1 import _session, ok, read_json
from deliberate.web.identity import api_actor


def round_json(r: VoteRound) -> dict[str, object]:
    return {
        "id": r.id,
        "method": r.method,
        "title": r.title,
        "options": r.options,
        "is_open": r.is_open,
        "revealed": r.revealed,
    }


async def open_round(request: Request, actor: Actor) -> tuple[int, object]:
    session = await _session(request)
    data = await read_json(request)
    r = await voting.open_round(
        actor, session, method=data.get("method"), options=data.get("options"), title=data.get("title", "")
    )
    return 201, round_json(r)


async def _round(request: Request) -> tuple[Session, VoteRound]:
    session = await _session(request)
    return session, await voting.get_round(session, as_int(request.path_params["round_id"], field="round_id"))


async def close_round(request: Request, actor: Actor) -> tuple[int, object]:
    session, r = await _round(request)
    return 200, round_json(await voting.close_round(actor, session, r))


async def reveal_round(request: Request, actor: Actor) -> tuple[int, object]:
    session, r = await _round(request)
    data = await read_json(request)
    return 200, round_json(await voting.reveal(actor, session, r, data.get("shown", True) is not False))


async def paper_ballot(request: Request, actor: Actor) -> tuple[int, object]:
    session, r = await _round(request)
    data = await read_json(request)
    stored = await voting.enter_paper(
        actor, session, r, marks=data.get("marks"), order=data.get("order"), sheets=data.get("sheets")
    )
    return 201, {"round_id": r.id, "rows": stored, "sheets": clean_sheets(data.get("sheets"))}


async def vote(request: Request, actor: Actor) -> tuple[int, object]:
    proposal = await get_proposal(as_int(request.path_params["proposal_id"], field="id"))
    data = await read_json(request)
    ballot = await voting.cast_vote(
        actor, proposal, method=data.get("method"), value=data.get("value"), on_behalf_of=data.get("on_behalf_of")
    )
    return 201, {
        "proposal_id": proposal.id,
        "method": data.get("method"),
        "value": ballot.value if ballot else 0,
        "stored": ballot is not None,
    }


async def ranking(request: Request, actor: Actor) -> tuple[int, object]:
    session = await _session(request)
    data = await read_json(request)
    order = await voting.rank(actor, session, order=data.get("order"), on_behalf_of=data.get("on_behalf_of"))
    return 201, {"order": order}


async def statements(request: Request, actor: Actor) -> tuple[int, object]:
    session = await _session(request)
    data = await read_json(request)
    s = await write_statement(actor, session, text=data.get("text"))
    return 201, {"id": s.id, "status": s.status.value, "text": s.title}


async def next_one(request: Request) -> Response:
    actor = await api_actor(request)
    session = await _session(request)
    s = await next_statement(actor, session)
    return ok({"statement": None if s is None else {"id": s.id, "text": s.title}})


async def results(request: Request) -> Response:
    """Ranked results of a round (the open one, or ?round=ID), with ?by=sector|subdistrict|network."""
    actor = await api_actor(request)
    session = await _session(request)
    by = clean_grouping(request.query_params.get("by"))
    asked = request.query_params.get("round")
    r = await voting.get_round(session, as_int(asked, field="round")) if asked else await voting.current_round(session)
    return ok({"code": session.code, "phase": session.phase} | await round_results(actor, session, r, by=by))


async def opinion_map(request: Request) -> Response:
    session = await _session(request)
    entry = await opinion.current(session)
    return ok(await opinion.as_json(session, entry))
