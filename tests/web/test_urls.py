"""Paths by route name (deliberate/web/urls.py): what templates and views build their links with."""

from __future__ import annotations

import httpx
import pytest
from starlette.routing import NoMatchFound

from deliberate.web.urls import url


async def test_a_route_name_gives_its_path_with_the_parameters_put_in(client: httpx.AsyncClient) -> None:
    assert url("console", code="AB12CD") == "/staff/s/AB12CD"
    assert url("proposal_page", code="AB12CD", proposal_id=7) == "/s/AB12CD/p/7"
    assert url("ws_session", code="AB12CD") == "/ws/sessions/AB12CD"


async def test_an_unknown_name_or_a_missing_parameter_is_refused_by_name(client: httpx.AsyncClient) -> None:
    with pytest.raises(NoMatchFound, match="no_such_route"):
        url("no_such_route")
    with pytest.raises(NoMatchFound):
        url("console")
