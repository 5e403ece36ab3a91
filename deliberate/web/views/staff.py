"""The staff side: sign in, assemblies and sessions, the facilitator's console and its actions."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from deliberate import geo
from deliberate.accounts.services import issue_token, revoke_token, sign_in
from deliberate.actors import Actor
from deliberate.comments.models import Comment
from deliberate.errors import DomainError, NotFound, PermissionDenied
from deliberate.i18n import N_
from deliberate.moderation import services as moderation
from deliberate.outcomes.services import recent_pledges
from deliberate.proposals.models import Proposal
from deliberate.proposals.services import list_proposals, submit_proposal
from deliberate.ratelimit import RateLimited, limiter_for
from deliberate.sessions import services as sessions
from deliberate.sessions.models import Assembly, Session
from deliberate.sessions.phases import ACTIONS, PHASES, allowed_actions
from deliberate.sessions.slowmode import set_slow_mode, slow_mode_of
from deliberate.statements.services import write_statement
from deliberate.supports.services import add_support
from deliberate.text import as_int
from deliberate.voting import services as voting
from deliberate.voting.results import GROUPING_LABELS, GROUPINGS
from deliberate.web.forms import is_htmx, read_form
from deliberate.web.identity import STAFF_COOKIE, page_actor
from deliberate.web.pages import error_page, form_errors, redirect, render, set_cookie
from deliberate.web.throttle import client_address
from deliberate.web.views.participant import join_url

STAFF_COOKIE_AGE = 12 * 60 * 60


async def _staff(request: Request, session: Session | None = None) -> Actor | Response:
    actor = await page_actor(request, session)
    if actor.staff is None:
        return redirect(str(request.url_for("login")) + "?next=" + request.url.path)
    return actor


async def login(request: Request) -> Response:
    errors: dict[str, str] = {}
    status = 200
    email = ""
    headers: dict[str, str] = {}
    if request.method == "POST":
        try:
            form = await read_form(request)
            email = str(form.get("email") or "")[:254]
            user = await sign_in(
                form.get("email"),
                form.get("password"),
                address=client_address(request),
                limiter=limiter_for(request.app),
            )
        except DomainError as exc:
            errors, status = form_errors(exc), exc.status
            headers = exc.headers if isinstance(exc, RateLimited) else {}
        else:
            # A new token on every login, the old one revoked: no session fixation.
            await revoke_token(request.cookies.get(STAFF_COOKIE))
            raw = await issue_token(user, "web")
            nxt = request.query_params.get("next", "")
            response = redirect(nxt if nxt.startswith("/") and not nxt.startswith("//") else "/staff")
            set_cookie(response, request, STAFF_COOKIE, raw, STAFF_COOKIE_AGE)
            return response
    response = render(request, "staff/login.html", {"errors": errors, "email": email}, status=status)
    response.headers.update(headers)
    return response


async def logout(request: Request) -> Response:
    try:
        await read_form(request)
    except DomainError as exc:
        return error_page(request, exc)
    await revoke_token(request.cookies.get(STAFF_COOKIE))
    response = redirect("/")
    response.delete_cookie(STAFF_COOKIE, path="/")
    return response


async def dashboard(request: Request) -> Response:
    actor = await _staff(request)
    if isinstance(actor, Response):
        return actor
    errors: dict[str, str] = {}
    values: dict[str, object] = {}
    status = 200
    if request.method == "POST":
        try:
            form = await read_form(request)
            values = dict(form)
            themes = [line for line in str(form.get("themes") or "").splitlines() if line.strip()]
            assembly = await sessions.create_assembly(
                actor,
                title=form.get("title"),
                themes=themes,
                subtitle=form.get("subtitle"),
                province_code=form.get("province_code"),
                venue=form.get("venue"),
                starts_on=form.get("starts_on"),
                ends_on=form.get("ends_on"),
            )
        except DomainError as exc:
            errors, status = form_errors(exc), exc.status
        else:
            return redirect(str(request.url_for("assembly_page", assembly_id=assembly.id)))
    assemblies = await Assembly.all().order_by("-id").prefetch_related("sessions", "themes")
    return render(
        request,
        "staff/dashboard.html",
        {
            "assemblies": assemblies,
            "errors": errors,
            "values": values,
            "provinces": geo.provinces(),
        },
        status=status,
        actor=actor,
    )


async def assembly_page(request: Request) -> Response:
    actor = await _staff(request)
    if isinstance(actor, Response):
        return actor
    try:
        assembly = await sessions.get_assembly(as_int(request.path_params["assembly_id"], field="id"))
    except DomainError as exc:
        return error_page(request, exc)
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        try:
            form = await read_form(request)
            if form.get("action") == "check-in":
                from deliberate.outcomes.services import open_check_in

                earlier = await sessions.get_assembly(as_int(form.get("from_assembly_id"), field="from_assembly_id"))
                session = await open_check_in(actor, assembly, earlier)
            else:
                session = await sessions.create_session(
                    actor, assembly, title=form.get("title"), premoderation=form.get("premoderation") == "on"
                )
        except DomainError as exc:
            errors, status = form_errors(exc), exc.status
        else:
            return redirect(str(request.url_for("console", code=session.code)))
    return render(
        request,
        "staff/assembly.html",
        {
            "assembly": assembly,
            "sessions": await Session.filter(assembly_id=assembly.id).order_by("id"),
            "themes": await assembly.themes.all(),
            "errors": errors,
            "earlier": await Assembly.exclude(id=assembly.id).order_by("-starts_on", "-id").limit(50),
        },
        status=status,
        actor=actor,
    )


async def _console_context(request: Request, session: Session, actor: Actor) -> dict[str, object]:
    views = await list_proposals(actor, session, include_all=True)
    return {
        "session": session,
        "assembly": session.assembly,
        "themes": await sessions.themes_of(session),
        "proposals": views,
        "published": [v for v in views if v.proposal.status == "published"],
        "queue": [v for v in views if v.proposal.status == "pending"],
        "counts": await sessions.counts(session),
        "phases": PHASES,
        "actions": ACTIONS,
        "allowed": allowed_actions(session.phase, session.permissions),
        "slow_mode": slow_mode_of(session.permissions),
        "history": await moderation.history(actor, session.id, 20),
        "join_url": join_url(request, session.code),
        **await _voting_context(actor, session, request.query_params.get("by")),
    }


async def _voting_context(actor: Actor, session: Session, by: str | None) -> dict[str, object]:
    """The console's voting panel: the open round and its results, statements, merge suggestions."""
    from deliberate.thaitext import merge_suggestions
    from deliberate.voting.methods import METHOD_LABELS, SCALES
    from deliberate.voting.results import GROUPING_LABELS, GROUPINGS, round_results

    vote_round = await voting.current_round(session)
    grouping = by if by in GROUPINGS else None
    statements = await Proposal.filter(session_id=session.id, kind="statement").order_by("id")
    open_proposals = await Proposal.filter(
        session_id=session.id, kind="proposal", status__in=["published", "pending"]
    ).order_by("id")
    titles = {p.id: p.title for p in open_proposals}
    pairs = merge_suggestions([(p.id, f"{p.title} {p.body}") for p in open_proposals], limit=10)
    return {
        "round": vote_round,
        "methods": METHOD_LABELS,
        "scales": list(SCALES),
        "groupings": GROUPINGS,
        "grouping": grouping,
        "grouping_labels": GROUPING_LABELS,
        "round_results": await round_results(actor, session, vote_round, by=grouping),
        "statements": statements,
        "merge_pairs": [(pair, titles[pair.a], titles[pair.b]) for pair in pairs],
    }


async def console(request: Request) -> Response:
    try:
        session = await sessions.get_session(request.path_params["code"])
    except DomainError as exc:
        return error_page(request, exc)
    actor = await _staff(request, session)
    if isinstance(actor, Response):
        return actor
    if not actor.is_facilitator():
        return error_page(request, PermissionDenied(N_("Only facilitators can do this.")))
    part = request.query_params.get("part")
    name = "staff/_proposals.html" if part == "proposals" else "staff/console.html"
    return render(request, name, await _console_context(request, session, actor) | {"errors": {}}, actor=actor)


async def console_action(request: Request) -> Response:
    """Every button on the console posts here with an `action`; each maps to one service call."""
    try:
        session = await sessions.get_session(request.path_params["code"])
    except DomainError as exc:
        return error_page(request, exc)
    actor = await page_actor(request, session)
    action = request.path_params["action"]
    try:
        form = await read_form(request)
        if action == "phase":
            await sessions.set_phase(actor, session, form.get("phase"))
        elif action == "permissions":
            await sessions.set_permissions(actor, session, form.get("phase"), {a: form.get(a) == "on" for a in ACTIONS})
        elif action == "timer":
            await sessions.set_timer(actor, session, form.get("minutes"), form.get("label"))
        elif action == "premoderation":
            await sessions.set_premoderation(actor, session, form.get("on") == "1")
        elif action == "slow-mode":
            await set_slow_mode(actor, session, form.get("seconds"))
        elif action == "spotlight":
            raw = form.get("proposal_id")
            await sessions.set_spotlight(actor, session, as_int(raw, field="proposal_id") if raw else None)
        elif action == "moderate":
            proposal = await Proposal.get_or_none(
                id=as_int(form.get("proposal_id"), field="proposal_id"), session_id=session.id
            )
            if proposal is None:
                raise NotFound(N_("No such proposal."))
            await moderation.moderate(
                actor, proposal, action=form.get("do"), reason=form.get("reason"), into_id=form.get("into_id") or None
            )
        elif action == "assisted-proposal":
            await submit_proposal(
                actor,
                session,
                title=form.get("title"),
                body=form.get("body"),
                theme_id=form.get("theme_id"),
                on_behalf_of=form.get("on_behalf_of"),
            )
        elif action == "assisted-support":
            proposal = await Proposal.get_or_none(
                id=as_int(form.get("proposal_id"), field="proposal_id"), session_id=session.id
            ).prefetch_related("session")
            if proposal is None:
                raise NotFound(N_("No such proposal."), field="proposal_id")
            person = await sessions.assisted_participant(actor, session, form.get("on_behalf_of"))
            await add_support(actor, proposal, on_behalf_of=person)
        elif action == "open-round":
            options = {
                k: form.get(k) for k in ("budget", "max_per", "scale", "k", "quorum", "threshold") if form.get(k)
            }
            options |= {k: form.get(k) == "on" for k in ("hidden", "allow_assisted", "allow_paper")}
            await voting.open_round(
                actor, session, method=form.get("method"), options=options, title=form.get("title") or ""
            )
        elif action in ("close-round", "reveal-round", "hide-results"):
            vote_round = await voting.get_round(session, as_int(form.get("round_id"), field="round_id"))
            if action == "close-round":
                await voting.close_round(actor, session, vote_round)
            else:
                await voting.reveal(actor, session, vote_round, action == "reveal-round")
        elif action == "paper":
            vote_round = await voting.get_round(session, as_int(form.get("round_id"), field="round_id"))
            await voting.enter_paper(
                actor,
                session,
                vote_round,
                marks=[
                    {"proposal_id": as_int(form.get("proposal_id"), field="proposal_id"), "value": form.get("value")}
                ],
            )
        elif action == "seed-statement":
            await write_statement(actor, session, text=form.get("text"))
        else:
            return error_page(request, NotFound(N_("No such page.")))
    except DomainError as exc:
        if actor.staff is None:
            return error_page(request, exc)
        ctx = await _console_context(request, session, actor)
        return render(
            request,
            "staff/console.html",
            ctx | {"errors": form_errors(exc), "failed": action},
            status=exc.status,
            actor=actor,
        )
    if is_htmx(request):
        ctx = await _console_context(request, session, actor)
        return render(request, "staff/console.html", ctx | {"errors": {}, "done": action}, actor=actor)
    return redirect(str(request.url_for("console", code=session.code)))


async def projector(request: Request) -> Response:
    try:
        session = await sessions.get_session(request.path_params["code"])
    except DomainError as exc:
        return error_page(request, exc)
    from deliberate.proposals.services import decorate
    from deliberate.web.live import leaders

    spotlight = None
    if session.spotlight_id:
        spot = await Proposal.get_or_none(id=session.spotlight_id).prefetch_related("theme")
        spotlight = (await decorate(Actor(), [spot]))[0] if spot else None
    show = request.query_params.get("show", "")
    by = request.query_params.get("by")
    by = by if by in GROUPINGS else None
    ctx = {
        "session": session,
        "assembly": session.assembly,
        "counts": await sessions.counts(session),
        "leaders": await leaders(session),
        "spotlight": spotlight,
        "join_url": join_url(request, session.code),
        "show": show,
        "by": by,
        "pledges": await recent_pledges(session) if session.phase == "commitments" else [],
        "grouping_labels": GROUPING_LABELS,
        **await _projector_extra(session, show, by),
    }
    if request.query_params.get("part") == "stage" and show:
        return render(request, "projector/_extra.html", ctx)
    return render(request, "projector/screen.html", ctx)


async def _projector_extra(session: Session, show: str, by: str | None = None) -> dict[str, object]:
    """The hall's other views: a round's results, the opinion map with consensus, the word cloud, the
    resolution clause under discussion."""
    from deliberate.i18n import gettext
    from deliberate.statements import opinion
    from deliberate.statements.map_svg import map_svg
    from deliberate.thaitext import frequencies, wordcloud_svg
    from deliberate.voting.results import round_results

    if show == "results":
        # Hidden results stay hidden here too: the projector is a public screen, not the facilitator.
        return {"results": await round_results(Actor(), session, await voting.current_round(session), by=by)}
    if show == "map":
        entry = await opinion.current(session)
        titles = dict(await Proposal.filter(session_id=session.id, kind="statement").values_list("id", "title"))
        return {
            "map_svg": map_svg(entry.map, title=gettext("Opinion map"), group_label=gettext("Group {name}")),
            "consensus": [titles.get(c.statement_id, "") for c in entry.map.consensus.agree][:5],
            "groups": [
                (
                    g.id,
                    len(g.members),
                    [(titles.get(r.statement_id, ""), r.direction) for r in entry.map.repness.get(g.id, [])[:3]],
                )
                for g in entry.map.groups
            ],
        }
    if show == "resolution":
        from deliberate.web.views.resolutions import screen_context

        return await screen_context(session)
    if show == "cloud":
        texts = [
            f"{t} {b}"
            for t, b in await Proposal.filter(session_id=session.id, status="published").values_list("title", "body")
        ]
        texts += list(
            await Comment.filter(proposal__session_id=session.id, hidden=False).values_list("body", flat=True)
        )
        return {"cloud_svg": wordcloud_svg(frequencies(texts), title=gettext("What the room is talking about"))}
    return {}
