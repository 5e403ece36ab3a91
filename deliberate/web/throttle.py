"""Abuse limits that apply to whole families of routes, as pure ASGI middleware in front of the router:

- join-code guessing: an address that asks for too many codes that do not exist is refused for a while;
- joins: an address may join only so fast (a hall through one router joins freely, a script does not);
- participant writes: every POST/DELETE a participant makes counts against their own limit;
- slow mode: when the facilitator turns it on, a participant may post one text (a proposal, a comment,
  a statement, an amendment) per N seconds. Only a write that succeeded starts the wait, and the replay
  of an Idempotency-Key already answered is never refused.

Each refusal is a 429 with a translated message and Retry-After, as JSON under /api and as a page elsewhere.
Staff are not limited here: they sign in through a throttled login and act for people without phones.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from starlette.requests import HTTPConnection, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from deliberate.accounts.services import user_for_token
from deliberate.i18n import N_
from deliberate.idempotency.services import UNANSWERED, answered
from deliberate.ratelimit import RateLimited, limiter_for, slow_mode_policy
from deliberate.sessions.codes import looks_like_code, normalise_code
from deliberate.sessions.models import Participant, Session
from deliberate.sessions.slowmode import slow_mode_of
from deliberate.tokens import token_hash
from deliberate.web import joinwatch
from deliberate.web.identity import STAFF_COOKIE, bearer, participant_of

WRITES = {"POST", "PUT", "PATCH", "DELETE"}
JOINS = {"join", "api_join"}  # every join counts against its address (Settings.joins_per_address)
# The routes where a participant writes text for others to read: slow mode spaces these out.
TEXT_WRITES = {
    "propose",
    "comment",
    "write_statement",
    "resolutions_amend",
    "resolutions_back",
    "resolutions_answer",
    "resolutions_comment",
    "api_submit",
    "api_comment",
    "api_statements",
    "api_amendments",
    "api_clause_comments",
    # The API's twins of resolutions_back and resolutions_answer, and pledges (read on the projector).
    "api_backers",
    "api_check_answers",
    "pledge",
    "api_commitments",
}


def client_address(conn: HTTPConnection | Scope) -> str:
    """Who is calling, as the per-address limits count them (behind a reverse proxy, uvicorn's --proxy-headers
    puts the real address here). An IPv6 caller is its /64: one home or phone line is given a whole /64, so
    counting single addresses would let it guess codes or join from 2**64 of them."""
    scope = conn.scope if isinstance(conn, HTTPConnection) else conn
    client = scope.get("client")
    if not client:
        return "unknown"
    address = str(client[0])
    if ":" in address:
        try:
            return str(ipaddress.IPv6Network(f"{address.split('%')[0]}/64", strict=False))
        except ValueError:
            return address
    return address


def _route(scope: Scope) -> tuple[str, dict[str, Any]]:
    """The name and path parameters of the route the request will reach (the router remembers it)."""
    route, child = scope["app"].router.match(scope)
    return (route.name, child.get("path_params", {})) if isinstance(route, Route) else ("", {})


async def _is_staff(scope: Scope, name: str) -> bool:
    conn = HTTPConnection(scope)
    if name.startswith("api_"):
        return await user_for_token(bearer(conn), "api") is not None
    return await user_for_token(conn.cookies.get(STAFF_COOKIE), "web") is not None


def _staff_only(scope: Scope, name: str) -> bool:
    """Whether a route is one of the staff's own (its path under /staff/): their guards refuse participants
    outright, and a facilitator who also joined from the same browser is not held to a participant's pace."""
    names: set[str] | None = getattr(scope["app"].state, "staff_routes", None)
    if names is None:
        names = {r.name for r in scope["app"].router.routes if isinstance(r, Route) and r.path.startswith("/staff/")}
        scope["app"].state.staff_routes = names
    return name in names


def _credential(scope: Scope, name: str, params: dict[str, Any]) -> str | None:
    conn = HTTPConnection(scope)
    if name.startswith("api_"):
        return bearer(conn)
    code = params.get("code")
    return conn.cookies.get(f"dlb_p_{code}") if code else None


async def holds_session(scope: Scope, name: str, params: dict[str, Any], code: str) -> bool:
    """Whether the caller already belongs to this session (a participant's token for it) or is signed-in staff.
    Past the wrong-code limit an address is refused every code, or a guesser would know a hit by the missing
    refusal; but phones that have joined carry on, and so does the facilitator's console, so a hall behind one
    router is not locked out of its own session by typos."""
    if await _is_staff(scope, name):
        return True
    raw = _credential(scope, name, params | {"code": code})
    code = normalise_code(code)
    # A code that cannot be one is no session anyone holds (and the code column refuses a longer value).
    if not raw or len(raw) > 100 or not looks_like_code(code):
        return False
    return await Participant.filter(token_hash=token_hash(raw), session__code=code).exists()


def _refusal(scope: Scope, exc: RateLimited) -> Response:
    if scope["path"].startswith("/api/"):
        return JSONResponse(exc.as_json(), status_code=exc.status, headers=exc.headers)
    from deliberate.web.pages import error_page

    response = error_page(Request(scope), exc)
    response.headers.update(exc.headers)
    return response


class ThrottleMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(("/static/", "/vendor/")):
            await self.app(scope, receive, send)
            return
        # Chosen by route, not by path: every route that takes a session code counts the codes that do not
        # exist (the staff pages' too), and every route a participant writes through is limited.
        limiter = limiter_for(scope["app"])
        name, params = _route(scope)
        address = client_address(scope)
        code = params.get("code") or (HTTPConnection(scope).query_params.get("code") if name == "home" else None)
        if code is not None:
            wait = await limiter.wait(limiter.code_misses, address)
            if wait and not await holds_session(scope, name, params, code):
                await _refusal(
                    scope,
                    RateLimited(
                        N_(
                            "Too many session codes that do not exist were tried from this network. Please check the "
                            "code on the screen and try again in {minutes} minutes."
                        ),
                        retry_after=wait,
                    ),
                )(scope, receive, send)
                return
        if name in JOINS and scope["method"] == "POST":
            wait = await limiter.hit(limiter.joins, address)
            if wait:
                await _refusal(
                    scope,
                    RateLimited(
                        N_("Many phones are joining from this network at once. Please try again in {seconds} seconds."),
                        retry_after=wait,
                    ),
                )(scope, receive, send)
                return
        slow_key = None
        if scope["method"] in WRITES and not _staff_only(scope, name):
            refusal, slow_key = await self._participant_write(scope, name, params)
            if refusal is not None:
                await _refusal(scope, refusal)(scope, receive, send)
                return
        status = 0

        joined = False

        async def watch(message: Message) -> None:
            nonlocal status, joined
            if message["type"] == "http.response.start":
                status = message["status"]
                # A join made a participant: the API answers 201, the page sets the participant's cookie.
                joined = status == 201 or any(
                    k == b"set-cookie" and v.startswith(b"dlb_p_") for k, v in message.get("headers", [])
                )
            await send(message)

        await self.app(scope, receive, watch)
        if name in JOINS and scope["method"] == "POST" and joined and code is not None:
            joinwatch.record(normalise_code(code), address)
        if code is not None and status == 404:
            clean = normalise_code(code)
            if not (looks_like_code(clean) and await Session.filter(code=clean).exists()):
                await limiter.hit(limiter.code_misses, address)
        if slow_key is not None and 200 <= status < 400:
            await limiter.hit(*slow_key)

    async def _participant_write(
        self, scope: Scope, name: str, params: dict[str, Any]
    ) -> tuple[RateLimited | None, tuple[Any, str] | None]:
        raw = _credential(scope, name, params)
        if not raw or len(raw) > 100:
            return None, None
        participant = await participant_of(scope, raw)
        if participant is None:
            return None, None
        limiter = limiter_for(scope["app"])
        key = f"participant:{participant.id}"
        idem = HTTPConnection(scope).headers.get("idempotency-key")
        if idem and await answered(key, idem[:100]) is not None:
            return None, None  # a replay: it answers what was already done and costs nothing
        if idem:  # looked for and not found: the write's own idempotency check need not look again
            scope.setdefault("state", {})[UNANSWERED] = (key, idem)
        wait = await limiter.hit(limiter.writes, key)
        if wait:
            return RateLimited(
                N_("You are sending too quickly. Please wait {seconds} seconds and try again."), retry_after=wait
            ), None
        if name not in TEXT_WRITES:
            return None, None
        seconds = slow_mode_of(await Session.get(id=participant.session_id).values_list("permissions", flat=True))
        if not seconds:
            return None, None
        policy = slow_mode_policy(seconds)
        wait = await limiter.wait(policy, key)
        if wait:
            return RateLimited(N_("Slow mode is on: you can post again in {seconds} seconds."), retry_after=wait), None
        return None, (policy, key)
