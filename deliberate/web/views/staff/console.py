"""The facilitator's console: the phase and what participants may do in it, the timer, pre-moderation and
slow mode, the moderation queue, the spotlight, proposals and supports entered for people without phones,
and the voting panel. Each button posts to its own route; `_act` runs its one service call and answers with
the console (the whole page for htmx, else a redirect to it), or the console again with the message.

The page is a header and a bar of tabs, one panel each (TABS). A tab is `?tab=...`, so every panel is a page
of its own without JavaScript; each form names its panel in a `tab` field, and the answer to it shows that
panel again."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from deliberate.actors import Actor
from deliberate.comments.models import Comment
from deliberate.errors import DomainError, NotFound
from deliberate.i18n import N_
from deliberate.moderation import services as moderation
from deliberate.proposals.models import Proposal
from deliberate.proposals.services import ProposalView, list_proposals, submit_proposal
from deliberate.sessions import services as sessions
from deliberate.sessions.doors import door_code, doors_open, joins_per_minute, rotation_of, set_doors, set_rotation
from deliberate.sessions.models import Session
from deliberate.sessions.phases import ACTIONS, PHASES, allowed_actions
from deliberate.sessions.screens import VIEWS, set_screen
from deliberate.sessions.slowmode import set_slow_mode, slow_mode_of
from deliberate.statements.services import left_out_of_map, place_on_map, write_statement
from deliberate.supports.services import add_support
from deliberate.text import as_int
from deliberate.voting import services as voting
from deliberate.voting.models import VoteRound
from deliberate.web import joinwatch
from deliberate.web.forms import is_htmx, read_form
from deliberate.web.guards import facilitator, guarded
from deliberate.web.pages import form_errors, redirect, render
from deliberate.web.urls import url
from deliberate.web.views.participant.join import join_url

# The console's panels, in the order of its tab bar, with their labels.
TABS = (
    ("phase", N_("Phase")),
    ("queue", N_("To moderate")),
    ("voting", N_("Rounds and ballots")),
    ("proposals", N_("Proposals")),
    ("assist", N_("Entered for others")),
    ("record", N_("Record")),
)
TAB_KEYS = frozenset(key for key, _ in TABS)
# The reasons a facilitator most often hides a comment for, offered as a list beside a free-text field.
COMMENT_REASONS = (
    N_("Off topic"),
    N_("Insult or personal attack"),
    N_("Personal information about someone"),
    N_("Advertising or spam"),
    N_("Posted more than once"),
)


def _tab(raw: object) -> str | None:
    return raw if isinstance(raw, str) and raw in TAB_KEYS else None


def console_url(code: str, tab: str | None = None) -> str:
    return url("console", code=code) + (f"?tab={tab}" if tab else "")


async def _console_context(
    request: Request, session: Session, actor: Actor, tab: str | None = None
) -> dict[str, object]:
    views = await list_proposals(actor, session, include_all=True)
    queue = [v for v in views if v.proposal.status == "pending"]
    return {
        "tabs": TABS,
        "tab": tab or _tab(request.query_params.get("tab")) or TABS[0][0],
        "pending": len(queue),
        "session": session,
        "assembly": session.assembly,
        "themes": await sessions.themes_of(session),
        "proposals": views,
        "published": [v for v in views if v.proposal.status == "published"],
        "queue": queue,
        "counts": await sessions.counts(session),
        "phases": PHASES,
        "actions": ACTIONS,
        "allowed": allowed_actions(session.phase, session.permissions),
        "slow_mode": slow_mode_of(session.permissions),
        "doors_open": doors_open(session),
        "rotate_minutes": rotation_of(session),
        "door": door_code(session),
        "joins_per_minute": await joins_per_minute(session),
        "top_addresses": joinwatch.top_addresses(session.code),
        "history": await moderation.history(actor, session.id, 20),
        **await _comments_context(actor, session, request.query_params.get("before")),
        "join_url": join_url(request, session.code),
        **await _voting_context(actor, session, request.query_params.get("by")),
        **_presenter_context(session, views),
    }


def _presenter_context(session: Session, views: list[ProposalView]) -> dict[str, object]:
    """Presenter mode: the projector's views, the proposal "spotlight next" moves to (the one after the
    spotlight in the board's order, round again at the end) and whether the timer runs."""
    ids = [v.id for v in views if v.proposal.status == "published" and v.proposal.kind == "proposal"]
    after = ids.index(session.spotlight_id) + 1 if session.spotlight_id in ids else 0
    running = session.timer_ends_at is not None and session.timer_ends_at > datetime.now(UTC)
    return {
        "screen_views": VIEWS,
        "next_spotlight": (ids[after:] + ids[:after])[0] if ids else None,
        "timer_running": running,
    }


async def _comments_context(actor: Actor, session: Session, before: str | None) -> dict[str, object]:
    """The moderation tab's comments: a page of shown ones, newest first (`?before=<id>` pages back), and
    the hidden ones with their reasons, to restore."""
    older = int(before) if before and before.isdigit() and len(before) < 12 else None
    shown = await moderation.recent_comments(actor, session.id, before=older)
    return {
        "comments": shown,
        "comments_before": older,
        "comments_more": len(shown) == moderation.COMMENTS_PAGE,
        "hidden_comments": await moderation.recent_comments(actor, session.id, hidden=True, limit=100),
        "comment_reasons": COMMENT_REASONS,
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
        "left_out_of_map": await left_out_of_map(actor, session),
    }


@guarded
async def console(request: Request) -> Response:
    session, actor = await facilitator(request)
    part = request.query_params.get("part")
    name = "staff/_proposals.html" if part == "proposals" else "staff/console.html"
    return render(request, name, await _console_context(request, session, actor) | {"errors": {}}, actor=actor)


# An act: one service call with the session, the facilitator and the form.
Act = Callable[[Session, Actor, FormData], Awaitable[object]]


@guarded
async def _act(request: Request, action: str, act: Act) -> Response:
    session, actor = await facilitator(request)
    tab = None
    try:
        form = await read_form(request)
        tab = _tab(form.get("tab"))
        await act(session, actor, form)
    except DomainError as exc:
        ctx = await _console_context(request, session, actor, tab)
        return render(
            request,
            "staff/console.html",
            ctx | {"errors": form_errors(exc), "failed": action},
            status=exc.status,
            actor=actor,
        )
    if is_htmx(request):
        ctx = await _console_context(request, session, actor, tab)
        return render(request, "staff/console.html", ctx | {"errors": {}, "done": action}, actor=actor)
    return redirect(console_url(session.code, tab))


async def _proposal_in(session: Session, raw: object) -> Proposal:
    proposal = await Proposal.get_or_none(id=as_int(raw, field="proposal_id"), session_id=session.id)
    if proposal is None:
        raise NotFound(N_("No such proposal."), field="proposal_id")
    proposal.session = session
    return proposal


async def _round_in(session: Session, form: FormData) -> VoteRound:
    return await voting.get_round(session, as_int(form.get("round_id"), field="round_id"))


async def phase(request: Request) -> Response:
    async def act(session: Session, actor: Actor, form: FormData) -> object:
        return await sessions.set_phase(actor, session, form.get("phase"))

    return await _act(request, "phase", act)


async def permissions(request: Request) -> Response:
    """What participants may do in a phase."""

    async def act(session: Session, actor: Actor, form: FormData) -> object:
        chosen: dict[str, object] = {a: form.get(a) == "on" for a in ACTIONS}
        return await sessions.set_permissions(actor, session, form.get("phase"), chosen)

    return await _act(request, "permissions", act)


async def timer(request: Request) -> Response:
    async def act(session: Session, actor: Actor, form: FormData) -> object:
        return await sessions.set_timer(actor, session, form.get("minutes"), form.get("label"))

    return await _act(request, "timer", act)


async def premoderation(request: Request) -> Response:
    async def act(session: Session, actor: Actor, form: FormData) -> object:
        return await sessions.set_premoderation(actor, session, form.get("on") == "1")

    return await _act(request, "premoderation", act)


async def slow_mode(request: Request) -> Response:
    async def act(session: Session, actor: Actor, form: FormData) -> object:
        return await set_slow_mode(actor, session, form.get("seconds"))

    return await _act(request, "slow-mode", act)


async def doors(request: Request) -> Response:
    """Close the doors once the hall is in (no new participants), or open them again."""

    async def act(session: Session, actor: Actor, form: FormData) -> object:
        if "rotate_minutes" in form:
            return await set_rotation(actor, session, form.get("rotate_minutes"))
        wanted = form.get("open")
        return await set_doors(actor, session, {"1": True, "0": False}.get(wanted) if isinstance(wanted, str) else None)

    return await _act(request, "doors", act)


async def spotlight(request: Request) -> Response:
    """Put a proposal on the projector, or (with none) take it off."""

    async def act(session: Session, actor: Actor, form: FormData) -> object:
        raw = form.get("proposal_id")
        return await sessions.set_spotlight(actor, session, as_int(raw, field="proposal_id") if raw else None)

    return await _act(request, "spotlight", act)


async def screen(request: Request) -> Response:
    """Choose what the projector shows (presenter mode); with a proposal, it takes the spotlight too."""

    async def act(session: Session, actor: Actor, form: FormData) -> object:
        return await set_screen(actor, session, form.get("view"), form.get("proposal_id") or None)

    return await _act(request, "screen", act)


async def moderate(request: Request) -> Response:
    """Approve, hide, restore or merge a proposal."""

    async def act(session: Session, actor: Actor, form: FormData) -> object:
        proposal = await Proposal.get_or_none(
            id=as_int(form.get("proposal_id"), field="proposal_id"), session_id=session.id
        )
        if proposal is None:
            raise NotFound(N_("No such proposal."))
        return await moderation.moderate(
            actor, proposal, action=form.get("do"), reason=form.get("reason"), into_id=form.get("into_id") or None
        )

    return await _act(request, "moderate", act)


async def _comment_in(session: Session, raw: object) -> Comment:
    comment = await Comment.get_or_none(id=as_int(raw, field="comment_id"), proposal__session_id=session.id)
    if comment is None:
        raise NotFound(N_("No such comment."), field="comment_id")
    return comment


async def hide_comment(request: Request) -> Response:
    """Hide a comment with a reason: the free text if written, else the reason picked from the list."""

    async def act(session: Session, actor: Actor, form: FormData) -> object:
        comment = await _comment_in(session, form.get("comment_id"))
        written = form.get("reason")
        reason = written if isinstance(written, str) and written.strip() else form.get("reason_choice")
        return await moderation.hide_comment(actor, comment, reason=reason)

    return await _act(request, "hide-comment", act)


async def map_placement(request: Request) -> Response:
    """Leave a participant out of the opinion map with a reason, or put them back."""

    async def act(session: Session, actor: Actor, form: FormData) -> object:
        back = form.get("do") == "return"
        return await place_on_map(actor, session, form.get("participant_id"), on_map=back, reason=form.get("reason"))

    return await _act(request, "map-placement", act)


async def restore_comment(request: Request) -> Response:
    async def act(session: Session, actor: Actor, form: FormData) -> object:
        comment = await _comment_in(session, form.get("comment_id"))
        return await moderation.restore_comment(actor, comment, reason=form.get("reason") or "")

    return await _act(request, "restore-comment", act)


async def assisted_proposal(request: Request) -> Response:
    """A proposal entered for someone without a phone."""

    async def act(session: Session, actor: Actor, form: FormData) -> object:
        return await submit_proposal(
            actor,
            session,
            title=form.get("title"),
            body=form.get("body"),
            theme_id=form.get("theme_id"),
            on_behalf_of=form.get("on_behalf_of"),
        )

    return await _act(request, "assisted-proposal", act)


async def assisted_support(request: Request) -> Response:
    """A support given for someone without a phone."""

    async def act(session: Session, actor: Actor, form: FormData) -> object:
        proposal = await _proposal_in(session, form.get("proposal_id"))
        person = await sessions.assisted_participant(actor, session, form.get("on_behalf_of"))
        return await add_support(actor, proposal, on_behalf_of=person)

    return await _act(request, "assisted-support", act)


async def assisted_vote(request: Request) -> Response:
    """A vote in the open round entered for someone without a phone, whatever its method: a support, dots,
    a score or a ranking (the proposals in order of choice, blank choices left out)."""

    async def act(session: Session, actor: Actor, form: FormData) -> object:
        vote_round = await _round_in(session, form)
        name = form.get("on_behalf_of")
        if vote_round.method == "rank":
            order = [as_int(v, field="order") for v in form.getlist("order") if v not in ("", None)]
            return await voting.rank(actor, session, order=order, on_behalf_of=name)
        proposal = await _proposal_in(session, form.get("proposal_id"))
        if vote_round.method == "support":
            return await add_support(
                actor, proposal, on_behalf_of=await sessions.assisted_participant(actor, session, name)
            )
        return await voting.cast_vote(
            actor, proposal, method=vote_round.method, value=form.get("value"), on_behalf_of=name
        )

    return await _act(request, "assisted-vote", act)


async def open_round(request: Request) -> Response:
    async def act(session: Session, actor: Actor, form: FormData) -> object:
        options: dict[str, object] = {
            k: form.get(k) for k in ("budget", "max_per", "scale", "k", "quorum", "threshold") if form.get(k)
        }
        options |= {k: form.get(k) == "on" for k in ("hidden", "allow_assisted", "allow_paper")}
        return await voting.open_round(
            actor, session, method=form.get("method"), options=options, title=form.get("title") or ""
        )

    return await _act(request, "open-round", act)


async def close_round(request: Request) -> Response:
    async def act(session: Session, actor: Actor, form: FormData) -> object:
        return await voting.close_round(actor, session, await _round_in(session, form))

    return await _act(request, "close-round", act)


async def reveal_round(request: Request) -> Response:
    """Show a hidden round's results to everyone."""

    async def act(session: Session, actor: Actor, form: FormData) -> object:
        return await voting.reveal(actor, session, await _round_in(session, form), True)

    return await _act(request, "reveal-round", act)


async def hide_results(request: Request) -> Response:
    async def act(session: Session, actor: Actor, form: FormData) -> object:
        return await voting.reveal(actor, session, await _round_in(session, form), False)

    return await _act(request, "hide-results", act)


async def paper(request: Request) -> Response:
    """A pile of identical paper ballots, entered by the facilitator in one act: one proposal's mark, or
    for a ranking the proposals in order of choice (blank choices left out)."""

    async def act(session: Session, actor: Actor, form: FormData) -> object:
        vote_round = await _round_in(session, form)
        sheets = form.get("sheets")
        if vote_round.method == "rank":
            order = [as_int(v, field="order") for v in form.getlist("order") if v not in ("", None)]
            return await voting.enter_paper(actor, session, vote_round, order=order, sheets=sheets)
        mark = {"proposal_id": as_int(form.get("proposal_id"), field="proposal_id"), "value": form.get("value")}
        return await voting.enter_paper(actor, session, vote_round, marks=[mark], sheets=sheets)

    return await _act(request, "paper", act)


async def seed_statement(request: Request) -> Response:
    """A statement the facilitator seeds for the opinion map."""

    async def act(session: Session, actor: Actor, form: FormData) -> object:
        return await write_statement(actor, session, text=form.get("text"))

    return await _act(request, "seed-statement", act)
