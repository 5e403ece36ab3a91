"""The session's board: the proposals under each strategic issue with their counts, and proposing one.
A hall's phones share one drawing of the board (see `_hall_board`)."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, replace
from typing import Any, TypedDict

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from deliberate.actors import Actor
from deliberate.errors import DomainError
from deliberate.i18n import get_language
from deliberate.proposals.services import (
    ProposalView,
    live_counts,
    own_part,
    personalise,
    published_views,
    submit_proposal,
    visible_proposal,
)
from deliberate.sessions.models import Assembly, Session, Theme
from deliberate.sessions.phases import ACTIONS
from deliberate.sessions.services import Counts, can, counts, get_session, themes_of
from deliberate.voting.secrecy import Withheld, supports_withheld, withhold_counts, withhold_views
from deliberate.web.forms import is_htmx, read_form, write_once
from deliberate.web.guards import guarded, phone, visitor
from deliberate.web.pages import error_page, form_errors, redirect, render
from deliberate.web.templating import templates
from deliberate.web.urls import url
from deliberate.web.views.participant.now import now_context, room_of

# What every phone's board shares (the published proposals with their counts, the strategic issues, the
# session's counts), kept on the session's live channel while its sequence number stands, and for
# BOARD_SHARED_S at most (a few edits publish no event). When voting opens, every phone in the hall asks for
# its board at once (bench live --scenario spike); each then costs only its own part. The number is read
# before the database, so what is kept under it holds at least every change it numbers.
BOARD_SHARED_S = 2.0


async def _board_shared(request: Request, session: Session) -> dict[str, Any]:
    async def make() -> dict[str, Any]:
        views, totals = await published_views(session), await counts(session)
        withheld = await supports_withheld(session)
        return {
            "views": withhold_views(views) if withheld else views,
            "themes": await themes_of(session),
            "counts": withhold_counts(totals) if withheld else totals,
        }

    channel = request.app.state.hub.channels.get(session.id)
    if channel is None:
        return await make()
    return dict(await channel.share("board", channel.seq, BOARD_SHARED_S, make))


class BoardContext(TypedDict):
    session: Session
    assembly: Assembly
    themes: list[Theme]
    by_theme: dict[int, list[ProposalView]]
    pending: list[ProposalView]
    counts: Counts
    can: dict[str, bool]


async def _board_context(request: Request, session: Session, actor: Actor) -> BoardContext:
    shared = await _board_shared(request, session)
    views = await personalise(actor, session, shared["views"])
    themes = shared["themes"]
    published = [v for v in views if v.proposal.status == "published"]
    return {
        "session": session,
        "assembly": session.assembly,
        "themes": themes,
        "by_theme": {t.id: [v for v in published if v.proposal.theme_id == t.id] for t in themes},
        "pending": [v for v in views if v.proposal.status == "pending"],
        "counts": shared["counts"],
        "can": {a: can(session, a) for a in ACTIONS} | {"support": await _supports_now(session)},
    }


async def _supports_now(session: Session) -> bool:
    """Support buttons belong on the cards unless another kind of round is open: during a dots round the board
    asked for supports that round does not count (its controls are in the "now" card instead)."""
    if not can(session, "support"):
        return False
    room = await room_of(session)
    return room.round is None or room.state != "open" or room.method == "support"


# The board itself, drawn for a phone with nothing of its own on it, is kept too: per language, while the
# session keeps its shape (supports and comments only change numbers: Channel.shape_seq), for BOARD_SHARED_S
# at most. It holds stand-ins for the counts, read afresh for every answer in one query, and for the form
# token, and each card's support button drawn both ways: a phone that backs some proposals gets those
# buttons swapped in. When voting opens every phone asks for its board at once while supports pour in, and
# drawing it (a card and its includes per proposal) was most of what one cost. Only a phone with a proposal
# waiting for moderation has its board drawn for it alone.
_STAND_IN = secrets.token_hex(8)  # never leaves the server: every answer replaces each stand-in
_TOKEN_STAND_IN = f"{_STAND_IN}-token"
_COUNT = re.compile(rf"{_STAND_IN}-([sc])-(\d+)")


class _CountStandIn(int):
    """A card's count in the shared drawing: an int where a view holds a count, drawn as its stand-in text."""

    text: str

    def __new__(cls, kind: str, proposal_id: int) -> _CountStandIn:
        made = super().__new__(cls, 0)
        made.text = f"{_STAND_IN}-{kind}-{proposal_id}"
        return made

    def __str__(self) -> str:
        return self.text

    def __html__(self) -> str:  # what an autoescaping template draws
        return self.text

    # Its value is no count: a template that branched on it would draw the zero branch into every phone's board.
    # Refuse, as the text stand-in it replaces did, so such a template fails loudly in the tests instead.
    def _refuse(self, *_: object) -> bool:
        raise TypeError("a shared board's count is drawn, never compared")

    __bool__ = __lt__ = __le__ = __gt__ = __ge__ = _refuse


@dataclass(frozen=True)
class HallBoard:
    parts: list[str]  # text, then a count's kind ("s" or "c") and proposal id, then text again, and so on
    buttons: dict[int, tuple[str, str]]  # proposal id: its support button as drawn, and as drawn for a backer

    def for_phone(self, counts: tuple[dict[int, int], dict[int, int]], backed: set[int], token: str) -> str:
        supports, comments = counts
        out = self.parts[:]
        for i in range(1, len(out), 3):
            pid = int(out[i + 1])
            out[i], out[i + 1] = str((supports if out[i] == "s" else comments).get(pid, 0)), ""
        html = "".join(out)
        for pid in backed & self.buttons.keys():
            plain, pressed = self.buttons[pid]
            html = html.replace(plain, pressed, 1)
        return html.replace(_TOKEN_STAND_IN, token)


async def _hall_board(request: Request, session: Session) -> HallBoard | None:
    channel = request.app.state.hub.channels.get(session.id)
    if channel is None:
        return None  # no page of this session is live here: nothing to share

    async def draw() -> HallBoard | None:
        # Read after the number, like the rest of what is kept under it: the phase may have changed since
        # this request loaded the session.
        fresh = await get_session(session.code)
        board = await _board_context(request, fresh, Actor())
        # A withheld support count (a hidden support round) stays a dash: no stand-in for a number to fill in.
        by_theme = {
            tid: [
                replace(
                    v,
                    supports=v.supports if isinstance(v.supports, Withheld) else _CountStandIn("s", v.id),
                    comments=_CountStandIn("c", v.id),
                )
                for v in views
            ]
            for tid, views in board["by_theme"].items()
        }
        ctx = board | {
            "values": {},
            "errors": {},
            "csrf_token": _TOKEN_STAND_IN,
            "actor": Actor(),
            "current_lang": get_language(),
            "htmx": True,
            "by_theme": by_theme,
        }
        html = templates.get_template("participant/_board.html").render(ctx)
        button = templates.get_template("participant/_support.html")
        buttons = {}
        for views in by_theme.values():
            for view in views:
                plain = button.render(ctx | {"view": view})
                if html.count(plain) != 1:
                    return None  # the card no longer draws its button as this template does: draw per phone
                buttons[view.id] = (plain, button.render(ctx | {"view": replace(view, supported=True)}))
        return HallBoard(_COUNT.split(html), buttons)

    hall: HallBoard | None = await channel.share(
        f"board.html.{get_language()}", channel.shape_seq, BOARD_SHARED_S, draw
    )
    return hall


@guarded
async def session_page(request: Request) -> Response:
    session, actor = await phone(request)
    part = is_htmx(request) and request.query_params.get("part") == "board"
    if part:
        backed, pending = await own_part(actor, session)
        if not pending and (hall := await _hall_board(request, session)) is not None:
            token = request.scope.get("state", {}).get("csrf_token", "")
            html = hall.for_phone(await live_counts(session), backed, token)
            return HTMLResponse(html, headers={"cache-control": "no-store"})
    ctx: dict[str, Any] = dict(await _board_context(request, session, actor))
    if not part:  # the "now" card is outside the board's region: a board refresh leaves it alone
        ctx.update(await now_context(request, session, actor, "board"))
    name = "participant/_board.html" if part else "participant/session.html"
    # After a proposal posted without JavaScript: the thank-you by the form's button (never in the hall's board).
    sent = "" if part else request.query_params.get("sent", "")
    return render(request, name, ctx | {"values": {}, "errors": {}, "sent": sent}, actor=actor)


@guarded
async def propose(request: Request) -> Response:
    session, actor = await visitor(request)
    try:
        form = await read_form(request)

        async def write() -> dict[str, object]:
            made = await submit_proposal(
                actor,
                session,
                title=form.get("title"),
                body=form.get("body"),
                theme_id=form.get("theme_id"),
                target_groups=form.getlist("target_groups"),
            )
            return {"proposal_id": made.id}

        proposal = await visible_proposal(actor, (await write_once(request, actor, form, write))["proposal_id"])
    except DomainError as exc:
        if actor.participant is None:
            return error_page(request, exc)
        ctx = await _board_context(request, session, actor)
        values = dict(form) if "form" in locals() else {}
        return render(
            request,
            "participant/_propose_form.html" if is_htmx(request) else "participant/session.html",
            ctx | {"values": values, "errors": form_errors(exc)},
            status=exc.status,
            actor=actor,
        )
    if is_htmx(request):
        ctx = await _board_context(request, session, actor)
        return render(
            request,
            "participant/_propose_form.html",
            ctx | {"values": {}, "errors": {}, "submitted": proposal},
            actor=actor,
        )
    # Back to the form, fresh, with the thank-you by its button (the proposal itself is on the board below).
    sent = "propose-pending" if proposal.status == "pending" else "propose"
    return redirect(url("session_page", code=session.code) + f"?sent={sent}#propose")
