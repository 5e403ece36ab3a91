"""Rendering live updates and the websocket endpoint that carries them.

A message is HTML made only of out-of-band fragments, rendered from the same partials as the pages, with
stable ids (`proposal-42-supports`). It opens with a `live-seq` marker holding the sequence number.
"""

from __future__ import annotations

import math
import time
from collections import deque

from starlette.requests import HTTPConnection, Request
from starlette.responses import HTMLResponse, Response
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from deliberate.actors import Actor, runs
from deliberate.errors import DomainError, PermissionDenied
from deliberate.i18n import DEFAULT_LANGUAGE, N_, get_language, gettext, language
from deliberate.outcomes.services import recent_pledges
from deliberate.proposals.models import Proposal, ProposalStatus
from deliberate.proposals.services import ProposalView, decorate, ranked
from deliberate.ratelimit import limiter_for
from deliberate.realtime.hub import AUDIENCES, COMMENT_COUNTS, SUPPORT_COUNTS, Dirty, Hub, Viewer
from deliberate.sessions.models import Session, Theme
from deliberate.sessions.phases import ACTIONS
from deliberate.sessions.screens import VIEWS
from deliberate.sessions.services import can, counts, get_session, themes_of
from deliberate.voting.secrecy import supports_withheld, withhold_counts, withhold_views
from deliberate.voting.services import STATEMENT
from deliberate.web.frames import text_frame, writer_for
from deliberate.web.identity import page_actor
from deliberate.web.pages import error_page
from deliberate.web.templating import templates
from deliberate.web.throttle import client_address, holds_session

# A round opened, closed, revealed or hidden changes which buttons the board's cards carry and whether their
# support counts show (voting/secrecy.py): the board is redrawn for it as for a new phase.
CHANGES_BOARD = {"phase.changed", "round.changed"}
CHANGES_LEADERS = {
    "round.changed",
    "support.added",
    "support.withdrawn",
    "proposal.published",
    "proposal.hidden",
    "proposal.merged",
    "comment.added",
    "comment.hidden",
    "comment.restored",
}
CHANGES_RESOLUTIONS = {"resolution.changed", "phase.changed"}
# -- the room (issue 17): what makes phones redraw their "now" card, and the projector and console their round.
CHANGES_NOW = {"phase.changed", "round.changed", "spotlight.changed", "statement.published"}
CHANGES_ROUND = {"round.changed", "vote.cast", "phase.changed"}
# Each phone asks for its own card after a random wait of up to this many milliseconds per phone watching here,
# at most NOW_SPREAD_MAX_MS: a hall of 5,000 asks over 2.5 s (2,000 a second) instead of in one instant.
NOW_SPREAD_MS_PER_PHONE, NOW_SPREAD_MAX_MS = 0.5, 2500
_phones: dict[int, int] = {}  # participant pages watching each session in this process
# Pages send nothing meaningful over the socket today, so anything big or fast is a misbehaving client:
# it is closed with a reason (a page reconnects by itself, so a quiet drop would only repeat).
MAX_CLIENT_MESSAGE = 1024
MAX_CLIENT_MESSAGES, CLIENT_WINDOW_S = 20, 10.0
CLOSE_TOO_BIG, CLOSE_TOO_FAST = 1009, 4429
# What each session's phones last saw of its resolutions, per audience key (see _resolutions_changed).
_phone_marks: dict[tuple[int, str], int] = {}


async def leaders(session: Session, per_theme: int = 3) -> list[tuple[Theme, list[ProposalView]]]:
    views = await ranked(session)
    if await supports_withheld(session):
        # A hidden support round: neither the counts nor an order by them (in the order they were put).
        views = withhold_views(sorted(views, key=lambda v: v.id))
    out = []
    for theme in await themes_of(session):
        top = [v for v in views if v.proposal.theme_id == theme.id][:per_theme]
        out.append((theme, top))
    return out


def audience_key(audience: str, lang: str) -> str:
    return audience if lang == DEFAULT_LANGUAGE else f"{audience}.{lang}"


async def render_update(session_id: int, dirty: Dirty, key: str, seq: int) -> str:
    """One message for every viewer with this audience key, in that audience's language."""
    audience, _, lang = key.partition(".")
    with language(lang or DEFAULT_LANGUAGE):
        session = await Session.get(id=session_id)
        ctx: dict[str, object] = {
            "session": session,
            "seq": seq,
            "audience": audience,
            "oob": True,
            "everything": dirty.everything,
        }
        # Live messages are as public as the pages: a hidden support round's counts stay off phones and the
        # projector (the console, staff only, keeps them).
        withheld = audience != "console" and await supports_withheld(session)
        totals = await counts(session)
        ctx["counts"] = withhold_counts(totals) if withheld else totals
        ctx["can"] = {a: can(session, a) for a in ACTIONS}
        ids = sorted(dirty.proposals)
        proposals = await Proposal.filter(id__in=ids).prefetch_related("theme") if ids else []
        # Statements are answered in the "now" card, one at a time: never cards on the board, nor announced as new
        # proposals.
        changed = await decorate(Actor(), [p for p in proposals if p.kind != STATEMENT])
        ctx["changed"] = withhold_views(changed) if withheld else changed
        # A tick of supports alone changed no comment count, and one of comments alone no support count: its
        # message leaves the other span out (in a busy hall, half of each message went to comment counts
        # nobody had changed, thousands of times over).
        ctx["show_supports"] = dirty.everything or not dirty.names <= COMMENT_COUNTS
        ctx["show_comments"] = dirty.everything or not dirty.names <= SUPPORT_COUNTS
        ctx["published_now"] = {"proposal.published", "proposal.merged"} & dirty.names
        ctx["removed"] = [p.id for p in proposals if p.status in (ProposalStatus.HIDDEN, ProposalStatus.MERGED)]
        # A comment added, hidden or restored: the pages showing that proposal's comments re-fetch their list (only
        # those pages hold the placeholder the refresh lands on; a phone on the board fetches nothing).
        ctx["comments_moderated"] = ids if COMMENT_COUNTS & dirty.names else []
        ctx["refresh_board"] = dirty.everything or bool(CHANGES_BOARD & dirty.names)
        ctx["phase_changed"] = "phase.changed" in dirty.names
        ctx["timer"] = dirty.everything or "timer.set" in dirty.names or ctx["refresh_board"]
        if audience == "projector":
            wants_leaders = dirty.everything or bool(CHANGES_LEADERS & dirty.names) or ctx["refresh_board"]
            ctx["leaders"] = await leaders(session) if wants_leaders else None
            ctx["spotlight_changed"] = (
                dirty.everything
                or "spotlight.changed" in dirty.names
                or bool(session.spotlight_id and session.spotlight_id in dirty.proposals)
            )
            # The pledges panel is always on the page, hidden outside the commitments phase.
            wants_pledges = dirty.everything or ctx["refresh_board"] or "commitment.added" in dirty.names
            ctx["pledges"] = await recent_pledges(session) if wants_pledges else None
            if ctx["spotlight_changed"] and session.spotlight_id:
                spot = await Proposal.get_or_none(id=session.spotlight_id).prefetch_related("theme")
                shown = await decorate(Actor(), [spot]) if spot else []
                ctx["spotlight"] = (withhold_views(shown) if withheld else shown)[0] if shown else None
        ctx |= presenter_changes(session, dirty, audience)
        await _room_context(ctx, session, dirty, audience)
        if audience == "console":
            ctx["refresh_queue"] = True
            # The count on the console's moderation tab, sent with the update itself: it is outside the
            # region the console re-fetches, and a tab not showing the queue still says what waits.
            ctx["pending"] = await Proposal.filter(
                session_id=session.id, kind="proposal", status=ProposalStatus.PENDING
            ).count()
        ctx["refresh_resolutions"] = await _resolutions_changed(session, dirty, key)
        return templates.get_template("live/_update.html").render(ctx)


# -- presenter mode (issue 17, must 4): the projector shows the view the console chose ---------------------
# What moves a round's bars: votes, supports, the round opening, closing or being revealed, proposals coming
# and going.
RESULTS_EVENTS = ("vote.", "round.", "support.", "proposal.")


def presenter_changes(session: Session, dirty: Dirty, audience: str) -> dict[str, object]:
    """Whether the projector fetches its view again (a new view, or a snapshot) or only the results bars, and
    whether the console's "on the projector now" is redrawn."""
    # A spotlight cleared (hidden, merged, or taken off) while the spotlight view is on: the view is drawn again,
    # saying a proposal will come, rather than left blank.
    spot_gone = session.screen_view == "spotlight" and not session.spotlight_id and "spotlight.changed" in dirty.names
    new_view = dirty.everything or "screen.changed" in dirty.names or spot_gone
    if audience == "console":
        return {"screen_now": new_view, "screen_views": VIEWS}
    if audience != "projector":
        return {}
    # Closing the session draws the end screen: the view again, now with the audit chain's head under it.
    new_view = new_view or "phase.changed" in dirty.names
    bars = session.screen_view == "results" and any(n.startswith(RESULTS_EVENTS) for n in dirty.names)
    return {"screen_refresh": new_view, "results_refresh": bars and not new_view}


async def _room_context(ctx: dict[str, object], session: Session, dirty: Dirty, audience: str) -> None:
    """The room's part of a message: phones get the shared "now" card (each then asks for its own part), the
    projector and the console a signal that the round moved, which their pages follow (static/js/live.js)."""
    from deliberate.web.views.participant.now import room_context, room_of

    if audience == "participant":
        if dirty.everything or CHANGES_NOW & dirty.names:
            ctx.update(room_context(await room_of(session)))
            ctx["round_changed"] = "round.changed" in dirty.names and not dirty.everything
            phones = _phones.get(session.id, 0)
            ctx["now_spread"] = int(min(NOW_SPREAD_MAX_MS, phones * NOW_SPREAD_MS_PER_PHONE))
    elif dirty.everything or CHANGES_ROUND & dirty.names:
        ctx["round_signal"] = await room_of(session)


async def _resolutions_changed(session: Session, dirty: Dirty, key: str) -> bool:
    """Whether this audience's resolution pages should re-fetch their region. Phones show no running
    counts, so an answer to a consensus check changes nothing there: in a busy check they are spared a
    re-fetch per answer, while the console and the projector follow every one."""
    if not (dirty.everything or CHANGES_RESOLUTIONS & dirty.names):
        return False
    if dirty.everything or not key.startswith("participant"):
        return True  # a snapshot (for one page) leaves the mark alone: the next tick compares with it
    from deliberate.web.views.participant.resolutions import phone_fingerprint

    mark = await phone_fingerprint(session)
    seen = _phone_marks.get((session.id, key))
    if len(_phone_marks) > 10_000:
        _phone_marks.clear()
    _phone_marks[(session.id, key)] = mark
    return "phase.changed" in dirty.names or seen != mark


def _since(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 16 else None


async def _audience(conn: HTTPConnection, session: Session) -> str | None:
    """The audience a page asks for, or None when it may not see it (the console is for the facilitators of
    the session's assembly)."""
    audience = conn.query_params.get("view", "participant")
    if audience not in AUDIENCES:
        audience = "participant"
    if audience == "console" and not await runs(await page_actor(conn), session.assembly_id):
        return None
    return audience


async def live_poll(request: Request) -> Response:
    """The same updates as the websocket, for pages whose websocket cannot connect (a venue proxy, a
    captive portal). Answers 204 while nothing changed since `since`, else a snapshot at the current
    sequence number. Polling also keeps the session's sequence counting while no websocket is open."""
    hub: Hub = request.app.state.hub
    try:
        session = await get_session(request.path_params["code"])
    except DomainError as exc:
        return error_page(request, exc)
    audience = await _audience(request, session)
    if audience is None:
        return error_page(request, PermissionDenied(N_("Only facilitators can do this.")))
    channel = await hub.channel(session.id)
    headers = {"Cache-Control": "no-store"}
    # With the bus cut off from other processes, this one cannot know what they changed: always a snapshot.
    if _since(request.query_params.get("since")) == channel.seq and request.app.state.bus.healthy:
        return Response(status_code=204, headers=headers)
    text = await hub.render(session.id, Dirty(everything=True), audience_key(audience, get_language()), channel.seq)
    return HTMLResponse(text, headers=headers)


def _reason(message: str, **params: object) -> str:
    """A translated close reason, cut to the 123 bytes a close frame can carry (Thai takes 3 bytes a letter)."""
    return gettext(message, **params).encode()[:123].decode(errors="ignore")


async def session_socket(websocket: WebSocket) -> None:
    hub: Hub = websocket.app.state.hub
    limiter = limiter_for(websocket.app)
    address = client_address(websocket)
    # Unknown codes count against the same per-address limit as the pages and the API (web/throttle.py).
    wait = await limiter.wait(limiter.code_misses, address)
    code = websocket.path_params["code"]
    # Accepted first: a browser sees a close code and reason, but never a refused handshake's body.
    if wait and not await holds_session(websocket.scope, "ws_session", {"code": code}, code):
        await websocket.accept()
        await websocket.close(
            code=CLOSE_TOO_FAST,
            reason=_reason(
                N_("Too many wrong session codes. Please wait {minutes} minutes."), minutes=math.ceil(wait / 60)
            ),
        )
        return
    try:
        session = await get_session(websocket.path_params["code"])
    except DomainError:
        await limiter.hit(limiter.code_misses, address)
        await websocket.close(code=4404)
        return
    audience = await _audience(websocket, session)
    if audience is None:
        await websocket.close(code=4403)
        return
    # No per-message compression: it doubles the CPU per update for a few hundred bytes saved.
    await websocket.accept()

    frames = writer_for(websocket.scope)

    async def send(text: str) -> None:
        if frames is None or not frames.write(text_frame(text)):
            await websocket.send_text(text)

    async def close(code: int) -> None:
        if websocket.client_state == WebSocketState.CONNECTED:
            await websocket.close(code=code)

    viewer = Viewer(send, close, audience_key(audience, get_language()))
    if audience == "participant":
        _phones[session.id] = _phones.get(session.id, 0) + 1
    await hub.attach(session.id, viewer, _since(websocket.query_params.get("since")))
    recent: deque[float] = deque(maxlen=MAX_CLIENT_MESSAGES)
    try:
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                break
            data = message.get("text") or message.get("bytes") or ""
            if len(data) > MAX_CLIENT_MESSAGE:
                await websocket.close(code=CLOSE_TOO_BIG, reason=_reason(N_("Message too large.")))
                break
            now = time.monotonic()
            if len(recent) == MAX_CLIENT_MESSAGES and now - recent[0] < CLIENT_WINDOW_S:
                await websocket.close(
                    code=CLOSE_TOO_FAST, reason=_reason(N_("Too many messages. Please wait, then reload the page."))
                )
                break
            recent.append(now)
    except WebSocketDisconnect:
        pass
    finally:
        hub.detach(session.id, viewer)
        if audience == "participant":
            _phones[session.id] = _phones.get(session.id, 1) - 1
            if _phones[session.id] <= 0:
                del _phones[session.id]
        await viewer.aclose()
