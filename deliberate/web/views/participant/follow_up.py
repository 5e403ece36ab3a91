"""The public follow-up page of an assembly: what became of each adopted or forwarded proposal and clause.
Anyone may read it, with no sign-in and no joining; it lives with the participants' pages because it is the
answer the people who took part come back for."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from deliberate.audit import publish_assembly_heads
from deliberate.errors import DomainError
from deliberate.outcomes import services as outcomes
from deliberate.outcomes.models import ANSWER_LABELS, ROLES, STATUS_LABELS
from deliberate.sessions import services as sessions
from deliberate.web.identity import page_actor
from deliberate.web.pages import error_page, render


async def follow_up_page(request: Request) -> Response:
    try:
        assembly = await sessions.get_assembly(request.path_params["assembly_id"])
    except DomainError as exc:
        return error_page(request, exc)
    entries = await outcomes.follow_up(assembly)
    return render(
        request,
        "public/follow_up.html",
        {
            "assembly": assembly,
            "entries": entries,
            "clauses": await outcomes.clause_follow_up(assembly),
            "answer_labels": ANSWER_LABELS,
            "statuses": STATUS_LABELS,
            "roles": ROLES,
            # Shown, so published: `audit verify` checks each session's chain against it by default.
            "heads": await publish_assembly_heads(assembly.id, "follow_up"),
        },
        actor=await page_actor(request),
    )
