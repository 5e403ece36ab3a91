"""Presenter mode over the JSON API: the facilitator chooses what the projector shows; the projector page
carries the view, bad choices answer a clear 4xx in the caller's language, hidden results stay hidden."""

from __future__ import annotations

import httpx
import pytest
from bs4 import BeautifulSoup

from deliberate.staffrecord.models import StaffAction
from tests.api.test_voting import setup_round, vote
from tests.conftest import Api

VIEWS = ("join", "board", "spotlight", "results", "map", "cloud", "pledges", "timer")


def screen(code: str) -> str:
    return f"/api/v1/sessions/{code}/screen"


async def projector_view(client: httpx.AsyncClient, code: str) -> tuple[str, BeautifulSoup]:
    page = BeautifulSoup((await client.get(f"/s/{code}/screen")).text, "html.parser")
    main = page.find("main")
    assert main is not None
    return str(main["data-view"]), page


async def test_each_view_is_chosen_recorded_and_shown(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    s = await api.new_session(facilitator, phase="ideas")
    author = await api.join(s["code"])
    pid = (await api.propose(author, s["code"], s["themes"][0]["id"], title="ศูนย์ดูแลผู้สูงอายุ"))["id"]
    assert (await projector_view(client, s["code"]))[0] == "board"  # what a new session shows
    for view in VIEWS:
        r = await client.post(screen(s["code"]), json={"view": view}, headers=facilitator)
        assert r.status_code == 200, r.text
        assert r.json()["view"] == view
        shown, page = await projector_view(client, s["code"])
        assert shown == view
        assert page.find(id="stage")["data-view"] == view  # type: ignore[index]
    r = await client.post(screen(s["code"]), json={"view": "spotlight", "proposal_id": pid}, headers=facilitator)
    assert r.json() == {"code": s["code"], "view": "spotlight", "spotlight_id": pid}
    _, page = await projector_view(client, s["code"])
    spot = page.find(id="spotlight")
    assert spot is not None and "ศูนย์ดูแลผู้สูงอายุ" in spot.get_text()
    acts = await StaffAction.filter(session_id=s["id"], action="screen").order_by("id")
    assert [a.data["view"] for a in acts] == [*VIEWS, "spotlight"]
    assert acts[-1].proposal_id == pid
    # Pressed twice: nothing new to record.
    await client.post(screen(s["code"]), json={"view": "spotlight", "proposal_id": pid}, headers=facilitator)
    assert await StaffAction.filter(session_id=s["id"], action="screen").count() == len(VIEWS) + 1


@pytest.mark.parametrize(
    ("lang", "words"), [("th", "จอโปรเจกเตอร์แสดงสิ่งนี้ไม่ได้"), ("en", "The projector cannot show that")]
)
async def test_an_unknown_view_is_refused_in_the_callers_language(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str], lang: str, words: str
) -> None:
    s = await api.new_session(facilitator)
    for bad in ("slides", "", None, 3, ["map"]):
        r = await client.post(screen(s["code"]), json={"view": bad}, headers=facilitator | {"accept-language": lang})
        assert r.status_code == 422, r.text
        assert r.json()["field"] == "view" and words in r.json()["message"]
    assert (await projector_view(client, s["code"]))[0] == "board"


async def test_only_a_published_proposal_of_the_session_takes_the_spotlight(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    s = await api.new_session(facilitator, phase="ideas")
    other = await api.new_session(facilitator, phase="ideas")
    author = await api.join(s["code"])
    stranger = await api.join(other["code"])
    theirs = (await api.propose(stranger, other["code"], other["themes"][0]["id"]))["id"]
    hidden = (await api.propose(author, s["code"], s["themes"][0]["id"]))["id"]
    assert (await api.moderate(facilitator, hidden, action="hide", reason="ซ้ำ")).status_code == 200
    r = await client.post(screen(s["code"]), json={"view": "spotlight", "proposal_id": theirs}, headers=facilitator)
    assert r.status_code == 404 and r.json()["field"] == "proposal_id"
    r = await client.post(screen(s["code"]), json={"view": "spotlight", "proposal_id": hidden}, headers=facilitator)
    assert r.status_code == 422 and "ไม่ได้อยู่บนบอร์ด" in r.json()["message"]
    r = await client.post(screen(s["code"]), json={"view": "spotlight", "proposal_id": "x"}, headers=facilitator)
    assert r.status_code == 422
    detail = (await client.get(f"/api/v1/sessions/{s['code']}")).json()
    assert detail["spotlight_id"] is None
    assert (await projector_view(client, s["code"]))[0] == "board"


async def test_only_facilitators_choose(api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]) -> None:
    s = await api.new_session(facilitator, phase="ideas")
    person = await api.join(s["code"])
    official = await api.staff("official")
    assert (await client.post(screen(s["code"]), json={"view": "map"})).status_code == 401
    assert (await client.post(screen(s["code"]), json={"view": "map"}, headers=person)).status_code == 403
    assert (await client.post(screen(s["code"]), json={"view": "map"}, headers=official)).status_code == 403
    assert (await projector_view(client, s["code"]))[0] == "board"


async def test_results_bars_show_no_figure_while_hidden(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    s, people, (a, _b, _), rnd = await setup_round(api, facilitator, "dots", n_people=2, hidden=True)
    await vote(client, people[0], a, "dots", 2)
    await client.post(screen(s["code"]), json={"view": "results"}, headers=facilitator)
    _, page = await projector_view(client, s["code"])
    stage = page.find(id="projector-results")
    assert stage is not None and not stage.select(".bar")
    assert "ผลจะแสดงเมื่อผู้ดำเนินการเปิดเผย" in stage.get_text()
    r = await client.post(f"/api/v1/sessions/{s['code']}/rounds/{rnd['id']}/reveal", headers=facilitator)
    assert r.status_code == 200
    _, page = await projector_view(client, s["code"])
    bars = page.select("#projector-results .bar")
    assert bars and bars[0]["data-share"] == "100.0"
    assert page.select_one(f"#result-{a} .bar-figure") is not None
