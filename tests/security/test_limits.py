"""Abuse limits: each answers 429 with a translated message and Retry-After, never a silent drop."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import AsyncIterator

import httpx
import pytest
from bs4 import BeautifulSoup
from starlette.applications import Starlette

from deliberate.accounts.services import create_staff_user
from deliberate.app import create_app
from deliberate.settings import Settings
from tests.conftest import PASSWORD, Api, Browser, on_team, unique_email


@pytest.fixture
async def strict(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """The app with small explicit limits, so a test reaches them in a few requests."""
    tight = dataclasses.replace(settings, code_misses_per_address="3/minute", participant_writes="4/minute")
    application: Starlette = create_app(tight)
    async with application.router.lifespan_context(application):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=application), base_url="http://testserver") as c:
            yield c


async def test_login_locks_an_account_after_five_wrong_passwords(app: Starlette, client: httpx.AsyncClient) -> None:
    email = unique_email()
    await create_staff_user(email, "facilitator", PASSWORD)
    for _ in range(5):
        r = await client.post("/api/v1/auth/token", json={"email": email, "password": "wrong password!"})
        assert r.status_code == 401
    r = await client.post(
        "/api/v1/auth/token", json={"email": email, "password": PASSWORD}, headers={"accept-language": "en"}
    )
    assert r.status_code == 429 and r.json()["error"] == "rate_limited"
    assert "locked for 15 minutes" in r.json()["message"]
    assert 800 < int(r.headers["retry-after"]) <= 900
    thai = await client.post("/api/v1/auth/token", json={"email": email, "password": PASSWORD})
    assert thai.status_code == 429 and "15 นาที" in thai.json()["message"]
    # The sign-in page says the same, as a page.
    page = await client.get("/staff/login")
    csrf = BeautifulSoup(page.text, "html.parser").find("input", attrs={"name": "csrf_token"})["value"]
    r = await client.post("/staff/login", data={"email": email, "password": PASSWORD, "csrf_token": csrf})
    assert r.status_code == 429 and r.headers["retry-after"] and "<form" in r.text


async def test_a_good_password_clears_the_failures(app: Starlette, client: httpx.AsyncClient) -> None:
    email = unique_email()
    await create_staff_user(email, "official", PASSWORD)
    for _ in range(3):
        for password in ("wrong password!", "wrong again!!"):
            await client.post("/api/v1/auth/token", json={"email": email, "password": password})
        r = await client.post("/api/v1/auth/token", json={"email": email, "password": PASSWORD})
        assert r.status_code == 201


async def test_guessing_join_codes_is_refused(strict: httpx.AsyncClient) -> None:
    api = Api(strict)
    staff = await api.staff()
    real = await api.new_session(staff, phase="ideas")
    for guess in ("AAAAAA", "CCCCCC", "DDDDDD"):
        assert (
            await strict.post(f"/api/v1/sessions/{guess}/participants", json={"display_name": "x", "consent": True})
        ).status_code == 404
    r = await strict.post(
        f"/api/v1/sessions/{real['code']}/participants",
        json={"display_name": "x", "consent": True},
        headers={"accept-language": "en"},
    )
    assert r.status_code == 429 and "do not exist" in r.json()["message"] and int(r.headers["retry-after"]) > 0
    page = await strict.get(f"/s/{real['code']}/join")
    assert page.status_code == 429 and "retry-after" in page.headers
    # Real codes never count: a hall behind one router joins freely.


async def test_participant_writes_and_slow_mode(strict: httpx.AsyncClient) -> None:
    api = Api(strict)
    staff = await api.staff()
    s = await api.new_session(staff, phase="ideas")
    theme = s["themes"][0]["id"]
    me = await api.join(s["code"])
    # Slow mode is for facilitators to set.
    assert (
        await strict.post(f"/api/v1/sessions/{s['code']}/phase", headers=me, json={"slow_mode": 5})
    ).status_code == 403
    r = await strict.post(f"/api/v1/sessions/{s['code']}/phase", headers=staff, json={"slow_mode": 30})
    assert r.status_code == 200 and r.json()["slow_mode"] == 30 and r.json()["phase"] == "ideas"
    assert (await strict.get(f"/api/v1/sessions/{s['code']}")).json()["slow_mode"] == 30
    key = {"idempotency-key": "p-1"}
    first = await strict.post(
        f"/api/v1/sessions/{s['code']}/proposals", headers=me | key, json={"title": "ข้อเสนอแรก", "theme_id": theme}
    )
    assert first.status_code == 201
    again = await strict.post(
        f"/api/v1/sessions/{s['code']}/proposals", headers=me | key, json={"title": "ข้อเสนอแรก", "theme_id": theme}
    )
    assert again.status_code == 201 and again.json() == first.json()  # a replay is never refused
    second = await strict.post(
        f"/api/v1/sessions/{s['code']}/proposals",
        headers=me | {"accept-language": "en"},
        json={"title": "ข้อเสนอที่สอง", "theme_id": theme},
    )
    assert second.status_code == 429 and "Slow mode" in second.json()["message"]
    assert 25 <= int(second.headers["retry-after"]) <= 30
    # Every write attempt counts, whatever its answer: the fourth of this minute is the last (4/minute here;
    # so far: the refused slow-mode switch, the first post, the refused second).
    support = f"/api/v1/proposals/{first.json()['id']}/support"
    assert (await strict.post(support, headers=me)).status_code == 403  # support is closed in ideas
    r = await strict.post(support, headers=me | {"accept-language": "en"})
    assert r.status_code == 429 and "too quickly" in r.json()["message"] and int(r.headers["retry-after"]) > 0
    # ... and a refused write still counts against the limit.
    assert (
        await strict.post(f"/api/v1/sessions/{s['code']}/phase", headers=me, json={"slow_mode": 0})
    ).status_code == 429
    assert (
        await strict.post(f"/api/v1/sessions/{s['code']}/phase", headers=staff, json={"slow_mode": 9999})
    ).status_code == 422


async def test_a_long_code_with_a_token_under_lockout_is_refused_not_a_server_error(
    strict: httpx.AsyncClient,
) -> None:
    """Past the wrong-code limit a caller holding a token is asked whether it belongs to the code's session; a
    code longer than any real one (the code column's width) used to end that question in a server error."""
    for guess in ("AAAAAA", "CCCCCC", "DDDDDD"):
        await strict.post(f"/api/v1/sessions/{guess}/participants", json={"display_name": "x", "consent": True})
    for code in ("ABCDEFG", "ABCDEFGHIJKLMNOP", "A" * 300):
        r = await strict.post(
            f"/api/v1/sessions/{code}/proposals",
            json={"title": "x"},
            headers={"authorization": "Bearer abcdefabcdefabcdef", "accept-language": "en"},
        )
        assert r.status_code == 429 and "do not exist" in r.json()["message"], (code, r.status_code, r.text[:200])
        strict.cookies.set(f"dlb_p_{code}", "abcdefabcdefabcdef")
        page = await strict.get(f"/s/{code}")
        assert page.status_code == 429, (code, page.status_code)


async def test_staff_pages_count_wrong_codes_and_look_alike_to_strangers(strict: httpx.AsyncClient) -> None:
    """Through the staff pages too, a code that does not exist counts as a miss; and before sign-in a real code
    and an unknown one answer alike (both go to sign in), so the pages tell a stranger nothing."""
    api = Api(strict)
    real = (await api.new_session(await api.staff(), phase="ideas"))["code"]
    for path in ("/staff/s/{}", "/staff/s/{}/outcomes"):
        known = await strict.get(path.format(real))
        unknown = await strict.get(path.format("ZZZZZZ"))
        assert (known.status_code, unknown.status_code) == (303, 303)
        assert known.headers["location"].startswith("/staff/login")
    email = unique_email()
    await create_staff_user(email, "facilitator", PASSWORD)
    await on_team(email, real)
    web = Browser(strict)
    await web.get("/staff/login")
    await web.sign_in(email)
    for guess in ("AAAAAA", "CCCCCC", "DDDDDD"):
        assert (await strict.get(f"/staff/s/{guess}")).status_code == 404
    # Signed-in staff keep their console however many misses their address has (a venue's shared router) ...
    assert (await strict.get(f"/staff/s/{real}")).status_code == 200
    # ... while the misses count for everyone else at that address, through every door.
    strict.cookies.clear()
    r = await strict.get(f"/s/{real}/join", headers={"accept-language": "en"})
    assert r.status_code == 429 and "retry-after" in r.headers
    assert (await strict.get(f"/staff/s/{real}")).status_code == 429


async def test_a_script_joining_hundreds_a_second_is_refused_a_hall_is_not(settings: Settings) -> None:
    """With the production numbers: 300 joins fired at once from one address get 60 in and the rest a 429 with a
    message; a hall's pace (the same address, the next minute) and another address join freely."""
    production = dataclasses.replace(settings, joins_per_address=Settings().joins_per_address)
    application: Starlette = create_app(production)
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application, client=("10.1.1.1", 5000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as script:
            api = Api(script)
            code = (await api.new_session(await api.staff(), phase="ideas"))["code"]
            answers = [
                await script.post(
                    f"/api/v1/sessions/{code}/participants",
                    json={"display_name": f"บอท {i}", "consent": True},
                    headers={"accept-language": "en"},
                )
                for i in range(300)
            ]
            statuses = [r.status_code for r in answers]
            assert statuses.count(201) == 60 and statuses.count(429) == 240
            refused = answers[-1]
            assert "joining from this network" in refused.json()["message"] and int(refused.headers["retry-after"]) > 0
            page = await script.get(f"/s/{code}/join")
            assert page.status_code == 200  # the join page still opens; only joining waits
        other = httpx.ASGITransport(app=application, client=("10.1.1.2", 5000))
        async with httpx.AsyncClient(transport=other, base_url="http://testserver") as phone:
            r = await phone.post(
                f"/api/v1/sessions/{code}/participants", json={"display_name": "ป้าแดง", "consent": True}
            )
            assert r.status_code == 201


def test_every_limit_can_be_raised_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from deliberate.settings import LIMITS

    for name in LIMITS:
        monkeypatch.setenv(f"DELIBERATE_{name.upper()}", "7/second")
    loaded = Settings.from_env()
    assert all(getattr(loaded, name) == "7/second" for name in LIMITS)


async def test_every_write_route_outside_the_staff_pages_counts_against_the_participant(
    strict: httpx.AsyncClient,
) -> None:
    """Walked from the route table, so a new route cannot slip past: a participant's fifth write within the
    minute (the strict app allows four) is refused on every write route a participant can reach, the HTML ones
    with the session cookie and the API ones with the token, whatever the route would have answered."""
    from starlette.routing import Route

    from deliberate.web.routes import routes

    api = Api(strict)
    code = (await api.new_session(await api.staff(), phase="ideas"))["code"]
    writes = [
        (method, r)
        for r in routes()
        if isinstance(r, Route) and not r.path.startswith("/staff")
        for method in sorted((r.methods or set()) & {"POST", "PUT", "PATCH", "DELETE"})
    ]
    assert len(writes) > 50
    for method, route in writes:
        token = (await api.join(code, "ผู้ร่วมเวที"))["authorization"].removeprefix("Bearer ")
        path = re.sub(r"\{code\}", code, route.path)
        path = re.sub(r"\{\w+(:\w+)?\}", "1", path)
        strict.cookies.clear()
        if route.path.startswith("/api/"):
            send = {"headers": {"authorization": f"Bearer {token}", "accept-language": "en"}, "json": {}}
        else:
            strict.cookies.set(f"dlb_p_{code}", token)
            send = {"headers": {"accept-language": "en"}, "data": {}}
        answers = [(await strict.request(method, path, **send)).status_code for _ in range(5)]  # type: ignore[arg-type]
        assert 429 not in answers[:4] and answers[4] == 429, (route.name, method, answers)


def test_slow_mode_names_only_routes_that_exist() -> None:
    """Slow mode picks its routes by name: a renamed route would silently leave it, so every name must be one."""
    from starlette.routing import Route

    from deliberate.web.routes import routes
    from deliberate.web.throttle import TEXT_WRITES

    names = {r.name for r in routes() if isinstance(r, Route)}
    assert TEXT_WRITES <= names, TEXT_WRITES - names


async def test_an_ipv6_caller_counts_as_its_whole_64(settings: Settings) -> None:
    """Wrong codes from many addresses of one /64 add up; a neighbouring /64 is not held back by them."""
    tight = dataclasses.replace(settings, code_misses_per_address="3/minute")
    application: Starlette = create_app(tight)
    async with application.router.lifespan_context(application):
        answers = []
        for n, guess in enumerate(("AAAAAA", "CCCCCC", "DDDDDD", "EEEEEE")):
            transport = httpx.ASGITransport(app=application, client=(f"2001:db8:1:2::{n + 1:x}", 5000))
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
                answers.append((await c.get(f"/s/{guess}/join")).status_code)
        assert answers == [404, 404, 404, 429]
        other = httpx.ASGITransport(app=application, client=("2001:db8:1:3::1", 5000))
        async with httpx.AsyncClient(transport=other, base_url="http://testserver") as c:
            assert (await c.get("/s/FFFFFF/join")).status_code == 404
