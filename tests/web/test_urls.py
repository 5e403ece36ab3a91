"""Paths by route name (deliberate/web/urls.py): what templates and views build their links with."""

from __future__ import annotations

import re
from collections.abc import Callable

import httpx
import pytest
from starlette.routing import Match, NoMatchFound, Route

from deliberate.accounts.services import create_staff_user
from deliberate.settings import ROOT
from deliberate.web.routes import routes
from deliberate.web.urls import register, url
from tests.conftest import PASSWORD, Api, Browser, on_team, row_counts, unique_email


async def test_a_route_name_gives_its_path_with_the_parameters_put_in(client: httpx.AsyncClient) -> None:
    assert url("console", code="AB12CD") == "/staff/s/AB12CD"
    assert url("proposal_page", code="AB12CD", proposal_id=7) == "/s/AB12CD/p/7"
    assert url("ws_session", code="AB12CD") == "/ws/sessions/AB12CD"


async def test_an_unknown_name_or_a_missing_parameter_is_refused_by_name(client: httpx.AsyncClient) -> None:
    with pytest.raises(NoMatchFound, match="no_such_route"):
        url("no_such_route")
    with pytest.raises(NoMatchFound):
        url("console")


async def test_a_path_is_built_once_and_a_new_route_table_forgets_the_kept_ones(client: httpx.AsyncClient) -> None:
    url.cache_clear()
    assert url("support", code="AB12CD", proposal_id=7) == "/s/AB12CD/p/7/support"
    assert url("support", code="AB12CD", proposal_id=7) == "/s/AB12CD/p/7/support"
    assert url.cache_info().hits == 1
    register([Route("/elsewhere/{code}/p/{proposal_id:int}/support", lambda r: None, name="support")])
    try:
        assert url("support", code="AB12CD", proposal_id=7) == "/elsewhere/AB12CD/p/7/support"
    finally:
        register(routes())
    assert url("support", code="AB12CD", proposal_id=7) == "/s/AB12CD/p/7/support"


TEMPLATES = ROOT / "templates"
# A link-bearing attribute whose value is a literal path: href="/s/…", data-hx-get='/geo/…', action=/…
HARD_CODED = re.compile(
    r"""(?<![\w-])(href|src|action|formaction|hx-[\w-]+|data-[\w-]+)\s*=\s*["']?/""",
    re.IGNORECASE,
)


def hard_coded_paths(text: str) -> list[str]:
    """The attributes in `text` that carry a literal path instead of one from url() or asset()."""
    found = [m.group(0) for m in HARD_CODED.finditer(text)]
    return found + ["url_for(" for _ in range(text.count("url_for("))]


def test_templates_build_their_paths_with_url_or_asset() -> None:
    # A route moves by changing routes.py alone: a path spelled out in a template would go on pointing at the
    # old place (url() raises at render instead).
    offenders = {}
    for path in sorted(TEMPLATES.rglob("*")):
        rel = path.relative_to(TEMPLATES)
        if not path.is_file():
            continue
        if found := hard_coded_paths(path.read_text(encoding="utf-8")):
            offenders[str(rel)] = found
    assert offenders == {}, "use {{ url('route_name', ...) }} (or asset() for static files)"


def test_the_guard_sees_a_path_spelled_out() -> None:
    assert hard_coded_paths('<a class="x" href="/s/{{ session.code }}/vote">') == ['href="/']
    assert hard_coded_paths("<div data-hx-get='/geo/subdistricts'>") == ["data-hx-get='/"]
    assert hard_coded_paths('<form action=/s/x formaction="/y">') == ["action=/", 'formaction="/']
    assert hard_coded_paths("""<a href="{{ request.url_for('home') }}">""") == ["url_for("]
    assert hard_coded_paths("""<a href="{{ url('home') }}"><img src="{{ asset('img/logo.svg') }}">""") == []
    assert hard_coded_paths('<a href="#theme-3" data-replace="proposal-3">') == []


# Every button of a page is its own route, named by one rule: the act as in the URL, `-` as `_`.
ACT_FAMILIES = {
    "/staff/s/{code}/outcomes/": "outcomes_",
    "/staff/s/{code}/resolutions/": "resolutions_desk_",
    "/s/{code}/resolutions/": "resolutions_",
    "/staff/s/{code}/": "console_",
}


def test_every_button_route_is_named_by_its_act() -> None:
    seen = set()
    for route in routes():
        if not isinstance(route, Route) or route.methods != {"POST"}:
            continue
        for prefix, name in ACT_FAMILIES.items():
            act = route.path.removeprefix(prefix)
            if act != route.path and "/" not in act and "{" not in act:
                assert route.name == name + act.replace("-", "_"), route.path
                seen.add(name)
                break
    assert seen == set(ACT_FAMILIES.values())
    assert url("console_slow_mode", code="AB12CD") == "/staff/s/AB12CD/slow-mode"
    assert url("resolutions_desk_close_check", code="AB12CD") == "/staff/s/AB12CD/resolutions/close-check"


async def test_an_unknown_act_is_a_missing_page_and_downloads_reach_their_own_routes(
    api: Api, browser: Callable[[], Browser], facilitator: dict[str, str]
) -> None:
    code = (await api.new_session(facilitator))["code"]
    email = unique_email()
    await create_staff_user(email, "facilitator", PASSWORD)
    await on_team(email, code)
    desk = browser()
    await desk.sign_in(email)
    csrf = desk.csrf(desk.page(await desk.get(f"/staff/s/{code}")))
    before = await row_counts()
    for path in (
        f"/staff/s/{code}/no-such-act",
        f"/staff/s/{code}/outcomes/no-such-act",
        f"/staff/s/{code}/resolutions/no-such-act",
        f"/s/{code}/resolutions/no-such-act",
    ):
        assert (await desk.post(path, {"csrf_token": csrf})).status_code == 404, path
    assert await row_counts() == before
    assert reached("GET", f"/staff/s/{code}/brief.json") == "staff_brief"
    assert reached("GET", f"/staff/s/{code}/minutes.docx") == "staff_minutes"
    assert reached("POST", f"/staff/s/{code}/phase") == "console_phase"


def reached(method: str, path: str) -> str:
    """The name of the route the table sends this request to (the first full match, as the router does)."""
    scope = {"type": "http", "method": method, "path": path, "root_path": ""}
    return next(r.name for r in routes() if isinstance(r, Route) and r.matches(scope)[0] is Match.FULL)
