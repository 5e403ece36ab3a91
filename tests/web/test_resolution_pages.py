"""Resolution pages as people use them: a phone amends a clause and answers a consensus check, the chair
decides from the desk, the projector shows the clause under discussion, and every page is told to
re-fetch when a resolution changes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bs4 import BeautifulSoup

from deliberate.i18n import gettext
from deliberate.realtime.hub import Dirty
from deliberate.resolutions.models import AgendaItem, AgendaItemVersion, Amendment, CheckAnswer, Clause, ConsensusCheck
from deliberate.sessions.models import Session
from deliberate.web.live import render_update
from tests.api.test_resolutions import DRAFT
from tests.conftest import Api, Browser, row_counts
from tests.web.test_staff_pages import staff_browser

NEW_WORDING = "ขอให้องค์การบริหารส่วนจังหวัดร่วมกับเทศบาลจัดตั้งศูนย์ดูแลผู้สูงอายุติดเตียงภายในปี ๒๕๗๐"
SOONER = "ขอให้เทศบาลจัดตั้งศูนย์ดูแลผู้สูงอายุภายในปี ๒๕๖๙"


def form_data(form: Any) -> dict[str, str]:
    return {
        i["name"]: i.get("value", "")
        for i in form.find_all("input")
        if i.get("name") and i.get("type") not in ("radio", "checkbox")
    }


async def drafted(api: Api, facilitator: dict[str, str]) -> tuple[str, list[dict[str, Any]]]:
    s = await api.new_session(facilitator, phase="deliberation")
    r = await api.client.post(f"/api/v1/sessions/{s['code']}/items", headers=facilitator, json=DRAFT)
    assert r.status_code == 201, r.text
    return s["code"], r.json()["clauses"]


async def phone_in(browser: Callable[[], Browser], code: str, name: str) -> Browser:
    phone = browser()
    await phone.join(code, name)
    return phone


def amend_form(page: BeautifulSoup, clause_id: int) -> Any:
    return page.find(id=f"clause-{clause_id}").find("form", class_="amend-form")


async def propose(phone: Browser, code: str, page: BeautifulSoup, clause_id: int, text: str, reason: str) -> Any:
    data = form_data(amend_form(page, clause_id)) | {"op": "replace", "text": text, "reason": reason}
    return await phone.post(f"/s/{code}/resolutions/amend", data)


async def test_phone_proposes_a_change_and_sees_it_marked_word_by_word(
    api: Api, browser: Callable[[], Browser], facilitator: dict[str, str]
) -> None:
    code, (first, _) = await drafted(api, facilitator)
    phone = await phone_in(browser, code, "ป้าแดง")
    board = phone.page(await phone.get(f"/s/{code}"))
    assert board.find("a", href=f"/s/{code}/resolutions") is not None  # linked in the deliberation phase

    page = phone.page(await phone.get(f"/s/{code}/resolutions"))
    clause = page.find(id=f"clause-{first['id']}")
    assert clause.find(class_="clause-text").get_text().strip() == first["text"]
    form = amend_form(page, first["id"])
    assert form.find("textarea", attrs={"name": "text"}).get_text() == first["text"]  # prefilled
    assert form.find("input", attrs={"name": "base_version"})["value"] == "1"
    assert {i["value"] for i in form.find_all("input", attrs={"name": "op"})} == {"replace", "insert", "delete"}

    r = await propose(phone, code, page, first["id"], NEW_WORDING, "ให้ อบจ. ร่วมงบประมาณ")
    assert r.status_code == 303 and r.headers["location"].endswith(f"#clause-{first['id']}")
    r = await propose(phone, code, page, first["id"], SOONER, "เร็วขึ้นหนึ่งปี")
    assert r.status_code == 303
    shown = phone.page(await phone.get(r.headers["location"]))
    assert shown.find(id=f"clause-{first['id']}").find(attrs={"role": "status"}) is not None
    one, two = await Amendment.filter(clause_id=first["id"]).order_by("id")
    marked = shown.find(id=f"amendment-{one.id}").find(class_="marked")
    assert [i.get_text() for i in marked.find_all("ins")] == ["องค์การบริหารส่วนจังหวัดร่วมกับ", "ติดเตียง"]
    assert marked.find("del") is None
    marked = shown.find(id=f"amendment-{two.id}").find(class_="marked")
    assert [d.get_text() for d in marked.find_all("del")] == ["๒๕๗๐"]
    assert [i.get_text() for i in marked.find_all("ins")] == ["๒๕๖๙"]
    assert "เร็วขึ้นหนึ่งปี" in shown.find(id=f"amendment-{two.id}").get_text()

    neighbour = await phone_in(browser, code, "ลุงเพิ่ม")
    page = neighbour.page(await neighbour.get(f"/s/{code}/resolutions"))
    back = page.find(id=f"amendment-{one.id}").find("form")
    r = await neighbour.post(f"/s/{code}/resolutions/back", form_data(back))
    assert r.status_code == 303 and r.headers["location"].endswith(f"#amendment-{one.id}")
    again = neighbour.page(await neighbour.get(r.headers["location"]))
    backing = again.find(id=f"amendment-{one.id}").find(class_="backing")
    assert "1" in backing.find(class_="backers").get_text() and backing.find("form") is None  # backed: no button

    region = await phone.get(f"/s/{code}/resolutions?part=region", headers={"hx-request": "true"})
    fragment = BeautifulSoup(region.text, "html.parser")
    assert fragment.find("html") is None and fragment.find(id="resolutions") is not None


async def test_a_stale_form_gets_409_with_the_current_text_and_writes_nothing(
    api: Api, browser: Callable[[], Browser], facilitator: dict[str, str]
) -> None:
    code, (first, _) = await drafted(api, facilitator)
    phone = await phone_in(browser, code, "ป้าแดง")
    old_page = phone.page(await phone.get(f"/s/{code}/resolutions"))  # shows version 1
    other = await phone_in(browser, code, "ลุงเพิ่ม")
    page = other.page(await other.get(f"/s/{code}/resolutions"))
    assert (await propose(other, code, page, first["id"], NEW_WORDING, "ให้ อบจ. ร่วม")).status_code == 303

    chair = await staff_browser(browser, api=api, of=facilitator)
    desk = chair.page(await chair.get(f"/staff/s/{code}/resolutions"))
    amendment = await Amendment.get(clause_id=first["id"])
    decide = desk.find(id=f"amendment-{amendment.id}").find("form", class_="decide")
    r = await chair.post(f"/staff/s/{code}/resolutions/decide", form_data(decide) | {"decision": "accept"})
    assert r.status_code == 303 and r.headers["location"].endswith(f"#clause-{first['id']}")

    shown = phone.page(await phone.get(f"/s/{code}/resolutions"))  # the chair's decision reaches the phone
    assert shown.find(id=f"clause-{first['id']}").find(class_="clause-text").get_text().strip() == NEW_WORDING

    before = await row_counts()
    r = await propose(phone, code, old_page, first["id"], SOONER, "เร็วขึ้น")  # written against version 1
    assert r.status_code == 409
    refused = phone.page(r)
    clause = refused.find(id=f"clause-{first['id']}")
    error = clause.find(class_="form-error")
    assert "เวอร์ชัน 2" in error.get_text() and error.find(class_="current-text").get_text().strip() == NEW_WORDING
    assert clause.find(class_="clause-text").get_text().strip() == NEW_WORDING
    form = amend_form(refused, first["id"])
    assert form.find("input", attrs={"name": "base_version"})["value"] == "2"  # the next try is against v2
    assert form.find("textarea", attrs={"name": "reason"}).get_text() == "เร็วขึ้น"  # what was typed is kept
    assert await row_counts() == before

    r = await phone.post(
        f"/s/{code}/resolutions/amend",
        form_data(amend_form(shown, first["id"])) | {"op": "delete", "reason": "ซ้ำ"} | {"csrf_token": ""},
    )  # no CSRF token
    assert r.status_code == 403 and await row_counts() == before


async def test_a_check_answered_on_the_phone_and_closed_from_the_desk_is_adopted_with_the_reservation(
    api: Api, browser: Callable[[], Browser], facilitator: dict[str, str]
) -> None:
    code, (first, _) = await drafted(api, facilitator)
    chair = await staff_browser(browser, api=api, of=facilitator)
    desk = chair.page(await chair.get(f"/staff/s/{code}/resolutions"))
    call = desk.find(id=f"clause-{first['id']}").find(
        "form", action=f"/staff/s/{code}/resolutions/open-check#clause-{first['id']}"
    )
    r = await chair.post(f"/staff/s/{code}/resolutions/open-check", form_data(call))
    assert r.status_code == 303

    phone = await phone_in(browser, code, "ป้าแดง")
    page = phone.page(await phone.get(f"/s/{code}/resolutions"))
    answer = page.find(id=f"clause-{first['id']}").find("form", class_="answer-form")
    assert {b["value"] for b in answer.find_all("button")} == {"agree", "live_with", "reservation", "block"}
    before = await row_counts()
    r = await phone.post(f"/s/{code}/resolutions/answer", form_data(answer) | {"answer": "reservation", "reason": ""})
    assert r.status_code == 422
    refused = phone.page(r).find(id=f"clause-{first['id']}")
    assert refused.find(class_="form-error").get_text() == gettext(
        "A reservation needs a reason. Please write it in the box, then press “{label}” again.", label="ข้อสงวน"
    )
    assert refused.find("textarea", attrs={"name": "reason"})["aria-invalid"] == "true"
    assert await row_counts() == before

    reason = "ควรกำหนดงบประมาณให้ชัด"
    r = await phone.post(
        f"/s/{code}/resolutions/answer", form_data(answer) | {"answer": "reservation", "reason": reason}
    )
    assert r.status_code == 303 and r.headers["location"].endswith(f"#clause-{first['id']}")
    mine = phone.page(await phone.get(r.headers["location"])).find(id=f"clause-{first['id']}")
    assert "ข้อสงวน" in mine.find(class_="my-answer").get_text() and mine.find(attrs={"role": "status"})
    for i in range(4):
        other = await phone_in(browser, code, f"ผู้แทน {i}")
        page = other.page(await other.get(f"/s/{code}/resolutions"))
        form = page.find(id=f"clause-{first['id']}").find("form", class_="answer-form")
        r = await other.post(f"/s/{code}/resolutions/answer", form_data(form) | {"answer": "agree"})
        assert r.status_code == 303
    assert await CheckAnswer.all().filter(check__clause_id=first["id"]).count() == 5

    desk = chair.page(await chair.get(f"/staff/s/{code}/resolutions"))
    live = desk.find(id=f"clause-{first['id']}").find(class_="check-live")
    assert live.find("tr", class_="answer-agree").find(class_="n").get_text(strip=True).startswith("4")
    assert reason in live.find(class_="reservations").get_text()
    assert len(live.find("ul", class_="by-sector").find_all("li")) == 3  # state, academia, people
    close = live.find("form")
    r = await chair.post(f"/staff/s/{code}/resolutions/close-check", form_data(close))
    assert r.status_code == 303
    assert (await Clause.get(id=first["id"])).status == "adopted"

    shown = phone.page(await phone.get(f"/s/{code}/resolutions")).find(id=f"clause-{first['id']}")
    assert "รับรองโดยฉันทามติ" in shown.find(class_="status").get_text()
    assert reason in shown.find(class_="reservations").get_text()
    assert shown.find("form", class_="answer-form") is None and shown.find("form", class_="amend-form") is None
    desk = chair.page(await chair.get(f"/staff/s/{code}/resolutions")).find(id=f"clause-{first['id']}")
    assert "รับรองโดยฉันทามติ" in desk.find(class_="check-last").get_text() and reason in desk.get_text()
    # A form from before the close: refused, and the message shows by the clause (its form is gone).
    r = await phone.post(f"/s/{code}/resolutions/answer", form_data(answer) | {"answer": "block", "reason": "ไม่"})
    assert r.status_code == 403
    assert "ปิดแล้ว" in phone.page(r).find(id=f"clause-{first['id']}").find(class_="form-error").get_text()


async def test_the_desk_drafts_sets_rules_and_registers_delegates(
    api: Api, browser: Callable[[], Browser], facilitator: dict[str, str]
) -> None:
    s = await api.new_session(facilitator, phase="deliberation")
    code = s["code"]
    chair = await staff_browser(browser, api=api, of=facilitator)
    page = chair.page(await chair.get(f"/staff/s/{code}/resolutions"))
    token = chair.csrf(page)
    blocks = (
        "ขอให้เทศบาลจัดตั้งศูนย์ดูแลผู้สูงอายุ\nหน่วยงานหลัก: เทศบาลนครภูเก็ต\nหน่วยงานร่วม: พมจ., รพ.สต.\n\n"
        "ขอให้สภาองค์กรชุมชนจัดอาสาสมัครเยี่ยมบ้าน\nLead agency: สภาองค์กรชุมชน"
    )
    before = await row_counts()
    r = await chair.post(
        f"/staff/s/{code}/resolutions/item", {"csrf_token": token, "title": "ผู้สูงอายุ", "clauses": " \n"}
    )
    assert r.status_code == 422 and "ผู้สูงอายุ" in chair.page(r).find(id="item-title")["value"]
    assert await row_counts() == before
    r = await chair.post(
        f"/staff/s/{code}/resolutions/item",
        {
            "csrf_token": token,
            "title": "การดูแลผู้สูงอายุโดยชุมชน",
            "background": "ผู้สูงอายุติดเตียงเพิ่มขึ้น",
            "preamble": "ตระหนักว่า...\nเห็นว่า...",
            "clauses": blocks,
        },
    )
    assert r.status_code == 303
    clauses = await Clause.all().filter(item__session__code=code).order_by("position")
    assert [(c.lead_agency, c.partners) for c in clauses] == [
        ("เทศบาลนครภูเก็ต", ["พมจ.", "รพ.สต."]),
        ("สภาองค์กรชุมชน", []),
    ]
    assert clauses[0].text == "ขอให้เทศบาลจัดตั้งศูนย์ดูแลผู้สูงอายุ"

    r = await chair.post(
        f"/staff/s/{code}/resolutions/rules",
        {
            "csrf_token": token,
            "voters": "seat",
            "amenders": "delegates",
            "max_reservation_percent": "๑๐",
            "minimum_state": "20",
            "minimum_academia": "",
            "minimum_people": "150",
        },
    )
    assert r.status_code == 422 and chair.page(r).find(id="rules").find(class_="form-error")
    r = await chair.post(
        f"/staff/s/{code}/resolutions/rules",
        {
            "csrf_token": token,
            "voters": "seat",
            "amenders": "delegates",
            "max_reservation_percent": "๑๐",
            "minimum_state": "20",
            "minimum_academia": "",
            "minimum_people": "50",
        },
    )
    assert r.status_code == 303
    from deliberate.resolutions.models import ResolutionRules

    rules = await ResolutionRules.get(session__code=code)
    assert (rules.voters, rules.max_reservation_share, rules.sector_minimums) == (
        "seat",
        0.1,
        {"state": 0.2, "people": 0.5},
    )

    phone = await phone_in(browser, code, "ป้าแดง")
    shown = phone.page(await phone.get(f"/s/{code}/resolutions")).find(id=f"clause-{clauses[0].id}")
    assert shown.find("form", class_="amend-form") is None and "ผู้แทน" in shown.get_text()  # delegates only
    page = chair.page(await chair.get(f"/staff/s/{code}/resolutions"))
    option = next(o for o in page.find(id="delegate-person").find_all("option") if o.get_text().startswith("ป้าแดง"))
    r = await chair.post(
        f"/staff/s/{code}/resolutions/delegate",
        {"csrf_token": token, "participant_id": option["value"], "network": "เครือข่ายผู้สูงอายุภูเก็ต"},
    )
    assert r.status_code == 303
    shown = phone.page(await phone.get(f"/s/{code}/resolutions")).find(id=f"clause-{clauses[0].id}")
    assert shown.find("form", class_="amend-form") is not None


async def test_only_facilitators_open_the_desk(
    api: Api, browser: Callable[[], Browser], facilitator: dict[str, str]
) -> None:
    code, (first, _) = await drafted(api, facilitator)
    phone = await phone_in(browser, code, "ชาวบ้าน")
    r = await phone.get(f"/staff/s/{code}/resolutions")
    assert r.status_code == 303 and "/staff/login?next=" in r.headers["location"]
    r = await phone.get(f"/staff/s/{code}/resolutions?part=region", headers={"hx-request": "true"})
    assert r.status_code == 303
    page = phone.page(await phone.get(f"/s/{code}/resolutions"))
    r = await phone.post(
        f"/staff/s/{code}/resolutions/open-check", {"csrf_token": phone.csrf(page), "clause_id": str(first["id"])}
    )
    assert r.status_code == 303 and not await Clause.filter(id=first["id"], checks__is_open=True).exists()
    official = await staff_browser(browser, "official")
    assert (await official.get(f"/staff/s/{code}/resolutions")).status_code == 403
    nobody = browser()
    r = await nobody.get(f"/s/{code}/resolutions")
    assert r.status_code == 303 and r.headers["location"].endswith(f"/s/{code}/join")


async def test_projector_shows_the_clause_under_discussion_with_marks_and_bars(
    api: Api, browser: Callable[[], Browser], facilitator: dict[str, str]
) -> None:
    code, (first, second) = await drafted(api, facilitator)
    hall = browser()
    empty = hall.page(await hall.get(f"/s/{code}/screen?show=resolution"))
    assert empty.find(id="projector-resolution").find(class_="clause-text") is not None  # the first open clause
    amy, ben = await api.join(code, "ก"), await api.join(code, "ข", sector="government")
    for who, text in ((amy, NEW_WORDING), (ben, SOONER)):
        r = await api.client.post(
            f"/api/v1/clauses/{second['id']}/amendments",
            headers=who,
            json={"op": "replace", "text": text, "reason": "เหตุผล", "base_version": 1},
        )
        assert r.status_code == 201
    screen = hall.page(await hall.get(f"/s/{code}/screen?show=resolution"))
    assert screen.find(id="resolution-refresh") is not None
    stage = screen.find(id="projector-resolution")
    assert second["text"] in stage.find(class_="clause-text").get_text()  # the clause amended last
    assert len(stage.find_all("li", id=lambda v: v and v.startswith("screen-amendment-"))) == 2
    assert stage.find("del") is not None and stage.find("ins") is not None

    check = (await api.client.post(f"/api/v1/clauses/{first['id']}/checks", headers=facilitator)).json()
    for who, answer in ((amy, "agree"), (ben, "block")):
        r = await api.client.post(
            f"/api/v1/checks/{check['id']}/answers",
            headers=who,
            json={"answer": answer, "reason": "ขัดระเบียบ" if answer == "block" else ""},
        )
        assert r.status_code == 201
    stage = hall.page(await hall.get(f"/s/{code}/screen?show=resolution&part=stage")).find(id="projector-resolution")
    assert first["text"] in stage.find(class_="clause-text").get_text()  # the open check wins
    bars = stage.find("table", class_="by-answer")
    assert bars.find("tr", class_="answer-block").find(class_="n").get_text(strip=True).startswith("1")
    assert len(bars.find_all("svg")) == 4 and stage.find("ul", class_="by-sector") is not None
    assert "ขัดระเบียบ" not in stage.get_text()  # reservations stay on the desk, not the hall's screen


async def test_live_updates_tell_each_audience_to_refetch_its_resolution_region(
    api: Api, client: Any, facilitator: dict[str, str]
) -> None:
    code, (first, _) = await drafted(api, facilitator)
    session = await Session.get(code=code)
    who = await api.join(code, "ป้าแดง")

    async def update(key: str) -> BeautifulSoup:
        return BeautifulSoup(
            await render_update(session.id, Dirty(names={"resolution.changed"}), key, 1), "html.parser"
        )

    def refetch(soup: BeautifulSoup) -> str | None:
        div = soup.find(id="resolution-refresh")
        return div["data-hx-get"] if div is not None else None

    r = await client.post(
        f"/api/v1/clauses/{first['id']}/amendments",
        headers=who,
        json={"op": "delete", "reason": "ซ้ำกับข้อ 2", "base_version": 1},
    )
    assert r.status_code == 201
    phone = await update("participant")
    assert refetch(phone) == f"/s/{code}/resolutions?part=region"
    assert phone.find(id="resolution-refresh")["data-hx-trigger"] == "load"
    assert refetch(await update("participant")) is None  # nothing new for phones since
    assert refetch(await update("console")) == f"/staff/s/{code}/resolutions?part=region"
    assert refetch(await update("projector")) == f"/s/{code}/screen?show=resolution&part=stage"

    check = (await client.post(f"/api/v1/clauses/{first['id']}/checks", headers=facilitator)).json()
    assert refetch(await update("participant")) is not None  # a check opened: the answer form appears
    await client.post(f"/api/v1/checks/{check['id']}/answers", headers=who, json={"answer": "agree"})
    assert refetch(await update("participant")) is None  # an answer changes nothing phones show
    assert refetch(await update("projector")) is not None and refetch(await update("console")) is not None

    polled = await client.get(f"/s/{code}/live")  # the polling fallback sends a snapshot: it re-fetches
    assert refetch(BeautifulSoup(polled.text, "html.parser")) == f"/s/{code}/resolutions?part=region"


# -- screening and grouping, merging, comments --------------------------------------------------------------
async def with_proposals(api: Api, facilitator: dict[str, str], titles: list[str]) -> tuple[str, list[int]]:
    s = await api.new_session(facilitator, phase="ideas")
    author = await api.join(s["code"], "ป้าแดง")
    ids = [(await api.propose(author, s["code"], s["themes"][0]["id"], title))["id"] for title in titles]
    await api.set_phase(facilitator, s["code"], "deliberation")
    return s["code"], ids


def ranking(page: BeautifulSoup) -> list[str]:
    return [tr["id"] for tr in page.find("table", class_="screening").find("tbody").find_all("tr")]


async def test_the_desk_scores_proposals_and_groups_them_into_an_item_shown_on_phones(
    api: Api, browser: Callable[[], Browser], facilitator: dict[str, str]
) -> None:
    code, (shade, clinic, bus) = await with_proposals(
        api, facilitator, ["ร่มเงาที่ป้ายรถ", "คลินิกผู้สูงอายุ", "รถรับส่งไปโรงพยาบาล"]
    )
    chair = await staff_browser(browser, api=api, of=facilitator)
    page = chair.page(await chair.get(f"/staff/s/{code}/resolutions"))
    screening = page.find(id="screening")
    assert len(screening.find("table").find("thead").find_all("th", class_="score")) == 4  # the default criteria
    assert ranking(page) == [f"screen-{shade}", f"screen-{clinic}", f"screen-{bus}"]  # unscored: by id

    row = page.find(id=f"screen-{bus}")
    form = page.find("form", id=f"screen-form-{bus}")
    selects = [s for s in page.find_all("select") if s.get("form") == f"screen-form-{bus}"]
    assert len(selects) == 4 and all(s.find_parent("tr") is row for s in selects)
    scores = {s["name"]: "5" for s in selects}
    r = await chair.post(f"/staff/s/{code}/resolutions/screen", form_data(form) | scores)
    assert r.status_code == 303 and r.headers["location"].endswith(f"#screen-{bus}")
    page = chair.page(await chair.get(f"/staff/s/{code}/resolutions"))
    assert ranking(page)[0] == f"screen-{bus}"  # 20 points: now first
    assert page.find(id=f"screen-{bus}").find(class_="total").get_text(strip=True) == "20"
    assert [
        o["value"]
        for s in page.find_all("select")
        if s.get("form") == f"screen-form-{bus}"
        for o in s.find_all("option", selected=True)
    ] == ["5"] * 4

    before = await row_counts()
    r = await chair.post(f"/staff/s/{code}/resolutions/screen", form_data(form) | {selects[0]["name"]: "9"})
    assert r.status_code == 422 and await row_counts() == before
    refused = chair.page(r).find(id=f"screen-{bus}")
    assert refused.find(class_="form-error") is not None

    draft = page.find("form", id="draft-form")
    picks = {i["value"]: i for i in page.find_all("input", attrs={"name": "proposal_ids"})}
    assert set(picks) == {str(shade), str(clinic), str(bus)} and all(i["form"] == "draft-form" for i in picks.values())
    r = await chair.post(
        f"/staff/s/{code}/resolutions/item",
        form_data(draft)
        | {
            "title": "การเดินทางของผู้สูงอายุ",
            "clauses": "ขอให้ อบจ. จัดรถรับส่งผู้สูงอายุไปโรงพยาบาล",
            "proposal_ids": [str(shade), str(bus)],
        },
    )
    assert r.status_code == 303, r.text
    desk = chair.page(await chair.get(r.headers["location"]))
    item = desk.find(class_="item-proposals")
    assert [a["href"] for a in item.find_all("a")] == [f"/s/{code}/p/{shade}", f"/s/{code}/p/{bus}"]

    phone = await phone_in(browser, code, "ลุงเพิ่ม")
    shown = phone.page(await phone.get(f"/s/{code}/resolutions")).find(class_="item-proposals")
    assert [" ".join(li.get_text().split()) for li in shown.find_all("li")] == [
        f"P{shade} ร่มเงาที่ป้ายรถ",
        f"P{bus} รถรับส่งไปโรงพยาบาล",
    ]


async def amended_twice(api: Api, code: str, clause_id: int) -> list[int]:
    ids = []
    for name, text in (("ก", NEW_WORDING), ("ข", SOONER)):
        who = await api.join(code, name)
        r = await api.client.post(
            f"/api/v1/clauses/{clause_id}/amendments",
            headers=who,
            json={"op": "replace", "text": text, "reason": "เหตุผล", "base_version": 1},
        )
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
    return ids


async def test_the_desk_merges_two_amendments_into_one_wording(
    api: Api, browser: Callable[[], Browser], facilitator: dict[str, str]
) -> None:
    code, (first, _) = await drafted(api, facilitator)
    one, two = await amended_twice(api, code, first["id"])
    chair = await staff_browser(browser, api=api, of=facilitator)
    page = chair.page(await chair.get(f"/staff/s/{code}/resolutions"))
    form = page.find(id=f"clause-{first['id']}").find("form", class_="merge-form")
    assert form.find("textarea", attrs={"name": "text"}).get_text() == first["text"]  # prefilled
    assert {i["value"] for i in form.find_all("input", attrs={"name": "amendment_ids"})} == {str(one), str(two)}

    merged = "ขอให้องค์การบริหารส่วนจังหวัดร่วมกับเทศบาลจัดตั้งศูนย์ดูแลผู้สูงอายุติดเตียงภายในปี ๒๕๖๙"
    before = await row_counts()
    r = await chair.post(
        f"/staff/s/{code}/resolutions/merge",
        form_data(form) | {"amendment_ids": [str(one)], "text": merged, "reason": "รวมสองข้อเสนอ"},
    )
    assert r.status_code == 422 and await row_counts() == before  # one is not a merge
    kept = chair.page(r).find("form", class_="merge-form")
    assert kept.find(class_="form-error") and kept.find("textarea").get_text() == merged
    assert kept.find("input", attrs={"name": "amendment_ids", "value": str(one)}).has_attr("checked")

    r = await chair.post(
        f"/staff/s/{code}/resolutions/merge",
        form_data(form) | {"amendment_ids": [str(one), str(two)], "text": merged, "reason": "รวมสองข้อเสนอ"},
    )
    assert r.status_code == 303 and r.headers["location"].endswith(f"#clause-{first['id']}")
    desk = chair.page(await chair.get(r.headers["location"])).find(id=f"clause-{first['id']}")
    assert desk.find(class_="clause-text").get_text().strip() == merged
    assert desk.find("form", class_="merge-form") is None  # nothing left to merge
    for aid in (one, two):
        assert desk.find(id=f"amendment-{aid}")["class"] == ["amendment", "decided-merged"]
    assert {a.status for a in await Amendment.filter(id__in=[one, two])} == {"merged"}
    phone = await phone_in(browser, code, "ป้าแดง")
    shown = phone.page(await phone.get(f"/s/{code}/resolutions")).find(id=f"clause-{first['id']}")
    assert shown.find(class_="clause-text").get_text().strip() == merged


async def test_a_stale_merge_is_refused_with_409_and_writes_nothing(
    api: Api, browser: Callable[[], Browser], facilitator: dict[str, str]
) -> None:
    code, (first, _) = await drafted(api, facilitator)
    one, two = await amended_twice(api, code, first["id"])
    who = await api.join(code, "ค")
    r = await api.client.post(
        f"/api/v1/clauses/{first['id']}/amendments",
        headers=who,
        json={"op": "replace", "text": "ขอให้เทศบาลจัดตั้งศูนย์ดูแลผู้สูงอายุทุกตำบล", "reason": "ให้ทั่วถึง", "base_version": 1},
    )
    assert r.status_code == 201
    third = r.json()["id"]
    chair = await staff_browser(browser, api=api, of=facilitator)
    old = chair.page(await chair.get(f"/staff/s/{code}/resolutions"))  # all three on version 1
    form = old.find(id=f"clause-{first['id']}").find("form", class_="merge-form")
    r = await api.client.post(f"/api/v1/amendments/{third}/decision", headers=facilitator, json={"decision": "accept"})
    assert r.status_code == 200  # the clause is now version 2

    before = await row_counts()
    r = await chair.post(
        f"/staff/s/{code}/resolutions/merge",
        form_data(form) | {"amendment_ids": [str(one), str(two)], "text": "ถ้อยคำที่รวมแล้ว", "reason": "รวม"},
    )
    assert r.status_code == 409
    assert await row_counts() == before
    refused = chair.page(r).find(id=f"clause-{first['id']}").find("form", class_="merge-form")
    error = refused.find(class_="form-error")
    assert "เวอร์ชัน 2" in error.get_text()
    assert error.find(class_="current-text").get_text().strip() == "ขอให้เทศบาลจัดตั้งศูนย์ดูแลผู้สูงอายุทุกตำบล"
    assert refused.find("textarea", attrs={"name": "text"}).get_text() == "ถ้อยคำที่รวมแล้ว"  # what was typed is kept
    assert {a.status for a in await Amendment.filter(id__in=[one, two])} == {"proposed"}


async def test_a_non_delegate_comments_on_a_clause_where_only_delegates_amend(
    api: Api, browser: Callable[[], Browser], facilitator: dict[str, str]
) -> None:
    code, (first, _) = await drafted(api, facilitator)
    r = await api.client.post(
        f"/api/v1/sessions/{code}/resolution-rules",
        headers=facilitator,
        json={"voters": "seat", "amenders": "delegates"},
    )
    assert r.status_code == 200, r.text
    phone = await phone_in(browser, code, "ยายสมศรี")
    page = phone.page(await phone.get(f"/s/{code}/resolutions"))
    clause = page.find(id=f"clause-{first['id']}")
    assert clause.find("form", class_="amend-form") is None  # not a delegate: no amending
    form = clause.find("form", class_="comment-form")
    assert form is not None

    before = await row_counts()
    r = await phone.post(f"/s/{code}/resolutions/comment", form_data(form) | {"body": " "})
    assert r.status_code == 422 and await row_counts() == before
    refused = phone.page(r).find(id=f"comments-{first['id']}")
    assert refused.find(class_="form-error").get_text(strip=True)
    assert refused.find("textarea", attrs={"name": "body"})["aria-invalid"] == "true"

    body = "อยากให้มีรถรับส่งไปศูนย์ด้วยค่ะ"
    r = await phone.post(f"/s/{code}/resolutions/comment", form_data(form) | {"body": body})
    assert r.status_code == 303 and r.headers["location"].endswith(f"#comments-{first['id']}")
    shown = phone.page(await phone.get(r.headers["location"])).find(id=f"comments-{first['id']}")
    assert [li.get_text() for li in shown.find("ul", class_="comment-list").find_all("li")] == [body]
    assert shown.find(attrs={"role": "status"}) is not None
    assert "ยายสมศรี" not in shown.get_text()  # no author names

    other = await phone_in(browser, code, "ลุงเพิ่ม")
    seen = other.page(await other.get(f"/s/{code}/resolutions")).find(id=f"comments-{first['id']}")
    assert body in seen.get_text() and seen.find(attrs={"role": "status"}) is None


# -- the drafting team revises a draft from the console -----------------------------------------------------------
def numbered(page: BeautifulSoup, item_id: int) -> list[tuple[str, str]]:
    """The item's clauses on the console as (heading, text), in order."""
    return [
        (c.find("h3").contents[0].strip(), c.find(class_="clause-text").get_text().strip())
        for c in page.find(id=f"item-{item_id}").find_all("article", class_="clause")
    ]


async def test_the_desk_revises_an_item_and_shows_its_new_draft_version(
    api: Api, browser: Callable[[], Browser], facilitator: dict[str, str]
) -> None:
    code, (first, _) = await drafted(api, facilitator)
    item = await AgendaItem.get(session__code=code)
    chair = await staff_browser(browser, api=api, of=facilitator)
    page = chair.page(await chair.get(f"/staff/s/{code}/resolutions"))
    assert gettext("Draft version {v}", v=1) in page.find(id=f"desk-item-{item.id}-title").get_text()  # ฉบับร่างที่ 1
    form = page.find("form", id=f"revise-{item.id}")
    assert form.find_parent("details").get("open") is None  # collapsed
    assert form.find("input", attrs={"name": "base_version"})["value"] == "1"
    assert form.find("input", attrs={"name": "title"})["value"] == DRAFT["title"]
    assert form.find("textarea", attrs={"name": "preamble"}).get_text() == DRAFT["preamble"][0]

    title = "การดูแลผู้สูงอายุติดบ้านติดเตียงโดยชุมชน"
    r = await chair.post(
        f"/staff/s/{code}/resolutions/revise-item",
        form_data(form)
        | {
            "title": title,
            "background": "ผู้สูงอายุติดเตียงเพิ่มขึ้น",
            "preamble": DRAFT["preamble"][0] + "\r\n\r\nเห็นว่าการดูแลใกล้บ้าน\r\nช่วยลดภาระครอบครัว",
        },
    )
    assert r.status_code == 303 and r.headers["location"].endswith(f"#item-{item.id}")
    shown = chair.page(await chair.get(r.headers["location"]))
    heading = shown.find(id=f"desk-item-{item.id}-title").get_text()
    assert title in heading and gettext("Draft version {v}", v=2) in heading
    assert [p.get_text() for p in shown.find(id=f"item-{item.id}").find(class_="preamble").find_all("p")] == [
        DRAFT["preamble"][0],
        "เห็นว่าการดูแลใกล้บ้าน\nช่วยลดภาระครอบครัว",
    ]
    assert shown.find("form", id=f"revise-{item.id}").find("input", attrs={"name": "base_version"})["value"] == "2"
    await item.refresh_from_db()
    assert (item.version, item.title, item.background) == (2, title, "ผู้สูงอายุติดเตียงเพิ่มขึ้น")
    assert await AgendaItemVersion.filter(item_id=item.id).count() == 2
    phone = await phone_in(browser, code, "ป้าแดง")
    assert title in phone.page(await phone.get(f"/s/{code}/resolutions")).get_text()

    await api.set_phase(facilitator, code, "closed")  # no drafting once the session is closed
    closed = chair.page(await chair.get(f"/staff/s/{code}/resolutions"))
    assert closed.find("form", id=f"revise-{item.id}") is None
    assert closed.find("form", class_="redraft-form") is None and closed.find("form", class_="add-clause-form") is None
    before = await row_counts()
    r = await chair.post(
        f"/staff/s/{code}/resolutions/revise-item", form_data(form) | {"title": "ปิดแล้ว", "base_version": "2"}
    )
    assert r.status_code == 403 and await row_counts() == before
    assert chair.page(r).find("p", class_="form-error").get_text() == "เวทีนี้ปิดแล้ว"


async def test_a_stale_revise_is_refused_with_409_keeping_the_typed_title_and_writes_nothing(
    api: Api, browser: Callable[[], Browser], facilitator: dict[str, str]
) -> None:
    code, _ = await drafted(api, facilitator)
    item = await AgendaItem.get(session__code=code)
    chair, colleague = (
        await staff_browser(browser, api=api, of=facilitator),
        await staff_browser(browser, api=api, of=facilitator),
    )
    form = chair.page(await chair.get(f"/staff/s/{code}/resolutions")).find("form", id=f"revise-{item.id}")
    page = colleague.page(await colleague.get(f"/staff/s/{code}/resolutions"))
    r = await colleague.post(
        f"/staff/s/{code}/resolutions/revise-item",
        form_data(page.find("form", id=f"revise-{item.id}")) | {"title": "ศูนย์ดูแลผู้สูงอายุใกล้บ้าน"},
    )
    assert r.status_code == 303  # the draft is now version 2

    before, drafts = await row_counts(), await AgendaItemVersion.filter(item_id=item.id).count()
    typed = "การดูแลผู้สูงอายุโดยชุมชนและท้องถิ่น"
    r = await chair.post(f"/staff/s/{code}/resolutions/revise-item", form_data(form) | {"title": typed})
    assert r.status_code == 409
    assert await row_counts() == before and await AgendaItemVersion.filter(item_id=item.id).count() == drafts
    await item.refresh_from_db()
    assert (item.version, item.title) == (2, "ศูนย์ดูแลผู้สูงอายุใกล้บ้าน")
    refused = chair.page(r)
    kept = refused.find("form", id=f"revise-{item.id}")
    assert kept.find_parent("details").has_attr("open")
    assert "เวอร์ชัน 2" in kept.find(class_="form-error").get_text()
    assert kept.find("input", attrs={"name": "title"})["value"] == typed  # what was typed is kept
    assert kept.find("input", attrs={"name": "base_version"})["value"] == "2"  # the next try is against v2
    assert "ศูนย์ดูแลผู้สูงอายุใกล้บ้าน" in refused.find(id=f"desk-item-{item.id}-title").get_text()


async def test_the_desk_redrafts_a_clause_as_a_new_version(
    api: Api, browser: Callable[[], Browser], facilitator: dict[str, str]
) -> None:
    code, (first, _) = await drafted(api, facilitator)
    chair = await staff_browser(browser, api=api, of=facilitator)
    page = chair.page(await chair.get(f"/staff/s/{code}/resolutions"))
    call = page.find(id=f"clause-{first['id']}").find(
        "form", action=f"/staff/s/{code}/resolutions/open-check#clause-{first['id']}"
    )
    assert (await chair.post(f"/staff/s/{code}/resolutions/open-check", form_data(call))).status_code == 303
    page = chair.page(await chair.get(f"/staff/s/{code}/resolutions"))
    form = page.find("form", id=f"redraft-{first['id']}")
    assert form.find("textarea", attrs={"name": "text"}).get_text() == first["text"]  # prefilled
    assert form.find("textarea", attrs={"name": "partners"}).get_text() == "พมจ."
    assert form.find("input", attrs={"name": "base_version"})["value"] == "1"

    r = await chair.post(
        f"/staff/s/{code}/resolutions/redraft",
        form_data(form) | {"text": NEW_WORDING, "lead_agency": "องค์การบริหารส่วนจังหวัด", "partners": "เทศบาล\r\nพมจ.\r\n"},
    )
    assert r.status_code == 303 and r.headers["location"].endswith(f"#clause-{first['id']}")
    shown = chair.page(await chair.get(r.headers["location"])).find(id=f"clause-{first['id']}")
    assert shown.find(class_="clause-text").get_text().strip() == NEW_WORDING
    assert "เวอร์ชัน 2" in shown.find(class_="version").get_text()
    assert shown.find("form", id=f"redraft-{first['id']}").find("input", attrs={"name": "base_version"})["value"] == "2"
    clause = await Clause.get(id=first["id"])
    assert (clause.version, clause.lead_agency, clause.partners) == (2, "องค์การบริหารส่วนจังหวัด", ["เทศบาล", "พมจ."])
    assert (await ConsensusCheck.get(clause_id=first["id"])).outcome == "void"  # the check on the old wording

    before = await row_counts()
    r = await chair.post(f"/staff/s/{code}/resolutions/redraft", form_data(form) | {"text": SOONER})  # on v1
    assert r.status_code == 409 and await row_counts() == before
    kept = chair.page(r).find("form", id=f"redraft-{first['id']}")
    assert "เวอร์ชัน 2" in kept.find(class_="form-error").get_text()
    assert kept.find(class_="current-text").get_text().strip() == NEW_WORDING
    assert kept.find("textarea", attrs={"name": "text"}).get_text() == SOONER


async def test_the_desk_adds_a_clause_after_the_first_and_renumbers(
    api: Api, browser: Callable[[], Browser], facilitator: dict[str, str]
) -> None:
    code, (first, second) = await drafted(api, facilitator)
    item = await AgendaItem.get(session__code=code)
    chair = await staff_browser(browser, api=api, of=facilitator)
    page = chair.page(await chair.get(f"/staff/s/{code}/resolutions"))
    form = page.find("form", id=f"add-clause-{item.id}")
    options = form.find("select", attrs={"name": "after_clause_id"}).find_all("option")
    assert [(o["value"], o.get_text()) for o in options] == [
        ("", gettext("At the end")),
        (str(first["id"]), gettext("After clause {n}", n=1)),
        (str(second["id"]), gettext("After clause {n}", n=2)),
    ]

    before = await row_counts()
    r = await chair.post(
        f"/staff/s/{code}/resolutions/add-clause",
        form_data(form) | {"text": " ", "lead_agency": "รพ.สต.", "after_clause_id": str(first["id"])},
    )
    assert r.status_code == 422 and await row_counts() == before
    kept = chair.page(r).find("form", id=f"add-clause-{item.id}")
    assert kept.find(class_="form-error") and kept.find("input", attrs={"name": "lead_agency"})["value"] == "รพ.สต."
    assert kept.find("option", value=str(first["id"])).has_attr("selected")

    wording = "ขอให้โรงพยาบาลส่งเสริมสุขภาพตำบลจัดทีมเยี่ยมบ้านผู้สูงอายุติดเตียงทุกเดือน"
    r = await chair.post(
        f"/staff/s/{code}/resolutions/add-clause",
        form_data(form)
        | {"text": wording, "lead_agency": "รพ.สต.", "partners": "อสม.", "after_clause_id": str(first["id"])},
    )
    assert r.status_code == 303
    added = await Clause.get(text=wording)
    assert r.headers["location"].endswith(f"#clause-{added.id}")
    shown = chair.page(await chair.get(r.headers["location"]))
    assert numbered(shown, item.id) == [("ข้อ 1", first["text"]), ("ข้อ 2", wording), ("ข้อ 3", second["text"])]
    assert (added.lead_agency, added.partners, added.version) == ("รพ.สต.", ["อสม."], 1)


async def test_an_official_reads_and_downloads_the_resolution_from_the_portal(
    api: Api, browser: Callable[[], Browser], facilitator: dict[str, str]
) -> None:
    """Issue 20, must 4: an official of the assembly reaches the resolution, every brief format and the minutes
    in the browser, from the portal and from the session's desk; an official of nothing reaches none of it."""
    code, clauses = await drafted(api, facilitator)
    official = await staff_browser(browser, "official", code=code)
    portal = official.page(await official.get("/staff/portal"))
    links = {a["href"] for a in portal.find_all("a")}
    for href in (
        f"/staff/s/{code}/resolution",
        f"/staff/s/{code}/resolution.pdf",
        f"/staff/s/{code}/resolution.docx",
        f"/staff/s/{code}/resolution.json",
        f"/staff/s/{code}/brief.xlsx",
        f"/staff/s/{code}/brief.json",
        f"/staff/s/{code}/minutes.docx",
        f"/staff/s/{code}/outcomes",
    ):
        assert href in links, href
    page = await official.get(f"/staff/s/{code}/resolution")
    assert page.status_code == 200
    text = official.page(page).get_text("")
    assert DRAFT["clauses"][0]["text"] in text and DRAFT["title"] in text
    pdf = await official.get(f"/staff/s/{code}/resolution.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    docx = await official.get(f"/staff/s/{code}/resolution.docx")
    assert docx.status_code == 200 and docx.content.startswith(b"PK")
    data = (await official.get(f"/staff/s/{code}/resolution.json")).json()
    assert [c["text"] for c in data["items"][0]["clauses"]][:1] == [clauses[0]["text"]]
    desk = official.page(await official.get(f"/staff/s/{code}/outcomes"))
    assert desk.find("a", href=f"/staff/s/{code}/resolution") is not None
    assert desk.find("a", href=f"/staff/s/{code}") is None  # no console link for an official
    stranger = await staff_browser(browser, "official")
    assert (await stranger.get(f"/staff/s/{code}/resolution")).status_code == 403
    assert (await stranger.get(f"/staff/s/{code}/resolution.pdf")).status_code == 403
    assert f"/staff/s/{code}/resolution" not in (await stranger.get("/staff/portal")).text


async def test_the_drafting_desk_flags_a_clause_that_asks_for_no_action(
    api: Api, browser: Callable[[], Browser], facilitator: dict[str, str]
) -> None:
    """ "ขอให้ [agency] ร่วมกับ [partners] [verb ...]": a clause whose action is a bare noun phrase asks the
    agency for nothing; the desk says so and proposes a verb, and the one with a verb is left alone."""
    s = await api.new_session(facilitator, phase="deliberation")
    draft = {
        "title": "ที่อยู่อาศัย",
        "clauses": [
            {
                "text": "ขอให้สถาบันพัฒนาองค์กรชุมชน ร่วมกับ เทศบาล บ้านมั่นคงสำหรับชุมชนชาวเล",
                "lead_agency": "สถาบันพัฒนาองค์กรชุมชน",
                "partners": ["เทศบาล"],
            },
            {"text": "ขอให้เทศบาล จัดตั้งศูนย์ดูแลผู้สูงอายุ", "lead_agency": "เทศบาล"},
        ],
    }
    item = (await api.client.post(f"/api/v1/sessions/{s['code']}/items", headers=facilitator, json=draft)).json()
    chair = await staff_browser(browser, api=api, of=facilitator)
    desk = chair.page(await chair.get(f"/staff/s/{s['code']}/resolutions"))
    flagged = desk.find(id=f"clause-{item['clauses'][0]['id']}").find(class_="verb-missing")
    assert flagged is not None and "ดำเนินการให้มี" in flagged.get_text()
    assert desk.find(id=f"clause-{item['clauses'][1]['id']}").find(class_="verb-missing") is None
