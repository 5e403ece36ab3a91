"""Idempotency: the key, not the state, decides what a repeat answers."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from starlette.applications import Starlette

from deliberate.errors import Conflict, PermissionDenied
from deliberate.idempotency.models import IdempotencyRecord
from deliberate.idempotency.services import fingerprint, once
from tests.conftest import Api


class Counter:
    def __init__(self) -> None:
        self.runs = 0

    async def __call__(self) -> tuple[int, object]:
        self.runs += 1
        await asyncio.sleep(0)
        return 201, {"run": self.runs, "ข้อความ": "สนับสนุนแล้ว"}


async def test_a_repeat_returns_the_first_answer_without_running(app: Starlette) -> None:
    run = Counter()
    fp = fingerprint("POST", "/api/v1/proposals/1/support", b"")
    first = await once("participant:idem-test-1", "k-1", fp, run)
    second = await once("participant:idem-test-1", "k-1", fp, run)
    assert first == second == (201, {"run": 1, "ข้อความ": "สนับสนุนแล้ว"})
    assert run.runs == 1
    assert await once("participant:idem-test-2", "k-1", fp, run) == (201, {"run": 2, "ข้อความ": "สนับสนุนแล้ว"})
    assert await once("participant:idem-test-1", None, fp, run) == (201, {"run": 3, "ข้อความ": "สนับสนุนแล้ว"})


async def test_same_key_for_another_request_is_a_conflict(app: Starlette) -> None:
    run = Counter()
    await once("participant:idem-test-3", "k-2", fingerprint("POST", "/a", b""), run)
    with pytest.raises(Conflict):
        await once("participant:idem-test-3", "k-2", fingerprint("DELETE", "/a", b""), run)
    assert run.runs == 1


async def test_simultaneous_repeats_all_answer_what_was_stored(app: Starlette) -> None:
    run = Counter()
    fp = fingerprint("POST", "/b", b"{}")
    answers = await asyncio.gather(*(once("participant:idem-test-4", "k-3", fp, run) for _ in range(3)))
    assert await IdempotencyRecord.filter(actor="participant:idem-test-4", key="k-3").count() == 1
    stored = await once("participant:idem-test-4", "k-3", fp, run)
    assert answers == [stored] * 3


async def test_refusals_are_not_stored(app: Starlette) -> None:
    async def refuse() -> tuple[int, object]:
        raise PermissionDenied("no")

    with pytest.raises(PermissionDenied):
        await once("participant:idem-test-5", "k-4", fingerprint("POST", "/c", b""), refuse)
    assert await IdempotencyRecord.filter(actor="participant:idem-test-5").count() == 0


async def test_a_secret_in_an_answer_is_never_kept_and_a_repeat_is_a_conflict(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    """A join's token and an invitation's link are handed out once: the record keeps neither, and a repeat of
    the write answers 409 with a message rather than the secret."""
    api = Api(client)
    staff = await api.staff()
    made = await api.new_session(staff, phase="ideas")
    code = made["code"]
    body = {"display_name": "ป้าแดง", "consent": True}
    first = await client.post(f"/api/v1/sessions/{code}/participants", json=body, headers={"idempotency-key": "j-1"})
    assert first.status_code == 201
    token = first.json()["token"]
    again = await client.post(
        f"/api/v1/sessions/{code}/participants",
        json=body,
        headers={"idempotency-key": "j-1", "accept-language": "en"},
    )
    assert again.status_code == 409 and "shown only once" in again.json()["message"]
    assert "token" not in again.text
    invite = await client.post(
        "/api/v1/staff/invitations",
        json={"email": "new-official@example.org", "role": "official", "assembly_id": made["assembly_id"]},
        headers=staff | {"idempotency-key": "inv-1"},
    )
    assert invite.status_code == 201, invite.text
    link = invite.json()["url"]
    repeat = await client.post(
        "/api/v1/staff/invitations",
        json={"email": "new-official@example.org", "role": "official", "assembly_id": made["assembly_id"]},
        headers=staff | {"idempotency-key": "inv-1"},
    )
    assert repeat.status_code == 409
    for record in await IdempotencyRecord.filter(key__in=["j-1", "inv-1"]):
        assert token not in record.body and link not in record.body and invite.json()["token"] not in record.body
    assert await IdempotencyRecord.filter(key__in=["j-1", "inv-1"]).count() == 2


async def test_callers_without_a_credential_never_share_a_key(app: Starlette) -> None:
    """A second caller (another address) sending the same key and body gets an answer of its own."""
    answers = []
    for address in ("10.0.0.1", "10.0.0.2"):
        transport = httpx.ASGITransport(app=app, client=(address, 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as caller:
            if not answers:
                code = (await Api(caller).new_session(await Api(caller).staff(), phase="ideas"))["code"]
            r = await caller.post(
                f"/api/v1/sessions/{code}/participants",
                json={"display_name": "สมชาย", "consent": True},
                headers={"idempotency-key": "same-key"},
            )
            assert r.status_code == 201, r.text
            answers.append(r.json())
    assert answers[0]["participant_id"] != answers[1]["participant_id"]
    assert answers[0]["token"] != answers[1]["token"]
