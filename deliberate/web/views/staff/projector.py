"""The projector: the hall's public screen. It shows one view at a time (presenter mode: the join slide, the
board, the spotlight, the round's results as bars, the opinion map, the word cloud, pledges or a large timer),
the one the facilitator chose on the console (`Session.screen_view`); `?show=` opens it on another view
first (a preview, or the resolution clause), and the console's next choice takes over. Anyone with the
session's code may open it; it lives with the staff's views because the console drives it."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from deliberate.actors import Actor
from deliberate.audit import publish_head
from deliberate.comments.models import Comment
from deliberate.outcomes.services import recent_pledges
from deliberate.proposals.models import Proposal
from deliberate.proposals.services import ProposalView
from deliberate.sessions import services as sessions
from deliberate.sessions.doors import door_code, rotates_at
from deliberate.sessions.models import Session
from deliberate.sessions.screens import VIEWS
from deliberate.voting import services as voting
from deliberate.voting.results import GROUPING_LABELS, GROUPINGS
from deliberate.voting.secrecy import supports_withheld, withhold_counts, withhold_views
from deliberate.web.guards import guarded, session_of
from deliberate.web.pages import render
from deliberate.web.views.participant.join import join_link

# Shown by `?show=` only: the resolution desk's clause under discussion.
EXTRA_VIEWS = ("resolution",)
# At most this many bars: at 40 px a 1080-line screen holds about seven, and live.js hides what does not fit.
MAX_BARS = 10


@guarded
async def projector(request: Request) -> Response:
    session = await session_of(request)
    part = request.query_params.get("part")
    show = request.query_params.get("show", "")
    by = request.query_params.get("by")
    by = by if by in GROUPINGS else None
    # `part=stage` with `show` is the 5-second redraw of the map, cloud or clause (projector/_extra.html).
    if part == "stage" and show:
        return render(request, "projector/_extra.html", await _view_context(request, session, show, by))
    # A live change of view (`part=view`) or of the results (`part=results`) follows the console's choice.
    view = show if show in VIEWS or show in EXTRA_VIEWS else session.screen_view
    if part == "view":
        view = session.screen_view
    elif part == "results":
        view = "results"
    ctx = await _view_context(request, session, view, by)
    if part == "results":
        return render(request, "projector/_results.html", ctx)
    if part == "view":
        return render(request, "projector/_stage.html", ctx)
    return render(request, "projector/screen.html", ctx)


async def _view_context(request: Request, session: Session, view: str, by: str | None) -> dict[str, object]:
    # A public screen: a hidden support round's counts are withheld here as on the phones (voting/secrecy.py).
    withheld = await supports_withheld(session)
    totals = await sessions.counts(session)
    ctx: dict[str, object] = {
        "session": session,
        "assembly": session.assembly,
        "counts": withhold_counts(totals) if withheld else totals,
        "join_url": join_link(request, session),
        "door": door_code(session),
        # While the join code rotates, the page redraws its view when the code turns (static/js/live.js).
        "rotate_at": rotates_at(session),
        "view": view,
        "show": view,
        "by": by,
        "grouping_labels": GROUPING_LABELS,
    }
    if session.phase == "closed":
        # The end screen shows the audit chain's head, and so publishes it: `audit verify` checks against it.
        ctx["chain_head"] = await publish_head(session.id, "projector")
    if view == "board":
        from deliberate.web.live import leaders

        ctx["leaders"] = await leaders(session)
    elif view == "spotlight":
        spotlight = await spotlight_of(session)
        ctx["spotlight"] = withhold_views([spotlight])[0] if withheld and spotlight is not None else spotlight
    elif view == "pledges":
        ctx["pledges"] = await recent_pledges(session)
    elif view == "results":
        ctx |= await results_context(session, by)
    ctx |= await _projector_extra(session, view, by)
    return ctx


async def spotlight_of(session: Session) -> ProposalView | None:
    from deliberate.proposals.services import decorate

    if not session.spotlight_id:
        return None
    spot = await Proposal.get_or_none(id=session.spotlight_id).prefetch_related("theme")
    return (await decorate(Actor(), [spot]))[0] if spot else None


async def results_context(session: Session, by: str | None = None) -> dict[str, object]:
    """The current round's results as bars. Hidden results stay hidden: the projector is a public screen,
    so it asks as nobody in particular and gets no figures while the round is hidden."""
    from deliberate.voting.results import round_results

    results = await round_results(Actor(), session, await voting.current_round(session), by=by)
    # With who backs what by a grouping below them, fewer bars leave it room.
    items = results["items"][: 3 if results.get("groups") else MAX_BARS]
    top = max((float(i["count"] or 0) for i in items), default=0.0)
    bars = [(item, round(100 * float(item["count"] or 0) / top, 1) if top > 0 else 0.0) for item in items]
    return {"results": results, "bars": bars}


async def _projector_extra(session: Session, show: str, by: str | None = None) -> dict[str, object]:
    """The opinion map with consensus, the word cloud, the resolution clause under discussion."""
    from deliberate.i18n import gettext
    from deliberate.statements import opinion
    from deliberate.statements.map_svg import map_svg
    from deliberate.thaitext import frequencies, wordcloud_svg

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
        from deliberate.web.views.resolution_parts import screen_context

        return await screen_context(session)
    if show == "cloud":
        texts = [
            f"{t} {b}"
            for t, b in await Proposal.filter(session_id=session.id, status="published").values_list("title", "body")
        ]
        texts += [
            body for (body,) in await Comment.filter(proposal__session_id=session.id, hidden=False).values_list("body")
        ]
        return {"cloud_svg": wordcloud_svg(frequencies(texts), title=gettext("What the room is talking about"))}
    return {}
