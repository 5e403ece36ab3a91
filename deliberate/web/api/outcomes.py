"""The JSON API for answers, commitments, follow-up, briefs and minutes (under /api/v1)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from deliberate.actors import Actor
from deliberate.audit import publish_assembly_heads
from deliberate.briefs import services as briefs
from deliberate.outcomes import services as outcomes
from deliberate.outcomes.models import ActionItem, Commitment, ProgressUpdate, ProposalAnswer
from deliberate.proposals.services import get_proposal
from deliberate.sessions import services as sessions
from deliberate.text import as_int
from deliberate.web.api.v1 import _session, ok, read_json
from deliberate.web.identity import api_actor
from deliberate.web.pages import attachment


def answer_json(a: ProposalAnswer) -> dict[str, Any]:
    return {
        "proposal_id": a.proposal_id,
        "state": a.state,
        "reason": a.reason,
        "programme": a.programme,
        "lead_agency": a.lead_agency,
        "partners": a.partners,
        "budget": a.budget,
        "fiscal_year": a.fiscal_year,
        **{k: getattr(a, k) for k in outcomes.PLAN_ROW_FIELDS},
    }


def commitment_json(c: Commitment) -> dict[str, Any]:
    return {
        "id": c.id,
        "proposal_id": c.proposal_id,
        "kind": c.kind,
        "who": c.who,
        "role": c.role,
        "what": c.what,
        "due": c.due.isoformat(),
        "credited": c.credited,
    }


def item_json(i: ActionItem, updates: list[ProgressUpdate] | None = None) -> dict[str, Any]:
    return {
        "id": i.id,
        "proposal_id": i.proposal_id,
        "clause_id": i.clause_id,
        "title": i.title,
        "community_owner": i.community_owner,
        "agency_owner": i.agency_owner,
        "due": i.due.isoformat() if i.due else None,
        "status": i.status,
        "updates": [{"on": u.on.isoformat(), "status": u.status, "note": u.note} for u in updates or []],
    }


async def answer(request: Request, actor: Actor) -> tuple[int, object]:
    proposal = await get_proposal(as_int(request.path_params["proposal_id"], field="id"))
    d = await read_json(request)
    a = await outcomes.answer_proposal(
        actor,
        proposal,
        state=d.get("state"),
        reason=d.get("reason"),
        programme=d.get("programme", ""),
        lead_agency=d.get("lead_agency", ""),
        partners=d.get("partners", ""),
        budget=d.get("budget"),
        fiscal_year=d.get("fiscal_year"),
        plan={k: d.get(k) for k in outcomes.PLAN_ROW_FIELDS},
    )
    return 200, answer_json(a)


async def commitments(request: Request, actor: Actor) -> tuple[int, object]:
    """A participant pledges; staff record an agency's pledge by naming `who`."""
    proposal = await get_proposal(as_int(request.path_params["proposal_id"], field="id"))
    d = await read_json(request)
    if actor.staff is not None:
        c = await outcomes.record_commitment(
            actor, proposal, who=d.get("who"), role=d.get("role"), what=d.get("what"), due=d.get("due")
        )
    else:
        c = await outcomes.pledge(
            actor,
            proposal,
            role=d.get("role"),
            what=d.get("what"),
            due=d.get("due"),
            organisation=d.get("organisation", ""),
            credited=d.get("credited") is True,
        )
    return 201, commitment_json(c)


async def action_items(request: Request, actor: Actor) -> tuple[int, object]:
    proposal = await get_proposal(as_int(request.path_params["proposal_id"], field="id"))
    d = await read_json(request)
    item = await outcomes.add_action_item(
        actor,
        proposal,
        title=d.get("title"),
        community_owner=d.get("community_owner"),
        agency_owner=d.get("agency_owner"),
        due=d.get("due"),
    )
    return 201, item_json(item)


async def progress(request: Request, actor: Actor) -> tuple[int, object]:
    item = await outcomes.get_action_item(as_int(request.path_params["item_id"], field="id"))
    d = await read_json(request)
    update = await outcomes.report_progress(actor, item, status=d.get("status"), note=d.get("note"), on=d.get("on"))
    return 201, {"item_id": item.id, "on": update.on.isoformat(), "status": update.status, "note": update.note}


async def check_in(request: Request, actor: Actor) -> tuple[int, object]:
    """Open a session of this assembly that starts from an earlier assembly's carried proposals."""
    assembly = await sessions.get_assembly(request.path_params["assembly_id"])
    d = await read_json(request)
    earlier = await sessions.get_assembly(as_int(d.get("from_assembly_id"), field="from_assembly_id"))
    session = await outcomes.open_check_in(actor, assembly, earlier, title=d.get("title", ""))
    return 201, {"code": session.code, "title": session.title, "proposals": await session.proposals.all().count()}


async def follow_up(request: Request) -> Response:
    """Public: what became of an assembly's carried proposals."""
    assembly = await sessions.get_assembly(request.path_params["assembly_id"])
    entries = await outcomes.follow_up(assembly)
    return ok(
        {
            "assembly": {"id": assembly.id, "title": assembly.title},
            "proposals": [
                {
                    "id": e.proposal.id,
                    "session": e.session.code,
                    "title": e.proposal.title,
                    "theme": e.proposal.theme.name,
                    "answer": answer_json(e.answer),
                    "commitments": [
                        {k: v for k, v in commitment_json(c).items() if k != "who" or c.kind != "participant"}
                        for c in e.commitments
                    ],
                    "action_items": [item_json(i, list(i.updates)) for i in e.items],
                }
                for e in entries
            ],
            "clauses": [
                {
                    "item": c.item_title,
                    "number": c.number,
                    "text": c.text,
                    "lead_agency": c.lead_agency,
                    "reservations": c.reservations,
                    "action_items": [item_json(i, list(i.updates)) for i in c.items],
                }
                for c in await outcomes.clause_follow_up(assembly)
            ],
            # As on the page: each session's audit chain head, published by being shown.
            "chain_heads": [
                {"session": h.code, "seq": h.seq, "hash": h.hash}
                for h in await publish_assembly_heads(assembly.id, "follow_up")
            ],
        }
    )


def _options(request: Request) -> dict[str, Any]:
    q = request.query_params
    return {"lang": q.get("lang", "th"), "thai_digits": q.get("digits", "thai") != "arabic"}


def _download(rendered: briefs.Rendered) -> Response:
    return attachment(rendered.body, rendered.media_type, rendered.filename)


async def brief(request: Request) -> Response:
    """GET /sessions/{code}/brief.{fmt}: ?lang=th|en&digits=thai|arabic&sheet=(csv)&memo=1(docx)."""
    fmt = briefs.clean_format(request.path_params["fmt"], briefs.FORMATS)
    actor = await api_actor(request)
    session = await _session(request)
    opts = _options(request)
    data = await briefs.current_brief(actor, session, lang=opts["lang"], base_url=str(request.base_url))
    rendered = await briefs.in_background(
        briefs.render,
        data,
        fmt,
        thai_digits=opts["thai_digits"],
        sheet=request.query_params.get("sheet", "proposals"),
        memo=request.query_params.get("memo") == "1",
    )
    return _download(rendered)


async def minutes(request: Request) -> Response:
    fmt = briefs.clean_format(request.path_params["fmt"], briefs.MINUTES_FORMATS)
    actor = await api_actor(request)
    session = await _session(request)
    opts = _options(request)
    data = await briefs.current_brief(actor, session, lang=opts["lang"], base_url=str(request.base_url))
    rendered = await briefs.in_background(briefs.render_minutes, data, fmt, thai_digits=opts["thai_digits"])
    return _download(rendered)
