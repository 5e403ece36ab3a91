"""The JSON API for resolutions: agenda items, amendments, decisions and consensus checks (under /api/v1)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from deliberate.actors import Actor
from deliberate.resolutions import services as resolutions
from deliberate.resolutions.models import Clause
from deliberate.sessions import services as sessions
from deliberate.text import as_int
from deliberate.web.api.v1 import _session, ok, read_json, write
from deliberate.web.identity import api_actor
from deliberate.web.pages import attachment


def clause_json(c: Clause) -> dict[str, Any]:
    return {
        "id": c.id,
        "version": c.version,
        "text": c.text,
        "status": c.status,
        "lead_agency": c.lead_agency,
        "partners": c.partners,
        "reservations": c.reservations,
    }


async def create_item(request: Request, actor: Actor) -> tuple[int, object]:
    session = await _session(request)
    d = await read_json(request)
    item = await resolutions.create_item(
        actor,
        session,
        title=d.get("title"),
        background=d.get("background", ""),
        preamble=d.get("preamble"),
        clauses=d.get("clauses"),
        proposal_ids=d.get("proposal_ids"),
    )
    return 201, {
        "id": item.id,
        "title": item.title,
        "clauses": [clause_json(c) for c in await Clause.filter(item_id=item.id).order_by("position")],
    }


async def rules(request: Request, actor: Actor) -> tuple[int, object]:
    session = await _session(request)
    d = await read_json(request)
    r = await resolutions.set_rules(
        actor,
        session,
        voters=d.get("voters", "everyone"),
        amenders=d.get("amenders", "everyone"),
        max_reservation_share=d.get("max_reservation_share", 0.2),
        sector_minimums=d.get("sector_minimums"),
    )
    return 200, {
        "voters": r.voters,
        "amenders": r.amenders,
        "max_reservation_share": r.max_reservation_share,
        "sector_minimums": r.sector_minimums,
    }


async def delegates(request: Request, actor: Actor) -> tuple[int, object]:
    session = await _session(request)
    d = await read_json(request)
    delegate = await resolutions.register_delegate(actor, session, d.get("participant_id"), d.get("network"))
    return 201, {"participant_id": delegate.participant_id, "network": delegate.network}


async def amendments(request: Request, actor: Actor) -> tuple[int, object]:
    clause = await resolutions.get_clause(as_int(request.path_params["clause_id"], field="id"))
    d = await read_json(request)
    a = await resolutions.propose_amendment(
        actor,
        clause,
        op=d.get("op"),
        text=d.get("text", ""),
        reason=d.get("reason"),
        base_version=d.get("base_version"),
    )
    return 201, {"id": a.id, "op": a.op, "base_version": a.base_version, "status": a.status}


async def backing(request: Request, actor: Actor) -> tuple[int, object]:
    amendment = await resolutions.get_amendment(as_int(request.path_params["amendment_id"], field="id"))
    changed = await resolutions.back_amendment(actor, amendment)
    return 201 if changed else 200, {"id": amendment.id, "backers": await amendment.backers.all().count()}


async def decision(request: Request, actor: Actor) -> tuple[int, object]:
    amendment = await resolutions.get_amendment(as_int(request.path_params["amendment_id"], field="id"))
    d = await read_json(request)
    clause = await resolutions.decide_amendment(actor, amendment, d.get("decision"))
    return 200, {"clause": clause_json(clause)}


async def checks(request: Request, actor: Actor) -> tuple[int, object]:
    clause = await resolutions.get_clause(as_int(request.path_params["clause_id"], field="id"))
    check = await resolutions.open_check(actor, clause)
    return 201, {"id": check.id, "clause_id": clause.id, "clause_version": check.clause_version}


async def answers(request: Request, actor: Actor) -> tuple[int, object]:
    check = await resolutions.get_check(as_int(request.path_params["check_id"], field="id"))
    d = await read_json(request)
    row = await resolutions.answer_check(actor, check, answer=d.get("answer"), reason=d.get("reason", ""))
    return 201, {"check_id": check.id, "answer": row.answer}


async def close(request: Request, actor: Actor) -> tuple[int, object]:
    check = await resolutions.get_check(as_int(request.path_params["check_id"], field="id"))
    return 200, await resolutions.close_check(actor, check)


async def check_result(request: Request) -> Response:
    """A check's live result: counts, by sector group and network, reservations."""
    check = await resolutions.get_check(as_int(request.path_params["check_id"], field="id"))
    return ok(
        {
            "id": check.id,
            "clause_id": check.clause_id,
            "is_open": check.is_open,
            "outcome": check.outcome or None,
            **(check.result if not check.is_open and check.result else await resolutions.tally(check)),
        }
    )


async def items(request: Request) -> Response:
    """The session's agenda items with their clauses, open amendments and word diffs."""
    from deliberate.resolutions.export import resolution_json

    await api_actor(request)
    session = await _session(request)
    return ok(await resolution_json(session))


async def download(request: Request) -> Response:
    """GET /sessions/{code}/resolution.{json,pdf,docx}: the assembly's officials and facilitators."""
    from deliberate.actors import require_steward_role
    from deliberate.resolutions.files import resolution_file

    actor = await api_actor(request)
    require_steward_role(actor)
    session = await _session(request)
    done = await resolution_file(actor, session, request.path_params["fmt"])
    return attachment(done.body, done.media_type, done.filename)


async def merge(request: Request, actor: Actor) -> tuple[int, object]:
    clause = await resolutions.get_clause(as_int(request.path_params["clause_id"], field="id"))
    d = await read_json(request)
    merged = await resolutions.merge_amendments(
        actor, clause, amendment_ids=d.get("amendment_ids"), text=d.get("text"), reason=d.get("reason", "")
    )
    return 200, {"clause": clause_json(merged)}


async def clause_comments(request: Request, actor: Actor) -> tuple[int, object]:
    clause = await resolutions.get_clause(as_int(request.path_params["clause_id"], field="id"))
    d = await read_json(request)
    comment = await resolutions.comment_on_clause(actor, clause, d.get("body"))
    return 201, {"id": comment.id, "clause_id": clause.id, "body": comment.body}


async def criteria(request: Request) -> Response:
    """GET the assembly's screening criteria (defaults are created on first use); POST replaces them."""
    from deliberate.resolutions import screening

    assembly = await sessions.get_assembly(request.path_params["assembly_id"])
    if request.method == "POST":
        return await write(_set_criteria)(request)
    found = await screening.ensure_default_criteria(assembly)
    return ok({"criteria": [{"id": c.id, "name": c.name, "description": c.description} for c in found]})


async def _set_criteria(request: Request, actor: Actor) -> tuple[int, object]:
    from deliberate.resolutions import screening

    assembly = await sessions.get_assembly(request.path_params["assembly_id"])
    d = await read_json(request)
    found = await screening.set_criteria(actor, assembly, d.get("criteria"))
    return 200, {"criteria": [{"id": c.id, "name": c.name, "description": c.description} for c in found]}


async def screen(request: Request, actor: Actor) -> tuple[int, object]:
    from deliberate.proposals.services import get_proposal
    from deliberate.resolutions import screening

    proposal = await get_proposal(as_int(request.path_params["proposal_id"], field="id"))
    d = await read_json(request)
    scores = await screening.screen(actor, proposal, d.get("scores"), d.get("note", ""))
    return 200, {
        "proposal_id": proposal.id,
        "scores": {str(k): v for k, v in scores.items()},
        "total": sum(scores.values()),
    }


async def screening_table(request: Request) -> Response:
    """The session's proposals with their screening scores, highest total first (staff)."""
    from deliberate.actors import require_steward, require_steward_role
    from deliberate.resolutions import screening

    actor = await api_actor(request)
    require_steward_role(actor)
    session = await _session(request)
    await require_steward(actor, session.assembly_id)
    await screening.ensure_default_criteria(session.assembly)
    return ok(screening.as_json(*await screening.screening_table(session)))


async def revise_item(request: Request, actor: Actor) -> tuple[int, object]:
    item = await resolutions.get_item(as_int(request.path_params["item_id"], field="id"))
    d = await read_json(request)
    revised = await resolutions.edit_item(
        actor,
        item,
        title=d.get("title"),
        background=d.get("background", ""),
        preamble=d.get("preamble"),
        base_version=d.get("base_version"),
    )
    return 200, {"id": revised.id, "version": revised.version, "title": revised.title}


async def add_clause(request: Request, actor: Actor) -> tuple[int, object]:
    item = await resolutions.get_item(as_int(request.path_params["item_id"], field="id"))
    d = await read_json(request)
    clause = await resolutions.add_clause(
        actor,
        item,
        text=d.get("text"),
        lead_agency=d.get("lead_agency", ""),
        partners=d.get("partners"),
        after_clause_id=d.get("after_clause_id"),
    )
    return 201, clause_json(clause)


async def revise_clause(request: Request, actor: Actor) -> tuple[int, object]:
    clause = await resolutions.get_clause(as_int(request.path_params["clause_id"], field="id"))
    d = await read_json(request)
    revised = await resolutions.revise_clause(
        actor,
        clause,
        text=d.get("text"),
        lead_agency=d.get("lead_agency", ""),
        partners=d.get("partners"),
        base_version=d.get("base_version"),
    )
    return 200, clause_json(revised)
