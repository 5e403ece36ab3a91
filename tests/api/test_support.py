"""Supports over the JSON API: one per person, withdrawable, phase-bound, and Idempotency-Key replay."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from deliberate.idempotency.models import IdempotencyRecord
from deliberate.supports.models import Support
from tests.conftest import Api, row_counts


async def voting_proposal(api: Api, facilitator: dict[str, str]) -> tuple[dict, dict, int]:
    s = await api.new_session(facilitator, phase="ideas")
    author = await api.join(s["code"], "ผู้เสนอ")
    pid = (await api.propose(author, s["code"], s["themes"][0]["id"]))["id"]
    await api.set_phase(facilitator, s["code"], "voting")
    return s, author, pid


async def test_support_counts_once_per_person(api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]) -> None:
    s, author, pid = await voting_proposal(api, facilitator)
    first = await client.post(f"/api/v1/proposals/{pid}/support", headers=author)
    assert first.status_code == 201
    assert first.json() == {"proposal_id": pid, "supported": True, "changed": True, "supports": 1}
    again = await client.post(f"/api/v1/proposals/{pid}/support", headers=author)
    assert again.status_code == 200
    assert again.json() == {"proposal_id": pid, "supported": True, "changed": False, "supports": 1}
    assert await Support.filter(proposal_id=pid).count() == 1
    assert (await api.proposals(author, s["code"]))[pid]["supports"] == 1


async def test_withdraw_support(api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]) -> None:
    s, author, pid = await voting_proposal(api, facilitator)
    await api.support(author, pid)
    r = await client.delete(f"/api/v1/proposals/{pid}/support", headers=author)
    assert r.status_code == 200
    assert r.json() == {"proposal_id": pid, "supported": False, "changed": True, "supports": 0}
    again = await client.delete(f"/api/v1/proposals/{pid}/support", headers=author)
    assert again.json()["changed"] is False
    assert (await api.proposals(author, s["code"]))[pid]["supports"] == 0


async def test_simultaneous_double_tap_counts_once(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    _, author, pid = await voting_proposal(api, facilitator)
    answers = await asyncio.gather(*(client.post(f"/api/v1/proposals/{pid}/support", headers=author) for _ in range(5)))
    assert sorted(r.status_code for r in answers) == [200, 200, 200, 200, 201]
    assert await Support.filter(proposal_id=pid).count() == 1


@pytest.mark.parametrize("phase", ["lobby", "ideas", "deliberation", "commitments", "closed"])
async def test_support_only_in_voting(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str], phase: str
) -> None:
    s, author, pid = await voting_proposal(api, facilitator)
    await api.set_phase(facilitator, s["code"], phase)
    before = await row_counts()
    r = await client.post(f"/api/v1/proposals/{pid}/support", headers=author)
    assert r.status_code == 403
    assert r.json()["error"] == "forbidden"
    assert await row_counts() == before


async def test_staff_and_strangers_cannot_support(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    _, _, pid = await voting_proposal(api, facilitator)
    stranger = await api.join((await api.new_session(facilitator))["code"])
    before = await row_counts()
    assert (await client.post(f"/api/v1/proposals/{pid}/support")).status_code == 401
    assert (await client.post(f"/api/v1/proposals/{pid}/support", headers=stranger)).status_code == 403
    assert (await client.post(f"/api/v1/proposals/{pid}/support", headers=facilitator)).status_code == 403
    assert await row_counts() == before


async def test_idempotency_key_replays_the_first_answer(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    s, author, pid = await voting_proposal(api, facilitator)
    keyed = author | {"idempotency-key": "tap-1"}
    first = await client.post(f"/api/v1/proposals/{pid}/support", headers=keyed)
    assert first.status_code == 201
    repeat = await client.post(f"/api/v1/proposals/{pid}/support", headers=keyed)
    assert (repeat.status_code, repeat.json()) == (first.status_code, first.json())
    assert await Support.filter(proposal_id=pid).count() == 1

    withdrawn = await client.delete(f"/api/v1/proposals/{pid}/support", headers=author)
    assert withdrawn.json()["supports"] == 0
    before = await row_counts()
    late_repeat = await client.post(f"/api/v1/proposals/{pid}/support", headers=keyed)
    assert (late_repeat.status_code, late_repeat.json()) == (201, first.json())
    assert await row_counts() == before
    assert (await api.proposals(author, s["code"]))[pid]["supports"] == 0


async def test_idempotency_key_replays_a_proposal_submission(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    s = await api.new_session(facilitator, phase="ideas")
    who = await api.join(s["code"])
    body = {"title": "ส่งซ้ำเพราะเน็ตหลุด", "body": "", "theme_id": s["themes"][0]["id"]}
    keyed = who | {"idempotency-key": "submit-42"}
    first = await client.post(f"/api/v1/sessions/{s['code']}/proposals", json=body, headers=keyed)
    assert first.status_code == 201
    before = await row_counts()
    again = await client.post(f"/api/v1/sessions/{s['code']}/proposals", json=body, headers=keyed)
    assert (again.status_code, again.json()) == (201, first.json())
    assert await row_counts() == before


async def test_idempotency_keys_belong_to_one_actor(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    s, author, pid = await voting_proposal(api, facilitator)
    other = await api.join(s["code"], "อีกคน")
    key = {"idempotency-key": "same-key"}
    a = await client.post(f"/api/v1/proposals/{pid}/support", headers=author | key)
    b = await client.post(f"/api/v1/proposals/{pid}/support", headers=other | key)
    assert (a.json()["supports"], b.json()["supports"]) == (1, 2)
    assert await Support.filter(proposal_id=pid).count() == 2


async def test_idempotency_key_reused_for_another_request_is_a_conflict(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    s, author, pid = await voting_proposal(api, facilitator)
    key = author | {"idempotency-key": "reused"}
    assert (await client.post(f"/api/v1/proposals/{pid}/support", headers=key)).status_code == 201
    before = await row_counts()
    r = await client.delete(f"/api/v1/proposals/{pid}/support", headers=key)
    assert r.status_code == 409
    assert set(r.json()) >= {"error", "message"}
    assert await row_counts() == before
    assert (await api.proposals(author, s["code"]))[pid]["supports"] == 1


@pytest.mark.parametrize("key", ["", "x" * 101, "tab\there"])
async def test_bad_idempotency_key_is_refused(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str], key: str
) -> None:
    _, author, pid = await voting_proposal(api, facilitator)
    before = await row_counts()
    r = await client.post(f"/api/v1/proposals/{pid}/support", headers=author | {"idempotency-key": key})
    assert r.status_code == 422
    assert r.json()["field"] == "Idempotency-Key"
    assert await row_counts() == before


async def test_refusals_are_not_remembered_under_a_key(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    s, author, pid = await voting_proposal(api, facilitator)
    await api.set_phase(facilitator, s["code"], "deliberation")
    keyed = author | {"idempotency-key": "too-early"}
    assert (await client.post(f"/api/v1/proposals/{pid}/support", headers=keyed)).status_code == 403
    assert await IdempotencyRecord.filter(key="too-early").count() == 0
    await api.set_phase(facilitator, s["code"], "voting")
    assert (await client.post(f"/api/v1/proposals/{pid}/support", headers=keyed)).status_code == 201
