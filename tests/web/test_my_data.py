"""A participant sees everything stored about them, and deletes it: on the phone and through the API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from deliberate.audit.verify import verify
from deliberate.outcomes.models import Commitment
from deliberate.proposals.models import Proposal
from deliberate.sessions.models import Participant, Session
from deliberate.supports.models import Support
from deliberate.voting.models import Ballot
from tests.conftest import Api, Browser, auth

NAME = "บุญมี ทดสอบลบ"
ORG = "กลุ่มออมทรัพย์บ้านทดสอบลบ"


async def _join_on_phone(phone: Browser, code: str) -> str:
    await phone.get(f"/s/{code}/join")
    r = await phone.post(
        f"/s/{code}/join",
        {
            "csrf_token": phone.csrf(),
            "display_name": NAME,
            "consent": "yes",
            "subdistrict_code": "830101",
            "sector": "community",
            "organization": ORG,
        },
    )
    assert r.status_code == 303, r.text
    return phone.client.cookies[f"dlb_p_{code}"]


async def _take_part(api: Api, staff: dict[str, str], code: str, theme: int, me: dict[str, str]) -> dict[str, Any]:
    """Propose, comment, support, vote and pledge (credited by name), as a person does in a day."""
    other = await api.join(code, "คนอื่น")
    proposal = await api.propose(me, code, theme, title="ศูนย์เด็กเล็กของตำบล")
    await api.comment(me, proposal["id"], body="ควรเริ่มที่หมู่ 3 ก่อน")
    await api.comment(other, proposal["id"], body="เห็นด้วย")
    await api.set_phase(staff, code, "voting")
    await api.support(me, proposal["id"])
    await api.support(other, proposal["id"])
    r = await api.client.post(f"/api/v1/sessions/{code}/rounds", json={"method": "dots"}, headers=staff)
    assert r.status_code == 201, r.text
    r = await api.client.post(
        f"/api/v1/proposals/{proposal['id']}/votes", json={"method": "dots", "value": 1}, headers=me
    )
    assert r.status_code == 201, r.text
    r = await api.client.post(
        f"/api/v1/proposals/{proposal['id']}/answer",
        headers=staff,
        json={
            "state": "adopted",
            "reason": "สอดคล้องกับแผน",
            "programme": "จัดตั้งศูนย์เด็กเล็ก",
            "lead_agency": "อบต.",
            "partners": "",
            "budget": 1000,
            "fiscal_year": 2570,
        },
    )
    assert r.status_code == 200, r.text
    await api.set_phase(staff, code, "commitments")
    r = await api.client.post(
        f"/api/v1/proposals/{proposal['id']}/commitments",
        headers=me,
        json={"role": "lead", "what": "จัดหาอาสาสมัครดูแลเด็ก", "due": "2030-01-01", "credited": True},
    )
    assert r.status_code == 201, r.text
    return proposal


async def _brief(api: Api, staff: dict[str, str], code: str) -> str:
    r = await api.client.get(f"/api/v1/sessions/{code}/brief.json", headers=staff)
    assert r.status_code == 200, r.text
    return r.text


async def test_a_participant_sees_and_deletes_their_data_on_the_phone(
    api: Api, facilitator: dict[str, str], browser: Callable[[], Browser]
) -> None:
    s = await api.new_session(facilitator, phase="ideas")
    code, theme = s["code"], s["themes"][0]["id"]
    phone = browser()
    token = await _join_on_phone(phone, code)
    proposal = await _take_part(api, facilitator, code, theme, auth(token))
    assert NAME in await _brief(api, facilitator, code)  # credited on the pledge, as they chose

    board = phone.page(await phone.get(f"/s/{code}"))
    assert board.find("a", href=f"/s/{code}/me") is not None
    page = phone.page(await phone.get(f"/s/{code}/me"))
    text = page.get_text(" ")
    for shown in (NAME, ORG, "ตลาดใหญ่", "ศูนย์เด็กเล็กของตำบล", "ควรเริ่มที่หมู่ 3 ก่อน", "จัดหาอาสาสมัครดูแลเด็ก"):
        assert shown in text, shown
    assert page.find("form", action=f"/s/{code}/me") is None  # the delete form is a second step

    confirm = phone.page(await phone.get(f"/s/{code}/me?delete=1"))
    form = confirm.find("form", action=f"/s/{code}/me")
    assert form is not None and form.find("input", attrs={"name": "confirm", "value": "yes"}) is not None
    csrf = phone.csrf(confirm)
    r = await phone.post(f"/s/{code}/me", {"csrf_token": "x" * 43, "confirm": "yes"})
    assert r.status_code == 403
    r = await phone.post(f"/s/{code}/me", {"csrf_token": csrf})
    assert r.status_code == 422
    assert await Participant.filter(display_name=NAME).exists()

    r = await phone.post(f"/s/{code}/me", {"csrf_token": csrf, "confirm": "yes"})
    assert r.status_code == 200
    assert f"dlb_p_{code}" not in phone.client.cookies
    assert (await phone.get(f"/s/{code}")).status_code == 303  # back to the join page: the phone has left

    session = await Session.get(code=code).prefetch_related("assembly")
    person = await Participant.get(session_id=session.id, id=(await Proposal.get(id=proposal["id"])).author_id)
    assert (person.display_name, person.organization, person.subdistrict_code, person.sector, person.consent_at) == (
        "",
        "",
        "",
        "",
        None,
    )
    assert (await api.client.get("/api/v1/me", headers=auth(token))).status_code == 401
    # Contributions stay, anonymous: the counts, the tallies and the audit chain agree as before.
    assert await Support.filter(proposal_id=proposal["id"]).count() == 2
    assert await Ballot.filter(participant_id=person.id).count() == 1
    assert not (await Commitment.get(participant_id=person.id)).credited
    brief = await _brief(api, facilitator, code)
    assert NAME not in brief and ORG not in brief
    assert "ศูนย์เด็กเล็กของตำบล" in brief
    report = await verify(session)
    assert report.ok, [p.translated() for p in report.problems]


async def test_the_api_shows_and_erases_my_data(
    api: Api, facilitator: dict[str, str], client: httpx.AsyncClient
) -> None:
    s = await api.new_session(facilitator, phase="ideas", premoderation=True)
    code, theme = s["code"], s["themes"][0]["id"]
    me = await api.join(code, NAME, organization=ORG)
    draft = await api.propose(me, code, theme, title="ข้อเสนอที่ยังรอผู้ดำเนินการ")
    assert draft["status"] == "pending"

    r = await client.get("/api/v1/me", headers=me)
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["participant"]["display_name"] == NAME and data["participant"]["organization"] == ORG
    assert data["participant"]["consent_at"] and data["session"]["code"] == code
    assert [p["title"] for p in data["proposals"]] == ["ข้อเสนอที่ยังรอผู้ดำเนินการ"]
    assert (await client.get("/api/v1/me")).status_code == 401

    r = await client.delete("/api/v1/me", headers=me)
    assert r.status_code == 422 and r.json()["field"] == "confirm"
    assert (await client.delete("/api/v1/me?confirm=true", headers=facilitator)).status_code == 403
    r = await client.delete("/api/v1/me?confirm=true", headers=me)
    assert r.status_code == 200, r.text
    pid = r.json()["participant_id"]
    assert (await Participant.get(id=pid)).display_name == ""
    assert not await Proposal.filter(id=draft["id"]).exists()  # nobody's contribution yet: gone
    assert (await client.get("/api/v1/me", headers=me)).status_code == 401
    assert (await client.delete("/api/v1/me?confirm=true", headers=me)).status_code == 401
    detail = (await client.get(f"/api/v1/sessions/{code}")).json()
    assert detail["counts"]["participants"] == 1  # still counted, as no one
