"""Voting rounds over the JSON API: dots, scores, rankings, statements; options, sources and breakdowns."""

from __future__ import annotations

from typing import Any

import httpx

from deliberate.accounts.models import AssemblyGrant, GrantRole
from deliberate.actors import Actor
from deliberate.proposals.models import Proposal
from deliberate.sessions.models import Participant, Session
from deliberate.sessions.services import assisted_participant
from deliberate.supports.services import add_support
from deliberate.voting.models import Ballot
from tests.audit.test_cli import audit_verify
from tests.conftest import Api, row_counts


async def setup_round(
    api: Api, staff: dict[str, str], method: str, n_people: int = 3, n_proposals: int = 3, **options: Any
) -> tuple[dict[str, Any], list[dict[str, str]], list[int], dict[str, Any]]:
    s = await api.new_session(staff, phase="ideas")
    theme = s["themes"][0]["id"]
    people = [
        await api.join(s["code"], f"คนที่ {i}", sector="community" if i % 2 else "volunteer") for i in range(n_people)
    ]
    ids = [(await api.propose(people[0], s["code"], theme, title=f"ข้อเสนอที่ {i}"))["id"] for i in range(n_proposals)]
    await api.set_phase(staff, s["code"], "voting")
    r = await api.client.post(
        f"/api/v1/sessions/{s['code']}/rounds", headers=staff, json={"method": method, "options": options}
    )
    assert r.status_code == 201, r.text
    return s, people, ids, r.json()


async def vote(
    client: httpx.AsyncClient, who: dict[str, str], pid: int, method: str, value: Any, **extra: Any
) -> httpx.Response:
    return await client.post(
        f"/api/v1/proposals/{pid}/votes", headers=who, json={"method": method, "value": value, **extra}
    )


async def results(
    client: httpx.AsyncClient, code: str, who: dict[str, str] | None = None, **params: Any
) -> dict[str, Any]:
    r = await client.get(f"/api/v1/sessions/{code}/results", params=params, headers=who or {})
    assert r.status_code == 200, r.text
    return r.json()


async def test_dots_keep_to_the_budget_and_the_cap(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    s, people, (a, b, c), rnd = await setup_round(api, facilitator, "dots", budget=5, max_per=3)
    assert rnd["options"]["budget"] == 5
    me = people[0]
    assert (await vote(client, me, a, "dots", 3)).status_code == 201
    assert (await vote(client, me, b, "dots", 2)).status_code == 201
    before = await row_counts()
    over = await vote(
        client,
        me,
        c,
        "dots",
        1,
    )
    assert over.status_code == 409 and "5" in over.json()["message"]
    capped = await vote(client, me, c, "dots", 4)
    assert capped.status_code == 422 and capped.json()["field"] == "value"
    assert (await vote(client, me, c, "score", 3)).json()["error"] == "invalid"
    assert await row_counts() == before
    # Moving a dot: take one off a, then c fits.
    assert (await vote(client, me, a, "dots", 2)).status_code == 201
    assert (await vote(client, me, c, "dots", 1)).status_code == 201
    assert (await vote(client, people[1], a, "dots", 3)).status_code == 201
    body = await results(client, s["code"])
    by_id = {i["id"]: i for i in body["items"]}
    assert (by_id[a]["dots"], by_id[b]["dots"], by_id[c]["dots"]) == (5, 2, 1)
    assert by_id[a]["by_source"] == {"phone": 5, "assisted": 0, "paper": 0}
    assert [i["id"] for i in body["items"]][:1] == [a] and body["voters"] == 2
    # Zero removes the mark.
    assert (await vote(client, me, c, "dots", 0)).json()["stored"] is False
    assert await Ballot.filter(proposal_id=c).count() == 0


async def test_scores_give_mean_median_and_distribution(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    s, people, (a, b, _), _ = await setup_round(api, facilitator, "score", n_people=4, scale="1-5")
    for who, score in zip(people, (5, 4, 4, 1), strict=True):
        assert (await vote(client, who, a, "score", score)).status_code == 201
    assert (await vote(client, people[0], b, "score", 3)).status_code == 201
    for bad in (0, 6, "x", True, None, 2.5):
        r = await vote(client, people[1], b, "score", bad)
        assert r.status_code == 422, (bad, r.text)
    item = {i["id"]: i for i in (await results(client, s["code"]))["items"]}[a]
    assert (item["mean"], item["median"], item["n"]) == (3.5, 4.0, 4)
    assert item["distribution"] == {"1": 1, "2": 0, "3": 0, "4": 2, "5": 1}
    # A second mark replaces the first.
    assert (await vote(client, people[3], a, "score", 5)).status_code == 201
    item = {i["id"]: i for i in (await results(client, s["code"]))["items"]}[a]
    assert (item["mean"], item["n"]) == (4.5, 4)


async def test_rankings_give_borda_and_schulze(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    s, people, (a, b, c), _ = await setup_round(api, facilitator, "rank", n_people=5, k=3)
    url = f"/api/v1/sessions/{s['code']}/rankings"
    before = await row_counts()
    for bad in ([a, a], [a, 999_999], [a, b, c, a], [], "a,b", [True]):
        r = await client.post(url, headers=people[0], json={"order": bad})
        assert r.status_code == 422, (bad, r.text)
    assert await row_counts() == before
    # 3 voters: a > b > c; 2 voters: c > b > a. Borda: a 3*3+2*1=11, b 5*2=10, c 3*1+2*3=9; Schulze: a wins 3-2.
    for who in people[:3]:
        assert (await client.post(url, headers=who, json={"order": [a, b, c]})).status_code == 201
    for who in people[3:]:
        assert (await client.post(url, headers=who, json={"order": [c, b, a]})).status_code == 201
    by_id = {i["id"]: i for i in (await results(client, s["code"]))["items"]}
    assert (by_id[a]["borda"], by_id[b]["borda"], by_id[c]["borda"]) == (11, 10, 9)
    assert (by_id[a]["schulze_place"], by_id[b]["schulze_place"], by_id[c]["schulze_place"]) == (1, 2, 3)
    # Ranking again replaces the earlier ranking.
    assert (await client.post(url, headers=people[0], json={"order": [c]})).status_code == 201
    assert await Ballot.filter(participant_id__isnull=False, proposal_id__in=[a, b, c]).count() == 4 * 3 + 1


async def test_votes_need_the_right_phase_and_an_open_round(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    s, people, (a, _, _), rnd = await setup_round(api, facilitator, "dots")
    await api.set_phase(facilitator, s["code"], "commitments")
    assert (await vote(client, people[0], a, "dots", 1)).status_code == 403
    await api.set_phase(facilitator, s["code"], "voting")
    r = await client.post(f"/api/v1/sessions/{s['code']}/rounds/{rnd['id']}/close", headers=facilitator)
    assert r.status_code == 200 and r.json()["is_open"] is False
    assert (await vote(client, people[0], a, "dots", 1)).status_code == 403
    assert (
        await client.post(f"/api/v1/sessions/{s['code']}/rounds", headers=people[0], json={"method": "dots"})
    ).status_code == 403
    bad = await client.post(
        f"/api/v1/sessions/{s['code']}/rounds", headers=facilitator, json={"method": "dots", "options": {"budget": 0}}
    )
    assert bad.status_code == 422 and bad.json()["field"] == "budget"
    bad = await client.post(f"/api/v1/sessions/{s['code']}/rounds", headers=facilitator, json={"method": "lottery"})
    assert bad.status_code == 422 and bad.json()["field"] == "method"


async def test_assisted_and_paper_votes_are_shown_with_their_source(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    s, people, (a, b, _), rnd = await setup_round(api, facilitator, "dots", allow_paper=True, budget=4)
    assert (await vote(client, people[0], a, "dots", 2)).status_code == 201
    assisted = await vote(client, facilitator, a, "dots", 1, on_behalf_of="ยายมา ไม่มีมือถือ")
    assert assisted.status_code == 201, assisted.text
    paper = f"/api/v1/sessions/{s['code']}/rounds/{rnd['id']}/paper"
    r = await client.post(
        paper, headers=facilitator, json={"marks": [{"proposal_id": a, "value": 3}, {"proposal_id": b, "value": 1}]}
    )
    assert r.status_code == 201 and r.json()["rows"] == 2
    over = await client.post(
        paper, headers=facilitator, json={"marks": [{"proposal_id": a, "value": 3}, {"proposal_id": b, "value": 3}]}
    )
    assert over.status_code == 422
    assert (
        await client.post(paper, headers=people[1], json={"marks": [{"proposal_id": a, "value": 1}]})
    ).status_code == 403
    item = {i["id"]: i for i in (await results(client, s["code"]))["items"]}[a]
    assert item["by_source"] == {"phone": 2, "assisted": 1, "paper": 3} and item["dots"] == 6


async def test_hidden_results_until_revealed_with_quorum_and_threshold(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    s, people, (a, b, _), rnd = await setup_round(
        api, facilitator, "score", n_people=3, hidden=True, quorum=3, threshold=4
    )
    for who in people[:2]:
        await vote(client, who, a, "score", 5)
    public = await results(client, s["code"], people[0])
    assert public["hidden"] is True and public["items"] == []
    staff_view = await results(client, s["code"], facilitator)
    assert staff_view["quorum_met"] is False and all(i["passes"] is False for i in staff_view["items"])
    await vote(client, people[2], a, "score", 4)
    await vote(client, people[2], b, "score", 2)
    r = await client.post(f"/api/v1/sessions/{s['code']}/rounds/{rnd['id']}/reveal", headers=facilitator)
    assert r.json()["revealed"] is True
    public = await results(client, s["code"])
    by_id = {i["id"]: i for i in public["items"]}
    assert public["hidden"] is False and public["quorum_met"] is True
    assert (by_id[a]["passes"], by_id[b]["passes"]) == (True, False)


async def test_results_by_group_hide_small_groups(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    s, people, (a, _, _), _ = await setup_round(api, facilitator, "dots", n_people=8)
    for who in people:  # 4 volunteers (even), 4 community (odd): both under the minimum of 5
        await vote(client, who, a, "dots", 1)
    extra = [await api.join(s["code"], f"อพม. {i}", sector="volunteer") for i in range(2)]
    for who in extra:
        await vote(client, who, a, "dots", 2)
    body = await results(client, s["code"], by="sector")
    groups = {g["key"]: g for g in body["groups"]["groups"]}
    assert set(groups) == {"volunteer"}  # 6 voters; community (4) is withheld
    assert groups["volunteer"]["voters"] == 6 and groups["volunteer"]["figures"][str(a)] == 8
    assert body["groups"]["withheld"] == {"groups": 1, "voters": 4}
    assert (await client.get(f"/api/v1/sessions/{s['code']}/results", params={"by": "religion"})).status_code == 422


async def test_statements_agree_disagree_and_idempotency(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    s = await api.new_session(facilitator, phase="deliberation")
    code = s["code"]
    seeded = []
    for text in ("ควรมีกองทุนสวัสดิการชุมชนทุกตำบล", "รถโดยสารสาธารณะควรถึงทุกหมู่บ้าน"):
        r = await client.post(f"/api/v1/sessions/{code}/statements", headers=facilitator, json={"text": text})
        assert r.status_code == 201 and r.json()["status"] == "published"
        seeded.append(r.json()["id"])
    dup = await client.post(
        f"/api/v1/sessions/{code}/statements", headers=facilitator, json={"text": "ควรมีกองทุนสวัสดิการชุมชนทุกตำบล"}
    )
    assert dup.status_code == 409
    me = await api.join(code)
    first = (await client.get(f"/api/v1/sessions/{code}/statements/next", headers=me)).json()["statement"]
    assert first["id"] in seeded
    key = {"idempotency-key": "agree-once"}
    r1 = await client.post(
        f"/api/v1/proposals/{first['id']}/votes", headers=me | key, json={"method": "agree", "value": 1}
    )
    r2 = await client.post(
        f"/api/v1/proposals/{first['id']}/votes", headers=me | key, json={"method": "agree", "value": 1}
    )
    assert r1.status_code == r2.status_code == 201 and r1.json() == r2.json()
    assert await Ballot.filter(proposal_id=first["id"]).count() == 1
    assert (await vote(client, me, first["id"], "agree", 2)).status_code == 422
    assert (await vote(client, me, first["id"], "dots", 1)).status_code in (403, 422)
    second = (await client.get(f"/api/v1/sessions/{code}/statements/next", headers=me)).json()["statement"]
    assert second["id"] != first["id"]
    assert (await vote(client, me, second["id"], "agree", -1)).status_code == 201
    assert (await client.get(f"/api/v1/sessions/{code}/statements/next", headers=me)).json()["statement"] is None
    # A statement cannot be supported like a proposal.
    assert (await client.post(f"/api/v1/proposals/{first['id']}/support", headers=me)).status_code in (403, 409)


# -- the one count: phone, assisted and paper ballots together -----------------------------------------------------
def paper_url(code: str, round_id: int) -> str:
    return f"/api/v1/sessions/{code}/rounds/{round_id}/paper"


async def paper(client: httpx.AsyncClient, staff: dict[str, str], code: str, round_id: int, **body: Any) -> None:
    r = await client.post(paper_url(code, round_id), headers=staff, json=body)
    assert r.status_code == 201, r.text


async def test_paper_and_assisted_supports_rank_in_the_one_count(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str], staff_actor: Actor
) -> None:
    # The testers' case: 2 phone supports, 1 entered by staff, a pile of 3 paper ballots: 6, ahead of the 4s.
    s, people, (x, four, other_four), rnd = await setup_round(api, facilitator, "support", n_people=5, allow_paper=True)
    for who in people[:4]:
        await api.support(who, four)
        await api.support(who, other_four)
    for who in people[:2]:
        await api.support(who, x)
    session = await Session.get(code=s["code"])
    await AssemblyGrant.create(assembly_id=session.assembly_id, user=staff_actor.staff, role=GrantRole.FACILITATOR)
    helped = await assisted_participant(staff_actor, session, "ยายมา ไม่มีมือถือ")
    assert await add_support(staff_actor, await Proposal.get(id=x).prefetch_related("session"), on_behalf_of=helped)
    await paper(client, facilitator, s["code"], rnd["id"], marks=[{"proposal_id": x}], sheets=3)
    body = await results(client, s["code"])
    first = body["items"][0]
    assert (first["id"], first["rank"], first["count"], first["supports"]) == (x, 1, 6, 6)
    assert first["by_source"] == {"phone": 2, "assisted": 1, "paper": 3}
    assert [i["count"] for i in body["items"]] == [6, 4, 4]
    for item in body["items"]:
        assert sum(item["by_source"].values()) == item["count"]
    assert body["voters"] == 5 + 3  # four phones, one person helped by staff, three paper sheets
    # The projector draws the same figure from the same results: 6, with the paper pile beside it.
    page = await client.get(f"/s/{s['code']}/screen", params={"show": "results"})
    assert page.status_code == 200, page.text
    row = page.text.split(f'id="result-{x}"', 1)[1].split("</li>", 1)[0]
    assert ">1<" in row and "6" in row and "3" in row and "2" in row, row


async def test_a_pile_of_paper_sheets_counts_as_that_many_ballots_in_every_method(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    # Dots: one phone voter, then 12 identical sheets in one act.
    s, people, (a, b, c), rnd = await setup_round(api, facilitator, "dots", allow_paper=True, budget=5, max_per=3)
    assert (await vote(client, people[0], a, "dots", 3)).status_code == 201
    r = await client.post(
        paper_url(s["code"], rnd["id"]),
        headers=facilitator,
        json={"marks": [{"proposal_id": b, "value": 2}, {"proposal_id": c, "value": 1}], "sheets": 12},
    )
    assert r.status_code == 201 and r.json() == {"round_id": rnd["id"], "rows": 2, "sheets": 12}
    body = await results(client, s["code"])
    assert [(i["id"], i["count"], i["dots"]) for i in body["items"]] == [(b, 24, 24), (c, 12, 12), (a, 3, 3)]
    assert body["items"][0]["by_source"] == {"phone": 0, "assisted": 0, "paper": 24}
    assert body["items"][0]["backers"] == 12 and body["voters"] == 13
    # The same pile entered as 12 single sheets in another round counts the same.
    await twelve_single_sheets_count_the_same(
        client, facilitator, s["code"], "dots", {"marks": [{"proposal_id": b, "value": 2}]}
    )

    # Scores: two phones give a 5 and a 4; 12 sheets give a 1, and a 3 to another proposal.
    s, people, (a, b, _), rnd = await setup_round(api, facilitator, "score", allow_paper=True, scale="1-5")
    assert (await vote(client, people[0], a, "score", 5)).status_code == 201
    assert (await vote(client, people[1], a, "score", 4)).status_code == 201
    marks = [{"proposal_id": a, "value": 1}, {"proposal_id": b, "value": 3}]
    await paper(client, facilitator, s["code"], rnd["id"], marks=marks, sheets=12)
    by_id = {i["id"]: i for i in (await results(client, s["code"]))["items"]}
    assert (by_id[a]["count"], by_id[a]["mean"], by_id[a]["median"], by_id[a]["n"]) == (1.5, 1.5, 1.0, 14)
    assert by_id[a]["distribution"] == {"1": 12, "2": 0, "3": 0, "4": 1, "5": 1}
    assert by_id[a]["by_source"] == {"phone": 2, "assisted": 0, "paper": 12}
    assert (by_id[b]["count"], by_id[b]["rank"], by_id[a]["rank"]) == (3.0, 1, 2)
    await twelve_single_sheets_count_the_same(client, facilitator, s["code"], "score", {"marks": marks})

    # Rankings: 3 phones rank a > b > c; a pile of 12 sheets ranks c > b > a. Borda a 3*3+12=21, b 30, c 39.
    s, people, (a, b, c), rnd = await setup_round(api, facilitator, "rank", n_people=3, allow_paper=True, k=3)
    for who in people:
        r = await client.post(f"/api/v1/sessions/{s['code']}/rankings", headers=who, json={"order": [a, b, c]})
        assert r.status_code == 201
    await paper(client, facilitator, s["code"], rnd["id"], order=[c, b, a], sheets=12)
    body = await results(client, s["code"])
    assert [(i["id"], i["count"], i["borda"]) for i in body["items"]] == [(c, 39, 39), (b, 30, 30), (a, 21, 21)]
    by_id = {i["id"]: i for i in body["items"]}
    assert (by_id[c]["schulze_place"], by_id[c]["first_choices"], by_id[a]["first_choices"]) == (1, 12, 3)
    assert by_id[c]["by_source"] == {"phone": 3, "assisted": 0, "paper": 12} and body["voters"] == 15
    await twelve_single_sheets_count_the_same(client, facilitator, s["code"], "rank", {"order": [c, b, a]})


async def twelve_single_sheets_count_the_same(
    client: httpx.AsyncClient, staff: dict[str, str], code: str, method: str, sheet: dict[str, Any]
) -> None:
    """A new round holding one pile of 12 of `sheet` and one holding 12 single posts of it count alike."""
    figures = []
    for pile in (True, False):
        r = await client.post(
            f"/api/v1/sessions/{code}/rounds", headers=staff, json={"method": method, "options": {"allow_paper": True}}
        )
        assert r.status_code == 201, r.text
        rid = r.json()["id"]
        for _ in range(1 if pile else 12):
            await paper(client, staff, code, rid, **sheet, **({"sheets": 12} if pile else {}))
        body = await results(client, code, round=rid)
        figures.append((body["items"], body["voters"]))
    assert figures[0] == figures[1] and figures[0][1] == 12


async def test_paper_piles_are_refused_whole_when_out_of_bounds(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    s, _, (a, _, _), rnd = await setup_round(api, facilitator, "dots", allow_paper=True)
    elsewhere, _, (foreign, _, _), _ = await setup_round(api, facilitator, "dots", allow_paper=True)
    url = paper_url(s["code"], rnd["id"])
    before = await row_counts()
    for sheets in (0, 10_001, -3, "many", True, 2.5):
        r = await client.post(
            url, headers=facilitator, json={"marks": [{"proposal_id": a, "value": 1}], "sheets": sheets}
        )
        assert r.status_code == 422 and r.json()["field"] == "sheets", (sheets, r.text)
        assert any("\u0e00" <= ch <= "\u0e7f" for ch in r.json()["message"]), r.text  # Thai by default
    r = await client.post(url, headers=facilitator, json={"marks": [{"proposal_id": foreign, "value": 1}], "sheets": 5})
    assert r.status_code == 422 and r.json()["field"] == "marks", r.text
    r = await client.post(url, headers=facilitator, json={"marks": [{"proposal_id": a, "value": 9}], "sheets": 5})
    assert r.status_code == 422, r.text
    assert await row_counts() == before
    assert elsewhere["code"] != s["code"]
    # The largest pile is taken, in one row per mark.
    await paper(client, facilitator, s["code"], rnd["id"], marks=[{"proposal_id": a, "value": 1}], sheets=10_000)
    assert await Ballot.filter(round_id=rnd["id"]).count() == 1
    assert (await results(client, s["code"]))["items"][0]["count"] == 10_000


async def test_audit_verify_recounts_paper_piles(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str], database_url: str
) -> None:
    s, people, (a, b, _), rnd = await setup_round(api, facilitator, "dots", allow_paper=True)
    assert (await vote(client, people[0], a, "dots", 2)).status_code == 201
    await paper(client, facilitator, s["code"], rnd["id"], marks=[{"proposal_id": b, "value": 3}], sheets=40)
    ok = audit_verify(database_url, s["code"], "--lang", "en")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "every tally matches" in ok.stdout
    # A pile changed behind the app's back is named: its sheets are part of what the log vouches for.
    await Ballot.filter(round_id=rnd["id"], source="paper").update(sheets=41)
    bad = audit_verify(database_url, s["code"], "--lang", "en")
    assert bad.returncode == 1 and f"Tally differs for proposal {b} in round {rnd['id']}" in bad.stdout, bad.stdout


async def test_one_name_entered_by_staff_is_one_person_whatever_they_do(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    # Two proposals, then a vote, for the same person without a phone: the vote once found two people of that name
    # and answered 500.
    s, _, (a, _, _), _ = await setup_round(api, facilitator, "dots", budget=4)
    ids = []
    for title in ("ทางลาดสำหรับรถเข็น", "ห้องน้ำผู้สูงอายุ"):
        r = await client.post(
            f"/api/v1/sessions/{s['code']}/proposals",
            headers=facilitator,
            json={"title": title, "theme_id": s["themes"][0]["id"], "on_behalf_of": "ป้าศรี"},
        )
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
    assisted = await vote(client, facilitator, a, "dots", 1, on_behalf_of="ป้าศรี")
    assert assisted.status_code == 201, assisted.text
    assert len({p.author_id for p in await Proposal.filter(id__in=ids)}) == 1
    assert await Participant.filter(session__code=s["code"], display_name="ป้าศรี").count() == 1
