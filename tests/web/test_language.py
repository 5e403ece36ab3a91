"""A language chosen with `?lang=` is remembered in a cookie: later pages and the live channel follow it, the JSON
API does not (it follows Accept-Language)."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Callable

import httpx
import pytest
import websockets
from bs4 import BeautifulSoup

from deliberate.app import create_app
from deliberate.settings import Settings
from deliberate.web.language import LANG_COOKIE
from tests.conftest import Api, Browser, Served
from tests.realtime.test_websocket import Remote, next_message


def page_lang(r: httpx.Response) -> str:
    return str(BeautifulSoup(r.text, "html.parser").find("html")["lang"])  # type: ignore[index]


def lang_cookies(r: httpx.Response) -> list[str]:
    return [c for c in r.headers.get_list("set-cookie") if c.startswith(f"{LANG_COOKIE}=")]


async def test_lang_in_the_address_is_remembered_by_the_next_page(
    api: Api, facilitator: dict[str, str], browser: Callable[[], Browser]
) -> None:
    code = (await api.new_session(facilitator))["code"]
    phone = browser()
    thai = await phone.get(f"/s/{code}/join")
    assert page_lang(thai) == "th" and not lang_cookies(thai)
    switch = phone.page(thai).select_one("header a.lang")
    assert switch is not None and switch["href"] == "?lang=en"  # a plain link: no script needed

    r = await phone.get(f"/s/{code}/join?lang=en")
    assert page_lang(r) == "en"
    [cookie] = lang_cookies(r)
    assert cookie.startswith("lang=en;")
    assert "Path=/" in cookie and "SameSite=Lax" in cookie and "Max-Age=31536000" in cookie
    assert "Secure" not in cookie

    later = await phone.get("/")
    assert page_lang(later) == "en" and not lang_cookies(later)
    assert page_lang(await phone.get(f"/s/{code}/join")) == "en"

    back = await phone.get(f"/s/{code}/join?lang=th")
    assert page_lang(back) == "th" and lang_cookies(back)[0].startswith("lang=th;")
    assert page_lang(await phone.get(f"/s/{code}/join")) == "th"


async def test_an_unknown_language_sets_nothing(
    api: Api, facilitator: dict[str, str], browser: Callable[[], Browser]
) -> None:
    code = (await api.new_session(facilitator))["code"]
    phone = browser()
    r = await phone.get(f"/s/{code}/join?lang=xx")
    assert r.status_code == 200 and page_lang(r) == "th" and not lang_cookies(r)
    phone.client.cookies.set(LANG_COOKIE, "en")
    r = await phone.get(f"/s/{code}/join?lang=xx")
    assert page_lang(r) == "en" and not lang_cookies(r)  # the earlier choice stands


async def test_the_api_ignores_the_cookie(client: httpx.AsyncClient) -> None:
    client.cookies.set(LANG_COOKIE, "en")
    thai = await client.get("/api/v1/sessions/NOSUCH")
    english = await client.get("/api/v1/sessions/NOSUCH", headers={"accept-language": "en"})
    assert thai.status_code == english.status_code == 404
    assert thai.json()["message"] != english.json()["message"]
    asked = await client.get("/api/v1/sessions/NOSUCH?lang=en")
    assert not lang_cookies(asked)


async def test_production_lang_cookie_is_secure(settings: Settings) -> None:
    app = create_app(dataclasses.replace(settings, production=True))
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://testserver") as c,
    ):
        [cookie] = lang_cookies(await c.get("/?lang=en"))
        assert "Secure" in cookie


@pytest.fixture
async def remote(served: Served) -> AsyncIterator[Remote]:
    email, password = served.add_staff("facilitator")
    async with httpx.AsyncClient(base_url=served.base_url, timeout=10) as http:
        r = await http.post("/api/v1/auth/token", json={"email": email, "password": password})
        assert r.status_code == 201, r.text
        yield Remote(served, http, {"authorization": f"Bearer {r.json()['token']}"})


async def test_live_messages_follow_the_cookie(remote: Remote) -> None:
    code, _ = await remote.session("ideas")
    r = await remote.http.get(f"/s/{code}/join?lang=en")
    cookie = lang_cookies(r)[0].split(";")[0]
    url = f"{remote.served.ws_url}/ws/sessions/{code}"
    async with (
        websockets.connect(url, open_timeout=5, additional_headers={"cookie": cookie}) as english,
        websockets.connect(url, open_timeout=5) as thai,
    ):
        await remote.phase(code, "voting")
        en, th = await next_message(english), await next_message(thai)
    assert en.element("phase-banner").select_one(".phase-label").get_text(strip=True) == "Now:"
    assert th.element("phase-banner").select_one(".phase-label").get_text(strip=True) != "Now:"
