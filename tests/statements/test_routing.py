"""Routing like Pol.is: the next statement is drawn in proportion to the map's priorities, never one answered."""

from __future__ import annotations

from collections import Counter

import httpx

from deliberate.sessions.models import Session
from deliberate.statements import opinion
from deliberate.statements.routing import draw
from tests.conftest import Api


def test_draws_follow_the_priorities() -> None:
    priorities = {1: 1.0, 2: 3.0, 3: 0.0, 4: 6.0}
    picks = Counter(draw([1, 2, 3, 4], priorities, key=f"phone-{i}") for i in range(10_000))
    assert picks[3] == 0
    shares = {s: picks[s] / 10_000 for s in (1, 2, 4)}
    assert abs(shares[1] - 0.1) < 0.02 and abs(shares[2] - 0.3) < 0.03 and abs(shares[4] - 0.6) < 0.03
    # The same phone at the same point gets the same card on every redraw.
    assert len({draw([1, 2, 3, 4], priorities, key="phone-7") for _ in range(20)}) == 1
    assert draw([5, 9], {}, key="x") in (5, 9)  # statements the map has not seen yet can be drawn
    assert draw([5, 9], {5: 0.0, 9: 0.0}, key="x") == 5


async def test_phones_spread_over_statements_and_never_get_one_answered_twice(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    s = await api.new_session(facilitator, phase="deliberation")
    code = s["code"]
    texts = [f"ข้อความที่ {i} เรื่องการเดินทางในชุมชน" for i in range(6)]
    for text in texts:
        r = await client.post(f"/api/v1/sessions/{code}/statements", headers=facilitator, json={"text": text})
        assert r.status_code == 201, r.text
    phones = [await api.join(code, f"คนที่ {i}") for i in range(12)]
    # One phone answers everything the same way, one by one: each statement comes once, then nothing is left.
    first, seen = phones[0], set()
    while True:
        r = await client.get(f"/api/v1/sessions/{code}/statements/next", headers=first)
        statement = r.json()["statement"]
        if statement is None:
            break
        assert statement["id"] not in seen
        seen.add(statement["id"])
        mark = {"method": "agree", "value": 1}
        assert (
            await client.post(f"/api/v1/proposals/{statement['id']}/votes", headers=first, json=mark)
        ).status_code == 201
        await opinion.recompute(await Session.get(code=code))  # a tick after each mark: priorities move
    # Every statement now has the same tallies, so the same priority: the other phones spread over them.
    served = []
    for phone in phones[1:]:
        r = await client.get(f"/api/v1/sessions/{code}/statements/next", headers=phone)
        served.append(r.json()["statement"]["id"])
        again = await client.get(f"/api/v1/sessions/{code}/statements/next", headers=phone)
        assert again.json()["statement"]["id"] == served[-1]  # a redraw shows the same card
    assert len(set(served)) >= 3  # not every phone gets the same statement
    assert len(seen) == len(texts)
