"""Group commit: writes waiting together share one transaction, and each is answered only after it commits."""

from __future__ import annotations

import asyncio
import sqlite3
import uuid

import httpx
import pytest
from starlette.applications import Starlette

from deliberate import events, groupcommit, rawsql
from deliberate.errors import PermissionDenied
from deliberate.idempotency.models import IdempotencyRecord
from deliberate.supports.models import Support
from tests.audit.test_cli import audit_verify
from tests.audit.test_services import voting_session
from tests.conftest import Api


def committed_rows(database_url: str, sql: str, *params: object) -> int:
    """Rows as another connection sees them: only what has committed."""
    with sqlite3.connect(database_url.removeprefix("sqlite://")) as other:
        return int(other.execute(sql, params).fetchone()[0])


@pytest.fixture
def sqlite_only(database_url: str) -> str:
    if not database_url.startswith("sqlite"):
        pytest.skip("group commit is SQLite's: PostgreSQL keeps a transaction per write")
    return database_url


async def test_waiting_writes_share_one_commit_and_each_is_answered_after_it(app: Starlette, sqlite_only: str) -> None:
    marker = uuid.uuid4().hex
    seen_inside: list[int] = []

    def job(i: int) -> groupcommit.Job:
        async def write() -> int:
            await rawsql.insert(
                "INSERT INTO idempotency_record (actor, key, fingerprint, status, body, created_at) "
                "VALUES (?, ?, '', 200, '{}', CURRENT_TIMESTAMP)",
                f"test:{marker}",
                str(i),
            )
            # Inside the batch nothing is committed yet: another connection sees none of it.
            seen_inside.append(
                committed_rows(sqlite_only, "SELECT COUNT(*) FROM idempotency_record WHERE actor = ?", f"test:{marker}")
            )
            return i

        return write

    async def write_and_check(i: int) -> int:
        result = await groupcommit.writer().run(job(i))
        # Answered: the write is durable, another connection sees it.
        assert committed_rows(
            sqlite_only, "SELECT COUNT(*) FROM idempotency_record WHERE actor = ? AND key = ?", f"test:{marker}", str(i)
        )
        return int(result)

    before = groupcommit.writer().stats.batches
    assert await asyncio.gather(*(write_and_check(i) for i in range(8))) == list(range(8))
    assert seen_inside == [0] * 8
    assert groupcommit.writer().stats.batches == before + 1  # eight writes, one transaction
    assert groupcommit.writer().stats.largest >= 8


async def test_a_failing_member_does_not_cost_the_others_their_write(app: Starlette, sqlite_only: str) -> None:
    marker = uuid.uuid4().hex

    async def insert(key: str) -> None:
        await rawsql.insert(
            "INSERT INTO idempotency_record (actor, key, fingerprint, status, body, created_at) "
            "VALUES (?, ?, '', 200, '{}', CURRENT_TIMESTAMP)",
            f"test:{marker}",
            key,
        )

    async def good(key: str) -> str:
        await insert(key)
        return key

    async def refused() -> str:  # refused before it wrote anything: fails alone, the batch goes on
        raise PermissionDenied("no")

    async def broken() -> str:  # fails after writing: its half must not commit, the others' must
        await insert("broken")
        raise RuntimeError("after the write")

    rerun = groupcommit.writer().stats.rerun_alone
    results = await asyncio.gather(
        groupcommit.writer().run(lambda: good("a")),
        groupcommit.writer().run(refused),
        groupcommit.writer().run(lambda: good("b")),
        groupcommit.writer().run(broken),
        groupcommit.writer().run(lambda: good("c")),
        return_exceptions=True,
    )
    assert results[0::2] == ["a", "b", "c"]
    assert isinstance(results[1], PermissionDenied)
    assert isinstance(results[3], RuntimeError)
    keys = await IdempotencyRecord.filter(actor=f"test:{marker}").values_list("key", flat=True)
    assert sorted(str(k) for k in keys) == ["a", "b", "c"]
    assert groupcommit.writer().stats.rerun_alone == rerun + 5  # the batch ran again, one write at a time


async def test_events_go_out_only_once_their_write_has_committed(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str], sqlite_only: str
) -> None:
    s, people, ids = await voting_session(api, facilitator, n_people=6, n_proposals=1)
    committed_when_published: list[int] = []

    def listener(event: events.Event) -> None:
        if event.name == "support.added":
            committed_when_published.append(
                committed_rows(sqlite_only, "SELECT COUNT(*) FROM support WHERE proposal_id = ?", ids[0])
            )

    events.subscribe(listener)
    try:
        answers = await asyncio.gather(
            *(
                client.post(
                    f"/api/v1/proposals/{ids[0]}/support", headers={**who, "Idempotency-Key": f"gc-{uuid.uuid4().hex}"}
                )
                for i, who in enumerate(people)
            )
        )
    finally:
        events.unsubscribe(listener)
    assert sorted(r.json()["supports"] for r in answers) == [1, 2, 3, 4, 5, 6]
    # Every event was published after a commit that holds its support (all six went in one or more batches).
    assert len(committed_when_published) == 6
    assert all(n >= 1 for n in committed_when_published)
    assert committed_when_published == sorted(committed_when_published)
    # The process says how its writes were grouped.
    metrics = {
        line.split()[0]: float(line.split()[1])
        for line in (await client.get("/metrics")).text.splitlines()
        if line.startswith("deliberate_write_batch")
    }
    assert metrics["deliberate_write_batched_total"] >= 6
    assert 1 <= metrics["deliberate_write_batches_total"] <= metrics["deliberate_write_batched_total"]


async def test_grouped_supports_replay_their_answers_and_the_chain_verifies(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str], database_url: str
) -> None:
    s, people, ids = await voting_session(api, facilitator, n_people=5, n_proposals=2)
    marker = uuid.uuid4().hex
    sends = [(who, pid, f"gc-{n}-{pid}-{marker}") for n, who in enumerate(people) for pid in ids]
    # Each write sent twice at once (a phone's retry overtaking its first attempt): one support each.
    answers = await asyncio.gather(
        *(
            client.post(f"/api/v1/proposals/{pid}/support", headers={**who, "Idempotency-Key": key})
            for who, pid, key in sends + sends
        )
    )
    assert all(r.status_code in (200, 201) for r in answers), [r.text for r in answers]
    first, second = answers[: len(sends)], answers[len(sends) :]
    assert [r.json() for r in first] == [r.json() for r in second]
    assert sorted(r.json()["supports"] for r in first if r.json()["proposal_id"] == ids[0]) == [1, 2, 3, 4, 5]
    assert await Support.filter(proposal_id__in=ids).count() == 10
    # Replayed later, the same answers.
    again = await client.post(
        f"/api/v1/proposals/{ids[0]}/support", headers={**people[0], "Idempotency-Key": sends[0][2]}
    )
    assert again.json() == first[0].json()
    done = audit_verify(database_url, s["code"], "--lang", "en")
    assert done.returncode == 0, done.stdout + done.stderr
