"""Staff invitations and password resets: one-time links, shown once, stored only as hashes."""

from __future__ import annotations

import asyncio
import json
import logging
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from deliberate.accounts.models import StaffLink, StaffToken, StaffUser
from deliberate.accounts.passwords import verify_password
from deliberate.accounts.services import create_staff_user
from deliberate.tokens import token_hash
from deliberate.web.identity import STAFF_COOKIE
from tests.conftest import PASSWORD, ROOT, Api, Browser, auth, child_env, deliberate_command, row_counts, unique_email

NEW_PASSWORD = "ช้างเผือกกินกล้วยหอม 42"


def token_of(link: str) -> str:
    return parse_qs(urlsplit(link).query)["t"][0]


async def admin_browser(browser: Callable[[], Browser]) -> Browser:
    email = unique_email("admin")
    await create_staff_user(email, "admin", PASSWORD)
    b = browser()
    await b.sign_in(email)
    return b


async def test_an_invitation_end_to_end_in_the_browser(
    browser: Callable[[], Browser], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    admin = await admin_browser(browser)
    page = admin.page(await admin.get("/staff/invitations"))
    assert page.find("input", attrs={"name": "role", "value": "admin"}) is not None
    invitee = unique_email("new")
    r = await admin.post(
        "/staff/invitations", {"csrf_token": admin.csrf(page), "email": invitee.upper(), "role": "official"}
    )
    assert r.status_code == 201, r.text
    link = admin.page(r).find("input", id="invite-link")["value"]
    raw = token_of(link)
    assert urlsplit(link).path == "/staff/invite"
    stored = await StaffLink.get(email=invitee)
    assert stored.token_hash == token_hash(raw) and stored.kind == "invite" and stored.role == "official"
    assert stored.expires_at - datetime.now(UTC) > timedelta(days=6, hours=23)
    assert invitee in admin.page(await admin.get("/staff/invitations")).get_text()  # listed as pending

    phone = browser()
    form = phone.page(await phone.get(link))
    assert invitee in form.get_text()
    r = await phone.post(
        "/staff/invite",
        {
            "csrf_token": phone.csrf(form),
            "t": raw,
            "display_name": "คุณวิภา",
            "password": NEW_PASSWORD,
            "repeat": NEW_PASSWORD + "x",
        },
    )
    assert r.status_code == 422  # the two passwords differ: the link still works
    r = await phone.post(
        "/staff/invite",
        {
            "csrf_token": phone.csrf(form),
            "t": raw,
            "display_name": "คุณวิภา",
            "password": NEW_PASSWORD,
            "repeat": NEW_PASSWORD,
        },
    )
    assert r.status_code == 303 and r.headers["location"] == "/staff"
    assert STAFF_COOKIE in phone.client.cookies
    assert "คุณวิภา" in (await phone.get("/staff")).text  # signed in
    user = await StaffUser.get(email=invitee)
    assert user.role.value == "official" and user.password_hash.startswith("$argon2id$")
    assert verify_password(user.password_hash, NEW_PASSWORD)
    assert (await StaffLink.get(id=stored.id)).used_at is not None

    again = browser()
    r = await again.get(link + "&lang=en")
    assert r.status_code == 410 and "This link has already been used" in r.text
    r = await again.post(
        "/staff/invite?lang=en",
        {
            "csrf_token": again.csrf(again.page(await again.get("/staff/login"))),
            "t": raw,
            "display_name": "x",
            "password": NEW_PASSWORD,
        },
    )
    assert r.status_code == 410
    assert await StaffUser.filter(email=invitee).count() == 1
    # Everything the server side logged (the test's own HTTP client logs the URLs it asks for, not the app).
    logged = " ".join(
        f"{rec.getMessage()} {rec.__dict__}" for rec in caplog.records if not rec.name.startswith(("httpx", "httpcore"))
    )
    assert raw not in logged and NEW_PASSWORD not in logged


async def test_an_expired_invitation_is_refused_with_a_message(
    api: Api, browser: Callable[[], Browser], client: httpx.AsyncClient
) -> None:
    admin = await api.staff("admin")
    invitee = unique_email("late")
    r = await client.post("/api/v1/staff/invitations", json={"email": invitee, "role": "facilitator"}, headers=admin)
    assert r.status_code == 201, r.text
    raw = r.json()["token"]
    await StaffLink.filter(token_hash=token_hash(raw)).update(expires_at=datetime.now(UTC) - timedelta(seconds=1))
    phone = browser()
    r = await phone.get(f"/staff/invite?t={raw}&lang=en")
    assert r.status_code == 410 and "This link has expired. Please ask for a new one." in r.text
    before = await row_counts()
    r = await client.post(
        "/api/v1/staff/invitations/accept",
        headers={"accept-language": "en"},
        json={"token": raw, "display_name": "ช้าไป", "password": NEW_PASSWORD},
    )
    assert r.status_code == 410 and r.json()["error"] == "link_gone" and "expired" in r.json()["message"]
    assert await row_counts() == before
    r = await client.post(
        "/api/v1/staff/invitations/accept", json={"token": "n" * 43, "display_name": "ช้าไป", "password": NEW_PASSWORD}
    )
    assert r.status_code == 404


async def test_who_may_invite_whom(api: Api, client: httpx.AsyncClient) -> None:
    admin, facilitator, official = await api.staff("admin"), await api.staff("facilitator"), await api.staff("official")
    own = (await api.new_session(facilitator))["assembly_id"]
    others = (await api.new_session(await api.staff("facilitator")))["assembly_id"]

    async def invite(who: dict[str, str], role: str, email: str | None = None, **scope: object) -> httpx.Response:
        if who is facilitator and not scope:
            scope = {"assembly_id": own}
        return await client.post(
            "/api/v1/staff/invitations", json={"email": email or unique_email(), "role": role, **scope}, headers=who
        )

    before = await row_counts()
    assert (await invite(facilitator, "admin")).status_code == 403  # never more rights than one holds
    assert (await invite(official, "official")).status_code == 403
    assert (await invite(admin, "king")).status_code == 422
    existing = unique_email()
    await create_staff_user(existing, "official", PASSWORD)
    before["StaffUser"] += 1
    assert (await invite(admin, "official", existing)).status_code == 409
    assert (
        await client.post("/api/v1/staff/invitations", json={"email": unique_email(), "role": "official"})
    ).status_code == 401
    # A facilitator's invitation names an assembly they own, and nothing wider.
    assert (await invite(facilitator, "facilitator", assembly_id=None)).status_code == 422
    assert (await invite(facilitator, "facilitator", assembly_id=others)).status_code == 403
    assert (await invite(facilitator, "official", province_code="83")).status_code == 403
    assert (await invite(admin, "facilitator", province_code="83")).status_code == 422  # provinces are officials'
    assert (await invite(facilitator, "official", grant_role="owner")).status_code == 422
    assert await row_counts() == before
    for who, role in ((facilitator, "facilitator"), (facilitator, "official"), (admin, "admin")):
        r = await invite(who, role)
        assert r.status_code == 201, r.text
        assert r.json()["role"] == role and r.json()["url"].endswith(r.json()["token"])


async def test_an_invitation_through_the_api_works_once(api: Api, client: httpx.AsyncClient) -> None:
    facilitator = await api.staff("facilitator")
    assembly = (await api.new_session(facilitator))["assembly_id"]
    invitee = unique_email("colleague")
    first = (
        await client.post(
            "/api/v1/staff/invitations",
            json={"email": invitee, "role": "facilitator", "assembly_id": assembly},
            headers=facilitator,
        )
    ).json()["token"]
    r = await client.post(
        "/api/v1/staff/invitations",
        json={"email": invitee, "role": "official", "assembly_id": assembly},
        headers=facilitator,
    )
    raw = r.json()["token"]
    assert r.json()["assembly_id"] == assembly and r.json()["grant_role"] == "official"
    # Inviting the same e-mail again replaces the earlier invitation.
    r = await client.post(
        "/api/v1/staff/invitations/accept",
        json={"token": first, "display_name": "เพื่อนร่วมงาน", "password": NEW_PASSWORD},
    )
    assert r.status_code == 404
    r = await client.post(
        "/api/v1/staff/invitations/accept", json={"token": raw, "display_name": "เพื่อนร่วมงาน", "password": "short"}
    )
    assert r.status_code == 422 and r.json()["field"] == "password"
    r = await client.post(
        "/api/v1/staff/invitations/accept",
        headers={"content-type": "application/json"},
        content=json.dumps({"token": raw, "display_name": "เพื่อน", "password": "\ud800" * 12}),
    )
    assert r.status_code in (400, 422), r.text  # a lone surrogate cannot be hashed: refused, never a 500
    r = await client.post(
        "/api/v1/staff/invitations/accept", json={"token": raw, "display_name": "เพื่อนร่วมงาน", "password": NEW_PASSWORD}
    )
    assert r.status_code == 201, r.text
    assert r.json()["role"] == "official"
    me = await client.get("/api/v1/me", headers=auth(r.json()["token"]))
    assert me.status_code == 200 and me.json()["staff"]["email"] == invitee
    # The invitation's scope came with it: the new official is on the assembly's team, and on no other.
    team = await client.get(f"/api/v1/assemblies/{assembly}/team", headers=auth(r.json()["token"]))
    assert team.status_code == 200, team.text
    assert {(m["email"], m["role"]) for m in team.json()["items"]} >= {(invitee, "official")}
    r = await client.post(
        "/api/v1/staff/invitations/accept", json={"token": raw, "display_name": "อีกครั้ง", "password": NEW_PASSWORD}
    )
    assert r.status_code == 410
    r = await client.post("/api/v1/auth/token", json={"email": invitee, "password": NEW_PASSWORD})
    assert r.status_code == 201


async def test_a_reset_ends_every_login_and_token(
    api: Api, browser: Callable[[], Browser], client: httpx.AsyncClient
) -> None:
    email = unique_email("forgetful")
    await create_staff_user(email, "facilitator", PASSWORD)
    old_api = (await client.post("/api/v1/auth/token", json={"email": email, "password": PASSWORD})).json()["token"]
    laptop = browser()
    await laptop.sign_in(email)
    assert (await laptop.get("/staff")).status_code == 200

    assert (
        await client.post("/api/v1/staff/password-resets", json={"email": email}, headers=auth(old_api))
    ).status_code == 403  # facilitators may not
    admin = await admin_browser(browser)
    page = admin.page(await admin.get("/staff/users"))
    r = await admin.post("/staff/users", {"csrf_token": admin.csrf(page), "email": email})
    assert r.status_code == 201, r.text
    stale = admin.page(r).find("input", id="reset-link")["value"]
    r = await admin.post("/staff/users", {"csrf_token": admin.csrf(page), "email": email})
    link = admin.page(r).find("input", id="reset-link")["value"]
    assert (await browser().get(stale)).status_code == 404  # only the newest reset link works
    row = await StaffLink.get(token_hash=token_hash(token_of(link)))
    assert timedelta(minutes=59) < row.expires_at - datetime.now(UTC) <= timedelta(hours=1)

    phone = browser()
    form = phone.page(await phone.get(link))
    r = await phone.post(
        "/staff/reset",
        {"csrf_token": phone.csrf(form), "t": token_of(link), "password": NEW_PASSWORD, "repeat": NEW_PASSWORD},
    )
    assert r.status_code == 303
    assert (await phone.get("/staff")).status_code == 200
    # Every earlier login and API token of the account has ended.
    assert (await client.get("/api/v1/me", headers=auth(old_api))).status_code == 401
    r = await laptop.get("/staff")
    assert r.status_code == 303 and "/staff/login" in r.headers["location"]
    assert await StaffToken.filter(user__email=email).count() == 1  # the phone's new login only
    assert (await client.post("/api/v1/auth/token", json={"email": email, "password": PASSWORD})).status_code == 401
    assert (await client.post("/api/v1/auth/token", json={"email": email, "password": NEW_PASSWORD})).status_code == 201
    assert (await browser().get(link)).status_code == 410


async def test_a_reset_through_the_api_and_its_hour(api: Api, client: httpx.AsyncClient) -> None:
    admin = await api.staff("admin")
    email = unique_email("official")
    await create_staff_user(email, "official", PASSWORD)
    assert (
        await client.post("/api/v1/staff/password-resets", json={"email": unique_email()}, headers=admin)
    ).status_code == 404
    raw = (await client.post("/api/v1/staff/password-resets", json={"email": email}, headers=admin)).json()["token"]
    await StaffLink.filter(token_hash=token_hash(raw)).update(expires_at=datetime.now(UTC) - timedelta(minutes=1))
    r = await client.post("/api/v1/staff/password-resets/accept", json={"token": raw, "password": NEW_PASSWORD})
    assert r.status_code == 410
    raw = (await client.post("/api/v1/staff/password-resets", json={"email": email}, headers=admin)).json()["token"]
    r = await client.post("/api/v1/staff/password-resets/accept", json={"token": raw, "password": NEW_PASSWORD})
    assert r.status_code == 200 and r.json()["email"] == email
    assert (await client.get("/api/v1/me", headers=auth(r.json()["token"]))).json()["staff"]["role"] == "official"


async def test_the_cli_prints_a_reset_link(database_url: str, client: httpx.AsyncClient) -> None:
    email = unique_email("operator")
    await create_staff_user(email, "admin", PASSWORD)

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [deliberate_command(), "users", "reset", *args],
            capture_output=True,
            text=True,
            timeout=60,
            env=child_env(database_url),
            cwd=ROOT,
            check=False,
        )

    done = await asyncio.to_thread(cli, email, "--base-url", "https://venue.example/")
    assert done.returncode == 0, done.stderr
    link = done.stdout.strip()
    assert link.startswith("https://venue.example/staff/reset?t=")
    r = await client.get(urlsplit(link).path + "?" + urlsplit(link).query)
    assert r.status_code == 200 and email in r.text
    missing = await asyncio.to_thread(cli, unique_email())
    assert missing.returncode == 2 and "error" in missing.stderr
