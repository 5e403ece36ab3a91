"""Outcomes as people meet them: the staff desk answers and follows up, phones pledge, anyone reads the
follow-up page, officials download the brief from the desk."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from deliberate.accounts.models import ProvinceGrant, StaffUser
from deliberate.outcomes.models import ActionItem, Commitment, ProposalAnswer
from deliberate.outcomes.services import today
from tests.conftest import Api, Browser, row_counts
from tests.web.test_staff_pages import staff_browser


def form_data(form) -> dict[str, str]:  # noqa: ANN001
    return {i["name"]: i.get("value", "") for i in form.find_all("input") if i.get("name")}


async def test_desk_answers_records_pledges_and_follows_up(
    api: Api, browser: Callable[[], Browser], facilitator: dict[str, str]
) -> None:
    s = await api.new_session(facilitator, phase="ideas")
    code = s["code"]
    author = await api.join(code, "ผู้เสนอ")
    pid = (await api.propose(author, code, s["themes"][0]["id"], title="ศูนย์ดูแลผู้สูงอายุกลางวัน"))["id"]
    official = await staff_browser(browser, "official", code=code)
    page = official.page(await official.get(f"/staff/s/{code}/outcomes"))
    section = page.find(id=f"outcome-{pid}")
    form = section.find("form", attrs={"action": f"/staff/s/{code}/outcomes/answer"})
    assert {"state", "reason", "lead_agency", "budget", "fiscal_year"} <= {
        f["name"] for f in form.find_all(["input", "textarea"]) if f.get("name")
    }

    before = await row_counts()
    bad = form_data(form) | {"state": "forwarded", "reason": "ส่งต่อ", "lead_agency": ""}
    r = await official.post(f"/staff/s/{code}/outcomes/answer", bad)
    assert r.status_code == 422
    refused = official.page(r)
    assert refused.find(id=f"outcome-{pid}").find(class_="form-error").get_text(strip=True) == "กรุณาระบุหน่วยงานที่ส่งต่อ"
    assert refused.find(id=f"reason-{pid}").get_text() == "ส่งต่อ"  # what was typed is kept
    assert await row_counts() == before

    good = form_data(form) | {
        "state": "adopted",
        "reason": "สอดคล้องกับแผนพัฒนาจังหวัด",
        "lead_agency": "เทศบาลนครภูเก็ต",
        "budget": "250,000",
        "fiscal_year": str(today().year + 544),
    }
    r = await official.post(f"/staff/s/{code}/outcomes/answer", good)
    assert r.status_code == 303 and r.headers["location"].endswith(f"#outcome-{pid}")
    answer = await ProposalAnswer.get(proposal_id=pid)
    assert (answer.state, answer.budget, answer.lead_agency) == ("adopted", 250000, "เทศบาลนครภูเก็ต")

    page = official.page(await official.get(f"/staff/s/{code}/outcomes"))
    section = page.find(id=f"outcome-{pid}")
    due = (today() + dt.timedelta(days=45)).isoformat()
    r = await official.post(
        f"/staff/s/{code}/outcomes/commitment",
        {
            "csrf_token": official.csrf(page),
            "proposal_id": str(pid),
            "who": "สำนักงาน พมจ.ภูเก็ต",
            "role": "lead",
            "what": "จัดหาอาสาสมัครและงบประมาณ",
            "due": due,
        },
    )
    assert r.status_code == 303
    r = await official.post(
        f"/staff/s/{code}/outcomes/action-item",
        {
            "csrf_token": official.csrf(page),
            "proposal_id": str(pid),
            "title": "หาสถานที่ตั้งศูนย์",
            "community_owner": "สภาองค์กรชุมชนตำบลรัษฎา",
            "agency_owner": "เทศบาลนครภูเก็ต",
            "due": due,
        },
    )
    assert r.status_code == 303
    item = await ActionItem.get(proposal_id=pid)
    r = await official.post(
        f"/staff/s/{code}/outcomes/progress",
        {
            "csrf_token": official.csrf(page),
            "item_id": str(item.id),
            "status": "in_progress",
            "note": "สำรวจอาคารว่างแล้ว ๒ แห่ง",
            "on": today().isoformat(),
        },
    )
    assert r.status_code == 303
    r = await official.post(
        f"/staff/s/{code}/outcomes/progress", {"item_id": str(item.id), "status": "done", "note": "x"}
    )  # no CSRF token
    assert r.status_code == 403

    public = browser()  # nobody signed in
    follow = public.page(await public.get(f"/a/{s['assembly']['id']}/follow-up"))
    card = follow.find(id=f"proposal-{pid}")
    text = card.get_text(" ", strip=True)
    assert "กำลังดำเนินการ" in text and "สำรวจอาคารว่างแล้ว ๒ แห่ง" in text and "สำนักงาน พมจ.ภูเก็ต" in text
    assert "ผู้เสนอ" not in follow.get_text()
    assert (await public.get("/a/999999/follow-up")).status_code == 404

    r = await official.get(f"/staff/s/{code}/brief.json")
    assert r.status_code == 200 and r.json()["summary"]["adopted"] == 1
    assert (await public.get(f"/staff/s/{code}/brief.json")).status_code == 303  # to the sign-in page
    phone = browser()
    await phone.join(code, "ชาวบ้าน")
    assert (await phone.get(f"/staff/s/{code}/outcomes")).status_code == 303


async def test_phone_pledges_on_an_adopted_proposal(
    api: Api, browser: Callable[[], Browser], facilitator: dict[str, str]
) -> None:
    s = await api.new_session(facilitator, phase="ideas")
    code = s["code"]
    author = await api.join(code, "ผู้เสนอ")
    pid = (await api.propose(author, code, s["themes"][0]["id"], title="ธนาคารขยะชุมชน"))["id"]
    r = await api.client.post(
        f"/api/v1/proposals/{pid}/answer",
        headers=facilitator,
        json={"state": "adopted", "reason": "ที่ประชุมเห็นชอบ", "lead_agency": "อบต.รัษฎา"},
    )
    assert r.status_code == 200
    phone = browser()
    await phone.join(code, "ป้าแดง")
    page = phone.page(await phone.get(f"/s/{code}/p/{pid}"))
    assert page.find(id="pledge") is not None and page.find("form", class_="pledge-form") is None  # not yet
    await api.set_phase(facilitator, code, "commitments")
    page = phone.page(await phone.get(f"/s/{code}/p/{pid}"))
    form = page.find("form", class_="pledge-form")
    assert form is not None and form.find("input", attrs={"name": "due"})["type"] == "date"
    before = await row_counts()
    past = (today() - dt.timedelta(days=1)).isoformat()
    r = await phone.post(
        f"/s/{code}/p/{pid}/pledge",
        {"csrf_token": phone.csrf(page), "role": "support", "what": "คัดแยกขยะที่บ้าน", "due": past},
    )
    assert r.status_code == 422
    again = phone.page(r)
    assert "ผ่านไปแล้ว" in again.find(class_="form-error").get_text()
    assert again.find(id="pledge-what").get_text() == "คัดแยกขยะที่บ้าน"
    assert await row_counts() == before
    r = await phone.post(
        f"/s/{code}/p/{pid}/pledge",
        {
            "csrf_token": phone.csrf(page),
            "role": "support",
            "what": "คัดแยกขยะที่บ้าน",
            "due": (today() + dt.timedelta(days=30)).isoformat(),
            "credited": "on",
        },
    )
    assert r.status_code == 303
    done = phone.page(await phone.get(r.headers["location"]))
    assert done.find(attrs={"role": "status"}) is not None
    pledge = await Commitment.get(proposal_id=pid)
    assert (pledge.kind, pledge.credited) == ("participant", True)

    hall = browser()
    screen = hall.page(await hall.get(f"/s/{code}/screen?show=pledges"))
    panel = screen.find(id="projector-pledges")
    assert not panel.has_attr("hidden") and "ป้าแดง" in panel.get_text() and "คัดแยกขยะ" in panel.get_text()


async def test_portal_finds_a_thai_word_across_assemblies_by_region(
    api: Api, browser: Callable[[], Browser], facilitator: dict[str, str]
) -> None:
    from deliberate.sessions.models import Assembly

    made = {}
    for province, title in (("83", "ภูเก็ต"), ("90", "สงขลา"), ("50", "เชียงใหม่")):
        s = await api.new_session(facilitator, phase="ideas")
        await Assembly.filter(id=s["assembly"]["id"]).update(title=f"สมัชชาทดสอบพอร์ทัล {title}", province_code=province)
        author = await api.join(s["code"], "ผู้เสนอ")
        water = (await api.propose(author, s["code"], s["themes"][0]["id"], title="พัฒนาแหล่งน้ำชุมชนกลางหมู่บ้าน"))["id"]
        market = (await api.propose(author, s["code"], s["themes"][0]["id"], title="ส่งเสริมการตลาดสินค้าชุมชน"))["id"]
        made[province] = (s, water, market)
    official = await staff_browser(browser, "official")
    # The portal searches what the official may read: here, the three provinces they follow.
    for province in made:
        await ProvinceGrant.create(user=await StaffUser.get(email=official.email), province_code=province)
    page = official.page(await official.get("/staff/portal", params={"q": "น้ำ", "region": "south"}))
    hits = {int(li["id"].split("-")[1]) for li in page.find_all("li", id=lambda v: v and v.startswith("hit-"))}
    assert made["83"][1] in hits and made["90"][1] in hits  # แหล่งน้ำ found by น้ำ, in both southern provinces
    assert made["50"][1] not in hits  # Chiang Mai is in the north
    assert not {made[p][2] for p in made} & hits  # market proposals do not mention water
    # Titles are drawn word by word (the `words` filter), so the text is read without separators between tags.
    compare = page.find(id="compare-title").find_parent("section").get_text("", strip=False)
    assert "สมัชชาทดสอบพอร์ทัล ภูเก็ต" in compare and "สมัชชาทดสอบพอร์ทัล สงขลา" in compare
    # "ตา" (eye) is letters inside การตลาด, not a word there: no market proposal comes back.
    page = official.page(await official.get("/staff/portal", params={"q": "ตา", "province": "83"}))
    assert not page.find_all("li", id=lambda v: v and v.startswith("hit-"))
    r = await official.get("/staff/portal", params={"region": "atlantis"})
    assert r.status_code == 422 and official.page(r).find(class_="form-error")
    phone = browser()
    await phone.join(made["83"][0]["code"], "ชาวบ้าน")
    assert (await phone.get("/staff/portal")).status_code == 303


async def test_admin_keeps_the_province_plan_and_the_desk_maps_an_answer_onto_it(
    api: Api, browser: Callable[[], Browser], facilitator: dict[str, str]
) -> None:
    from deliberate.outcomes.models import ProvincePlan

    admin = await staff_browser(browser, "admin")
    page = admin.page(await admin.get("/staff/plans?province=83"))
    form = page.find("form", attrs={"method": "post", "action": "/staff/plans"})
    before = await row_counts()
    # An approach before any issue: refused with the words the admin typed kept, nothing written.
    r = await admin.post("/staff/plans", form_data(form) | {"title": "แผนพัฒนาจังหวัดภูเก็ต", "issues": "- แนวทางลอย"})
    assert r.status_code == 422 and "ต้องอยู่ใต้ประเด็นการพัฒนา" in r.text
    assert admin.page(r).find(id="plan-issues").get_text() == "- แนวทางลอย"
    assert await row_counts() == before
    text = "ยกระดับการท่องเที่ยว\n- พัฒนาแหล่งท่องเที่ยว\nพัฒนาคุณภาพชีวิตและสังคม\n- พัฒนาระบบดูแลผู้สูงอายุโดยชุมชน\n"
    r = await admin.post(
        "/staff/plans", form_data(form) | {"title": "แผนพัฒนาจังหวัดภูเก็ต", "period": "2566-2570", "issues": text}
    )
    assert r.status_code == 303
    plan = await ProvincePlan.get(province_code="83")
    assert [i["name"] for i in plan.issues] == ["ยกระดับการท่องเที่ยว", "พัฒนาคุณภาพชีวิตและสังคม"]
    assert (
        admin.page(await admin.get("/staff/plans?province=83")).find(id="plan-issues").get_text().strip()
        == text.strip()
    )

    s = await api.new_session(facilitator, phase="ideas", province_code="83")
    code = s["code"]
    author = await api.join(code, "สมปอง ใจดี")
    pid = (await api.propose(author, code, s["themes"][0]["id"], title="ศูนย์ดูแลผู้สูงอายุกลางวัน"))["id"]
    official = await staff_browser(browser, "official", code=code)
    page = official.page(await official.get(f"/staff/s/{code}/outcomes"))
    section = page.find(id=f"outcome-{pid}")
    issues = [o["value"] for o in section.find("select", attrs={"name": "plan_issue"}).find_all("option")]
    assert issues == ["", "ยกระดับการท่องเที่ยว", "พัฒนาคุณภาพชีวิตและสังคม"]
    areas = [o["value"] for o in section.find("select", attrs={"name": "area_codes"}).find_all("option")]
    assert "8301" in areas and "830105" in areas
    form = section.find("form", attrs={"action": f"/staff/s/{code}/outcomes/answer"})
    fields = {
        "state": "adopted",
        "reason": "สอดคล้องกับแผนพัฒนาจังหวัด",
        "programme": "จัดตั้งศูนย์ดูแลผู้สูงอายุโดยชุมชน",
        "lead_agency": "เทศบาลตำบลวิชิต",
        "fiscal_year": str(today().year + 544),
        "plan_issue": "พัฒนาคุณภาพชีวิตและสังคม",
        "plan_approach": "พัฒนาระบบดูแลผู้สูงอายุโดยชุมชน",
        "indicators": f"ผู้สูงอายุที่ได้รับการดูแล (คน) | {today().year + 544}: 30",
        "budget_source": "local",
    }
    r = await official.post(
        f"/staff/s/{code}/outcomes/answer",
        form_data(form) | fields | {"programme": "โครงการศูนย์ดูแลผู้สูงอายุ"},
    )
    assert r.status_code == 422 and "โปรดขึ้นต้นชื่อโครงการด้วยคำกริยา" in r.text
    # Two areas from the multiple select, as a browser sends them.
    body: dict[str, Any] = form_data(form) | fields | {"area_codes": ["830105", "8303"]}
    r = await official.post(f"/staff/s/{code}/outcomes/answer", body)
    assert r.status_code == 303, r.text
    answer = await ProposalAnswer.get(proposal_id=pid)
    assert answer.area_codes == ["830105", "8303"] and answer.plan_approach == "พัฒนาระบบดูแลผู้สูงอายุโดยชุมชน"
    assert answer.indicators == [{"name": "ผู้สูงอายุที่ได้รับการดูแล (คน)", "values": {str(today().year + 544): "30"}}]
    page = official.page(await official.get(f"/staff/s/{code}/outcomes"))
    assert page.find(id=f"indicators-{pid}").get_text() == fields["indicators"]
