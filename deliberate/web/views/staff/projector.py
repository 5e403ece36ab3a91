"""The projector: the hall's public screen (the join code and QR, the leading proposals, the spotlight, and
on the facilitator's word a round's results, the opinion map, the word cloud or the clause under
discussion). Anyone with the session's code may open it; it lives with the staff's views because the
console drives it."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from deliberate.actors import Actor
from deliberate.comments.models import Comment
from deliberate.outcomes.services import recent_pledges
from deliberate.proposals.models import Proposal
from deliberate.sessions import services as sessions
from deliberate.sessions.models import Session
from deliberate.voting import services as voting
from deliberate.voting.results import GROUPING_LABELS, GROUPINGS
from deliberate.voting.secrecy import supports_withheld, withhold_counts, withhold_views
from deliberate.web.guards import guarded, session_of
from deliberate.web.pages import render
from deliberate.web.views.participant.join import join_url


@guarded
async def projector(request: Request) -> Response:
    session = await session_of(request)
    from deliberate.proposals.services import decorate
    from deliberate.web.live import leaders

    spotlight = None
    if session.spotlight_id:
        spot = await Proposal.get_or_none(id=session.spotlight_id).prefetch_related("theme")
        spotlight = (await decorate(Actor(), [spot]))[0] if spot else None
    # A public screen: a hidden support round's counts are withheld here as on the phones (voting/secrecy.py).
    withheld = await supports_withheld(session)
    if spotlight is not None and withheld:
        spotlight = withhold_views([spotlight])[0]
    totals = await sessions.counts(session)
    show = request.query_params.get("show", "")
    by = request.query_params.get("by")
    by = by if by in GROUPINGS else None
    ctx = {
        "session": session,
        "assembly": session.assembly,
        "counts": withhold_counts(totals) if withheld else totals,
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
