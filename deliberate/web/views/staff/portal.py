"""The officials' portal: browse assemblies by province, region, date and strategic issue, search proposals
in Thai, compare, and download any brief."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from deliberate.errors import DomainError
from deliberate.i18n import N_
from deliberate.outcomes.models import ANSWER_LABELS
from deliberate.web.guards import guarded, staff
from deliberate.web.pages import error_page, form_errors, render

REGION_LABELS = {
    "central": N_("Central"),
    "east": N_("East"),
    "northeast": N_("Northeast"),
    "north": N_("North"),
    "west": N_("West"),
    "south": N_("South"),
}


@guarded
async def portal(request: Request) -> Response:
    """Officials' portal: browse assemblies, search proposals in Thai, compare, download any brief."""
    from deliberate import geo
    from deliberate.briefs import portal as finder

    actor = await staff(request)
    raw: dict[str, object] = dict(request.query_params)
    errors: dict[str, str] = {}
    try:
        filters = finder.clean_filters(raw)
        rows, hits = await finder.search(actor, filters)
    except DomainError as exc:
        if exc.status in (401, 403):
            return error_page(request, exc)
        errors, rows, hits, filters = form_errors(exc), [], [], finder.Filters()
    from deliberate.resolutions.models import AgendaItem

    sessions = [s.id for r in rows for s in r.sessions]  # type: ignore[attr-defined]
    with_items = await AgendaItem.filter(session_id__in=sessions).values_list("session_id", flat=True)
    return render(
        request,
        "staff/portal.html",
        {
            "with_items": {int(str(i)) for i in with_items},
            "rows": rows,
            "hits": hits,
            "filters": filters,
            "values": raw,
            "errors": errors,
            "regions": REGION_LABELS,
            "provinces": geo.provinces(),
            "answer_labels": ANSWER_LABELS,
            "searched": bool(filters.q or filters.theme),
        },
        status=422 if errors else 200,
        actor=actor,
    )
