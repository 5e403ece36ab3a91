"""Who is asking: from the participant's per-session cookie, the staff login cookie or a bearer token."""

from __future__ import annotations

from starlette.requests import HTTPConnection
from starlette.types import Scope

from deliberate.accounts.services import user_for_token
from deliberate.actors import Actor
from deliberate.sessions.models import Participant, Session
from deliberate.sessions.services import participant_for_token

STAFF_COOKIE = "dlb_staff"


def participant_cookie(code: str) -> str:
    return f"dlb_p_{code}"


def bearer(conn: HTTPConnection) -> str | None:
    header = conn.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


async def participant_of(conn: HTTPConnection | Scope, raw: str | None) -> Participant | None:
    """The participant holding this token, looked up once per request: the write throttle asks first, and the
    actor of the handler behind it takes the same answer instead of a second query."""
    scope = conn.scope if isinstance(conn, HTTPConnection) else conn
    known: dict[str | None, Participant | None] = scope.setdefault("state", {}).setdefault("participants", {})
    if raw not in known:
        known[raw] = await participant_for_token(raw)
    return known[raw]


async def page_actor(conn: HTTPConnection, session: Session | None = None) -> Actor:
    staff = await user_for_token(conn.cookies.get(STAFF_COOKIE), "web")
    participant = None
    if session is not None:
        participant = await participant_of(conn, conn.cookies.get(participant_cookie(session.code)))
        if participant is not None and participant.session_id != session.id:
            participant = None
    return Actor(participant=participant, staff=staff)


async def api_actor(conn: HTTPConnection) -> Actor:
    token = bearer(conn)
    if token is None:
        return Actor()
    participant = await participant_of(conn, token)
    if participant is not None:
        return Actor(participant=participant)
    return Actor(staff=await user_for_token(token, "api"))
