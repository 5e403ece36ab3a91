"""Resolutions over the JSON API: draft, amend against a version, decide, check consensus clause by clause."""

from __future__ import annotations

from typing import Any

import httpx

from deliberate.resolutions.models import Amendment, CheckAnswer, Clause
from tests.conftest import Api, row_counts

DRAFT = {
    "title": "การดูแลผู้สูงอายุโดยชุมชน",
    "background": "ผู้สูงอายุติดบ้านติดเตียงเพิ่มขึ้นทุกปี",
    "preamble": ["ตระหนักว่าผู้สูงอายุที่อยู่ลำพังต้องการการดูแลใกล้บ้าน"],
    "clauses": [
        {"text": "ขอให้เทศบาลจัดตั้งศูนย์ดูแลผู้สูงอายุภายในปี ๒๕๗๐", "lead_agency": "เทศบาล", "partners": ["พมจ."]},
        {"text": "ขอให้สภาองค์กรชุมชนจัดอาสาสมัครเยี่ยมบ้าน", "lead_agency": "สภาองค์กรชุมชน"},
    ],
}


async def drafted(api: Api, facilitator: dict[str, str]) -> tuple[dict[str, Any], dict[str, Any]]:
    s = await api.new_session(facilitator, phase="deliberation")
    r = await api.client.post(f"/api/v1/sessions/{s['code']}/items", headers=facilitator, json=DRAFT)
    assert r.status_code == 201, r.text
    return s, r.json()


async def test_amend_against_a_version_and_decide(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    s, item = await drafted(api, facilitator)
    first, second = item["clauses"]
    assert (first["version"], first["text"]) == (1, DRAFT["clauses"][0]["text"])
    amy, ben = await api.join(s["code"], "ป้าแดง"), await api.join(s["code"], "ลุงเพิ่ม")
    wording = "ขอให้องค์การบริหารส่วนจังหวัดร่วมกับเทศบาลจัดตั้งศูนย์ดูแลผู้สูงอายุติดเตียงภายในปี ๒๕๗๐"
    one = await client.post(
        f"/api/v1/clauses/{first['id']}/amendments",
        headers=amy,
        json={"op": "replace", "text": wording, "reason": "ให้ อบจ. ร่วมงบประมาณ", "base_version": 1},
    )
    two = await client.post(
        f"/api/v1/clauses/{first['id']}/amendments",
        headers=ben,
        json={"op": "replace", "text": "ขอให้เทศบาลจัดตั้งศูนย์ดูแลผู้สูงอายุภายในปี ๒๕๖๙", "reason": "เร็วขึ้น", "base_version": 1},
    )
    assert one.status_code == two.status_code == 201
    assert (await client.post(f"/api/v1/amendments/{one.json()['id']}/backers", headers=ben)).status_code == 201
    assert (await client.post(f"/api/v1/amendments/{one.json()['id']}/backers", headers=ben)).status_code == 200

    listing = (await client.get(f"/api/v1/sessions/{s['code']}/items")).json()
    marked = listing["items"][0]["clauses"][0]["amendments"][0]
    assert marked["backers"] == 1
    added = [p["text"] for p in marked["diff"] if p["op"] == "added"]
    assert added == ["องค์การบริหารส่วนจังหวัดร่วมกับ", "ติดเตียง"]  # whole Thai words, not letters

    r = await client.post(
        f"/api/v1/amendments/{one.json()['id']}/decision", headers=facilitator, json={"decision": "accept"}
    )
    assert r.status_code == 200 and r.json()["clause"] == {**r.json()["clause"], "version": 2, "text": wording}
    # The second was written against version 1: it can no longer be applied, and says why.
    before = await row_counts()
    stale = await client.post(
        f"/api/v1/amendments/{two.json()['id']}/decision", headers=facilitator, json={"decision": "accept"}
    )
    assert stale.status_code == 409 and "เวอร์ชัน 2" in stale.json()["message"]
    late = await client.post(
        f"/api/v1/clauses/{first['id']}/amendments",
        headers=ben,
        json={"op": "delete", "reason": "ซ้ำ", "base_version": 1},
    )
    assert late.status_code == 409
    assert await row_counts() == before
    assert (await Clause.get(id=first["id"])).text == wording
    assert (
        await client.post(
            f"/api/v1/amendments/{two.json()['id']}/decision", headers=facilitator, json={"decision": "reject"}
        )
    ).status_code == 200
    assert (await Amendment.get(id=two.json()["id"])).status == "rejected"

    inserted = await client.post(
        f"/api/v1/clauses/{first['id']}/amendments",
        headers=amy,
        json={
            "op": "insert",
            "text": "ขอให้โรงพยาบาลส่งเสริมสุขภาพตำบลเยี่ยมบ้านเดือนละครั้ง",
            "reason": "ด้านสุขภาพ",
            "base_version": 2,
        },
    )
    await client.post(
        f"/api/v1/amendments/{inserted.json()['id']}/decision", headers=facilitator, json={"decision": "accept"}
    )
    numbered = (await client.get(f"/api/v1/sessions/{s['code']}/items")).json()["items"][0]["clauses"]
    assert [c["number"] for c in numbered] == [1, 2, 3] and numbered[1]["text"].startswith("ขอให้โรงพยาบาล")
    assert numbered[2]["id"] == second["id"]


async def test_consensus_check_by_the_session_rule(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    s, item = await drafted(api, facilitator)
    clause = item["clauses"][0]
    people = [
        await api.join(s["code"], f"ผู้แทน {i}", sector=sector)
        for i, sector in enumerate(["government", "academia", "community", "community", "volunteer"])
    ]
    check = (await client.post(f"/api/v1/clauses/{clause['id']}/checks", headers=facilitator)).json()
    assert (await client.post(f"/api/v1/clauses/{clause['id']}/checks", headers=facilitator)).status_code == 409
    before = await row_counts()
    refused = await client.post(
        f"/api/v1/checks/{check['id']}/answers", headers=people[0], json={"answer": "reservation"}
    )  # no reason
    assert refused.status_code == 422 and refused.json()["field"] == "reason"
    assert await row_counts() == before
    for who, answer in zip(people, ["agree", "agree", "live_with", "agree", "reservation"], strict=True):
        body = {"answer": answer, "reason": "ควรกำหนดงบประมาณให้ชัด" if answer == "reservation" else ""}
        assert (await client.post(f"/api/v1/checks/{check['id']}/answers", headers=who, json=body)).status_code == 201
    live = (await client.get(f"/api/v1/checks/{check['id']}")).json()
    assert live["counts"] == {"agree": 3, "live_with": 1, "reservation": 1, "block": 0}
    assert {g["key"]: g["answers"] for g in live["by_sector"]} == {"state": 1, "academia": 1, "people": 3}
    closed = await client.post(f"/api/v1/checks/{check['id']}/close", headers=facilitator)
    assert closed.status_code == 200 and closed.json()["outcome"] == "adopted"  # 1 of 5 is within 20%
    assert (await Clause.get(id=clause["id"])).reservations == ["ควรกำหนดงบประมาณให้ชัด"]
    after = await client.post(f"/api/v1/checks/{check['id']}/answers", headers=people[0], json={"answer": "block"})
    assert after.status_code == 403 and await CheckAnswer.filter(check_id=check["id"]).count() == 5

    blocked = (await client.post(f"/api/v1/clauses/{item['clauses'][1]['id']}/checks", headers=facilitator)).json()
    await client.post(f"/api/v1/checks/{blocked['id']}/answers", headers=people[0], json={"answer": "agree"})
    await client.post(
        f"/api/v1/checks/{blocked['id']}/answers", headers=people[1], json={"answer": "block", "reason": "ขัดกับระเบียบ"}
    )
    result = (await client.post(f"/api/v1/checks/{blocked['id']}/close", headers=facilitator)).json()
    assert result["outcome"] == "not_adopted"
    assert (await Clause.get(id=item["clauses"][1]["id"])).status == "not_adopted"


async def test_delegates_only_one_voice_per_network(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    s, item = await drafted(api, facilitator)
    r = await client.post(
        f"/api/v1/sessions/{s['code']}/resolution-rules",
        headers=facilitator,
        json={"voters": "network", "amenders": "delegates", "max_reservation_share": 0.25},
    )
    assert r.status_code == 200
    a1, a2, outsider = (await api.join(s["code"], "ก"), await api.join(s["code"], "ข"), await api.join(s["code"], "ค"))
    ids = {}
    for who in (a1, a2, outsider):
        ids[who["authorization"]] = (await client.get("/api/v1/sessions/" + s["code"])).status_code
    from deliberate.sessions.models import Participant

    people = await Participant.filter(session__code=s["code"]).order_by("id")
    for person in people[:2]:
        assert (
            await client.post(
                f"/api/v1/sessions/{s['code']}/delegates",
                headers=facilitator,
                json={"participant_id": person.id, "network": "เครือข่ายผู้สูงอายุ"},
            )
        ).status_code == 201
    clause = item["clauses"][0]
    check = (await client.post(f"/api/v1/clauses/{clause['id']}/checks", headers=facilitator)).json()
    before = await row_counts()
    r = await client.post(f"/api/v1/checks/{check['id']}/answers", headers=outsider, json={"answer": "agree"})
    assert r.status_code == 403 and "ผู้แทน" in r.json()["message"]
    r = await client.post(
        f"/api/v1/clauses/{clause['id']}/amendments",
        headers=outsider,
        json={"op": "delete", "reason": "ไม่จำเป็น", "base_version": 1},
    )
    assert r.status_code == 403
    assert await row_counts() == before
    await client.post(f"/api/v1/checks/{check['id']}/answers", headers=a1, json={"answer": "agree"})
    await client.post(f"/api/v1/checks/{check['id']}/answers", headers=a2, json={"answer": "live_with"})
    live = (await client.get(f"/api/v1/checks/{check['id']}")).json()
    assert live["total"] == 1 and live["counts"]["live_with"] == 1  # one network, one voice: the later one


async def test_resolution_work_needs_the_deliberation_phase_and_staff(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    s, item = await drafted(api, facilitator)
    person = await api.join(s["code"], "ชาวบ้าน")
    assert (await client.post(f"/api/v1/sessions/{s['code']}/items", headers=person, json=DRAFT)).status_code == 403
    bad = await client.post(f"/api/v1/sessions/{s['code']}/items", headers=facilitator, json={**DRAFT, "clauses": []})
    assert bad.status_code == 422 and bad.json()["field"] == "clauses"
    await api.set_phase(facilitator, s["code"], "voting")
    r = await client.post(
        f"/api/v1/clauses/{item['clauses'][0]['id']}/amendments",
        headers=person,
        json={"op": "delete", "reason": "x", "base_version": 1},
    )
    assert r.status_code == 403
    r = await client.get(f"/api/v1/sessions/{s['code']}/resolution.json", headers=facilitator)
    assert r.status_code == 200 and r.json()["items"][0]["title"] == DRAFT["title"]
    assert (await client.get(f"/api/v1/sessions/{s['code']}/resolution.json", headers=person)).status_code == 403


async def test_screen_proposals_and_group_them_into_an_item(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    s = await api.new_session(facilitator, phase="ideas")
    author = await api.join(s["code"], "ผู้เสนอ")
    ids = [
        (await api.propose(author, s["code"], s["themes"][0]["id"], title=t))["id"]
        for t in ("ศูนย์ดูแลผู้สูงอายุกลางวัน", "อาสาสมัครเยี่ยมบ้านผู้สูงอายุ", "ตลาดนัดชุมชน")
    ]
    assembly = s["assembly"]["id"]
    criteria = (await client.get(f"/api/v1/assemblies/{assembly}/criteria")).json()["criteria"]
    assert [c["name"] for c in criteria] == ["ความสำคัญ", "ความรุนแรง", "ประโยชน์ต่อสาธารณะ", "ความเป็นไปได้"]
    r = await client.post(
        f"/api/v1/assemblies/{assembly}/criteria",
        headers=facilitator,
        json={"criteria": [{"name": c["name"], "description": c["description"]} for c in criteria[:3]]},
    )
    assert r.status_code == 200 and len(r.json()["criteria"]) == 3
    kept = r.json()["criteria"]
    for pid, score in ((ids[0], 5), (ids[1], 4), (ids[2], 2)):
        r = await client.post(
            f"/api/v1/proposals/{pid}/screening",
            headers=facilitator,
            json={"scores": {str(c["id"]): score for c in kept}},
        )
        assert r.status_code == 200 and r.json()["total"] == score * 3
    before = await row_counts()
    for body in ({"scores": {str(kept[0]["id"]): 9}}, {"scores": {"999999": 3}}, {"scores": {}}):
        assert (
            await client.post(f"/api/v1/proposals/{ids[0]}/screening", headers=facilitator, json=body)
        ).status_code in (404, 422)
    assert (
        await client.post(
            f"/api/v1/proposals/{ids[0]}/screening", headers=author, json={"scores": {str(kept[0]["id"]): 3}}
        )
    ).status_code == 403
    assert await row_counts() == before
    table = (await client.get(f"/api/v1/sessions/{s['code']}/screening", headers=facilitator)).json()
    assert [p["id"] for p in table["proposals"]] == ids  # 15, 12, 6
    await api.set_phase(facilitator, s["code"], "deliberation")
    r = await client.post(
        f"/api/v1/sessions/{s['code']}/items", headers=facilitator, json={**DRAFT, "proposal_ids": ids[:2]}
    )
    assert r.status_code == 201
    listing = (await client.get(f"/api/v1/sessions/{s['code']}/items")).json()["items"][0]
    assert [p["title"] for p in listing["proposals"]] == ["ศูนย์ดูแลผู้สูงอายุกลางวัน", "อาสาสมัครเยี่ยมบ้านผู้สูงอายุ"]
    other = await api.new_session(facilitator, phase="deliberation")
    r = await client.post(
        f"/api/v1/sessions/{other['code']}/items", headers=facilitator, json={**DRAFT, "proposal_ids": ids[:1]}
    )  # not that session's proposal
    assert r.status_code == 422 and r.json()["field"] == "proposal_ids"


async def test_merge_amendments_and_comment_on_a_clause(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    s, item = await drafted(api, facilitator)
    clause = item["clauses"][0]
    a, b = await api.join(s["code"], "ก"), await api.join(s["code"], "ข")
    one = (
        await client.post(
            f"/api/v1/clauses/{clause['id']}/amendments",
            headers=a,
            json={
                "op": "replace",
                "text": "ขอให้เทศบาลและ อบจ. จัดตั้งศูนย์ดูแลผู้สูงอายุภายในปี ๒๕๗๐",
                "reason": "ร่วมงบ",
                "base_version": 1,
            },
        )
    ).json()["id"]
    two = (
        await client.post(
            f"/api/v1/clauses/{clause['id']}/amendments",
            headers=b,
            json={
                "op": "replace",
                "text": "ขอให้เทศบาลจัดตั้งศูนย์ดูแลผู้สูงอายุภายในปี ๒๕๖๙",
                "reason": "เร็วขึ้น",
                "base_version": 1,
            },
        )
    ).json()["id"]
    assert (
        await client.post(
            f"/api/v1/clauses/{clause['id']}/merge", headers=a, json={"amendment_ids": [one, two], "text": "x"}
        )
    ).status_code == 403
    merged_text = "ขอให้เทศบาลและ อบจ. จัดตั้งศูนย์ดูแลผู้สูงอายุภายในปี ๒๕๖๙"
    r = await client.post(
        f"/api/v1/clauses/{clause['id']}/merge",
        headers=facilitator,
        json={"amendment_ids": [one, two], "text": merged_text, "reason": "รวมสองข้อเสนอ"},
    )
    assert r.status_code == 200 and r.json()["clause"]["version"] == 2 and r.json()["clause"]["text"] == merged_text
    statuses = {x.id: (x.status, x.merged_into_id) for x in await Amendment.filter(clause_id=clause["id"])}
    combined = next(i for i, (st, _) in statuses.items() if st == "accepted")
    assert statuses[one] == statuses[two] == ("merged", combined)
    before = await row_counts()
    again = await client.post(
        f"/api/v1/clauses/{clause['id']}/merge",
        headers=facilitator,
        json={"amendment_ids": [one, two], "text": merged_text},
    )
    assert again.status_code == 409 and await row_counts() == before

    await client.post(
        f"/api/v1/sessions/{s['code']}/resolution-rules",
        headers=facilitator,
        json={"voters": "seat", "amenders": "delegates"},
    )
    r = await client.post(f"/api/v1/clauses/{clause['id']}/comments", headers=b, json={"body": "เห็นด้วยกับปี ๒๕๖๙"})
    assert r.status_code == 201  # not a delegate, and may still comment
    assert (
        await client.post(f"/api/v1/clauses/{clause['id']}/comments", headers=b, json={"body": ""})
    ).status_code == 422
    listing = (await client.get(f"/api/v1/sessions/{s['code']}/items")).json()["items"][0]["clauses"][0]
    assert [c["body"] for c in listing["comments"]] == ["เห็นด้วยกับปี ๒๕๖๙"]


async def test_an_adopted_clause_is_followed_up_clause_by_clause(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    s, item = await drafted(api, facilitator)
    clause = item["clauses"][0]
    person = await api.join(s["code"], "ป้าแดง")
    check = (await client.post(f"/api/v1/clauses/{clause['id']}/checks", headers=facilitator)).json()
    await client.post(f"/api/v1/checks/{check['id']}/answers", headers=person, json={"answer": "agree"})
    closed = await client.post(f"/api/v1/checks/{check['id']}/close", headers=facilitator)
    assert closed.json()["outcome"] == "adopted"
    assembly = s["assembly"]["id"]
    follow = (await client.get(f"/api/v1/assemblies/{assembly}/follow-up")).json()
    [adopted] = follow["clauses"]
    assert adopted["text"] == DRAFT["clauses"][0]["text"] and adopted["lead_agency"] == "เทศบาล"
    [tracked] = adopted["action_items"]
    assert tracked["status"] == "not_started" and tracked["clause_id"] == clause["id"]
    official = await api.staff("official")
    await api.grant(facilitator, assembly, official, "official")
    r = await client.post(
        f"/api/v1/action-items/{tracked['id']}/updates",
        headers=official,
        json={"status": "in_progress", "note": "เทศบาลตั้งงบประมาณปี ๒๕๗๐ แล้ว"},
    )
    assert r.status_code == 201
    page = await client.get(f"/a/{assembly}/follow-up")
    assert "เทศบาลตั้งงบประมาณปี ๒๕๗๐ แล้ว" in page.text and DRAFT["clauses"][0]["text"] in page.text


async def test_the_drafting_team_revises_the_draft_with_versions(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    from deliberate.resolutions.models import AgendaItemVersion, ClauseVersion

    s = await api.new_session(facilitator, phase="ideas")  # drafting happens before the debate too
    item = (await client.post(f"/api/v1/sessions/{s['code']}/items", headers=facilitator, json=DRAFT)).json()
    r = await client.post(
        f"/api/v1/items/{item['id']}",
        headers=facilitator,
        json={
            "title": "การดูแลผู้สูงอายุติดบ้านติดเตียงโดยชุมชน",
            "background": "ข้อมูลปี ๒๕๖๙",
            "preamble": ["ตระหนักว่า...", "ชื่นชมชมรมผู้สูงอายุ"],
            "base_version": 1,
        },
    )
    assert r.status_code == 200 and r.json()["version"] == 2
    before = await row_counts()
    stale = await client.post(
        f"/api/v1/items/{item['id']}", headers=facilitator, json={"title": "ชื่อเก่า", "base_version": 1}
    )
    assert stale.status_code == 409 and "เวอร์ชัน 2" in stale.json()["message"]
    assert await row_counts() == before
    drafts = await AgendaItemVersion.filter(item_id=item["id"]).order_by("version").values_list("version", "title")
    assert drafts == [(1, DRAFT["title"]), (2, "การดูแลผู้สูงอายุติดบ้านติดเตียงโดยชุมชน")]

    first = item["clauses"][0]
    r = await client.post(
        f"/api/v1/clauses/{first['id']}/draft",
        headers=facilitator,
        json={"text": "ขอให้เทศบาลจัดตั้งศูนย์ดูแลผู้สูงอายุภายในปีงบประมาณ ๒๕๗๐", "lead_agency": "เทศบาล", "base_version": 1},
    )
    assert r.status_code == 200 and r.json()["version"] == 2
    assert await ClauseVersion.filter(clause_id=first["id"]).count() == 2
    added = await client.post(
        f"/api/v1/items/{item['id']}/clauses",
        headers=facilitator,
        json={"text": "ขอให้รายงานความก้าวหน้าต่อสมัชชาครั้งต่อไป", "after_clause_id": first["id"]},
    )
    assert added.status_code == 201
    listing = (await client.get(f"/api/v1/sessions/{s['code']}/items")).json()["items"][0]
    assert listing["version"] == 2 and [c["number"] for c in listing["clauses"]] == [1, 2, 3]
    assert listing["clauses"][1]["text"] == "ขอให้รายงานความก้าวหน้าต่อสมัชชาครั้งต่อไป"
    person = await api.join(s["code"], "ชาวบ้าน")
    assert (
        await client.post(f"/api/v1/clauses/{first['id']}/draft", headers=person, json={"text": "x", "base_version": 2})
    ).status_code == 403


async def test_a_later_check_in_starts_from_adopted_clauses(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    from deliberate.proposals.models import Proposal

    s, item = await drafted(api, facilitator)
    clause = item["clauses"][0]
    person = await api.join(s["code"], "ป้าแดง")
    check = (await client.post(f"/api/v1/clauses/{clause['id']}/checks", headers=facilitator)).json()
    await client.post(f"/api/v1/checks/{check['id']}/answers", headers=person, json={"answer": "agree"})
    await client.post(f"/api/v1/checks/{check['id']}/close", headers=facilitator)
    later = await api.new_session(facilitator, themes=["ประเด็นปีหน้า"])
    r = await client.post(
        f"/api/v1/assemblies/{later['assembly']['id']}/check-in",
        headers=facilitator,
        json={"from_assembly_id": s["assembly"]["id"]},
    )
    assert r.status_code == 201, r.text
    [copy] = await Proposal.filter(session__code=r.json()["code"])
    assert copy.external_id == f"clause:{clause['id']}" and DRAFT["clauses"][0]["text"] in copy.body
    assert "ข้อ 1" in copy.title


async def test_a_session_of_resolution_items_only_gets_a_brief_and_minutes_of_its_decisions(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    """The National Health Assembly case: no proposals, only a draft resolution amended and checked clause by
    clause. Part 4 of the brief is the clauses as adopted, every format says so, and the minutes record the
    amendment, the checks and the มติที่ประชุม."""
    import io

    import openpyxl
    from docx import Document

    s, item = await drafted(api, facilitator)
    first, second = item["clauses"]
    people = [
        await api.join(s["code"], f"ผู้แทน {i}", sector=sector)
        for i, sector in enumerate(["government", "academia", *["community"] * 5, "volunteer"])
    ]
    amended = await client.post(
        f"/api/v1/clauses/{first['id']}/amendments",
        headers=people[2],
        json={
            "op": "replace",
            "text": first["text"] + " และจัดอาสาสมัครเยี่ยมบ้าน",
            "reason": "ต้องมีคนเยี่ยมบ้าน",
            "base_version": 1,
        },
    )
    assert amended.status_code == 201, amended.text
    said = await client.post(f"/api/v1/clauses/{first['id']}/comments", headers=people[3], json={"body": "ควรมีงบ"})
    assert said.status_code == 201, said.text
    decided = await client.post(
        f"/api/v1/amendments/{amended.json()['id']}/decision", headers=facilitator, json={"decision": "accept"}
    )
    assert decided.status_code == 200, decided.text
    reservation = "ควรกำหนดงบประมาณให้ชัด"
    for clause, answers in (
        (first, ["agree"] * 7 + ["reservation"]),
        (second, ["agree"] * 6 + ["block", "agree"]),
    ):
        check = (await client.post(f"/api/v1/clauses/{clause['id']}/checks", headers=facilitator)).json()
        for who, answer in zip(people, answers, strict=True):
            why = {"reservation": reservation, "block": "ขัดกับระเบียบ"}.get(answer, "")
            r = await client.post(
                f"/api/v1/checks/{check['id']}/answers", headers=who, json={"answer": answer, "reason": why}
            )
            assert r.status_code == 201, r.text
        assert (await client.post(f"/api/v1/checks/{check['id']}/close", headers=facilitator)).status_code == 200

    url = f"/api/v1/sessions/{s['code']}/brief"
    answer = await client.get(f"{url}.json", headers=facilitator)
    assert answer.status_code == 200, answer.text  # before: 409, "no published proposals"
    brief = answer.json()
    [got] = brief["resolution"]["items"]
    adopted, blocked = got["clauses"]
    assert adopted["status"] == "adopted" and adopted["number"] == 1 and adopted["text"].endswith("เยี่ยมบ้าน")
    assert (adopted["level"], adopted["level_label"]) == ("reservations", "มีข้อสงวน")
    assert adopted["reservations"] == [reservation]
    sectors = {g["key"]: g for g in adopted["check"]["by_sector"]}
    assert sectors["people"]["counts"] == {"agree": 5, "live_with": 0, "reservation": 1, "block": 0}
    assert sectors["state"]["counts"] is None and sectors["academia"]["counts"] is None  # 1 voice each: withheld
    assert blocked["status"] == "not_adopted" and blocked["number"] is None and blocked["why"] == "blocked"
    assert blocked["objections"] == ["ขัดกับระเบียบ"]
    assert [f["clause"] for f in brief["follow_up"]] == [{"item": 1, "number": 1}]  # the clause's action item

    markdown = (await client.get(f"{url}.md", headers=facilitator)).text
    part4 = markdown[markdown.index("## ส่วนที่ ๔") : markdown.index("## ส่วนที่ ๕")]
    assert adopted["text"] in part4 and "ระดับความเห็นพ้อง: มีข้อสงวน" in part4 and reservation in part4
    assert blocked["text"] in part4 and "ไม่ได้รับรอง" in part4 and "ขัดกับระเบียบ" in part4
    assert "ภาคประชาชนและประชาสังคม: เห็นด้วย ๕" in part4
    part7 = markdown[markdown.index("## ส่วนที่ ๗") :]
    assert "มติวาระที่ ๑ ข้อ ๑" in part7
    docx = Document(io.BytesIO((await client.get(f"{url}.docx", headers=facilitator)).content))
    text = "\n".join(p.text for p in docx.paragraphs)
    assert adopted["text"] in text and "ระดับความเห็นพ้อง: มีข้อสงวน" in text and reservation in text
    assert blocked["text"] in text
    book = openpyxl.load_workbook(io.BytesIO((await client.get(f"{url}.xlsx", headers=facilitator)).content))
    sheet = book["มติ"]
    rows = list(sheet.iter_rows(values_only=True))
    assert [r[4] for r in rows[1:]] == [adopted["text"], blocked["text"]]
    assert rows[1][15] == reservation and rows[2][15] == "ขัดกับระเบียบ"

    minutes = Document(
        io.BytesIO((await client.get(f"/api/v1/sessions/{s['code']}/minutes.docx", headers=facilitator)).content)
    )
    record = "\n".join(p.text for p in minutes.paragraphs)
    order = [
        "ผู้มาประชุม",
        "ผู้ไม่มาประชุม",
        "ผู้เข้าร่วมประชุม",
        "เริ่มประชุมเวลา",
        "เรื่องที่ประธาน",
        "รับรองรายงานการประชุม",
        "เรื่องสืบเนื่อง",
        "เรื่องเพื่อพิจารณา",
        "ระเบียบวาระที่ ๔.๑ เรื่อง การดูแลผู้สูงอายุโดยชุมชน",
        "ผู้เข้าร่วมแสดงความคิดเห็นต่อข้อมติ ๑ ครั้ง",
        "ต้องมีคนเยี่ยมบ้าน",
        "ขอฉันทามติ",
        "ที่ประชุมมีมติรับรอง ข้อ ๑ (มีข้อสงวน)",
        "เรื่องอื่น ๆ",
        "เลิกประชุมเวลา",
        "ผู้จดรายงานการประชุม",
    ]
    positions = [record.find(needle) for needle in order]
    assert -1 not in positions and positions == sorted(positions), list(zip(order, positions, strict=True))
    assert not any(ch in record for ch in "0123456789"), "the minutes mix Arabic digits into Thai ones"
