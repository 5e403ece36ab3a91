"""Staff stay in their assembly (issue 18, must 5): the attack run's second facilitator, teams, provinces,
invitations that carry a scope and can be taken back. The authorization matrix holds the same rule for every
route with two more actors (a facilitator of another assembly, an official granted nothing); these tests
follow it through what people do."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from deliberate.sessions.models import Session
from tests.conftest import PASSWORD, Api, Browser, row_counts, unique_email


async def test_a_second_facilitator_cannot_run_the_first_ones_assembly(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    """The attack run's list: slow mode, hiding a proposal, opening a session, screening criteria, closing a
    round and a consensus check, downloading the brief. Each is refused and nothing changes."""
    s = await api.new_session(facilitator, phase="ideas")
    code, assembly = s["code"], s["assembly_id"]
    person = await api.join(code)
    proposal = (await api.propose(person, code, s["themes"][0]["id"]))["id"]
    await api.set_phase(facilitator, code, "voting")
    rnd = await client.post(f"/api/v1/sessions/{code}/rounds", headers=facilitator, json={"method": "dots"})
    assert rnd.status_code == 201, rnd.text
    intruder = await api.staff("facilitator")
    await api.new_session(intruder)  # they run an assembly of their own
    before = await row_counts()
    state = await Session.get(code=code)

    attempts: list[tuple[str, str, dict[str, Any] | None]] = [
        ("POST", f"/api/v1/sessions/{code}/phase", {"slow_mode": 600}),
        ("POST", f"/api/v1/sessions/{code}/phase", {"phase": "closed"}),
        ("POST", f"/api/v1/proposals/{proposal}/moderation", {"action": "hide", "reason": "ไม่เหมาะสม"}),
        ("POST", "/api/v1/sessions", {"title": "เวทีแทรก", "assembly_id": assembly}),
        ("POST", f"/api/v1/assemblies/{assembly}/criteria", {"criteria": [{"name": "ทำได้จริง"}]}),
        ("POST", f"/api/v1/sessions/{code}/rounds/{rnd.json()['id']}/close", None),
        ("POST", f"/api/v1/sessions/{code}/joining", {"open": False}),
        (
            "POST",
            f"/api/v1/assemblies/{assembly}/team",
            {"email": api.emails[intruder["authorization"]], "role": "owner"},
        ),
        ("GET", f"/api/v1/sessions/{code}/brief.json", None),
        ("GET", f"/api/v1/sessions/{code}/joining", None),
        ("GET", f"/api/v1/assemblies/{assembly}/team", None),
    ]
    for method, path, body in attempts:
        r = await client.request(method, path, headers=intruder | {"accept-language": "en"}, json=body)
        assert r.status_code == 403, (method, path, r.status_code, r.text)
        assert "of this assembly" in r.json()["message"] or "owners" in r.json()["message"], r.text
    assert await row_counts() == before
    after = await Session.get(code=code)
    assert (after.phase, after.permissions) == (state.phase, state.permissions)
    # Their own console is theirs; this one is not, on the page or on its live channel.
    desk = Browser(client)
    desk.client.cookies.clear()
    await desk.sign_in(api.emails[intruder["authorization"]])
    assert (await desk.get(f"/staff/s/{code}")).status_code == 403
    assert (await desk.get(f"/staff/assemblies/{assembly}")).status_code == 403
    assert (await desk.get(f"/s/{code}/live?view=console")).status_code == 403


async def test_a_co_facilitator_runs_it_until_the_part_is_withdrawn(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    s = await api.new_session(facilitator)
    code, assembly = s["code"], s["assembly_id"]
    colleague = await api.staff("facilitator")
    assert (
        await client.post(f"/api/v1/sessions/{code}/phase", headers=colleague, json={"phase": "ideas"})
    ).status_code == 403
    grant = await api.grant(facilitator, assembly, colleague, "facilitator")
    assert grant["role"] == "facilitator"
    await api.set_phase(colleague, code, "ideas")
    # A co-facilitator runs the room but does not decide the team.
    other = await api.staff("official")
    r = await client.post(
        f"/api/v1/assemblies/{assembly}/team",
        headers=colleague,
        json={"email": api.emails[other["authorization"]], "role": "official"},
    )
    assert r.status_code == 403
    team = (await client.get(f"/api/v1/assemblies/{assembly}/team", headers=colleague)).json()["items"]
    assert [m["role"] for m in team] == ["owner", "facilitator"]
    owner_grant = team[0]["id"]
    r = await client.delete(f"/api/v1/assemblies/{assembly}/team/{grant['id']}", headers=facilitator)
    assert r.status_code == 200, r.text
    assert (
        await client.post(f"/api/v1/sessions/{code}/phase", headers=colleague, json={"phase": "lobby"})
    ).status_code == 403
    # The last owner stays; an official's account never runs an assembly.
    r = await client.delete(
        f"/api/v1/assemblies/{assembly}/team/{owner_grant}", headers=facilitator | {"accept-language": "en"}
    )
    assert r.status_code == 409 and "at least one owner" in r.json()["message"]
    r = await client.post(
        f"/api/v1/assemblies/{assembly}/team",
        headers=facilitator,
        json={"email": api.emails[other["authorization"]], "role": "facilitator"},
    )
    assert r.status_code == 422 and r.json()["field"] == "role"
    r = await client.post(
        f"/api/v1/assemblies/{assembly}/team", headers=facilitator, json={"email": unique_email(), "role": "official"}
    )
    assert r.status_code == 404 and r.json()["field"] == "email"


async def test_an_official_sees_the_province_they_follow_and_nothing_else(
    api: Api, client: httpx.AsyncClient, browser: Callable[[], Browser]
) -> None:
    phuket_owner, bangkok_owner, admin = (
        await api.staff("facilitator"),
        await api.staff("facilitator"),
        await api.staff("admin"),
    )
    phuket = await api.new_session(phuket_owner, province_code="83", assembly_title="สมัชชาภูเก็ต", phase="ideas")
    bangkok = await api.new_session(bangkok_owner, province_code="10", assembly_title="สมัชชากรุงเทพ", phase="ideas")
    for s in (phuket, bangkok):
        person = await api.join(s["code"])
        await api.propose(person, s["code"], s["themes"][0]["id"], title="ตลาดนัดสินค้าชุมชน")
    email = unique_email("official")
    official = await api.staff("official")
    email = api.emails[official["authorization"]]
    r = await client.post(
        "/api/v1/staff/province-grants", headers=phuket_owner, json={"email": email, "province_code": "83"}
    )
    assert r.status_code == 403  # provinces are the administrators' to give
    r = await client.post("/api/v1/staff/province-grants", headers=admin, json={"email": email, "province_code": "83"})
    assert r.status_code == 201, r.text
    assert (await client.get(f"/api/v1/sessions/{phuket['code']}/brief.json", headers=official)).status_code == 200
    assert (await client.get(f"/api/v1/sessions/{bangkok['code']}/brief.json", headers=official)).status_code == 403
    # Following is reading: the province's consoles stay their facilitators'.
    assert (
        await client.post(f"/api/v1/sessions/{phuket['code']}/phase", headers=official, json={"phase": "closed"})
    ).status_code == 403
    desk = browser()
    await desk.sign_in(email)
    listed = (await desk.get("/staff")).text
    assert "สมัชชาภูเก็ต" in listed and "สมัชชากรุงเทพ" not in listed
    portal = (await desk.get("/staff/portal")).text
    assert "สมัชชาภูเก็ต" in portal and "สมัชชากรุงเทพ" not in portal
    # Withdrawn, it is gone at the next request.
    grants = (await client.get("/api/v1/staff/province-grants", headers=admin)).json()["items"]
    mine = next(g for g in grants if g["email"] == email)
    assert (await client.delete(f"/api/v1/staff/province-grants/{mine['id']}", headers=admin)).status_code == 200
    assert (await client.get(f"/api/v1/sessions/{phuket['code']}/brief.json", headers=official)).status_code == 403


async def test_an_invitation_can_be_withdrawn_and_its_link_stops_working(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str], browser: Callable[[], Browser]
) -> None:
    assembly = (await api.new_session(facilitator))["assembly_id"]
    invitee = unique_email("invitee")
    made = await client.post(
        "/api/v1/staff/invitations",
        headers=facilitator,
        json={"email": invitee, "role": "facilitator", "assembly_id": assembly},
    )
    assert made.status_code == 201, made.text
    link, raw = made.json()["id"], made.json()["token"]
    stranger = await api.staff("facilitator")
    assert (await client.delete(f"/api/v1/staff/invitations/{link}", headers=stranger)).status_code == 404
    # On the page: the pending invitation has a withdraw button.
    desk = browser()
    await desk.sign_in(api.emails[facilitator["authorization"]])
    page = desk.page(await desk.get("/staff/invitations"))
    form = page.find("form", action="/staff/invitations/withdraw")
    assert form is not None and invitee in page.get_text()
    r = await desk.post("/staff/invitations/withdraw", {"csrf_token": desk.csrf(page), "id": str(link)})
    assert r.status_code == 303
    assert invitee not in (await desk.get("/staff/invitations")).text
    r = await client.post(
        "/api/v1/staff/invitations/accept", json={"token": raw, "display_name": "ไม่ทัน", "password": PASSWORD}
    )
    assert r.status_code == 404
    assert (await client.delete(f"/api/v1/staff/invitations/{link}", headers=facilitator)).status_code == 404


async def test_the_owner_builds_the_team_on_the_assembly_page(
    api: Api, browser: Callable[[], Browser], facilitator: dict[str, str]
) -> None:
    s = await api.new_session(facilitator, assembly_title="สมัชชาสวัสดิการชุมชน")
    assembly = s["assembly_id"]
    colleague = await api.staff("facilitator")
    owner = browser()
    await owner.sign_in(api.emails[facilitator["authorization"]])
    page = owner.page(await owner.get(f"/staff/assemblies/{assembly}"))
    team = page.find(id="team")
    assert team is not None and api.emails[facilitator["authorization"]] in team.get_text()
    r = await owner.post(
        f"/staff/assemblies/{assembly}/team",
        {"csrf_token": owner.csrf(page), "email": "nobody@example.org", "role": "facilitator"},
    )
    assert r.status_code == 404 and "โปรดเชิญผู้นี้ก่อน" in r.text
    r = await owner.post(
        f"/staff/assemblies/{assembly}/team",
        {"csrf_token": owner.csrf(page), "email": api.emails[colleague["authorization"]], "role": "facilitator"},
    )
    assert r.status_code == 303
    them = browser()
    await them.sign_in(api.emails[colleague["authorization"]])
    assert "สมัชชาสวัสดิการชุมชน" in (await them.get("/staff")).text
    assert (await them.get(f"/staff/s/{s['code']}")).status_code == 200
    page = them.page(await them.get(f"/staff/assemblies/{assembly}"))
    assert page.find("form", action=f"/staff/assemblies/{assembly}/team") is None  # only owners change the team
    # The owner withdraws the part from the page; the console is closed to them at once.
    page = owner.page(await owner.get(f"/staff/assemblies/{assembly}"))
    rows = [f for f in page.find_all("form", action=f"/staff/assemblies/{assembly}/team/remove")]
    theirs = next(f for f in rows if api.emails[colleague["authorization"]] in f.get_text())
    grant_id = theirs.find("input", attrs={"name": "grant_id"})["value"]
    r = await owner.post(
        f"/staff/assemblies/{assembly}/team/remove", {"csrf_token": owner.csrf(page), "grant_id": grant_id}
    )
    assert r.status_code == 303
    assert (await them.get(f"/staff/s/{s['code']}")).status_code == 403
