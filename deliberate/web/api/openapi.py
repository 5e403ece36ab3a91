"""The OpenAPI document for /api/v1, kept beside the routes it describes (a test checks they agree)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse

from deliberate import __version__
from deliberate.accounts.models import GrantRole, Role
from deliberate.accounts.services import MAX_PASSWORD, MIN_PASSWORD
from deliberate.briefs.render_tables import CSV_SHEETS
from deliberate.comments.services import BODY_MAX as COMMENT_MAX
from deliberate.outcomes.models import BUDGET_SOURCES, ROLES, STATUS_LABELS, AnswerState
from deliberate.outcomes.services import MAX_BUDGET
from deliberate.proposals.services import BODY_MAX, TITLE_MAX
from deliberate.sessions.phases import PHASES
from deliberate.sessions.screens import VIEWS
from deliberate.voting.methods import METHODS
from deliberate.voting.results import GROUPINGS
from deliberate.web.api.schemas import ATTACHMENT, COMPONENTS, DOWNLOADS, RESPONSES, UNCHANGED


def _text(max_length: int, min_length: int = 1) -> dict[str, object]:
    return {"type": "string", "minLength": min_length, "maxLength": max_length}


def _op(
    summary: str, *, body: dict[str, object] | None = None, auth: bool = True, ok: str = "200", idempotent: bool = False
) -> dict[str, object]:
    op: dict[str, object] = {
        "summary": summary,
        "responses": {
            ok: {"description": "OK", "content": {"application/json": {"schema": {"type": "object"}}}},
            "4XX": {
                "description": "Refused, with a message in the caller's language",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            },
        },
    }
    if body is not None:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    if auth:
        op["security"] = [{"bearer": []}]
    params: list[dict[str, object]] = []
    if idempotent:
        params.append(
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "schema": {"type": "string", "minLength": 1, "maxLength": 100},
            }
        )
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
    "hidden": {"type": "boolean"},
    "quorum": {"type": "integer", "minimum": 0},
    "threshold": {"type": "integer", "minimum": 0, "maximum": 100},
    "allow_assisted": {"type": "boolean"},
    "allow_paper": {"type": "boolean"},
    "budget": {"type": "integer", "minimum": 1, "maximum": 50},
    "max_per": {"type": "integer", "minimum": 1, "maximum": 50},
    "scale": {"type": "string", "enum": ["1-5", "0-10"]},
    "k": {"type": "integer", "minimum": 1, "maximum": 20},
}
FMT_BRIEF = {
    "name": "fmt",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "enum": ["pdf", "docx", "xlsx", "csv", "json", "md"]},
}
FMT_MINUTES = {"name": "fmt", "in": "path", "required": True, "schema": {"type": "string", "enum": ["pdf", "docx"]}}
DOWNLOAD_QUERY = [
    {"name": "lang", "in": "query", "required": False, "schema": {"type": "string", "enum": ["th", "en"]}},
    {"name": "digits", "in": "query", "required": False, "schema": {"type": "string", "enum": ["thai", "arabic"]}},
]
DATE = {"type": "string", "format": "date"}
CLAUSE = {"name": "clause_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}
AMENDMENT = {"name": "amendment_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}
ITEM = {"name": "item_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}
ASSEMBLY = {"name": "assembly_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}
LINK = {"name": "link_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}
GRANT = {"name": "grant_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}
CHECK = {"name": "check_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}
PID = {"name": "proposal_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}
COMMENT = {"name": "comment_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}


def document() -> dict[str, object]:
    paths: dict[str, dict[str, object]] = {
        "/api/v1/auth/token": {
            "post": _op(
                "Staff sign-in: e-mail and password for a bearer token",
                auth=False,
                ok="201",
                body=_obj({"email": _text(254), "password": _text(256)}, ["email", "password"]),
            )
        },
        "/api/v1/me": {
            "get": _op(
                "Everything stored about the caller: a participant's own data and contributions (or a staff "
                "member's own account)"
            ),
            "delete": {
                **_op(
                    "Erase the calling participant's personal data and end their token; contributions "
                    "stay anonymous, drafts waiting for moderation are deleted (see docs/security.md)"
                ),
                "parameters": [
                    {"name": "confirm", "in": "query", "required": True, "schema": {"type": "string", "enum": ["true"]}}
                ],
            },
        },
        "/api/v1/staff/invitations": {
            "post": _op(
                "Invite a staff member (administrators: any role; facilitators: facilitators and officials) with a "
                "scope: an assembly the inviter owns and a part in it (a facilitator's invitation must name one), or "
                "for an official a province (administrators). The answer carries the one-time link (7 days), shown "
                "only this once",
                ok="201",
                idempotent=True,
                body=_obj(
                    {
                        "email": _text(254),
                        "role": {"type": "string", "enum": [r.value for r in Role]},
                        "assembly_id": {"type": "integer", "minimum": 1},
                        "grant_role": {"type": "string", "enum": [r.value for r in GrantRole]},
                        "province_code": {"type": "string", "pattern": "^[0-9]{2}$"},
                    },
                    ["email", "role"],
                ),
            )
        },
        "/api/v1/staff/invitations/{link_id}": {
            "parameters": [
                {"name": "link_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}
            ],
            "delete": _op("Withdraw an invitation not yet taken up: its link stops working (its maker, or an admin)"),
        },
        "/api/v1/staff/province-grants": {
            "get": _op("The provinces officials follow (administrators)"),
            "post": _op(
                "Let an official follow every assembly of a province (administrators)",
                ok="201",
                idempotent=True,
                body=_obj(
                    {"email": _text(254), "province_code": {"type": "string", "pattern": "^[0-9]{2}$"}},
                    ["email", "province_code"],
                ),
            ),
        },
        "/api/v1/provinces/{province_code}/plan": {
            "parameters": [
                {
                    "name": "province_code",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string", "pattern": "^[0-9]{2}$"},
                }
            ],
            "get": _op("A province's current development plan: its issues and approaches (public)", auth=False),
            "put": _op(
                "Enter or replace a province's development plan (administrators)",
                idempotent=True,
                body=_obj(
                    {
                        "title": _text(300),
                        "period": {"type": "string", "maxLength": 20},
                        "issues": {
                            "type": "array",
                            "minItems": 1,
                            "maxItems": 30,
                            "items": _obj(
                                {
                                    "name": _text(300),
                                    "approaches": {"type": "array", "minItems": 1, "maxItems": 30, "items": _text(300)},
                                },
                                ["name", "approaches"],
                            ),
                        },
                    },
                    ["title", "issues"],
                ),
            ),
        },
        "/api/v1/staff/province-grants/{grant_id}": {
            "parameters": [GRANT],
            "delete": _op("Withdraw a province from an official (administrators)"),
        },
        "/api/v1/assemblies/{assembly_id}/team": {
            "parameters": [ASSEMBLY],
            "get": _op("The assembly's team: owners, co-facilitators and officials (staff of the assembly)"),
            "post": _op(
                "Give an existing staff account a part in the assembly, or change it (its owners and administrators)",
                ok="201",
                idempotent=True,
                body=_obj(
                    {"email": _text(254), "role": {"type": "string", "enum": [r.value for r in GrantRole]}},
                    ["email", "role"],
                ),
            ),
        },
        "/api/v1/assemblies/{assembly_id}/team/{grant_id}": {
            "parameters": [ASSEMBLY, GRANT],
            "delete": _op("Withdraw a part in the assembly; the last owner stays (its owners and administrators)"),
        },
        "/api/v1/staff/invitations/accept": {
            "post": _op(
                "Take up an invitation: set a name and password; answers an API token. A used or expired link answers "
                "410",
                auth=False,
                ok="201",
                body=_obj(
                    {"token": _text(100, 20), "display_name": _text(80), "password": _text(MAX_PASSWORD, MIN_PASSWORD)},
                    ["token", "display_name", "password"],
                ),
            )
        },
        "/api/v1/staff/password-resets": {
            "post": _op(
                "A one-time password-reset link (1 hour) for a staff account (administrators)",
                ok="201",
                idempotent=True,
                body=_obj({"email": _text(254)}, ["email"]),
            )
        },
        "/api/v1/staff/password-resets/accept": {
            "post": _op(
                "Set a new password with a reset link; every other login and API token of the account ends. Answers a "
                "new API token",
                auth=False,
                body=_obj(
                    {"token": _text(100, 20), "password": _text(MAX_PASSWORD, MIN_PASSWORD)}, ["token", "password"]
                ),
            )
        },
        "/api/v1/sessions": {
            "post": _op(
                "Create a session (facilitator)",
                ok="201",
                idempotent=True,
                body=_obj(
                    {
                        "title": _text(200),
                        "themes": {"type": "array", "items": _text(200), "minItems": 1, "maxItems": 30},
                        "assembly_id": {"type": "integer"},
                        "premoderation": {"type": "boolean"},
                    },
                    ["title"],
                ),
            )
        },
        "/api/v1/sessions/{code}": {
            "parameters": [CODE],
            "get": _op("A session, its themes and live counts", auth=False),
        },
        "/api/v1/sessions/{code}/phase": {
            "parameters": [CODE],
            "post": _op(
                "Set the phase, forward or back (facilitator)",
                idempotent=True,
                body=_obj({"phase": {"type": "string", "enum": list(PHASES)}}, ["phase"]),
            ),
        },
        "/api/v1/sessions/{code}/screen": {
            "parameters": [CODE],
            "post": _op(
                "Choose what the projector shows (facilitator); with proposal_id it takes the spotlight too",
                idempotent=True,
                body=_obj(
                    {"view": {"type": "string", "enum": list(VIEWS)}, "proposal_id": {"type": "integer"}}, ["view"]
                ),
            ),
        },
        "/api/v1/sessions/{code}/joining": {
            "parameters": [CODE],
            "get": _op(
                "Whether new participants may join, joins per minute (last 10), busiest addresses hashed (facilitator)"
            ),
            "post": _op(
                "Open or close the doors to new participants (facilitator); rotate_minutes must be null for now",
                idempotent=True,
                body=_obj({"open": {"type": "boolean"}, "rotate_minutes": {"type": ["integer", "null"]}}, []),
            ),
        },
        "/api/v1/sessions/{code}/participants": {
            "parameters": [CODE],
            "post": _op(
                "Join a session without an account; without consent the answer carries the notice",
                auth=False,
                ok="201",
                idempotent=True,
                body=_obj(
                    {
                        "display_name": _text(60),
                        "consent": {"type": "boolean"},
                        "subdistrict_code": {"type": "string", "maxLength": 6},
                        "sector": {"type": "string"},
                        "organization": {"type": "string", "maxLength": 120},
                    },
                    ["display_name", "consent"],
                ),
            ),
        },
        "/api/v1/sessions/{code}/proposals": {
            "parameters": [CODE],
            "get": _op(
                "Proposals: published ones, plus the caller's own pending ones; `supports` is null for anyone but "
                "staff while a hidden support round keeps the counts"
            ),
            "post": _op(
                "Put a proposal",
                ok="201",
                idempotent=True,
                body=_obj(
                    {
                        "title": _text(TITLE_MAX, 3),
                        "body": {"type": "string", "maxLength": BODY_MAX},
                        "theme_id": {"type": "integer"},
                        "target_groups": {"type": "array", "items": {"type": "string"}},
                    },
                    ["title", "theme_id"],
                ),
            ),
        },
        "/api/v1/sessions/{code}/results": {
            "parameters": [CODE, *RESULT_QUERY],
            "get": _op(
                "Results of the open round (or ?round=ID), ranked, with sources; ?by= breaks them down by group. "
                "While a round's results are hidden, anyone but staff gets `hidden: true` and no figures",
                auth=False,
            ),
        },
        "/api/v1/sessions/{code}/rounds": {
            "parameters": [CODE],
            "post": _op(
                "Open a voting round with a method and its options (facilitator)",
                ok="201",
                idempotent=True,
                body=_obj(
                    {
                        "method": {"type": "string", "enum": list(METHODS)},
                        "title": {"type": "string", "maxLength": 140},
                        "options": _obj(ROUND_OPTIONS, []),
                    },
                    ["method"],
                ),
            ),
        },
        "/api/v1/sessions/{code}/rounds/{round_id}/close": {
            "parameters": [CODE, RID],
            "post": _op("Close a round (facilitator)", idempotent=True),
        },
        "/api/v1/sessions/{code}/rounds/{round_id}/reveal": {
            "parameters": [CODE, RID],
            "post": _op(
                "Reveal (or hide again) a round's results (facilitator)",
                idempotent=True,
                body=_obj({"shown": {"type": "boolean"}}, []),
            ),
        },
        "/api/v1/sessions/{code}/rounds/{round_id}/paper": {
            "parameters": [CODE, RID],
            "post": _op(
                "Enter one counted paper ballot (facilitator, when the round allows paper)",
                ok="201",
                idempotent=True,
                body=_obj(
                    {
                        "marks": {
                            "type": "array",
                            "maxItems": 500,
                            "items": _obj(
                                {"proposal_id": {"type": "integer"}, "value": {"type": "integer"}}, ["proposal_id"]
                            ),
                        },
                        "order": {"type": "array", "items": {"type": "integer"}, "maxItems": 20},
                    },
                    [],
                ),
            ),
        },
        "/api/v1/sessions/{code}/rankings": {
            "parameters": [CODE],
            "post": _op(
                "Rank the top K proposals of the open ranking round, best first",
                ok="201",
                idempotent=True,
                body=_obj(
                    {
                        "order": {"type": "array", "items": {"type": "integer"}, "minItems": 1, "maxItems": 20},
                        "on_behalf_of": {"type": ["string", "integer"]},
                    },
                    ["order"],
                ),
            ),
        },
        "/api/v1/sessions/{code}/statements": {
            "parameters": [CODE],
            "post": _op(
                "Write a statement (participant) or seed one (facilitator)",
                ok="201",
                idempotent=True,
                body=_obj({"text": _text(140, 3)}, ["text"]),
            ),
        },
        "/api/v1/sessions/{code}/statements/next": {
            "parameters": [CODE],
            "get": _op("The next statement for this participant, in the order that helps the map most"),
        },
        "/api/v1/sessions/{code}/opinion-map": {
            "parameters": [CODE],
            "get": _op("Opinion groups, consensus, representative statements, group-informed consensus", auth=False),
        },
        "/api/v1/sessions/{code}/participants/{participant_id}/map": {
            "parameters": [
                CODE,
                {"name": "participant_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}},
            ],
            "post": _op(
                "Leave a participant out of the opinion map with a reason, or put them back; their votes still count "
                "in every tally (facilitators of the assembly)",
                idempotent=True,
                body=_obj({"on_map": {"type": "boolean"}, "reason": {"type": "string", "maxLength": 300}}, ["on_map"]),
            ),
        },
        "/api/v1/sessions/{code}/brief.{fmt}": {
            "parameters": [
                CODE,
                FMT_BRIEF,
                *DOWNLOAD_QUERY,
                {
                    "name": "sheet",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "string", "enum": list(CSV_SHEETS)},
                },
                {"name": "memo", "in": "query", "required": False, "schema": {"type": "string", "enum": ["0", "1"]}},
            ],
            "get": _op(
                "The session's policy brief, versioned and hashed (officials and facilitators); "
                "JSON is the documented open data"
            ),
        },
        "/api/v1/sessions/{code}/minutes.{fmt}": {
            "parameters": [CODE, FMT_MINUTES, *DOWNLOAD_QUERY],
            "get": _op("The session's minutes in the official form-11 layout (officials and facilitators)"),
        },
        "/api/v1/assemblies/{assembly_id}/follow-up": {
            "parameters": [
                {"name": "assembly_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}
            ],
            "get": _op(
                "What became of an assembly's adopted and forwarded proposals (public, no names), and each "
                "session's audit chain head (`chain_heads`), published by being shown",
                auth=False,
            ),
        },
        "/api/v1/assemblies/{assembly_id}/check-in": {
            "parameters": [
                {"name": "assembly_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}
            ],
            "post": _op(
                "Open a check-in session that starts from an earlier assembly's adopted and forwarded "
                "proposals (facilitator)",
                ok="201",
                idempotent=True,
                body=_obj(
                    {
                        "from_assembly_id": {"type": "integer", "minimum": 1},
                        "title": {"type": "string", "maxLength": 200},
                    },
                    ["from_assembly_id"],
                ),
            ),
        },
        "/api/v1/sessions/{code}/items": {
            "parameters": [CODE],
            "get": _op("Agenda items with their clauses, amendments (with word diffs) and checks", auth=False),
            "post": _op(
                "Draft an agenda item: background, preamble and clauses (facilitator)",
                ok="201",
                idempotent=True,
                body=_obj(
                    {
                        "title": _text(200),
                        "background": {"type": "string", "maxLength": 5000},
                        "proposal_ids": {"type": "array", "items": {"type": "integer"}},
                        "preamble": {"type": "array", "maxItems": 20, "items": _text(2000)},
                        "clauses": {
                            "type": "array",
                            "minItems": 1,
                            "maxItems": 50,
                            "items": _obj(
                                {
                                    "text": _text(2000),
                                    "lead_agency": {"type": "string", "maxLength": 200},
                                    "partners": {"type": "array", "maxItems": 10, "items": _text(200)},
                                },
                                ["text"],
                            ),
                        },
                    },
                    ["title", "clauses"],
                ),
            ),
        },
        "/api/v1/sessions/{code}/resolution-rules": {
            "parameters": [CODE],
            "post": _op(
                "Who amends and who answers checks, and the reservation share a consensus allows (facilitator)",
                idempotent=True,
                body=_obj(
                    {
                        "voters": {"type": "string", "enum": ["everyone", "seat", "network"]},
                        "amenders": {"type": "string", "enum": ["everyone", "delegates"]},
                        "max_reservation_share": {"type": "number", "minimum": 0, "maximum": 1},
                        "sector_minimums": {
                            "type": "object",
                            "additionalProperties": {"type": "number", "minimum": 0, "maximum": 1},
                        },
                    },
                    [],
                ),
            ),
        },
        "/api/v1/sessions/{code}/delegates": {
            "parameters": [CODE],
            "post": _op(
                "Register a participant as a delegate of a member network (facilitator)",
                ok="201",
                idempotent=True,
                body=_obj(
                    {"participant_id": {"type": "integer"}, "network": _text(120)}, ["participant_id", "network"]
                ),
            ),
        },
        "/api/v1/sessions/{code}/resolution.{fmt}": {
            "parameters": [
                CODE,
                {
                    "name": "fmt",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string", "enum": ["json", "pdf", "docx"]},
                },
            ],
            "get": _op(
                "The session's resolutions, clause by clause, with reservations and the amendment history "
                "(officials and facilitators)"
            ),
        },
        "/api/v1/clauses/{clause_id}/amendments": {
            "parameters": [CLAUSE],
            "post": _op(
                "Propose an amendment against the clause version you saw; an older version answers 409",
                ok="201",
                idempotent=True,
                body=_obj(
                    {
                        "op": {"type": "string", "enum": ["replace", "insert", "delete"]},
                        "text": {"type": "string", "maxLength": 2000},
                        "reason": _text(500),
                        "base_version": {"type": "integer", "minimum": 1},
                    },
                    ["op", "reason", "base_version"],
                ),
            ),
        },
        "/api/v1/items/{item_id}": {
            "parameters": [ITEM],
            "post": _op(
                "Revise a draft agenda item's title, background and preamble against the version you saw (facilitator)",
                idempotent=True,
                body=_obj(
                    {
                        "title": _text(200),
                        "background": {"type": "string", "maxLength": 5000},
                        "preamble": {"type": "array", "maxItems": 20, "items": _text(2000)},
                        "base_version": {"type": "integer", "minimum": 1},
                    },
                    ["title", "base_version"],
                ),
            ),
        },
        "/api/v1/items/{item_id}/clauses": {
            "parameters": [ITEM],
            "post": _op(
                "Add a clause to a draft, at the end or after a clause (facilitator)",
                ok="201",
                idempotent=True,
                body=_obj(
                    {
                        "text": _text(2000),
                        "lead_agency": {"type": "string", "maxLength": 200},
                        "partners": {"type": "array", "maxItems": 10, "items": _text(200)},
                        "after_clause_id": {"type": "integer"},
                    },
                    ["text"],
                ),
            ),
        },
        "/api/v1/clauses/{clause_id}/draft": {
            "parameters": [CLAUSE],
            "post": _op(
                "Redraft a clause outside the amendment procedure, against the version you saw (facilitator)",
                idempotent=True,
                body=_obj(
                    {
                        "text": _text(2000),
                        "lead_agency": {"type": "string", "maxLength": 200},
                        "partners": {"type": "array", "maxItems": 10, "items": _text(200)},
                        "base_version": {"type": "integer", "minimum": 1},
                    },
                    ["text", "base_version"],
                ),
            ),
        },
        "/api/v1/clauses/{clause_id}/merge": {
            "parameters": [CLAUSE],
            "post": _op(
                "Merge several proposed amendments of a clause into one wording and apply it (facilitator)",
                idempotent=True,
                body=_obj(
                    {
                        "amendment_ids": {"type": "array", "minItems": 2, "items": {"type": "integer"}},
                        "text": _text(2000),
                        "reason": {"type": "string", "maxLength": 500},
                    },
                    ["amendment_ids", "text"],
                ),
            ),
        },
        "/api/v1/clauses/{clause_id}/comments": {
            "parameters": [CLAUSE],
            "post": _op(
                "Comment on a clause (any participant, delegate or not)",
                ok="201",
                idempotent=True,
                body=_obj({"body": _text(1000, 2)}, ["body"]),
            ),
        },
        "/api/v1/assemblies/{assembly_id}/criteria": {
            "parameters": [ASSEMBLY],
            "get": _op("The assembly's published screening criteria", auth=False),
            "post": _op(
                "Replace the screening criteria (facilitator)",
                idempotent=True,
                body=_obj(
                    {
                        "criteria": {
                            "type": "array",
                            "minItems": 1,
                            "maxItems": 10,
                            "items": _obj(
                                {"name": _text(120), "description": {"type": "string", "maxLength": 300}}, ["name"]
                            ),
                        }
                    },
                    ["criteria"],
                ),
            ),
        },
        "/api/v1/proposals/{proposal_id}/screening": {
            "parameters": [PID],
            "post": _op(
                "Score a proposal 1-5 on the assembly's criteria (facilitator)",
                idempotent=True,
                body=_obj(
                    {
                        "scores": {
                            "type": "object",
                            "additionalProperties": {"type": "integer", "minimum": 1, "maximum": 5},
                        },
                        "note": {"type": "string", "maxLength": 300},
                    },
                    ["scores"],
                ),
            ),
        },
        "/api/v1/sessions/{code}/screening": {
            "parameters": [CODE],
            "get": _op("The session's proposals with their screening scores, highest total first (staff)"),
        },
        "/api/v1/clauses/{clause_id}/checks": {
            "parameters": [CLAUSE],
            "post": _op("Call a consensus check on a clause (facilitator)", ok="201", idempotent=True),
        },
        "/api/v1/amendments/{amendment_id}/backers": {
            "parameters": [AMENDMENT],
            "post": _op("Back an amendment (once per participant)", ok="201", idempotent=True),
        },
        "/api/v1/amendments/{amendment_id}/decision": {
            "parameters": [AMENDMENT],
            "post": _op(
                "Accept or reject an amendment (facilitator); a stale amendment answers 409",
                idempotent=True,
                body=_obj({"decision": {"type": "string", "enum": ["accept", "reject"]}}, ["decision"]),
            ),
        },
        "/api/v1/checks/{check_id}": {
            "parameters": [CHECK],
            "get": _op(
                "A consensus check's result, live: counts, by sector group and network, reservations", auth=False
            ),
        },
        "/api/v1/checks/{check_id}/answers": {
            "parameters": [CHECK],
            "post": _op(
                "Answer a check: agree, live with it, reservation (with a reason) or block",
                ok="201",
                idempotent=True,
                body=_obj(
                    {
                        "answer": {"type": "string", "enum": ["agree", "live_with", "reservation", "block"]},
                        "reason": {"type": "string", "maxLength": 300},
                    },
                    ["answer"],
                ),
            ),
        },
        "/api/v1/checks/{check_id}/close": {
            "parameters": [CHECK],
            "post": _op("Close a check and apply the session's consensus rule (facilitator)", idempotent=True),
        },
        "/api/v1/proposals/{proposal_id}/answer": {
            "parameters": [PID],
            "post": _op(
                "Answer a proposal and place it in the provincial plan (facilitator or official)",
                idempotent=True,
                body=_obj(
                    {
                        "state": {"type": "string", "enum": [s.value for s in AnswerState]},
                        "reason": _text(1000),
                        "programme": {"type": "string", "maxLength": 200},
                        "lead_agency": {"type": "string", "maxLength": 200},
                        "partners": {"type": "string", "maxLength": 300},
                        "budget": {"type": ["integer", "null"], "minimum": 0, "maximum": MAX_BUDGET},
                        "fiscal_year": {"type": ["integer", "null"], "minimum": 2500, "maximum": 2700},
                        # The plan row: each column left out stays empty and the brief says so.
                        "fiscal_year_to": {"type": ["integer", "null"], "minimum": 2500, "maximum": 2700},
                        "plan_issue": {
                            "type": "string",
                            "maxLength": 300,
                            "description": "an issue of the province plan",
                        },
                        "plan_approach": {
                            "type": "string",
                            "maxLength": 300,
                            "description": "an approach of that issue",
                        },
                        "rationale": {"type": "string", "maxLength": 2000},
                        "objectives": {"type": "string", "maxLength": 1000},
                        "targets": {"type": "string", "maxLength": 1000},
                        "indicators": {
                            "type": "array",
                            "maxItems": 10,
                            "items": _obj(
                                {
                                    "name": _text(300),
                                    "values": {
                                        "type": "object",
                                        "description": "Buddhist-era fiscal year -> target",
                                        "additionalProperties": {"type": "string", "maxLength": 60},
                                        "minProperties": 1,
                                    },
                                },
                                ["name", "values"],
                            ),
                        },
                        "target_group": {"type": "string", "maxLength": 300},
                        "area_codes": {
                            "type": "array",
                            "maxItems": 60,
                            "items": {"type": "string", "pattern": "^[0-9]{4}([0-9]{2})?$"},
                            "description": "district (4 digits) or sub-district (6 digits) codes of the province",
                        },
                        "budget_source": {"type": "string", "enum": ["", *BUDGET_SOURCES]},
                        "national_fit": {"type": "string", "maxLength": 1000},
                        "coordinator": {"type": "string", "maxLength": 200},
                    },
                    ["state", "reason"],
                ),
            ),
        },
        "/api/v1/proposals/{proposal_id}/commitments": {
            "parameters": [PID],
            "post": _op(
                "Pledge on an adopted or forwarded proposal (participant, in the commitments phase); staff record an "
                "agency's pledge by naming `who`",
                ok="201",
                idempotent=True,
                body=_obj(
                    {
                        "role": {"type": "string", "enum": list(ROLES)},
                        "what": _text(500),
                        "due": DATE,
                        "organisation": {"type": "string", "maxLength": 120},
                        "credited": {"type": "boolean"},
                        "who": {"type": "string", "maxLength": 120},
                    },
                    ["role", "what", "due"],
                ),
            ),
        },
        "/api/v1/proposals/{proposal_id}/action-items": {
            "parameters": [PID],
            "post": _op(
                "Add an action item to an adopted or forwarded proposal (facilitator or official)",
                ok="201",
                idempotent=True,
                body=_obj(
                    {"title": _text(200), "community_owner": _text(120), "agency_owner": _text(120), "due": DATE},
                    ["title", "community_owner", "agency_owner", "due"],
                ),
            ),
        },
        "/api/v1/action-items/{item_id}/updates": {
            "parameters": [
                {"name": "item_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}
            ],
            "post": _op(
                "Report dated progress on an action item (facilitator or official)",
                ok="201",
                idempotent=True,
                body=_obj(
                    {"status": {"type": "string", "enum": list(STATUS_LABELS)}, "note": _text(1000), "on": DATE},
                    ["status", "note"],
                ),
            ),
        },
        "/api/v1/proposals/{proposal_id}/votes": {
            "parameters": [PID],
            "post": _op(
                "Mark a proposal in the open round: dots, a score, or agree=1 / disagree=-1 / pass=0 on a statement",
                ok="201",
                idempotent=True,
                body=_obj(
                    {
                        "method": {"type": "string", "enum": ["dots", "score", "agree"]},
                        "value": {"type": "integer"},
                        "on_behalf_of": {"type": ["string", "integer"]},
                    },
                    ["method", "value"],
                ),
            ),
        },
        "/api/v1/proposals/{proposal_id}/comments": {
            "parameters": [PID],
            "post": _op(
                "Comment for, against, or as a note",
                ok="201",
                idempotent=True,
                body=_obj(
                    {"body": _text(COMMENT_MAX, 2), "stance": {"type": "string", "enum": ["for", "against", "note"]}},
                    ["body", "stance"],
                ),
            ),
        },
        "/api/v1/proposals/{proposal_id}/support": {
            "parameters": [PID],
            "post": _op("Support a proposal (once per participant)", ok="201", idempotent=True),
            "delete": _op("Withdraw a support", idempotent=True),
        },
        "/api/v1/proposals/{proposal_id}/moderation": {
            "parameters": [PID],
            "post": _op(
                "Approve, hide, restore or merge (facilitator)",
                idempotent=True,
                body=_obj(
                    {
                        "action": {"type": "string", "enum": ["approve", "hide", "restore", "merge"]},
                        "reason": {"type": "string", "maxLength": 300},
                        "into_id": {"type": "integer"},
                    },
                    ["action"],
                ),
            ),
        },
        "/api/v1/comments/{comment_id}/moderation": {
            "parameters": [COMMENT],
            "post": _op(
                "Hide a comment with a reason, or restore a hidden one (facilitator)",
                idempotent=True,
                body=_obj(
                    {
                        "action": {"type": "string", "enum": ["hide", "restore"]},
                        "reason": {"type": "string", "maxLength": 300},
                    },
                    ["action"],
                ),
            ),
        },
    }
    _describe_answers(paths)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "deliberate",
            "version": __version__,
            "description": "Live participatory deliberation. Messages follow Accept-Language (th, en).",
        },
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": COMPONENTS,
        },
    }


def _describe_answers(paths: dict[str, dict[str, object]]) -> None:
    """Each operation's success answer: its JSON schema, or the files it downloads by media type."""
    for path, ops in paths.items():
        for method, op in ops.items():
            if method == "parameters" or not isinstance(op, dict):
                continue
            responses = op["responses"]
            ok = next(code for code in responses if code.startswith("2"))
            if (path, method) in DOWNLOADS:
                content = {media: {"schema": schema} for media, schema in DOWNLOADS[path, method].items()}
                responses[ok] = {
                    "description": "The file, in the media type its extension names",
                    "headers": {"Content-Disposition": {"required": True, "schema": ATTACHMENT}},
                    "content": content,
                }
            else:
                responses[ok]["content"] = {"application/json": {"schema": RESPONSES[path, method]}}
            if (path, method) in UNCHANGED:
                responses["200"] = {"description": "Nothing to change: already so", "content": responses[ok]["content"]}


async def openapi(request: Request) -> JSONResponse:
    return JSONResponse(document())
