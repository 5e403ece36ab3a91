"""The OpenAPI document for /api/v1, kept beside the routes it describes (a test checks they agree)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse

from deliberate import __version__
from deliberate.comments.services import BODY_MAX as COMMENT_MAX
from deliberate.proposals.services import BODY_MAX, TITLE_MAX
from deliberate.sessions.phases import PHASES


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
        "/api/v1/sessions/{code}/results": {"parameters": [CODE], "get": _op("Proposals ranked by support",
                                                                             auth=False)},
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
