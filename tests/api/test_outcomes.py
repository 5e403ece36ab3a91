"""Answers, pledges, action items and the public follow-up over the JSON API; refusals change nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx

from deliberate.outcomes.services import today
from deliberate.proposals.models import Proposal
from tests.conftest import Api, row_counts


async def carried_proposal(api: Api, facilitator: dict[str, str]) -> tuple[dict[str, Any], int, int]:
    """A session with one adopted and one unanswered proposal."""
    s = await api.new_session(facilitator, phase="ideas")
    author = await api.join(s["code"], "สมปอง ใจดี")
    adopted = (await api.propose(author, s["code"], s["themes"][0]["id"], title="ศูนย์ดูแลผู้สูงอายุกลางวัน"))["id"]
    other = (await api.propose(author, s["code"], s["themes"][0]["id"], title="ขุดลอกสระน้ำสาธารณะ"))["id"]
    r = await api.client.post(
        f"/api/v1/proposals/{adopted}/answer",
        headers=facilitator,
        json={
            "state": "adopted",
            "reason": "สอดคล้องกับแผนพัฒนาจังหวัด",
            "programme": "จัดตั้งศูนย์ดูแลผู้สูงอายุ",
            "lead_agency": "เทศบาลนครภูเก็ต",
            "partners": "พมจ.ภูเก็ต",
            "budget": 250000,
            "fiscal_year": 2570,
        },
    )
    assert r.status_code == 200, r.text
    return s, adopted, other


def due(days: int) -> str:
    return (today() + dt.timedelta(days=days)).isoformat()


async def test_answer_maps_a_proposal_onto_the_plan(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    s, adopted, other = await carried_proposal(api, facilitator)
    official = await api.staff("official")
    await api.grant(facilitator, s["assembly_id"], official, "official")
    r = await client.post(
        f"/api/v1/proposals/{other}/answer",
        headers=official,
        json={"state": "forwarded", "reason": "อยู่ในอำนาจของ อบต.", "lead_agency": "อบต.รัษฎา"},
    )
    assert r.status_code == 200 and r.json()["state"] == "forwarded"
    # Answering again replaces the answer; there is still one per proposal.
    r = await client.post(
        f"/api/v1/proposals/{other}/answer", headers=official, json={"state": "not_adopted", "reason": "ซ้ำกับโครงการเดิม"}
    )
    assert r.json()["state"] == "not_adopted" and r.json()["lead_agency"] == ""

    participant = await api.join(s["code"], "ชาวบ้าน")
    before = await row_counts()
    refused = [
        (participant, {"state": "adopted", "reason": "x"}, 403),
        (facilitator, {"state": "maybe", "reason": "x"}, 422),
        (facilitator, {"state": "adopted", "reason": ""}, 422),
        (facilitator, {"state": "forwarded", "reason": "ส่งต่อ"}, 422),  # to whom?
        (facilitator, {"state": "adopted", "reason": "x", "budget": -5}, 422),
        (facilitator, {"state": "adopted", "reason": "x", "budget": "ห้าแสน"}, 422),
        (facilitator, {"state": "adopted", "reason": "x", "fiscal_year": 2026}, 422),  # not Buddhist era
        (facilitator, {"state": "adopted", "reason": "ก" * 1001}, 422),
    ]
    for who, body, status in refused:
        r = await client.post(f"/api/v1/proposals/{adopted}/answer", headers=who, json=body)
        assert r.status_code == status, (body, r.text)
        assert r.json()["message"]
    assert (await client.post(f"/api/v1/proposals/{adopted}/answer", json={"state": "adopted"})).status_code == 401
    assert await row_counts() == before


async def test_pledges_in_the_commitments_phase_only_on_carried_proposals(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    s, adopted, other = await carried_proposal(api, facilitator)
    person = await api.join(s["code"], "อพม. สมใจ", sector="volunteer")
    body = {"role": "support", "what": "จัดเวรอาสาสมัครดูแลวันละ ๒ คน", "due": due(30)}
    r = await client.post(f"/api/v1/proposals/{adopted}/commitments", headers=person, json=body)
    assert r.status_code == 403 and "ไม่เปิด" in r.json()["message"]  # still in the ideas phase
    await api.set_phase(facilitator, s["code"], "commitments")
    before = await row_counts()
    refused = [
        (other, body, 403),  # not answered: nothing to pledge on
        (adopted, body | {"due": due(-1)}, 422),  # already past
        (adopted, body | {"due": "31/03/2570"}, 422),
        (adopted, body | {"what": "ก" * 501}, 422),
        (adopted, body | {"role": "boss"}, 422),
    ]
    for pid, b, status in refused:
        r = await client.post(f"/api/v1/proposals/{pid}/commitments", headers=person, json=b)
        assert r.status_code == status, (b, r.text)
    assert await row_counts() == before

    key = {"Idempotency-Key": "pledge-1"}
    r = await client.post(f"/api/v1/proposals/{adopted}/commitments", headers=person | key, json=body)
    again = await client.post(f"/api/v1/proposals/{adopted}/commitments", headers=person | key, json=body)
    assert r.status_code == again.status_code == 201 and r.json() == again.json()
    assert r.json()["kind"] == "participant" and r.json()["role"] == "support"
    r = await client.post(
        f"/api/v1/proposals/{adopted}/commitments",
        headers=facilitator,
        json={"who": "เทศบาลนครภูเก็ต", "role": "lead", "what": "จัดหาสถานที่และงบประมาณปีแรก", "due": due(120)},
    )
    assert r.status_code == 201 and r.json()["kind"] == "agency"
    assert (await row_counts())["Commitment"] == before["Commitment"] + 2


async def test_action_items_progress_and_the_public_follow_up(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    s, adopted, other = await carried_proposal(api, facilitator)
    official = await api.staff("official")
    await api.grant(facilitator, s["assembly_id"], official, "official")
    item = {
        "title": "หาสถานที่ตั้งศูนย์",
        "community_owner": "สภาองค์กรชุมชนตำบลรัษฎา",
        "agency_owner": "เทศบาลนครภูเก็ต",
        "due": due(90),
    }
    r = await client.post(f"/api/v1/proposals/{adopted}/action-items", headers=official, json=item)
    assert r.status_code == 201, r.text
    item_id = r.json()["id"]
    assert r.json()["status"] == "not_started"
    before = await row_counts()
    for body, status in [
        ({"status": "finished", "note": "x"}, 422),
        ({"status": "done", "note": ""}, 422),
        ({"status": "done", "note": "x", "on": due(3)}, 422),
    ]:
        r = await client.post(f"/api/v1/action-items/{item_id}/updates", headers=official, json=body)
        assert r.status_code == status, (body, r.text)
    assert (
        await client.post(f"/api/v1/proposals/{other}/action-items", headers=official, json=item)
    ).status_code == 403
    assert (
        await client.post(f"/api/v1/proposals/{adopted}/action-items", headers=official, json=item | {"due": due(-10)})
    ).status_code == 422
    assert (
        await client.post("/api/v1/action-items/999999/updates", headers=official, json={"status": "done", "note": "x"})
    ).status_code == 404
    assert await row_counts() == before
    r = await client.post(
        f"/api/v1/action-items/{item_id}/updates",
        headers=official,
        json={"status": "in_progress", "note": "สำรวจอาคารว่างของเทศบาลแล้ว ๒ แห่ง", "on": due(-2)},
    )
    assert r.status_code == 201

    session = (await client.get(f"/api/v1/sessions/{s['code']}")).json()
    public = await client.get(f"/api/v1/assemblies/{session['assembly']['id']}/follow-up")  # no token
    assert public.status_code == 200
    entries = {e["id"]: e for e in public.json()["proposals"]}
    assert set(entries) == {adopted}  # the unanswered proposal is not in the follow-up
    entry = entries[adopted]
    assert entry["answer"]["lead_agency"] == "เทศบาลนครภูเก็ต" and entry["answer"]["budget"] == 250000
    [got] = entry["action_items"]
    assert got["status"] == "in_progress" and got["updates"][0]["note"].startswith("สำรวจ")
    assert "สมปอง" not in public.text  # no names in public
    assert (await client.get("/api/v1/assemblies/999999/follow-up")).status_code == 404


async def test_brief_json_is_versioned_by_content(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    s, adopted, _ = await carried_proposal(api, facilitator)
    url = f"/api/v1/sessions/{s['code']}/brief.json"
    first = await client.get(url, headers=facilitator)
    assert first.status_code == 200, first.text
    assert first.headers["content-type"].startswith("application/json")
    assert f"brief-{s['code']}-v1.json" in first.headers["content-disposition"]
    brief = first.json()
    assert brief["schema"] == "deliberate.brief/2" and brief["version"] == 1 and len(brief["content_hash"]) == 64
    [p] = [p for p in brief["proposals"] if p["id"] == adopted]
    # "ขอให้ [agency] ร่วมกับ [partners] [verb ...]": the project name opens with its verb.
    assert p["clause"] == "ขอให้เทศบาลนครภูเก็ต ร่วมกับพมจ.ภูเก็ต จัดตั้งศูนย์ดูแลผู้สูงอายุ"
    assert [r["proposal_id"] for r in brief["plan_rows"]] == [adopted]
    # No personal data: a lone proposer's sector is pooled away, so it never stands beside the row's ตำบล.
    assert p["proposers"]["count"] == 1 and p["proposers"]["by_sector"] == []
    assert brief["plan_rows"][0]["proposers_by_sector"] == "แต่ละภาคส่วนมีน้อยกว่า 5 คน จึงไม่แสดง"
    assert "สมปอง" not in first.text  # the author's display name is nowhere in the open data
    same = (await client.get(url, headers=facilitator)).json()
    assert (same["version"], same["content_hash"]) == (1, brief["content_hash"])
    someone = await api.join(s["code"], "คนใหม่")
    await api.set_phase(facilitator, s["code"], "voting")
    await api.support(someone, adopted)
    changed = (await client.get(url, headers=facilitator)).json()
    assert changed["version"] == 2 and changed["content_hash"] != brief["content_hash"]


async def test_brief_is_for_officials_and_facilitators_and_refuses_clearly(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    s = await api.new_session(facilitator, phase="ideas")
    url = f"/api/v1/sessions/{s['code']}/brief"
    empty = await client.get(f"{url}.json", headers=facilitator)
    assert empty.status_code == 409 and "ยังไม่มี" in empty.json()["message"]
    author = await api.join(s["code"], "ผู้เสนอ")
    await api.propose(author, s["code"], s["themes"][0]["id"], title="ตลาดนัดสินค้าชุมชน")
    assert (await client.get(f"{url}.json", headers=author)).status_code == 403
    assert (await client.get(f"{url}.json")).status_code == 401
    official = await api.staff("official")
    # Staff stay in their assembly: an official sees its brief once the assembly's owner adds them.
    assert (await client.get(f"{url}.json", headers=official)).status_code == 403
    await api.grant(facilitator, s["assembly_id"], official, "official")
    assert (await client.get(f"{url}.json", headers=official)).status_code == 200
    odd = await client.get(f"{url}.exe", headers=official)
    assert odd.status_code == 404 and "pdf, docx" in odd.json()["message"]
    assert (await client.get(f"/api/v1/sessions/{s['code']}/minutes.xlsx", headers=official)).status_code == 404
    assert (await client.get(f"{url}.csv", headers=official, params={"sheet": "passwords"})).status_code == 404


async def test_a_later_assembly_checks_in_on_what_was_carried(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    s, adopted, other = await carried_proposal(api, facilitator)
    official = await api.staff("official")
    await api.grant(facilitator, s["assembly_id"], official, "official")
    item = (
        await client.post(
            f"/api/v1/proposals/{adopted}/action-items",
            headers=official,
            json={"title": "หาสถานที่", "community_owner": "สภาองค์กรชุมชน", "agency_owner": "เทศบาล", "due": due(30)},
        )
    ).json()
    await client.post(
        f"/api/v1/action-items/{item['id']}/updates",
        headers=official,
        json={"status": "stalled", "note": "รองบประมาณปีหน้า"},
    )
    earlier = (await client.get(f"/api/v1/sessions/{s['code']}")).json()["assembly"]["id"]
    later = await api.new_session(facilitator, themes=["ประเด็นใหม่"])
    here = later["assembly"]["id"]
    before = await row_counts()
    for body, status in [
        ({"from_assembly_id": here}, 422),
        ({"from_assembly_id": "x"}, 422),
        ({"from_assembly_id": 999999}, 404),
    ]:
        r = await client.post(f"/api/v1/assemblies/{here}/check-in", headers=facilitator, json=body)
        assert r.status_code == status, (body, r.text)
    assert (
        await client.post(f"/api/v1/assemblies/{here}/check-in", headers=official, json={"from_assembly_id": earlier})
    ).status_code == 403
    assert await row_counts() == before
    r = await client.post(
        f"/api/v1/assemblies/{here}/check-in", headers=facilitator, json={"from_assembly_id": earlier}
    )
    assert r.status_code == 201 and r.json()["proposals"] == 1, r.text
    copy = await Proposal.get(session__code=r.json()["code"])
    assert copy.external_id == f"followup:{adopted}" and copy.title == "ศูนย์ดูแลผู้สูงอายุกลางวัน"
    assert "หยุดชะงัก" in copy.body and "รองบประมาณปีหน้า" in copy.body and "รับเป็นข้อเสนอของสมัชชา" in copy.body


PLAN = {
    "title": "แผนพัฒนาจังหวัดภูเก็ต พ.ศ. 2566-2570",
    "period": "2566-2570",
    "issues": [
        {"name": "ยกระดับการท่องเที่ยว", "approaches": ["พัฒนาแหล่งท่องเที่ยว"]},
        {"name": "พัฒนาคุณภาพชีวิตและสังคม", "approaches": ["พัฒนาระบบดูแลผู้สูงอายุโดยชุมชน", "ส่งเสริมที่อยู่อาศัยมั่นคง"]},
    ],
}


async def plan_session(api: Api, facilitator: dict[str, str]) -> tuple[dict[str, Any], int]:
    """A session of an assembly in Phuket, whose plan an administrator has entered, with one proposal."""
    admin = await api.staff("admin")
    r = await api.client.put("/api/v1/provinces/83/plan", headers=admin, json=PLAN)
    assert r.status_code == 200, r.text
    s = await api.new_session(facilitator, phase="ideas", province_code="83")
    author = await api.join(s["code"], "สมปอง ใจดี")
    pid = (await api.propose(author, s["code"], s["themes"][0]["id"], title="ศูนย์ดูแลผู้สูงอายุกลางวัน"))["id"]
    return s, pid


FULL_ROW = {
    "state": "adopted",
    "reason": "สอดคล้องกับแผนพัฒนาจังหวัด",
    "programme": "จัดตั้งศูนย์ดูแลผู้สูงอายุโดยชุมชน",
    "lead_agency": "เทศบาลตำบลวิชิต",
    "partners": "พมจ.ภูเก็ต",
    "budget": 450000,
    "fiscal_year": 2570,
    "fiscal_year_to": 2571,
    "plan_issue": "พัฒนาคุณภาพชีวิตและสังคม",
    "plan_approach": "พัฒนาระบบดูแลผู้สูงอายุโดยชุมชน",
    "rationale": "ผู้สูงอายุติดบ้านเพิ่มขึ้นทุกปี",
    "objectives": "เพื่อให้ผู้สูงอายุได้รับการดูแลใกล้บ้าน",
    "targets": "ศูนย์ ๑ แห่ง",
    "indicators": [{"name": "ผู้สูงอายุที่ได้รับการดูแล (คน)", "values": {"2570": "30", "2571": "45"}}],
    "target_group": "ผู้สูงอายุติดบ้าน",
    "area_codes": ["830105", "8303"],
    "budget_source": "local",
    "national_fit": "แผนพัฒนาฯ ฉบับที่ 13 หมุดหมายที่ 9",
    "coordinator": "ชมรมผู้สูงอายุตำบลวิชิต",
}


async def test_a_plan_row_has_every_column_from_the_province_plan(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    s, pid = await plan_session(api, facilitator)
    # The plan is public, as the document itself is; the answer form chooses from it.
    plan = (await client.get("/api/v1/provinces/83/plan")).json()
    assert [i["number"] for i in plan["issues"]] == [1, 2] and plan["issues"][1]["approaches"][1] == "ส่งเสริมที่อยู่อาศัยมั่นคง"
    r = await client.post(f"/api/v1/proposals/{pid}/answer", headers=facilitator, json=FULL_ROW)
    assert r.status_code == 200, r.text
    assert r.json()["indicators"] == FULL_ROW["indicators"] and r.json()["area_codes"] == ["830105", "8303"]
    brief = (await client.get(f"/api/v1/sessions/{s['code']}/brief.json", headers=facilitator)).json()
    [row] = brief["plan_rows"]
    assert row["issue"] == "ประเด็นการพัฒนาที่ 2 พัฒนาคุณภาพชีวิตและสังคม"
    assert row["approach"] == "พัฒนาระบบดูแลผู้สูงอายุโดยชุมชน"
    assert row["project"] == "จัดตั้งศูนย์ดูแลผู้สูงอายุโดยชุมชน"
    assert row["rationale"].startswith("ผู้สูงอายุติดบ้านเพิ่มขึ้นทุกปี\nที่ประชุม: ผู้สนับสนุน")
    assert row["indicators"] == "ผู้สูงอายุที่ได้รับการดูแล (คน): ปี 2570: 30, ปี 2571: 45"
    assert row["area"] == "วิชิต (เมืองภูเก็ต) (830105), ถลาง (8303)"
    assert (row["fiscal_years"], row["budget"], row["budget_source"]) == (
        "2570-2571",
        450000,
        "งบประมาณองค์กรปกครองส่วนท้องถิ่น",
    )
    assert all(value not in ("", None) for value in row.values()), row
    assert "เจ้าหน้าที่ไม่ได้ระบุ" not in str(row)


async def test_a_column_the_staff_left_empty_says_so(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    s, pid = await plan_session(api, facilitator)
    r = await client.post(
        f"/api/v1/proposals/{pid}/answer",
        headers=facilitator,
        json={"state": "adopted", "reason": "สอดคล้องกับแผน", "lead_agency": "เทศบาลตำบลวิชิต"},
    )
    assert r.status_code == 200, r.text
    brief = (await client.get(f"/api/v1/sessions/{s['code']}/brief.json", headers=facilitator)).json()
    [row] = brief["plan_rows"]
    for key in ("issue", "approach", "project", "objectives", "targets", "indicators", "fiscal_years", "budget_source"):
        assert row[key] == "เจ้าหน้าที่ไม่ได้ระบุ", key
    assert row["rationale"].startswith("เจ้าหน้าที่ไม่ได้ระบุ\n")
    assert row["area"] == "พื้นที่ของผู้เสนอ: ตลาดใหญ่ (เมืองภูเก็ต) (830101)"  # where the proposer lives
    assert all(value not in ("", None) for key, value in row.items() if key != "budget"), row


async def test_a_plan_row_is_refused_clearly_and_writes_nothing(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    s, pid = await plan_session(api, facilitator)
    admin = await api.staff("admin")
    before = await row_counts()
    url = f"/api/v1/proposals/{pid}/answer"
    cases = [
        ({"plan_approach": "ส่งเสริมที่อยู่อาศัยมั่นคง", "plan_issue": "ยกระดับการท่องเที่ยว"}, "plan_approach", "แนวทาง"),
        ({"plan_issue": "ประเด็นที่ไม่มีในแผน"}, "plan_issue", "แผนพัฒนาจังหวัด"),
        ({"programme": "โครงการศูนย์ดูแลผู้สูงอายุ"}, "programme", "ดำเนินโครงการศูนย์ดูแลผู้สูงอายุ"),
        ({"indicators": [{"name": "ผู้สูงอายุ", "values": {"2575": "9"}}]}, "indicators", "นอกปีงบประมาณ"),
        ({"indicators": "ผู้สูงอายุ 30 คน"}, "indicators", "อย่างน้อยหนึ่งปีงบประมาณ"),
        ({"area_codes": ["100101"]}, "area_codes", "100101"),
        ({"fiscal_year_to": 2569}, "fiscal_year_to", "2570"),
        ({"budget_source": "lottery"}, "budget_source", "เลือก"),
    ]
    for change, field, words in cases:
        r = await client.post(url, headers=facilitator, json=FULL_ROW | change)
        assert r.status_code == 422, (change, r.text)
        assert r.json()["field"] == field and words in r.json()["message"], (change, r.json())
    assert await row_counts() == before
    # The plan itself: administrators only, and whole or not at all.
    assert (await client.put("/api/v1/provinces/83/plan", headers=facilitator, json=PLAN)).status_code == 403
    bad = PLAN | {"issues": [{"name": "ยกระดับการท่องเที่ยว", "approaches": []}]}
    r = await client.put("/api/v1/provinces/83/plan", headers=admin, json=bad)
    assert r.status_code == 422 and "ยกระดับการท่องเที่ยว" in r.json()["message"]
    assert (await client.put("/api/v1/provinces/99/plan", headers=admin, json=PLAN)).status_code == 422
    assert (await client.get("/api/v1/provinces/83/plan")).json()["issues"][1]["name"] == "พัฒนาคุณภาพชีวิตและสังคม"
    assert await row_counts() == before
