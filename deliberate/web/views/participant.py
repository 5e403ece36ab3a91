"""The participant's pages: join by code or QR, the board of proposals, a proposal with its comments."""

from __future__ import annotations

import io
import re
import secrets
from dataclasses import dataclass, replace
from typing import Any

import segno
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from deliberate import geo
from deliberate.actors import Actor
from deliberate.comments.services import add_comment, list_comments
from deliberate.errors import DomainError, NotFound
from deliberate.i18n import N_, get_language
from deliberate.proposals.services import (
    live_counts,
    own_part,
    personalise,
    published_views,
    submit_proposal,
    visible_proposal,
)
from deliberate.sessions.codes import normalise_code
from deliberate.sessions.models import Session
from deliberate.sessions.phases import ACTIONS
from deliberate.sessions.services import can, counts, get_session, join_session, themes_of
from deliberate.supports.services import add_support, withdraw_support
from deliberate.text import as_int
from deliberate.web.forms import is_htmx, read_form, write_once
from deliberate.web.identity import page_actor, participant_cookie
from deliberate.web.pages import error_page, form_errors, redirect, render, set_cookie
from deliberate.web.templating import templates

PARTICIPANT_COOKIE_AGE = 60 * 60 * 24 * 30


def join_url(request: Request, code: str) -> str:
    return str(request.url_for("join", code=code))


async def home(request: Request) -> Response:
    code = normalise_code(request.query_params.get("code", ""))
    if code:
        try:
            session = await get_session(code)
        except DomainError as exc:
            return render(
                request, "participant/home.html", {"errors": form_errors(exc), "code": code}, status=exc.status
            )
        return redirect(str(request.url_for("join", code=session.code)))
    return render(request, "participant/home.html", {"errors": {}, "code": ""})


async def _session_or_error(request: Request) -> Session | Response:
    try:
        return await get_session(request.path_params["code"])
    except DomainError as exc:
        return error_page(request, exc)


async def join(request: Request) -> Response:
    session = await _session_or_error(request)
    if isinstance(session, Response):
        return session
    actor = await page_actor(request, session)
    if actor.participant is not None:
        return redirect(str(request.url_for("session_page", code=session.code)))
    # A GET with fields is the "show sub-districts" button of the form without JavaScript: keep what was typed.
    values: dict[str, object] = {k: v[:200] for k, v in request.query_params.items() if k in JOIN_FIELDS}
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        try:
            form = await read_form(request)
            values = dict(form)
            joined = await join_session(
                session,
                display_name=form.get("display_name"),
                consent=form.get("consent") == "yes",
                subdistrict_code=form.get("subdistrict_code"),
                sector=form.get("sector"),
                organization=form.get("organization"),
            )
        except DomainError as exc:
            errors, status = form_errors(exc), exc.status
        else:
            response = redirect(str(request.url_for("session_page", code=session.code)))
            set_cookie(response, request, participant_cookie(session.code), joined.token, PARTICIPANT_COOKIE_AGE)
            return response
    return render(
        request,
        "participant/join.html",
        {
            "session": session,
            "assembly": session.assembly,
            "values": values,
            "errors": errors,
            "open": can(session, "join"),
            "join_url": join_url(request, session.code),
            **_place_choices(values, session.assembly.province_code),
        },
        status=status,
        actor=actor,
    )


JOIN_FIELDS = ("display_name", "province", "subdistrict_code", "sector", "organization")


def _place_choices(values: dict[str, object], default_province: str) -> dict[str, object]:
    """Provinces, and the sub-districts of the one chosen (the assembly's unless the person picked another:
    people come from neighbouring provinces too)."""
    sub = str(values.get("subdistrict_code") or "")
    province = str(values.get("province") or "")
    if not geo.province_name(province):
        province = sub[:2] if geo.is_subdistrict(sub) else default_province
    return {
        "provinces": geo.provinces(),
        "province": province,
        "districts": geo.subdistrict_choices(province) if province else [],
    }


async def subdistricts(request: Request) -> Response:
    """The sub-district select for a province, swapped in by htmx when the province changes."""
    ctx = _place_choices({"province": request.query_params.get("province", "")[:4]}, "")
    return render(request, "participant/_subdistricts.html", ctx | {"values": {}, "errors": {}})


# What every phone's board shares (the published proposals with their counts, the strategic issues, the
# session's counts), kept on the session's live channel while its sequence number stands, and for
# BOARD_SHARED_S at most (a few edits publish no event). When voting opens, every phone in the hall asks for
# its board at once (bench live --scenario spike); each then costs only its own part. The number is read
# before the database, so what is kept under it holds at least every change it numbers.
BOARD_SHARED_S = 2.0


async def _board_shared(request: Request, session: Session) -> dict[str, Any]:
    async def make() -> dict[str, Any]:
        return {
            "views": await published_views(session),
            "themes": await themes_of(session),
            "counts": await counts(session),
        }

    channel = request.app.state.hub.channels.get(session.id)
    if channel is None:
        return await make()
    return dict(await channel.share("board", channel.seq, BOARD_SHARED_S, make))


async def _board_context(request: Request, session: Session, actor: Actor) -> dict[str, object]:
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
        "can": {a: can(session, a) for a in ACTIONS},
    }


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
        ctx = await _board_context(request, fresh, Actor()) | {
            "values": {},
            "errors": {},
            "csrf_token": _TOKEN_STAND_IN,
            "actor": Actor(),
            "current_lang": get_language(),
            "htmx": True,
        }
        ctx["by_theme"] = {
            tid: [replace(v, supports=f"{_STAND_IN}-s-{v.id}", comments=f"{_STAND_IN}-c-{v.id}") for v in views]
            for tid, views in ctx["by_theme"].items()
        }  # type: ignore[attr-defined]
        html = templates.get_template("participant/_board.html").render(ctx)
        button = templates.get_template("participant/_support.html")
        buttons = {}
        for views in ctx["by_theme"].values():
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


async def session_page(request: Request) -> Response:
    session = await _session_or_error(request)
    if isinstance(session, Response):
        return session
    actor = await page_actor(request, session)
    if actor.participant is None:
        return redirect(join_url(request, session.code))
    part = is_htmx(request) and request.query_params.get("part") == "board"
    if part:
        backed, pending = await own_part(actor, session)
        if not pending and (hall := await _hall_board(request, session)) is not None:
            token = request.scope.get("state", {}).get("csrf_token", "")
            html = hall.for_phone(await live_counts(session), backed, token)
            return HTMLResponse(html, headers={"cache-control": "no-store"})
    ctx = await _board_context(request, session, actor)
    name = "participant/_board.html" if part else "participant/session.html"
    return render(request, name, ctx | {"values": {}, "errors": {}}, actor=actor)


async def propose(request: Request) -> Response:
    session = await _session_or_error(request)
    if isinstance(session, Response):
        return session
    actor = await page_actor(request, session)
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
    return redirect(str(request.url_for("session_page", code=session.code)) + f"#proposal-{proposal.id}")


async def _proposal_or_error(request: Request) -> tuple[Session, Actor, object] | Response:
    session = await _session_or_error(request)
    if isinstance(session, Response):
        return session
    actor = await page_actor(request, session)
    try:
        proposal = await visible_proposal(actor, as_int(request.path_params["proposal_id"], field="id"))
        if proposal.session_id != session.id:  # type: ignore[attr-defined]
            raise NotFound(N_("No such proposal."))
    except DomainError as exc:
        return error_page(request, exc)
    return session, actor, proposal


async def proposal_page(
    request: Request, *, errors: dict[str, str] | None = None, values: dict | None = None, status: int = 200
) -> Response:
    found = await _proposal_or_error(request)
    if isinstance(found, Response):
        return found
    session, actor, proposal = found
    from deliberate.outcomes.models import ANSWER_LABELS, CARRIED, ROLES, Commitment, ProposalAnswer
    from deliberate.outcomes.services import today
    from deliberate.proposals.services import decorate

    view = (await decorate(actor, [proposal]))[0]  # type: ignore[list-item]
    comments = await list_comments(proposal)  # type: ignore[arg-type]
    answer = await ProposalAnswer.get_or_none(proposal_id=proposal.id)  # type: ignore[union-attr]
    return render(
        request,
        "participant/proposal.html",
        {
            "session": session,
            "assembly": session.assembly,
            "view": view,
            "comments": comments,
            "can": {a: can(session, a) for a in ("comment", "support", "pledge")},
            "errors": errors or {},
            "values": values or {},
            "answer": answer,
            "answer_labels": ANSWER_LABELS,
            "carried": CARRIED,
            "roles": ROLES,
            "today": today(),
            "pledges": await Commitment.filter(proposal_id=proposal.id).count(),  # type: ignore[union-attr]
        },
        status=status,
        actor=actor,
    )


async def comment(request: Request) -> Response:
    found = await _proposal_or_error(request)
    if isinstance(found, Response):
        return found
    session, actor, proposal = found
    try:
        form = await read_form(request)

        async def write() -> dict[str, object]:
            await add_comment(actor, proposal, body=form.get("body"), stance=form.get("stance"))  # type: ignore[arg-type]
            return {}

        await write_once(request, actor, form, write)
    except DomainError as exc:
        return await proposal_page(
            request, errors=form_errors(exc), values=dict(form) if "form" in locals() else {}, status=exc.status
        )
    url = str(request.url_for("proposal_page", code=session.code, proposal_id=proposal.id))  # type: ignore[attr-defined]
    return redirect(url + "#comments")


async def pledge(request: Request) -> Response:
    """ร่วมทำ: a participant says what they (or their organisation) will do on a carried proposal."""
    from deliberate.outcomes.services import pledge as make_pledge

    found = await _proposal_or_error(request)
    if isinstance(found, Response):
        return found
    session, actor, proposal = found
    try:
        form = await read_form(request)

        async def write() -> dict[str, object]:
            await make_pledge(
                actor,
                proposal,
                role=form.get("role"),
                what=form.get("what"),  # type: ignore[arg-type]
                due=form.get("due"),
                organisation=form.get("organisation"),
                credited=form.get("credited") == "on",
            )
            return {}

        await write_once(request, actor, form, write)
    except DomainError as exc:
        return await proposal_page(
            request, errors=form_errors(exc), values=dict(form) if "form" in locals() else {}, status=exc.status
        )
    url = str(request.url_for("proposal_page", code=session.code, proposal_id=proposal.id))  # type: ignore[attr-defined]
    return redirect(url + "?pledged=1#pledge")


async def support(request: Request) -> Response:
    found = await _proposal_or_error(request)
    if isinstance(found, Response):
        return found
    session, actor, proposal = found
    try:
        form = await read_form(request)

        async def write() -> dict[str, object]:
            if form.get("withdraw") == "1":
                await withdraw_support(actor, proposal)  # type: ignore[arg-type]
            else:
                await add_support(actor, proposal)  # type: ignore[arg-type]
            return {}

        await write_once(request, actor, form, write)
    except DomainError as exc:
        return error_page(request, exc)
    if is_htmx(request):
        from deliberate.proposals.services import decorate

        view = (await decorate(actor, [proposal]))[0]  # type: ignore[list-item]
        return render(
            request,
            "participant/_support.html",
            {"session": session, "view": view, "can": {"support": True}},
            actor=actor,
        )
    back = form.get("next")
    if isinstance(back, str) and back.startswith("/s/") and "//" not in back:
        return redirect(back)
    return redirect(str(request.url_for("session_page", code=session.code)) + f"#proposal-{proposal.id}")  # type: ignore[attr-defined]


async def qr_svg(request: Request) -> Response:
    session = await _session_or_error(request)
    if isinstance(session, Response):
        return session
    out = io.BytesIO()
    segno.make(join_url(request, session.code), error="m").save(
        out, kind="svg", scale=8, border=2, dark="#111", light="#fff", xmldecl=False
    )
    return Response(out.getvalue(), media_type="image/svg+xml", headers={"cache-control": "public, max-age=3600"})


async def my_data_page(request: Request) -> Response:
    """ "My data": everything stored about this phone's participant, and the two-step "delete my data"."""
    from deliberate.privacy.my_data import erase_my_data, my_data

    session = await _session_or_error(request)
    if isinstance(session, Response):
        return session
    actor = await page_actor(request, session)
    if request.method == "GET":
        if actor.participant is None:
            return redirect(join_url(request, session.code))
        confirm = request.query_params.get("delete") == "1"
        return render(
            request,
            "participant/my_data.html",
            {"session": session, "data": await my_data(actor), "confirm": confirm, "errors": {}},
            actor=actor,
        )
    try:
        form = await read_form(request)
        await erase_my_data(actor, confirmed=form.get("confirm") == "yes")
    except DomainError as exc:
        if actor.participant is None or exc.status != 422:
            return error_page(request, exc)
        return render(
            request,
            "participant/my_data.html",
            {
                "session": session,
                "data": await my_data(actor),
                "confirm": True,
                "errors": form_errors(exc),
            },
            status=exc.status,
            actor=actor,
        )
    response = render(request, "participant/my_data.html", {"session": session, "erased": True, "errors": {}})
    response.delete_cookie(participant_cookie(session.code), path="/")
    return response
