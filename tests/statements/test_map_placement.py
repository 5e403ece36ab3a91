"""Facilitators can leave a participant out of the opinion map (a bot, a troll) with a reason, and put them back;
the act is in the staff record and the audit log, and the participant's marks still count."""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
import numpy as np

from deliberate.audit.models import AuditEntry
from deliberate.audit.verify import verify
from deliberate.sessions.models import Participant
from deliberate.staffrecord.models import StaffAction
from deliberate.statements import opinion
from deliberate.statements.polis_import import import_polis
from deliberate.voting.models import Ballot
from tests.conftest import ROOT, Api, Browser, on_team, row_counts
from tests.web.test_staff_pages import staff_browser

SEATTLE = ROOT / "tests" / "data" / "polis" / "15-per-hour-seattle"


async def test_facilitator_leaves_a_participant_out_and_puts_them_back(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    session = await import_polis(SEATTLE)
    await on_team(api.emails[facilitator["authorization"]], session.code)  # an import has no owner until named
    before = await opinion.recompute(session)
    pid = before.map.groups[0].members[0]
    marks = await Ballot.filter(participant_id=pid).count()
    url = f"/api/v1/sessions/{session.code}/participants/{pid}/map"

    assert (await client.post(url, headers=facilitator, json={"on_map": False})).status_code == 422  # no reason
    r = await client.post(url, headers=facilitator, json={"on_map": False, "reason": "บัญชีอัตโนมัติลงคะแนนซ้ำ"})
    assert r.status_code == 200, r.text
    assert r.json() == {"participant_id": pid, "on_map": False, "reason": "บัญชีอัตโนมัติลงคะแนนซ้ำ"}
    again = await client.post(url, headers=facilitator, json={"on_map": False, "reason": "ซ้ำ ๆ"})
    assert again.status_code == 409

    out = await opinion.recompute(session)
    assert pid not in out.map.participant_ids
    assert len(out.map.participant_ids) == len(before.map.participant_ids) - 1
    assert await Ballot.filter(participant_id=pid).count() == marks  # the marks stay and count
    body = (await client.get(f"/api/v1/sessions/{session.code}/opinion-map")).json()
    assert body["participants_in_map"] == len(before.map.participant_ids) - 1

    act = await StaffAction.filter(session_id=session.id, action="map_left_out").first()
    assert act is not None and act.reason == "บัญชีอัตโนมัติลงคะแนนซ้ำ" and act.data == {"participant": pid}
    entry = await AuditEntry.filter(session_id=session.id, kind="staff.map_left_out").first()
    assert entry is not None and json.loads(entry.payload)["data"] == {"participant": pid}
    assert "บัญชีอัตโนมัติ" not in entry.payload  # the free-text reason stays out of the chain

    r = await client.post(url, headers=facilitator, json={"on_map": True})
    assert r.status_code == 200 and r.json()["on_map"] is True
    back = await opinion.recompute(session)
    assert pid in back.map.participant_ids
    assert [(g.id, g.members) for g in back.map.groups] == [(g.id, g.members) for g in before.map.groups]
    assert await StaffAction.filter(session_id=session.id, action="map_returned").exists()
    assert await AuditEntry.filter(session_id=session.id, kind="staff.map_returned").exists()
    assert (await verify(session)).ok
    assert (await Participant.get(id=pid)).left_out_of_map_at is None


async def test_only_facilitators_and_only_this_session(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    session = await import_polis(SEATTLE)
    other = await api.new_session(facilitator, phase="deliberation")
    stranger = await api.join(other["code"])
    pid = int(np.min(await Participant.filter(session_id=session.id).values_list("id", flat=True)))
    body = {"on_map": False, "reason": "ทดสอบ"}
    url = f"/api/v1/sessions/{session.code}/participants/{pid}/map"
    assert (await client.post(url, json=body)).status_code == 401
    assert (await client.post(url, headers=stranger, json=body)).status_code == 403
    official = await api.staff("official")
    assert (await client.post(url, headers=official, json=body)).status_code == 403
    assert (await client.post(url, headers=facilitator, json=body)).status_code == 403  # not their assembly
    elsewhere = f"/api/v1/sessions/{other['code']}/participants/{pid}/map"
    assert (await client.post(elsewhere, headers=facilitator, json=body)).status_code == 404
    assert not await StaffAction.filter(session_id=session.id, action="map_left_out").exists()


async def test_console_leaves_out_and_puts_back(browser: Callable[[], Browser]) -> None:
    session = await import_polis(SEATTLE)
    code = session.code
    desk = await staff_browser(browser, code=code)
    pid = int(np.min(await Participant.filter(session_id=session.id).values_list("id", flat=True)))
    page = desk.page(await desk.get(f"/staff/s/{code}?tab=voting"))
    form = page.find("form", attrs={"action": f"/staff/s/{code}/map-placement"})
    assert form is not None and form.find("input", attrs={"name": "csrf_token"})
    base = {"csrf_token": desk.csrf(page), "tab": "voting", "participant_id": str(pid)}

    before = await row_counts()
    r = await desk.post(f"/staff/s/{code}/map-placement", base | {"do": "leave_out", "reason": " "})
    assert r.status_code == 422 and desk.page(r).find(class_="form-error") is not None
    assert await row_counts() == before
    r = await desk.post(f"/staff/s/{code}/map-placement", {"participant_id": str(pid), "reason": "บอต"})
    assert r.status_code == 403  # no CSRF token

    r = await desk.post(f"/staff/s/{code}/map-placement", base | {"do": "leave_out", "reason": "บอตลงคะแนนซ้ำ"})
    assert (r.status_code, r.headers["location"]) == (303, f"/staff/s/{code}?tab=voting")
    listed = desk.page(await desk.get(f"/staff/s/{code}?tab=voting")).find(id=f"map-left-out-{pid}")
    assert listed is not None and "บอตลงคะแนนซ้ำ" in listed.get_text()
    r = await desk.post(f"/staff/s/{code}/map-placement", base | {"do": "return"})
    assert r.status_code == 303
    assert (await Participant.get(id=pid)).left_out_of_map_at is None
    assert desk.page(await desk.get(f"/staff/s/{code}?tab=voting")).find(id=f"map-left-out-{pid}") is None
