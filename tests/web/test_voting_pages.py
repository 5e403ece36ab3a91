"""Voting as people do it: the facilitator opens rounds on the console, phones tap, the hall sees results."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable

from deliberate.voting.models import Ballot, VoteRound
from tests.conftest import Api, Browser, row_counts
from tests.web.test_staff_pages import staff_browser


async def test_dot_round_from_console_to_phone_to_projector(
    api: Api, browser: Callable[[], Browser], facilitator: dict[str, str]
) -> None:
    desk = await staff_browser(browser, api=api, of=facilitator)
    s = await api.new_session(facilitator, phase="ideas")
    code, theme = s["code"], s["themes"][0]["id"]
    author = await api.join(code, "ผู้เสนอ")
    first = (await api.propose(author, code, theme, title="ตลาดนัดสินค้าชุมชน"))["id"]
    await api.set_phase(facilitator, code, "voting")
    page = desk.page(await desk.get(f"/staff/s/{code}"))
    form = page.find("form", attrs={"action": f"/staff/s/{code}/open-round"})
    assert form is not None and form.find("select", attrs={"name": "method"}).find("option", attrs={"value": "dots"})
    r = await desk.post(
        f"/staff/s/{code}/open-round",
        {"csrf_token": desk.csrf(page), "method": "dots", "budget": "3", "max_per": "2", "allow_assisted": "on"},
    )
    assert r.status_code == 303, r.text
    vote_round = await VoteRound.get(session__code=code)
    assert (vote_round.method, vote_round.options["budget"], vote_round.options["hidden"]) == ("dots", 3, False)

    phone = browser()
    await phone.join(code, "ป้าแดง")
    board = phone.page(await phone.get(f"/s/{code}"))
    assert board.find("a", attrs={"href": f"/s/{code}/vote"}) is not None
    page = phone.page(await phone.get(f"/s/{code}/vote"))
    item = page.find(id=f"vote-{first}")
    plus = [f for f in item.find_all("form") if f.find("input", attrs={"name": "value", "value": "1"})][0]
    data = {i["name"]: i["value"] for i in plus.find_all("input")}
    for _ in range(2):
        r = await phone.post(f"/s/{code}/vote", data)
        assert r.status_code == 303
        assert r.headers["location"] == f"/s/{code}/vote?sent=vote-{first}#vote-{first}"
        page = phone.page(await phone.get(r.headers["location"]))
        assert page.find(id=f"vote-{first}-sent").get_text(strip=True) == "ส่งแล้ว"  # by the proposal voted on
        plus = [f for f in page.find(id=f"vote-{first}").find_all("form")][1]
        data = {i["name"]: i["value"] for i in plus.find_all("input")}
    assert plus.find("button").has_attr("disabled")  # at the cap of 2 per proposal
    before = await row_counts()
    r = await phone.post(f"/s/{code}/vote", data)  # a third dot anyway
    assert r.status_code == 422
    assert phone.page(r).find(class_="form-error").get_text(strip=True) == "ใส่ได้ 0 ถึง 2 จุดต่อข้อเสนอ"
    assert await row_counts() == before
    assert (await Ballot.get(proposal_id=first)).value == 2

    hall = browser()
    screen = hall.page(await hall.get(f"/s/{code}/screen?show=results"))
    row = screen.find(id=f"result-{first}")
    assert row is not None and "2 จุด" in row.get_text(" ", strip=True)


async def test_statements_one_at_a_time_and_the_map_on_the_projector(
    api: Api, browser: Callable[[], Browser], facilitator: dict[str, str]
) -> None:
    desk = await staff_browser(browser, api=api, of=facilitator)
    s = await api.new_session(facilitator, phase="deliberation")
    code = s["code"]
    page = desk.page(await desk.get(f"/staff/s/{code}"))
    for text in ("ควรมีรถรับส่งผู้สูงอายุไปโรงพยาบาล", "ควรเก็บภาษีนักท่องเที่ยวเข้ากองทุนชุมชน", "ห้ามใช้โฟมบนชายหาด"):
        r = await desk.post(f"/staff/s/{code}/seed-statement", {"csrf_token": desk.csrf(page), "text": text})
        assert r.status_code == 303
    phones = []
    for i in range(6):
        phone = browser()
        await phone.join(code, f"คนที่ {i}")
        phones.append(phone)
    for i, phone in enumerate(phones):
        for _ in range(3):
            page = phone.page(await phone.get(f"/s/{code}/vote"))
            card = page.find(id="statement")
            form = card.find("form")
            vote = "1" if (i < 3) else "-1"
            data = {x["name"]: x["value"] for x in form.find_all("input")} | {"value": vote}
            assert (await phone.post(f"/s/{code}/vote", data)).status_code == 303
        done = phone.page(await phone.get(f"/s/{code}/vote"))
        assert done.find(id="statement").find("form") is None
    assert await Ballot.filter(round__session__code=code).count() == 18

    hall = browser()
    screen = hall.page(await hall.get(f"/s/{code}/screen?show=map"))
    svg = screen.find("svg")
    assert svg is not None and svg["role"] == "img"
    tree = ET.fromstring(str(svg))  # noqa: S314 - our own output
    assert len(tree.findall("{http://www.w3.org/2000/svg}circle")) == 6
    cloud = hall.page(await hall.get(f"/s/{code}/screen?show=cloud"))
    assert cloud.find("svg") is not None


async def test_similar_proposals_are_shown_while_typing(
    api: Api, browser: Callable[[], Browser], facilitator: dict[str, str]
) -> None:
    s = await api.new_session(facilitator, phase="ideas")
    code, theme = s["code"], s["themes"][0]["id"]
    author = await api.join(code)
    dup = (await api.propose(author, code, theme, title="ควรมีถังขยะแยกประเภทในชุมชน"))["id"]
    await api.propose(author, code, theme, title="ปรับปรุงถนนเข้าหมู่บ้าน")
    phone = browser()
    await phone.join(code)
    hint = phone.page(await phone.get(f"/s/{code}/similar", params={"title": "อยากให้มีถังแยกขยะในหมู่บ้านและชุมชน"}))
    links = [a["href"] for a in hint.find_all("a")]
    assert links == [f"/s/{code}/p/{dup}"]
    nothing = phone.page(await phone.get(f"/s/{code}/similar", params={"title": "ส่งเสริมการท่องเที่ยวโดยชุมชน"}))
    assert nothing.find("a") is None


async def test_projector_shows_who_backs_what_by_sector(
    api: Api, browser: Callable[[], Browser], facilitator: dict[str, str]
) -> None:
    s = await api.new_session(facilitator, phase="ideas")
    code, theme = s["code"], s["themes"][0]["id"]
    author = await api.join(code, "ผู้เสนอ")
    first = (await api.propose(author, code, theme, title="ธนาคารขยะ"))["id"]
    await api.set_phase(facilitator, code, "voting")
    volunteers = [await api.join(code, f"อพม. {i}", sector="volunteer") for i in range(5)]
    others = [await api.join(code, f"ชาวบ้าน {i}") for i in range(2)]
    for who in volunteers + others:
        await api.support(who, first)
    hall = browser()
    screen = hall.page(await hall.get(f"/s/{code}/screen?show=results&by=sector"))
    stage = screen.find(id="projector-results")
    assert stage.find(id="results-by")["value"] == "sector"  # the live redraws of the bars keep the grouping
    rows = [tr.get_text(" ", strip=True) for tr in stage.find_all("table")[0].find("tbody").find_all("tr")]
    assert len(rows) == 1 and rows[0].startswith("อาสาสมัคร") and rows[0].split()[-3:] == ["5", "5", "5"]
    assert "ไม่แสดงแยก" in stage.get_text(" ", strip=True)  # the two community voters are withheld, and it says so
    plain = hall.page(await hall.get(f"/s/{code}/screen?show=results&by=religion"))
    assert not plain.find(id="projector-results").find_all("table")  # an unknown grouping is ignored


async def test_console_enters_a_pile_of_paper_rankings_and_the_projector_counts_it(
    api: Api, browser: Callable[[], Browser], facilitator: dict[str, str]
) -> None:
    desk = await staff_browser(browser, api=api, of=facilitator)
    s = await api.new_session(facilitator, phase="ideas")
    code, theme = s["code"], s["themes"][0]["id"]
    author = await api.join(code, "ผู้เสนอ")
    a, b = [(await api.propose(author, code, theme, title=t))["id"] for t in ("ลานกีฬาชุมชน", "ห้องสมุดวัด")]
    await api.set_phase(facilitator, code, "voting")
    page = desk.page(await desk.get(f"/staff/s/{code}"))
    r = await desk.post(
        f"/staff/s/{code}/open-round", {"csrf_token": desk.csrf(page), "method": "rank", "k": "2", "allow_paper": "on"}
    )
    assert r.status_code == 303, r.text
    page = desk.page(await desk.get(f"/staff/s/{code}"))
    form = page.find("form", attrs={"action": f"/staff/s/{code}/paper"})
    assert form is not None and len(form.find_all("select", attrs={"name": "order"})) == 2
    assert form.find("input", attrs={"name": "sheets"}) is not None
    data = {i["name"]: i["value"] for i in form.find_all("input")} | {"order": [str(b), str(a)], "sheets": "12"}
    r = await desk.post(f"/staff/s/{code}/paper", data)
    assert r.status_code == 303, r.text
    before = await row_counts()
    r = await desk.post(f"/staff/s/{code}/paper", data | {"sheets": "10001"})
    assert r.status_code == 422 and await row_counts() == before
    ballots = await Ballot.filter(proposal_id__in=[a, b]).order_by("value")
    assert [(x.proposal_id, x.value, x.sheets, x.source) for x in ballots] == [(b, 1, 12, "paper"), (a, 2, 12, "paper")]
    hall = browser()
    screen = hall.page(await hall.get(f"/s/{code}/screen?show=results"))
    # The hall reads points; Borda and Schulze are named on the console only.
    assert "24 คะแนน" in screen.find(id=f"result-{b}").get_text(" ", strip=True)
    assert "12 คะแนน" in screen.find(id=f"result-{a}").get_text(" ", strip=True)
    assert "บอร์ดา" not in screen.get_text()
    assert "บอร์ดา 24" in desk.page(await desk.get(f"/staff/s/{code}?tab=voting")).get_text(" ", strip=True)


async def test_console_enters_any_methods_vote_for_someone_without_a_phone(
    api: Api, browser: Callable[[], Browser], facilitator: dict[str, str]
) -> None:
    desk = await staff_browser(browser, api=api, of=facilitator)
    s = await api.new_session(facilitator, phase="ideas")
    code, theme = s["code"], s["themes"][0]["id"]
    author = await api.join(code, "ผู้เสนอ")
    a, b = [(await api.propose(author, code, theme, title=t))["id"] for t in ("ลานกีฬาชุมชน", "ห้องสมุดวัด")]
    await api.set_phase(facilitator, code, "voting")
    for method, extra in (("score", {"proposal_id": str(a), "value": "4"}), ("rank", {"order": [str(b), str(a)]})):
        page = desk.page(await desk.get(f"/staff/s/{code}"))
        opening = {"csrf_token": desk.csrf(page), "method": method, "allow_assisted": "on"}
        r = await desk.post(f"/staff/s/{code}/open-round", opening)
        assert r.status_code == 303, r.text
        page = desk.page(await desk.get(f"/staff/s/{code}"))
        form = page.find("form", attrs={"action": f"/staff/s/{code}/assisted-vote"})
        assert form is not None, method
        data = {i["name"]: i.get("value", "") for i in form.find_all("input")} | {"on_behalf_of": "ยายมา"} | extra
        r = await desk.post(f"/staff/s/{code}/assisted-vote", data)
        assert r.status_code == 303, r.text
    score_round, rank_round = await VoteRound.filter(session__code=code).order_by("id")
    score = await Ballot.get(round_id=score_round.id)
    assert (score.proposal_id, score.value, score.source) == (a, 4, "assisted")
    ranked = await Ballot.filter(round_id=rank_round.id).order_by("value")
    assert [(x.proposal_id, x.source) for x in ranked] == [(b, "assisted"), (a, "assisted")]
    assert ranked[0].participant_id == score.participant_id  # the same person, found by name
