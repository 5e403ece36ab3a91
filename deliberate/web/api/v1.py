"""The JSON API under /api/v1. Each endpoint parses, calls the same service the HTML pages call, and
shapes the answer; permission lives in the services."""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from deliberate.accounts.services import issue_token, sign_in
from deliberate.actors import Actor, assembly_of, require_facilitator, require_facilitator_role, runs
from deliberate.comments.models import Comment
from deliberate.comments.services import add_comment
from deliberate.errors import DomainError, NotAuthenticated, NotFound, PayloadTooLarge, ValidationError
from deliberate.i18n import N_
from deliberate.idempotency.services import UNANSWERED, fingerprint, once
from deliberate.moderation.services import hide_comment, moderate, restore_comment
from deliberate.privacy.notice import PRIVACY_NOTICE
from deliberate.proposals.services import ProposalView, get_proposal, list_proposals, submit_proposal
from deliberate.ratelimit import RateLimited, limiter_for
from deliberate.sessions import services as sessions
from deliberate.sessions.models import Session
from deliberate.sessions.slowmode import set_slow_mode, slow_mode_of
from deliberate.statements.services import place_on_map
from deliberate.supports.services import add_support, support_count, withdraw_support
from deliberate.text import as_int
from deliberate.voting.secrecy import public_count, supports_withheld, withhold_counts, withhold_views
from deliberate.web.identity import api_actor
from deliberate.web.throttle import client_address
from deliberate.web.views.participant.join import join_url

MAX_JSON_BYTES = 64 * 1024
# No body the API takes nests deeper than a few levels (a draft resolution: object > clauses > clause);
# Python's parser recurses, so a body of a thousand brackets would otherwise end in a RecursionError.
MAX_JSON_DEPTH = 16


class BadJSON(DomainError):
    status = 400
    code = "bad_json"


def _number(text: str) -> int | float:
    """A JSON number the database can keep: no NaN or Infinity, no integer past 2**53 (JavaScript's exact
    integers; a bigger one would overflow a column and fail as a server error)."""
    value = float(text) if any(c in text for c in ".eEaIn") else int(text)
    if not math.isfinite(value) or abs(value) > 2**53:
        raise ValueError(text)
    return value


def _depth(body: bytes) -> int:
    """How deep the brackets of a JSON text nest, strings skipped, counted before the parser recurses."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # closing quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return deepest


async def read_json(request: Request) -> dict[str, Any]:
    body = await request.body()
    if len(body) > MAX_JSON_BYTES:
        raise PayloadTooLarge(N_("What you sent is too large."))
    if not body.strip():
        return {}
    # Most bodies hold fewer brackets than the limit in all (counted in C): only those are walked byte by byte.
    if body.count(b"[") + body.count(b"{") > MAX_JSON_DEPTH and _depth(body) > MAX_JSON_DEPTH:
        raise ValidationError(N_("What you sent is nested too deeply."))
    try:
        data = json.loads(body, parse_int=_number, parse_float=_number, parse_constant=_number)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadJSON(N_("The request body is not valid JSON.")) from exc
    if not isinstance(data, dict):
        raise BadJSON(N_("The request body must be a JSON object."))
    try:  # JSON can spell half a character ("\ud800"), which nothing downstream can store or hash
        json.dumps(data, ensure_ascii=False).encode()
    except UnicodeEncodeError as exc:
        raise BadJSON(N_("The request body is not valid JSON.")) from exc
    return data


def ok(body: object, status: int = 200) -> JSONResponse:
    return JSONResponse(body, status_code=status, headers={"cache-control": "no-store"})


Handler = Callable[[Request, Actor], Awaitable[tuple[int, object]]]


def _caller(request: Request, actor: Actor) -> str:
    """Whose key space an Idempotency-Key lives in. Callers without a credential are told apart by address
    (hashed: the record keeps no address), so one caller's key never answers another's request."""
    if actor.staff is not None or actor.participant is not None:
        return actor.key
    return "anonymous:" + hashlib.sha256(client_address(request).encode()).hexdigest()[:16]


def write(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """Wrap a write: who is acting, and the Idempotency-Key replay."""

    async def endpoint(request: Request) -> Response:
        actor = await api_actor(request)
        body = await request.body()
        fp = fingerprint(request.method, request.url.path, body)
        caller, key = _caller(request, actor), request.headers.get("idempotency-key")
        status, payload = await once(
            caller,
            key,
            fp,
            lambda: handler(request, actor),
            unanswered=request.scope.get("state", {}).get(UNANSWERED) == (caller, key),
        )
        return ok(payload, status)

    endpoint.__name__ = handler.__name__
    endpoint.__doc__ = handler.__doc__
    return endpoint


def proposal_json(v: ProposalView) -> dict[str, object]:
    p = v.proposal
    return {
        "id": p.id,
        "title": p.title,
        "body": p.body,
        "theme_id": p.theme_id,
        "status": p.status.value,
        "supports": public_count(v.supports),  # null while a hidden support round keeps them
        "comments": v.comments,
        "target_groups": p.target_groups,
        "assisted": p.assisted,
        "credits": list(v.credits),
    }


async def _session(request: Request) -> Session:
    return await sessions.get_session(request.path_params["code"])


# -- staff ------------------------------------------------------------------------------------------------
async def token(request: Request) -> Response:
    data = await read_json(request)
    try:
        user = await sign_in(
            data.get("email"), data.get("password"), address=client_address(request), limiter=limiter_for(request.app)
        )
    except RateLimited as exc:
        return JSONResponse(exc.as_json(), status_code=exc.status, headers=exc.headers)
    return ok({"token": await issue_token(user, "api"), "role": user.role.value}, 201)


async def create_session(request: Request, actor: Actor) -> tuple[int, object]:
    """Create a session; with no assembly_id a new assembly is made around it with the given themes."""
    require_facilitator_role(actor)
    data = await read_json(request)
    premoderation = bool(data.get("premoderation", False))
    if data.get("assembly_id") is not None:
        assembly = await sessions.get_assembly(data.get("assembly_id"))
        session = await sessions.create_session(actor, assembly, title=data.get("title"), premoderation=premoderation)
    else:
        session = await sessions.create_assembly_with_session(
            actor,
            title=data.get("title"),
            assembly_title=data.get("assembly_title"),
            themes=data.get("themes"),
            province_code=data.get("province_code", ""),
            venue=data.get("venue", ""),
            premoderation=premoderation,
        )
    return 201, {
        "id": session.id,
        "code": session.code,
        "join_url": join_url(request, session.code),
        "phase": session.phase,
        "assembly_id": session.assembly_id,
    }


async def set_phase(request: Request, actor: Actor) -> tuple[int, object]:
    """Set the phase; with `slow_mode` (seconds, 0 = off) also or only the facilitator's slow mode."""
    session = await _session(request)
    data = await read_json(request)
    if "slow_mode" in data:
        session = await set_slow_mode(actor, session, data["slow_mode"])
    if "phase" in data or "slow_mode" not in data:
        session = await sessions.set_phase(actor, session, data.get("phase"))
    return 200, {"code": session.code, "phase": session.phase, "slow_mode": slow_mode_of(session.permissions)}


async def moderation(request: Request, actor: Actor) -> tuple[int, object]:
    proposal = await get_proposal(as_int(request.path_params["proposal_id"], field="id"))
    data = await read_json(request)
    result = await moderate(
        actor, proposal, action=data.get("action"), reason=data.get("reason", ""), into_id=data.get("into_id")
    )
    return 200, {"id": result.id, "status": result.status.value, "merged_into": result.merged_into_id}


async def comment_moderation(request: Request, actor: Actor) -> tuple[int, object]:
    """Hide a comment with a reason, or show a hidden one again (facilitators of its assembly)."""
    require_facilitator_role(actor)
    comment = await Comment.get_or_none(id=as_int(request.path_params["comment_id"], field="id")).prefetch_related(
        "proposal"
    )
    if comment is None:
        raise NotFound(N_("No such comment."))
    await require_facilitator(actor, await assembly_of(comment.proposal.session_id))
    data = await read_json(request)
    action = data.get("action")
    if action == "hide":
        comment = await hide_comment(actor, comment, reason=data.get("reason"))
    elif action == "restore":
        comment = await restore_comment(actor, comment, reason=data.get("reason", ""))
    else:
        raise ValidationError(N_("Please choose one of the options."), field="action")
    return 200, {
        "id": comment.id,
        "proposal_id": comment.proposal_id,
        "hidden": comment.hidden,
        "hidden_reason": comment.hidden_reason,
    }


async def map_placement(request: Request, actor: Actor) -> tuple[int, object]:
    """Leave a participant out of the opinion map with a reason, or put them back (facilitators)."""
    session = await _session(request)
    data = await read_json(request)
    person = await place_on_map(
        actor, session, request.path_params["participant_id"], on_map=data.get("on_map"), reason=data.get("reason", "")
    )
    return 200, {
        "participant_id": person.id,
        "on_map": person.left_out_of_map_at is None,
        "reason": person.left_out_of_map_reason,
    }


# -- anyone with the code ---------------------------------------------------------------------------------
async def session_detail(request: Request) -> Response:
    session = await _session(request)
    c = await sessions.counts(session)
    if await supports_withheld(session) and not await runs(await api_actor(request), session.assembly_id):
        c = withhold_counts(c)
    themes = await sessions.themes_of(session)
    return ok(
        {
            "code": session.code,
            "title": session.title,
            "phase": session.phase,
            "assembly": {"id": session.assembly.id, "title": session.assembly.title},
            "themes": [{"id": t.id, "name": t.name} for t in themes],
            "counts": {"participants": c.participants, "proposals": c.proposals, "supports": public_count(c.supports)},
            "timer_ends_at": session.timer_ends_at.isoformat() if session.timer_ends_at else None,
            "spotlight_id": session.spotlight_id,
            "slow_mode": slow_mode_of(session.permissions),
        }
    )


async def join(request: Request, actor: Actor) -> tuple[int, object]:
    session = await _session(request)
    data = await read_json(request)
    if data.get("consent") is not True:
        raise ConsentRequired(N_("Please read the personal-data notice and agree before joining."), field="consent")
    joined = await sessions.join_session(
        session,
        display_name=data.get("display_name"),
        consent=data.get("consent"),
        subdistrict_code=data.get("subdistrict_code") or "",
        sector=data.get("sector") or "",
        organization=data.get("organization") or "",
        door=data.get("door"),
    )
    return 201, {"participant_id": joined.participant.id, "token": joined.token}


class ConsentRequired(ValidationError):
    def as_json(self) -> dict[str, object]:
        return super().as_json() | {"notice": PRIVACY_NOTICE.translated()}


# -- participants and staff -------------------------------------------------------------------------------
async def proposals(request: Request) -> Response:
    actor = await api_actor(request)
    session = await _session(request)
    if actor.is_anonymous:
        raise NotAuthenticated(N_("Please join the session first."))
    if actor.staff is None and actor.participant_in(session) is None:
        raise NotAuthenticated(N_("You are not a participant of this session."))
    staff_of_session = await runs(actor, session.assembly_id)
    views = await list_proposals(actor, session, include_all=staff_of_session)
    if not staff_of_session and await supports_withheld(session):
        views = withhold_views(views)
    return ok({"items": [proposal_json(v) for v in views]})


async def submit(request: Request, actor: Actor) -> tuple[int, object]:
    session = await _session(request)
    data = await read_json(request)
    proposal = await submit_proposal(
        actor,
        session,
        title=data.get("title"),
        body=data.get("body", ""),
        theme_id=data.get("theme_id"),
        target_groups=data.get("target_groups"),
        on_behalf_of=data.get("on_behalf_of"),
    )
    return 201, {"id": proposal.id, "status": proposal.status.value}


async def comment(request: Request, actor: Actor) -> tuple[int, object]:
    proposal = await get_proposal(as_int(request.path_params["proposal_id"], field="id"))
    data = await read_json(request)
    c = await add_comment(actor, proposal, body=data.get("body"), stance=data.get("stance"))
    return 201, {"id": c.id, "stance": c.stance.value, "proposal_id": proposal.id}


async def support(request: Request, actor: Actor) -> tuple[int, object]:
    proposal = await get_proposal(as_int(request.path_params["proposal_id"], field="id"))
    if request.method == "DELETE":
        changed = await withdraw_support(actor, proposal)
        supported = False
    else:
        changed = await add_support(actor, proposal)
        supported = True
    count: int | None = await support_count(proposal)
    if await supports_withheld(proposal.session) and not await runs(actor, proposal.session.assembly_id):
        count = None  # the hidden support round's figure, one proposal at a time
    return (201 if changed and supported else 200), {
        "proposal_id": proposal.id,
        "supported": supported,
        "changed": changed,
        "supports": count,
    }
