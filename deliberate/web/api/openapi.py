"""The OpenAPI document for /api/v1, kept beside the routes it describes (a test checks they agree)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse

from deliberate import __version__
from deliberate.comments.services import BODY_MAX as COMMENT_MAX
from deliberate.proposals.services import BODY_MAX, TITLE_MAX
from deliberate.sessions.phases import PHASES
from deliberate.voting.methods import METHODS
from deliberate.voting.results import GROUPINGS


def _text(max_length: int, min_length: int = 1) -> dict[str, object]:
    return {"type": "string", "minLength": min_length, "maxLength": max_length}


def _op(summary: str, *, body: dict[str, object] | None = None, auth: bool = True, ok: str = "200",
        idempotent: bool = False) -> dict[str, object]:
    op: dict[str, object] = {"summary": summary, "responses": {
        ok: {"description": "OK", "content": {"application/json": {"schema": {"type": "object"}}}},
        "4XX": {"description": "Refused, with a message in the caller's language",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
    }}
    if body is not None:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    if auth:
        op["security"] = [{"bearer": []}]
    params: list[dict[str, object]] = []
    if idempotent:
        params.append({"name": "Idempotency-Key", "in": "header", "required": False,
                       "schema": {"type": "string", "minLength": 1, "maxLength": 100}})
    if params:
        op["parameters"] = params
    return op


def _obj(props: dict[str, object], required: list[str]) -> dict[str, object]:
    return {"type": "object", "properties": props, "required": required}


CODE = {"name": "code", "in": "path", "required": True, "schema": {"type": "string", "pattern": "^[A-Z0-9]{6}$"}}
RID = {"name": "round_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}
RESULT_QUERY = [
    {"name": "by", "in": "query", "required": False, "schema": {"type": "string", "enum": list(GROUPINGS)}},
    {"name": "round", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1}},
]
ROUND_OPTIONS: dict[str, object] = {
    "hidden": {"type": "boolean"}, "quorum": {"type": "integer", "minimum": 0},
    "threshold": {"type": "integer", "minimum": 0, "maximum": 100}, "allow_assisted": {"type": "boolean"},
    "allow_paper": {"type": "boolean"}, "budget": {"type": "integer", "minimum": 1, "maximum": 50},
    "max_per": {"type": "integer", "minimum": 1, "maximum": 50}, "scale": {"type": "string", "enum": ["1-5", "0-10"]},
    "k": {"type": "integer", "minimum": 1, "maximum": 20},
}
PID = {"name": "proposal_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}


def document() -> dict[str, object]:
    paths: dict[str, dict[str, object]] = {
        "/api/v1/auth/token": {"post": _op("Staff sign-in: e-mail and password for a bearer token", auth=False,
                                           ok="201", body=_obj({"email": _text(254), "password": _text(256)},
                                                               ["email", "password"]))},
        "/api/v1/sessions": {"post": _op("Create a session (facilitator)", ok="201", idempotent=True, body=_obj(
            {"title": _text(200), "themes": {"type": "array", "items": _text(200), "minItems": 1, "maxItems": 30},
             "assembly_id": {"type": "integer"}, "premoderation": {"type": "boolean"}}, ["title"]))},
        "/api/v1/sessions/{code}": {"parameters": [CODE], "get": _op("A session, its themes and live counts",
                                                                     auth=False)},
        "/api/v1/sessions/{code}/phase": {"parameters": [CODE], "post": _op(
            "Set the phase, forward or back (facilitator)", idempotent=True,
            body=_obj({"phase": {"type": "string", "enum": list(PHASES)}}, ["phase"]))},
        "/api/v1/sessions/{code}/participants": {"parameters": [CODE], "post": _op(
            "Join a session without an account; without consent the answer carries the notice", auth=False,
            ok="201", idempotent=True, body=_obj({
                "display_name": _text(60), "consent": {"type": "boolean"},
                "subdistrict_code": {"type": "string", "maxLength": 6}, "sector": {"type": "string"},
                "organization": {"type": "string", "maxLength": 120}}, ["display_name", "consent"]))},
        "/api/v1/sessions/{code}/proposals": {
            "parameters": [CODE],
            "get": _op("Proposals: published ones, plus the caller's own pending ones"),
            "post": _op("Put a proposal", ok="201", idempotent=True, body=_obj({
                "title": _text(TITLE_MAX, 3), "body": {"type": "string", "maxLength": BODY_MAX},
                "theme_id": {"type": "integer"},
                "target_groups": {"type": "array", "items": {"type": "string"}}}, ["title", "theme_id"]))},
        "/api/v1/sessions/{code}/results": {"parameters": [CODE, *RESULT_QUERY], "get": _op(
            "Results of the open round (or ?round=ID), ranked, with sources; ?by= breaks them down by group",
            auth=False)},
        "/api/v1/sessions/{code}/rounds": {"parameters": [CODE], "post": _op(
            "Open a voting round with a method and its options (facilitator)", ok="201", idempotent=True,
            body=_obj({"method": {"type": "string", "enum": list(METHODS)},
                       "title": {"type": "string", "maxLength": 140},
                       "options": _obj(ROUND_OPTIONS, [])}, ["method"]))},
        "/api/v1/sessions/{code}/rounds/{round_id}/close": {"parameters": [CODE, RID], "post": _op(
            "Close a round (facilitator)", idempotent=True)},
        "/api/v1/sessions/{code}/rounds/{round_id}/reveal": {"parameters": [CODE, RID], "post": _op(
            "Reveal (or hide again) a round's results (facilitator)", idempotent=True,
            body=_obj({"shown": {"type": "boolean"}}, []))},
        "/api/v1/sessions/{code}/rounds/{round_id}/paper": {"parameters": [CODE, RID], "post": _op(
            "Enter one counted paper ballot (facilitator, when the round allows paper)", ok="201", idempotent=True,
            body=_obj({"marks": {"type": "array", "maxItems": 500, "items": _obj(
                {"proposal_id": {"type": "integer"}, "value": {"type": "integer"}}, ["proposal_id"])},
                "order": {"type": "array", "items": {"type": "integer"}, "maxItems": 20}}, []))},
        "/api/v1/sessions/{code}/rankings": {"parameters": [CODE], "post": _op(
            "Rank the top K proposals of the open ranking round, best first", ok="201", idempotent=True,
            body=_obj({"order": {"type": "array", "items": {"type": "integer"}, "minItems": 1, "maxItems": 20},
                       "on_behalf_of": {"type": ["string", "integer"]}}, ["order"]))},
        "/api/v1/sessions/{code}/statements": {"parameters": [CODE], "post": _op(
            "Write a statement (participant) or seed one (facilitator)", ok="201", idempotent=True,
            body=_obj({"text": _text(140, 3)}, ["text"]))},
        "/api/v1/sessions/{code}/statements/next": {"parameters": [CODE], "get": _op(
            "The next statement for this participant, in the order that helps the map most")},
        "/api/v1/sessions/{code}/opinion-map": {"parameters": [CODE], "get": _op(
            "Opinion groups, consensus, representative statements, group-informed consensus", auth=False)},
        "/api/v1/proposals/{proposal_id}/votes": {"parameters": [PID], "post": _op(
            "Mark a proposal in the open round: dots, a score, or agree=1 / disagree=-1 / pass=0 on a statement",
            ok="201", idempotent=True, body=_obj({
                "method": {"type": "string", "enum": ["dots", "score", "agree"]}, "value": {"type": "integer"},
                "on_behalf_of": {"type": ["string", "integer"]}}, ["method", "value"]))},
        "/api/v1/proposals/{proposal_id}/comments": {"parameters": [PID], "post": _op(
            "Comment for, against, or as a note", ok="201", idempotent=True, body=_obj({
                "body": _text(COMMENT_MAX, 2), "stance": {"type": "string", "enum": ["for", "against", "note"]}},
                ["body", "stance"]))},
        "/api/v1/proposals/{proposal_id}/support": {
            "parameters": [PID],
            "post": _op("Support a proposal (once per participant)", ok="201", idempotent=True),
            "delete": _op("Withdraw a support", idempotent=True)},
        "/api/v1/proposals/{proposal_id}/moderation": {"parameters": [PID], "post": _op(
            "Approve, hide, restore or merge (facilitator)", idempotent=True, body=_obj({
                "action": {"type": "string", "enum": ["approve", "hide", "restore", "merge"]},
                "reason": {"type": "string", "maxLength": 300}, "into_id": {"type": "integer"}}, ["action"]))},
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "deliberate", "version": __version__,
                 "description": "Live participatory deliberation. Messages follow Accept-Language (th, en)."},
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Error": _obj({"error": {"type": "string"}, "message": {"type": "string"},
                                       "field": {"type": "string"}}, ["error", "message"])},
        },
    }


async def openapi(request: Request) -> JSONResponse:
    return JSONResponse(document())
