"""The doors of a session and where its joins come from (facilitator): `GET/POST /api/v1/sessions/{code}/joining`."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from deliberate.actors import Actor
from deliberate.sessions import services as sessions
from deliberate.sessions.doors import joining_report, set_doors, set_rotation
from deliberate.web import joinwatch
from deliberate.web.api.v1 import ok, read_json, write
from deliberate.web.identity import api_actor


async def _report(actor: Actor, code: str) -> dict[str, object]:
    session = await sessions.get_session(code)
    return await joining_report(actor, session) | {"top_addresses": joinwatch.top_addresses(session.code)}


async def joining(request: Request) -> Response:
    """GET: whether new participants may join, joins per minute over the last ten minutes, the busiest addresses
    (hashed). POST `{"open": true|false}`: open or close the doors."""
    if request.method == "POST":
        return await write(_set_joining)(request)
    return ok(await _report(await api_actor(request), request.path_params["code"]))


async def _set_joining(request: Request, actor: Actor) -> tuple[int, object]:
    """Open or close the doors to new participants."""
    session = await sessions.get_session(request.path_params["code"])
    data = await read_json(request)
    if "rotate_minutes" in data:
        session = await set_rotation(actor, session, data["rotate_minutes"])
    if "open" in data:
        await set_doors(actor, session, data["open"])
    return 200, await _report(actor, session.code)
