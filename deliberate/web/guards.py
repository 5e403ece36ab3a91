"""Who may open a page or press a button on it: the one place every HTML view asks.

A guard returns what the view needs (the session, the actor) or raises `Refused` with the answer to send
instead: the sign-in page for staff pages, the join page for a phone's pages, an error page. `@guarded` on
the view turns that into the response, so a handler reads as "guard, one service call, answer".

The services still check every permission themselves (a fragment URL can be called directly, and the JSON
API shares them); guards only decide what a browser is shown before the service is asked. Writes by
participants therefore use `visitor`: the service says 401 or 403 and the page shows it.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Concatenate, ParamSpec
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response

from deliberate.actors import Actor, reads, runs
from deliberate.errors import DomainError, PermissionDenied
from deliberate.i18n import N_
from deliberate.sessions.models import Session
from deliberate.sessions.services import get_session
from deliberate.web.identity import page_actor
from deliberate.web.pages import error_page, redirect
from deliberate.web.urls import url


class Refused(Exception):
    """A guard's refusal, carrying the response the browser gets instead of the page."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status_code)
        self.response = response


P = ParamSpec("P")


def guarded(
    view: Callable[Concatenate[Request, P], Awaitable[Response]],
) -> Callable[Concatenate[Request, P], Awaitable[Response]]:
    """Answer a guard's refusal with the response it carries."""

    @functools.wraps(view)
    async def endpoint(request: Request, /, *args: P.args, **kwargs: P.kwargs) -> Response:
        try:
            return await view(request, *args, **kwargs)
        except Refused as refused:
            return refused.response

    return endpoint


async def session_of(request: Request) -> Session:
    """The session named by the path's `code`, or its error page (404 for a code nobody uses)."""
    try:
        return await get_session(request.path_params["code"])
    except DomainError as exc:
        raise Refused(error_page(request, exc)) from exc


async def visitor(request: Request) -> tuple[Session, Actor]:
    """Anyone, with whatever credentials they carry for this session: public pages, and participants' writes
    (their services refuse whoever may not act, with the status the page then shows)."""
    session = await session_of(request)
    return session, await page_actor(request, session)


async def phone(request: Request) -> tuple[Session, Actor]:
    """A participant of this session on a page of their own; anyone else is sent to the join page."""
    session, actor = await visitor(request)
    if actor.participant is None:
        raise Refused(redirect(url("join", code=session.code)))
    return session, actor


async def staff(request: Request, session: Session | None = None) -> Actor:
    """Signed-in staff; anyone else is sent to sign in, and back here afterwards."""
    actor = await page_actor(request, session)
    if actor.staff is None:
        raise Refused(redirect(url("login") + "?next=" + quote(request.url.path)))
    return actor


async def facilitator(request: Request) -> tuple[Session, Actor]:
    """A facilitator (or an administrator) running this session: the console and the resolutions desk."""
    # Sign-in first: to anyone else a real code and an unknown one look the same (both go to sign in).
    actor = await staff(request)
    session = await session_of(request)
    if not actor.is_facilitator():
        raise Refused(error_page(request, PermissionDenied(N_("Only facilitators can do this."))))
    if not await runs(actor, session.assembly_id):
        raise Refused(error_page(request, PermissionDenied(N_("Only facilitators of this assembly can do this."))))
    return session, actor


async def steward(request: Request) -> tuple[Session, Actor]:
    """Facilitators and officials: the answers-and-follow-up desk and the downloads of the brief."""
    actor = await staff(request)
    session = await session_of(request)
    if not (actor.is_facilitator() or actor.is_official()):
        raise Refused(error_page(request, PermissionDenied(N_("Only facilitators and officials can do this."))))
    if not await reads(actor, session.assembly_id):
        raise Refused(
            error_page(request, PermissionDenied(N_("Only facilitators and officials of this assembly can do this.")))
        )
    return session, actor
