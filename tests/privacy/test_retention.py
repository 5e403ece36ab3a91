"""The PDPA purge: names and organisations go after the retention period, every figure stays."""

from __future__ import annotations

import datetime as dt

import httpx

from deliberate.outcomes.models import Commitment
from deliberate.outcomes.services import today
from deliberate.sessions.models import Participant, Session
from tests.conftest import Api
from tests.test_cli import run


async def test_purge_keeps_the_figures_and_drops_the_names(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str], database_url: str
) -> None:
    s = await api.new_session(facilitator, phase="ideas")
    code = s["code"]
    author = await api.join(code, "นางสมศรี ใจดี", organization="สภาองค์กรชุมชนตำบลรัษฎา")
    pid = (await api.propose(author, code, s["themes"][0]["id"], title="ศูนย์ดูแลผู้สูงอายุกลางวัน"))["id"]
    await api.client.post(
        f"/api/v1/proposals/{pid}/answer",
        headers=facilitator,
        json={"state": "adopted", "reason": "เห็นชอบ", "lead_agency": "เทศบาลนครภูเก็ต"},
    )
    await api.set_phase(facilitator, code, "commitments")
    r = await client.post(
        f"/api/v1/proposals/{pid}/commitments",
        headers=author,
        json={
            "role": "lead",
            "what": "ประสานอาสาสมัคร",
            "due": (today() + dt.timedelta(days=20)).isoformat(),
            "credited": True,
        },
    )
    assert r.status_code == 201
    await api.set_phase(facilitator, code, "closed")
    before = (await client.get(f"/api/v1/sessions/{code}/brief.json", headers=facilitator)).json()
    assert before["commitments"][0]["who"] == "นางสมศรี ใจดี"  # she chose to be named

    fresh = run(database_url, "privacy", "purge", "--dry-run")
    assert fresh.returncode == 0 and code not in fresh.stdout  # closed just now: within the period
    await Session.filter(code=code).update(phase_changed_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=400))
    dry = run(database_url, "privacy", "purge", "--dry-run")
    assert (
        code in dry.stdout
        and (await Participant.get(id=(await Participant.filter(session__code=code).first()).id)).display_name
        == "นางสมศรี ใจดี"
    )
    done = run(database_url, "privacy", "purge")
    assert done.returncode == 0 and code in done.stdout, done.stderr
    people = await Participant.filter(session__code=code)
    assert people and all(p.display_name == "" and p.organization == "" for p in people)
    assert not await Commitment.filter(proposal_id=pid, credited=True).exists()
    # The old phone link no longer signs anyone in.
    assert (await client.post(f"/api/v1/proposals/{pid}/support", headers=author)).status_code == 401

    after = (await client.get(f"/api/v1/sessions/{code}/brief.json", headers=facilitator)).json()
    assert after["participation"] == before["participation"] and after["summary"] == before["summary"]
    assert [p["supports"] for p in after["proposals"]] == [p["supports"] for p in before["proposals"]]
    assert "นางสมศรี" not in str(after)
    again = run(database_url, "privacy", "purge")
    assert code not in again.stdout  # nothing left to purge there


async def test_purge_drops_old_replies_to_retried_writes_but_keeps_sync_imports(
    api: Api, facilitator: dict[str, str]
) -> None:
    """Stored answers to writes through the API are purged after the replay period (they hold what people sent
    and what they were answered; never a token, see tests/idempotency)."""
    import datetime as dt

    from deliberate.idempotency.models import IdempotencyRecord
    from deliberate.privacy.retention import REPLAY_DAYS, purge_personal_data

    code = (await api.new_session(facilitator))["code"]
    r = await api.client.post(
        f"/api/v1/sessions/{code}/participants",
        headers={"idempotency-key": "join-once"},
        json={"display_name": "สมหญิง", "consent": True},
    )
    assert r.status_code == 201
    token = r.json()["token"]
    record = await IdempotencyRecord.get(key="join-once")
    assert token not in record.body
    await IdempotencyRecord.create(actor="sync", key="laptop:1", fingerprint="x", status=201, body="{}")
    old = dt.datetime.now(dt.UTC) - dt.timedelta(days=REPLAY_DAYS, hours=1)
    await IdempotencyRecord.filter(id=record.id).update(created_at=old)
    await IdempotencyRecord.filter(actor="sync", key="laptop:1").update(created_at=old)

    assert (await purge_personal_data(dry_run=True)).replies >= 1
    assert await IdempotencyRecord.exists(id=record.id)
    report = await purge_personal_data()
    assert report.replies >= 1
    assert not await IdempotencyRecord.exists(id=record.id)
    assert await IdempotencyRecord.exists(actor="sync", key="laptop:1")
