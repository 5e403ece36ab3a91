"""Closing the doors (issue 18, must 1): once the hall is in, no one new joins, through the page or the API;
phones that joined carry on, staff still enter someone without a phone; the facilitator sees the joins per
minute and where they came from (hashed), a burst flagged."""

from __future__ import annotations

import httpx
from starlette.applications import Starlette

from deliberate.accounts.services import create_staff_user
from deliberate.staffrecord.models import StaffAction
from tests.conftest import PASSWORD, Api, Browser, on_team, row_counts, unique_email

PASSWORD_FREE = {"display_name": "คนมาใหม่", "consent": True}


async def test_closed_doors_refuse_new_phones_and_keep_the_hall(app: Starlette, client: httpx.AsyncClient) -> None:
    api = Api(client)
    staff = await api.staff()
    code = (await api.new_session(staff, phase="ideas"))["code"]
    inside = await api.join(code, "ป้าแดง")
    r = await client.post(f"/api/v1/sessions/{code}/joining", json={"open": False}, headers=staff)
    assert r.status_code == 200 and r.json()["open"] is False
    assert r.json()["joins_per_minute"][-1] == 1 and len(r.json()["joins_per_minute"]) == 10
    before = await row_counts()
    refused = await client.post(
        f"/api/v1/sessions/{code}/participants", json=PASSWORD_FREE, headers={"accept-language": "en"}
    )
    assert refused.status_code == 403 and "closed the doors" in refused.json()["message"]
    page = await client.get(f"/s/{code}/join")
    assert "ปิดรับผู้เข้าร่วมใหม่" in page.text and 'name="display_name"' not in page.text
    assert await row_counts() == before
    # The hall inside carries on.
    made = await api.propose(inside, code, (await client.get(f"/api/v1/sessions/{code}")).json()["themes"][0]["id"])
    assert made["id"]
    # Staff still enter someone without a phone.
    email = unique_email()
    await create_staff_user(email, "facilitator", PASSWORD)
    await on_team(email, code)
    web = Browser(client)
    await web.sign_in(email)
    board = web.page(await web.get(f"/staff/s/{code}?tab=assist"))
    theme = (await client.get(f"/api/v1/sessions/{code}")).json()["themes"][0]["id"]
    entered = await web.post(
        f"/staff/s/{code}/assisted-proposal",
        {
            "csrf_token": web.csrf(board),
            "tab": "assist",
            "title": "ถนนเข้าหมู่บ้าน",
            "theme_id": str(theme),
            "on_behalf_of": "ยายจันทร์",
        },
    )
    assert entered.status_code == 303, entered.text[:300]
    client.cookies.clear()
    # Opening again: the page and the API take new people.
    r = await client.post(f"/api/v1/sessions/{code}/joining", json={"open": True}, headers=staff)
    assert r.json()["open"] is True
    assert (await client.post(f"/api/v1/sessions/{code}/participants", json=PASSWORD_FREE)).status_code == 201
    acts = await StaffAction.filter(action="doors").values_list("data", flat=True)
    assert {"open": False} in acts and {"open": True} in acts


async def test_the_console_closes_the_doors_and_shows_the_joins(app: Starlette, client: httpx.AsyncClient) -> None:
    api = Api(client)
    staff = await api.staff()
    code = (await api.new_session(staff, phase="ideas"))["code"]
    for n in range(3):
        await api.join(code, f"ผู้ร่วม {n}")
    email = unique_email()
    await create_staff_user(email, "facilitator", PASSWORD)
    await on_team(email, code)
    web = Browser(client)
    await web.sign_in(email)
    page = web.page(await web.get(f"/staff/s/{code}?tab=phase"))
    doors = page.find(id="doors")
    assert doors is not None and "3" in doors.find(class_="joins-per-minute").get_text()
    r = await web.post(f"/staff/s/{code}/doors", {"csrf_token": web.csrf(page), "tab": "phase", "open": "0"})
    assert r.status_code == 303
    assert (await client.post(f"/api/v1/sessions/{code}/participants", json=PASSWORD_FREE)).status_code == 403
    bad = await web.post(f"/staff/s/{code}/doors", {"csrf_token": web.csrf(page), "tab": "phase", "open": "maybe"})
    assert bad.status_code == 422
    report = (await client.get(f"/api/v1/sessions/{code}/joining", headers=staff)).json()
    assert report["open"] is False and report["rotate_minutes"] is None
    assert report["top_addresses"] and report["top_addresses"][0]["joins"] == 3
    assert "127.0.0.1" not in str(report) and "testclient" not in str(report)  # hashed, never the address
    refused = await client.post(f"/api/v1/sessions/{code}/joining", json={"rotate_minutes": 500}, headers=staff)
    assert refused.status_code == 422 and refused.json()["field"] == "rotate_minutes"


async def test_a_rotating_code_admits_the_current_link_and_a_photo_stops_working(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    """With the code rotating every five minutes, a join needs the door code of the QR on the screen; the one
    before it still admits for the grace after the turn, then not; joined phones are unaffected."""
    from deliberate.sessions import doors
    from deliberate.sessions.services import get_session

    api = Api(client)
    staff = await api.staff()
    code = (await api.new_session(staff, phase="ideas"))["code"]
    inside = await api.join(code, "ป้าแดง")
    r = await client.post(f"/api/v1/sessions/{code}/joining", json={"rotate_minutes": 5}, headers=staff)
    assert r.status_code == 200 and r.json()["rotate_minutes"] == 5
    door = r.json()["door_code"]
    assert door and len(door) == 6
    body = {"display_name": "คนมาใหม่", "consent": True}
    for given in (None, "AAAAAA", code):
        refused = await client.post(
            f"/api/v1/sessions/{code}/participants", json=body | ({"door": given} if given else {})
        )
        assert refused.status_code == 403 and refused.json()["field"] == "door"
    assert (await client.post(f"/api/v1/sessions/{code}/participants", json=body | {"door": door})).status_code == 201
    # The projector's QR carries the link with the door code; the join page keeps it through the form.
    page = await client.get(f"/s/{code}/join", params={"door": door})
    assert f'name="door" value="{door}"' in page.text
    typed = await client.get(f"/s/{code}/join")
    assert 'id="door"' in typed.text  # typed the session code: the page asks for the code on the screen
    # The windows: the code turns, the old one admits for the grace, then never again.
    session = await get_session(code)
    turn = doors.rotates_at(session)
    assert turn is not None
    old = doors.door_code(session, turn - 1)
    assert old == door and doors.door_code(session, turn + 1) != old
    assert doors.door_admits(session, old, turn + doors.GRACE_S - 1)
    assert not doors.door_admits(session, old, turn + doors.GRACE_S + 1)
    assert doors.door_admits(session, doors.door_code(session, turn + 1), turn + 1)
    # Phones that joined carry on; turning rotation off admits the plain link again.
    assert (await client.get(f"/api/v1/sessions/{code}/proposals", headers=inside)).status_code == 200
    await client.post(f"/api/v1/sessions/{code}/joining", json={"rotate_minutes": None}, headers=staff)
    assert (await client.post(f"/api/v1/sessions/{code}/participants", json=body)).status_code == 201
