"""The audit chain through the real API: what lands in it, and what `verify` finds when rows are tampered with."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
from tortoise import Tortoise

from deliberate.audit.chain import GENESIS
from deliberate.audit.models import AuditEntry
from deliberate.audit.services import chain_head
from deliberate.audit.verify import verify
from deliberate.sessions.models import Session
from deliberate.voting.models import Ballot
from tests.conftest import Api, row_counts


async def entries(code: str) -> list[AuditEntry]:
    session = await Session.get(code=code)
    return await AuditEntry.filter(session_id=session.id).order_by("seq")


async def kinds(code: str) -> list[str]:
    return [e.kind for e in await entries(code)]


async def report_of(code: str) -> Any:
    return await verify(await Session.get(code=code))


async def raw(sql: str, *args: object) -> None:
    """A write behind the app's back, as someone with the database password would do it."""
    conn = Tortoise.get_connection("default")
    if conn.capabilities.dialect == "postgres":  # asyncpg numbers its placeholders
        parts = sql.split("?")
        sql = parts[0] + "".join(f"${i}{part}" for i, part in enumerate(parts[1:], start=1))
    await conn.execute_query(sql, list(args))


async def voting_session(
    api: Api, staff: dict[str, str], n_people: int = 3, n_proposals: int = 3
) -> tuple[dict[str, Any], list[dict[str, str]], list[int]]:
    s = await api.new_session(staff, phase="ideas")
    people = [await api.join(s["code"], f"คนที่ {i}") for i in range(n_people)]
    ids = [(await api.propose(people[0], s["code"], s["themes"][0]["id"]))["id"] for _ in range(n_proposals)]
    await api.set_phase(staff, s["code"], "voting")
    return s, people, ids


async def open_round(
    client: httpx.AsyncClient, staff: dict[str, str], code: str, method: str, **options: Any
) -> dict[str, Any]:
    r = await client.post(f"/api/v1/sessions/{code}/rounds", headers=staff, json={"method": method, "options": options})
    assert r.status_code == 201, r.text
    return r.json()


async def test_each_support_vote_withdrawal_phase_change_and_staff_act_adds_one_linked_entry(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    s, (ann, ben, _), (a, b, c) = await voting_session(api, facilitator)
    code = s["code"]
    assert await kinds(code) == ["phase.changed", "phase.changed"]  # ideas, then voting

    await api.support(ann, a)
    await api.support(ann, a)  # a double tap changes nothing and records nothing
    await api.support(ben, a)
    r = await client.delete(f"/api/v1/proposals/{a}/support", headers=ben)
    assert r.status_code == 200 and r.json()["changed"] is True
    assert (await kinds(code))[2:] == ["support.added", "support.added", "support.withdrawn"]

    hidden = await api.moderate(facilitator, c, action="hide", reason="ซ้ำกับข้อเสนออื่น")
    assert hidden.status_code == 200, hidden.text
    await api.support(ben, b)
    merged = await api.moderate(facilitator, b, action="merge", into_id=a)
    assert merged.status_code == 200, merged.text

    rnd = await open_round(client, facilitator, code, "dots", budget=3, allow_paper=True)
    for value in (2, 1, 0):
        r = await client.post(f"/api/v1/proposals/{a}/votes", headers=ann, json={"method": "dots", "value": value})
        assert r.status_code == 201, r.text
    paper = await client.post(
        f"/api/v1/sessions/{code}/rounds/{rnd['id']}/paper",
        headers=facilitator,
        json={"marks": [{"proposal_id": a, "value": 2}]},
    )
    assert paper.status_code == 201, paper.text
    closed = await client.post(f"/api/v1/sessions/{code}/rounds/{rnd['id']}/close", headers=facilitator)
    assert closed.status_code == 200, closed.text
    answered = await client.post(
        f"/api/v1/proposals/{a}/answer",
        headers=facilitator,
        json={"state": "forwarded", "reason": "อยู่ในอำนาจของ อบต.", "lead_agency": "อบต.รัษฎา"},
    )
    assert answered.status_code == 200, answered.text

    chain = await entries(code)
    assert [e.kind for e in chain][5:] == [
        "staff.hide",
        "support.added",
        "support.moved",
        "staff.merge",
        "staff.round_opened",
        "vote.cast",
        "vote.changed",
        "vote.removed",
        "vote.paper",
        "staff.paper_ballot",
        "staff.round_closed",
        "staff.answer",
    ]
    assert [e.seq for e in chain] == list(range(1, len(chain) + 1))
    assert chain[0].prev_hash == GENESIS
    assert all(e.prev_hash == before.hash for before, e in zip(chain, chain[1:], strict=False))
    assert await chain_head((await Session.get(code=code)).id) == chain[-1].hash

    by_kind = {e.kind: e for e in chain}
    moved = json.loads(by_kind["support.moved"].payload)
    assert (moved["proposal"], moved["into"], len(moved["participants"])) == (b, a, 1)
    cast = by_kind["vote.cast"]
    assert cast.actor.startswith("participant:") and cast.subject == f"proposal:{a}"
    assert json.loads(cast.payload) == {
        "round": rnd["id"],
        "method": "dots",
        "proposal": a,
        "participant": int(cast.actor.split(":")[1]),
        "value": 2,
        "source": "phone",
    }
    # Ids only: no display name or reason text anywhere in the chain.
    assert not any("คนที่" in e.payload or "ซ้ำกับ" in e.payload for e in chain)
    assert by_kind["staff.hide"].actor.startswith("staff:")

    report = await report_of(code)
    assert report.ok, [p.translated() for p in report.problems]
    assert report.length == len(chain) and report.head == chain[-1].hash
    assert report.tallies_checked >= 2 and report.rows_checked == 3  # two supports (one moved), one paper ballot


async def test_a_refused_vote_leaves_no_entry(api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]) -> None:
    s, (ann, *_), (a, b, _) = await voting_session(api, facilitator)
    await open_round(client, facilitator, s["code"], "dots", budget=2)
    assert (
        await client.post(f"/api/v1/proposals/{a}/votes", headers=ann, json={"method": "dots", "value": 2})
    ).status_code == 201
    before = await row_counts()
    over = await client.post(f"/api/v1/proposals/{b}/votes", headers=ann, json={"method": "dots", "value": 1})
    assert over.status_code == 409
    assert await row_counts() == before  # AuditEntry included: the refusal rolled the entry back too


async def test_rankings_and_consensus_answers_replay(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    s, people, (a, b, c) = await voting_session(api, facilitator)
    await open_round(client, facilitator, s["code"], "rank", k=3)
    url = f"/api/v1/sessions/{s['code']}/rankings"
    assert (await client.post(url, headers=people[0], json={"order": [a, b, c]})).status_code == 201
    assert (await client.post(url, headers=people[0], json={"order": [c, a]})).status_code == 201
    assert (await client.post(url, headers=people[1], json={"order": [b]})).status_code == 201
    assert (await kinds(s["code"]))[-3:] == ["vote.ranked"] * 3
    report = await report_of(s["code"])
    assert report.ok, [p.translated() for p in report.problems]
    assert report.rows_checked == 3

    # Re-ranking behind the app's back: swap the first voter's two positions.
    await raw(
        "UPDATE ballot SET value = 3 - value WHERE proposal_id IN (?, ?) AND participant_id IS NOT NULL "
        "AND round_id = (SELECT id FROM vote_round WHERE session_id = (SELECT id FROM session WHERE code = ?) "
        "AND method = 'rank')",
        a,
        c,
        s["code"],
    )
    report = await report_of(s["code"])
    assert {p.code for p in report.problems} == {"ballot_differs", "tally_differs"}


async def test_a_ballot_deleted_behind_the_apps_back_is_named(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    s, (ann, ben, _), (a, b, _) = await voting_session(api, facilitator)
    rnd = await open_round(client, facilitator, s["code"], "score")
    for who, pid, value in ((ann, a, 5), (ben, a, 3), (ben, b, 4)):
        r = await client.post(f"/api/v1/proposals/{pid}/votes", headers=who, json={"method": "score", "value": value})
        assert r.status_code == 201, r.text
    assert (await report_of(s["code"])).ok
    victim = await Ballot.get(round_id=rnd["id"], proposal_id=a, value=5)
    await raw("DELETE FROM ballot WHERE id = ?", victim.id)
    report = await report_of(s["code"])
    assert not report.ok
    missing = [p for p in report.problems if p.code == "ballot_missing"]
    assert len(missing) == 1
    assert missing[0].params == {"round": rnd["id"], "proposal": a, "voter": f"p:{victim.participant_id}"}  # type: ignore[attr-defined]
    [tallied] = [p for p in report.problems if p.code == "tally_differs"]
    assert tallied.params["proposal"] == a and "mean 4.0" in tallied.params["log"]
    assert "mean 3" in tallied.params["table"]
    # The chain itself is intact: only the tables were touched.
    assert not any(p.code in ("broken_link", "entry_edited", "seq_gap") for p in report.problems)


async def test_a_support_inserted_behind_the_apps_back_is_named(api: Api, facilitator: dict[str, str]) -> None:
    s, (ann, ben, _), (a, _, _) = await voting_session(api, facilitator)
    await api.support(ann, a)
    session = await Session.get(code=s["code"])
    ben_id = (await session.participants.all().order_by("id"))[1].id
    await raw(
        "INSERT INTO support (proposal_id, participant_id, assisted, created_at) "
        "VALUES (?, ?, FALSE, CURRENT_TIMESTAMP)",
        a,
        ben_id,
    )
    report = await verify(session)
    assert [p.code for p in report.problems] == ["support_unlogged", "tally_differs"]
    assert report.problems[0].params == {"proposal": a, "participant": ben_id}
    assert "supports 1" in report.problems[1].params["log"] and "supports 2" in report.problems[1].params["table"]


async def test_editing_an_entry_breaks_the_chain_at_that_seq(api: Api, facilitator: dict[str, str]) -> None:
    s, (ann, ben, _), (a, b, _) = await voting_session(api, facilitator)
    await api.support(ann, a)
    await api.support(ben, b)
    chain = await entries(s["code"])
    target = chain[2]  # ann's support
    forged = target.payload.replace(f'"proposal":{a}', f'"proposal":{b}')
    assert forged != target.payload
    await raw("UPDATE audit_entry SET payload = ? WHERE id = ?", forged, target.id)
    report = await report_of(s["code"])
    edited = [p for p in report.problems if p.code == "entry_edited"]
    assert [p.params["seq"] for p in edited] == [target.seq]
    # The forged entry now disagrees with the tables too.
    assert {"support_missing", "support_unlogged"} <= {p.code for p in report.problems}

    # Recomputing its hash to hide the edit breaks the link of the next entry instead.
    await raw("UPDATE audit_entry SET hash = ? WHERE id = ?", "f" * 64, target.id)
    report = await report_of(s["code"])
    assert ("broken_link", target.seq + 1) in {(p.code, p.params.get("seq")) for p in report.problems}


async def test_a_deleted_entry_leaves_a_gap(api: Api, facilitator: dict[str, str]) -> None:
    s, (ann, ben, _), (a, _, _) = await voting_session(api, facilitator)
    await api.support(ann, a)
    await api.support(ben, a)
    chain = await entries(s["code"])
    await raw("DELETE FROM audit_entry WHERE id = ?", chain[2].id)
    report = await report_of(s["code"])
    codes = {(p.code, p.params.get("seq")) for p in report.problems}
    assert {("seq_gap", 4), ("broken_link", 4)} <= codes
    assert "support_unlogged" in {p.code for p in report.problems}


async def test_concurrent_writes_keep_one_unbroken_chain(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    s, people, (*ids, spare) = await voting_session(api, facilitator, n_people=12, n_proposals=5)
    await open_round(client, facilitator, s["code"], "dots", budget=4)
    before = len(await entries(s["code"]))

    async def supports(who: dict[str, str]) -> None:
        for pid in ids:
            r = await client.post(f"/api/v1/proposals/{pid}/support", headers=who)
            assert r.status_code == 201, r.text

    async def dots(who: dict[str, str]) -> None:
        for pid in ids:
            r = await client.post(f"/api/v1/proposals/{pid}/votes", headers=who, json={"method": "dots", "value": 1})
            assert r.status_code == 201, r.text

    async def staff_acts() -> None:
        for _ in range(3):
            for action in ("hide", "restore"):
                r = await api.moderate(facilitator, spare, action=action, reason="ตรวจสอบ")
                assert r.status_code == 200, r.text

    await asyncio.gather(*(supports(p) for p in people), *(dots(p) for p in people), staff_acts())
    chain = await entries(s["code"])
    assert len(chain) - before == 2 * len(people) * len(ids) + 6
    assert sorted(e.seq for e in chain) == list(range(1, len(chain) + 1))
    report = await report_of(s["code"])
    assert report.ok, [p.translated() for p in report.problems]
    assert report.rows_checked == 2 * len(people) * len(ids)
