"""Headers, cookies, CSRF and session fixation, as a browser meets them."""

from __future__ import annotations

import httpx
from bs4 import BeautifulSoup
from starlette.applications import Starlette

from deliberate.accounts.services import create_staff_user
from deliberate.web.identity import STAFF_COOKIE
from tests.conftest import PASSWORD, unique_email


async def test_security_headers_and_csp(client: httpx.AsyncClient) -> None:
    r = await client.get("/")
    csp = r.headers["content-security-policy"]
    script = next(part for part in csp.split(";") if part.strip().startswith("script-src"))
    assert "unsafe-inline" not in script and "unsafe-eval" not in script
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert r.headers["x-content-type-options"] == "nosniff" and r.headers["x-frame-options"] == "DENY"
    assert r.headers["referrer-policy"] == "same-origin"
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


async def test_a_form_without_its_csrf_token_is_refused(app: Starlette, client: httpx.AsyncClient) -> None:
    email = unique_email()
    await create_staff_user(email, "facilitator", PASSWORD)
    await client.get("/staff/login")
    r = await client.post("/staff/login", data={"email": email, "password": PASSWORD})
    assert r.status_code == 403 and STAFF_COOKIE not in r.cookies


async def form_token(client: httpx.AsyncClient, path: str = "/staff/login") -> str:
    page = BeautifulSoup((await client.get(path)).text, "html.parser")
    field = page.find("input", attrs={"name": "csrf_token"})
    assert field is not None
    return str(field["value"])


async def test_login_rotates_the_staff_session(app: Starlette, client: httpx.AsyncClient) -> None:
    email = unique_email()
    await create_staff_user(email, "facilitator", PASSWORD)
    planted = "attacker-chosen-value-0000000000000000000000"
    client.cookies.set(STAFF_COOKIE, planted)
    csrf = await form_token(client)
    r = await client.post("/staff/login", data={"email": email, "password": PASSWORD, "csrf_token": csrf})
    assert r.status_code == 303
    fresh = r.cookies[STAFF_COOKIE]
    assert fresh != planted
    first = fresh
    nonce = client.cookies["dlb_csrf"]
    client.cookies.clear()
    client.cookies.set("dlb_csrf", nonce)
    client.cookies.set(STAFF_COOKIE, first)
    csrf = await form_token(client)
    r = await client.post("/staff/login", data={"email": email, "password": PASSWORD, "csrf_token": csrf})
    assert r.cookies[STAFF_COOKIE] != first
    # The earlier login's token no longer opens the console: each login revokes the one it replaces.
    client.cookies.clear()
    client.cookies.set(STAFF_COOKIE, first)
    assert (await client.get("/staff", follow_redirects=False)).status_code == 303
    set_cookie = r.headers["set-cookie"]
    assert "HttpOnly" in set_cookie and "samesite=lax" in set_cookie.lower()


async def test_a_planted_csrf_cookie_gives_no_working_form_token(app: Starlette) -> None:
    """The form token is the cookie's nonce signed with who is signed in. Someone who plants their own nonce in
    a facilitator's browser knows the nonce and the token it gives them, but that token does not work for the
    facilitator; the cookie's value itself is no token; and a login changes the token."""
    email = unique_email()
    await create_staff_user(email, "facilitator", PASSWORD)
    transport = httpx.ASGITransport(app=app)
    async with (
        httpx.AsyncClient(transport=transport, base_url="http://testserver") as victim,
        httpx.AsyncClient(transport=transport, base_url="http://testserver") as attacker,
    ):
        await attacker.get("/staff/login")
        nonce = attacker.cookies["dlb_csrf"]
        attackers_token = await form_token(attacker)
        victim.cookies.set("dlb_csrf", nonce)  # planted
        before_login = await form_token(victim)
        assert before_login == attackers_token  # nobody is signed in yet: the same nonce gives the same token
        r = await victim.post("/staff/login", data={"email": email, "password": PASSWORD, "csrf_token": before_login})
        assert r.status_code == 303 and victim.cookies["dlb_csrf"] == nonce
        data = {"title": "แทรกจากเว็บอื่น", "themes": "ผู้สูงอายุ"}
        for stale in (attackers_token, nonce):
            refused = await victim.post("/staff", data=data | {"csrf_token": stale})
            assert refused.status_code == 403, stale
        own = await form_token(victim, "/staff")
        assert own != attackers_token
        assert (await victim.post("/staff/logout", data={"csrf_token": own})).status_code == 303


async def test_production_cookies_are_secure(settings: object) -> None:
    import dataclasses

    from deliberate.app import create_app

    app = create_app(dataclasses.replace(settings, production=True))  # type: ignore[type-var]
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://testserver") as c,
    ):
        r = await c.get("/")
        assert "Secure" in r.headers["set-cookie"] and "max-age" in r.headers["strict-transport-security"]
