"""My data: everything stored about this phone's participant, and the two-step "delete my data"."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from deliberate.errors import DomainError
from deliberate.web.forms import read_form
from deliberate.web.guards import guarded, visitor
from deliberate.web.identity import participant_cookie
from deliberate.web.pages import error_page, form_errors, redirect, render
from deliberate.web.urls import url


@guarded
async def my_data_page(request: Request) -> Response:
    """ "My data": everything stored about this phone's participant, and the two-step "delete my data"."""
    from deliberate.privacy.my_data import erase_my_data, my_data

    session, actor = await visitor(request)
    if request.method == "GET":
        if actor.participant is None:
            return redirect(url("join", code=session.code))
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
