"""Headers, cookies, CSRF and session fixation, as a browser meets them."""

from __future__ import annotations

import httpx
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


async def test_login_rotates_the_staff_session(app: Starlette, client: httpx.AsyncClient) -> None:
    email = unique_email()
    await create_staff_user(email, "facilitator", PASSWORD)
    await client.get("/staff/login")
    csrf = client.cookies["dlb_csrf"]
    planted = "attacker-chosen-value-0000000000000000000000"
    client.cookies.set(STAFF_COOKIE, planted)
    r = await client.post("/staff/login", data={"email": email, "password": PASSWORD, "csrf_token": csrf})
    assert r.status_code == 303
    fresh = r.cookies[STAFF_COOKIE]
    assert fresh != planted
    first = fresh
    client.cookies.clear()
    client.cookies.set("dlb_csrf", csrf)
    client.cookies.set(STAFF_COOKIE, first)
    r = await client.post("/staff/login", data={"email": email, "password": PASSWORD, "csrf_token": csrf})
    assert r.cookies[STAFF_COOKIE] != first
    # The earlier login's token no longer opens the console: each login revokes the one it replaces.
    client.cookies.clear()
    client.cookies.set(STAFF_COOKIE, first)
    assert (await client.get("/staff", follow_redirects=False)).status_code == 303
    set_cookie = r.headers["set-cookie"]
    assert "HttpOnly" in set_cookie and "samesite=lax" in set_cookie.lower()


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
