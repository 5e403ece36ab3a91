"""Hidden means hidden (issue 17, must 2): while a round's results are hidden, no public JSON answer carries its
figures, nor, in a support round, the support counts that are its figures; staff keep them; revealing gives
them to everyone."""

from __future__ import annotations

from typing import Any

import httpx

from tests.api.test_voting import results, setup_round, vote
from tests.conftest import Api


async def _public_answers(client: httpx.AsyncClient, code: str, who: dict[str, str]) -> dict[str, Any]:
    """Every public JSON answer that carries a support count or a round's figures, as this caller sees it."""
    detail = (await client.get(f"/api/v1/sessions/{code}")).json()
    listed = (await client.get(f"/api/v1/sessions/{code}/proposals", headers=who)).json()
    return {
        "results": await results(client, code, who),
        "results_anonymous": await results(client, code),
        "session_supports": detail["counts"]["supports"],
        "proposal_supports": [item["supports"] for item in listed["items"]],
    }


async def test_a_hidden_support_round_keeps_every_count_until_revealed(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    s, people, ids, rnd = await setup_round(api, facilitator, "support", n_people=3, hidden=True)
    code = s["code"]
    for who in people:
        answer = await api.support(who, ids[0])
        assert answer["supports"] is None  # the answer to a support gives no count either
    await api.support(people[0], ids[1])

    seen = await _public_answers(client, code, people[1])
    for key in ("results", "results_anonymous"):
        assert seen[key]["hidden"] is True
        assert seen[key]["items"] == []
        assert "voters" not in seen[key] and "quorum_met" not in seen[key]
    assert seen["session_supports"] is None
    assert seen["proposal_supports"] == [None] * len(ids)

    # Staff see everything meanwhile.
    staff_view = await results(client, code, facilitator)
    assert {item["id"]: item["count"] for item in staff_view["items"]}[ids[0]] == 3
    assert (await api.proposals(facilitator, code))[ids[0]]["supports"] == 3

    r = await client.post(f"/api/v1/sessions/{code}/rounds/{rnd['id']}/close", headers=facilitator)
    assert r.status_code == 200, r.text
    assert (await _public_answers(client, code, people[1]))["session_supports"] is None  # closed is not revealed

    r = await client.post(f"/api/v1/sessions/{code}/rounds/{rnd['id']}/reveal", headers=facilitator, json={})
    assert r.status_code == 200, r.text
    seen = await _public_answers(client, code, people[1])
    assert seen["results"]["hidden"] is False
    assert {item["id"]: item["count"] for item in seen["results"]["items"]}[ids[0]] == 3
    assert seen["session_supports"] == 4
    assert sorted(seen["proposal_supports"]) == [0, 1, 3]


async def test_a_hidden_dots_round_shows_no_figures_but_supports_stay(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    s, people, ids, rnd = await setup_round(api, facilitator, "dots", hidden=True)
    code = s["code"]
    assert (await vote(client, people[0], ids[0], "dots", 2)).status_code == 201
    seen = await _public_answers(client, code, people[1])
    assert seen["results"]["hidden"] is True and seen["results"]["items"] == []
    assert "voters" not in seen["results"]
    # A dots round's figures are dots: the proposals' supports are not its figures and stay shown.
    assert seen["session_supports"] == 0
    assert seen["proposal_supports"] == [0] * len(ids)

    r = await client.post(f"/api/v1/sessions/{code}/rounds/{rnd['id']}/reveal", headers=facilitator, json={})
    assert r.status_code == 200, r.text
    shown = await results(client, code, people[1])
    assert shown["hidden"] is False
    assert {item["id"]: item["count"] for item in shown["items"]}[ids[0]] == 2
