"""The projector's view, driven from the console or the API (presenter mode)."""

from __future__ import annotations

from starlette.requests import Request

from deliberate.actors import Actor
from deliberate.sessions import services as sessions
from deliberate.sessions.screens import set_screen
from deliberate.web.api.v1 import read_json


async def screen(request: Request, actor: Actor) -> tuple[int, object]:
    """Choose what the projector shows (facilitator); the projector changes live."""
    session = await sessions.get_session(request.path_params["code"])
    data = await read_json(request)
    session = await set_screen(actor, session, data.get("view"), data.get("proposal_id"))
    return 200, {"code": session.code, "view": session.screen_view, "spotlight_id": session.spotlight_id}
