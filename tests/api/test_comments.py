"""Comments over the JSON API: stances, phases and limits."""

from __future__ import annotations

import unicodedata

import httpx
import pytest

from deliberate.comments.models import Comment
from tests.conftest import UNNORMALISED_THAI, Api, row_counts


async def open_proposal(api: Api, facilitator: dict[str, str], phase: str = "ideas") -> tuple[dict, dict, int]:
    s = await api.new_session(facilitator, phase="ideas")
    author = await api.join(s["code"], "ผู้เสนอ")
    pid = (await api.propose(author, s["code"], s["themes"][0]["id"]))["id"]
    if phase != "ideas":
        await api.set_phase(facilitator, s["code"], phase)
    return s, author, pid


@pytest.mark.parametrize("stance", ["for", "against", "note"])
async def test_comment_with_each_stance(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str], stance: str
) -> None:
    s, author, pid = await open_proposal(api, facilitator)
    other = await api.join(s["code"], "ผู้ร่วมเวที")
    r = await client.post(
        f"/api/v1/proposals/{pid}/comments", headers=other, json={"body": "ควรเริ่มที่ชุมชนริมทะเล", "stance": stance}
    )
    assert r.status_code == 201
    body = r.json()
    assert (body["stance"], body["proposal_id"]) == (stance, pid)
    stored = await Comment.get(id=body["id"]).prefetch_related("author")
    assert (stored.body, stored.stance.value, stored.author.display_name) == ("ควรเริ่มที่ชุมชนริมทะเล", stance, "ผู้ร่วมเวที")
    assert (await api.proposals(author, s["code"]))[pid]["comments"] == 1


@pytest.mark.parametrize(
    "phase,allowed",
    [
        ("lobby", False),
        ("ideas", True),
        ("deliberation", True),
        ("voting", True),
        ("commitments", False),
        ("closed", False),
    ],
)
async def test_comments_follow_the_phase(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str], phase: str, allowed: bool
) -> None:
    _, author, pid = await open_proposal(api, facilitator, phase)
    before = await row_counts()
    r = await client.post(
        f"/api/v1/proposals/{pid}/comments", headers=author, json={"body": "ความเห็นของฉัน", "stance": "note"}
    )
    assert r.status_code == (201 if allowed else 403)
    assert (await row_counts())["Comment"] == before["Comment"] + (1 if allowed else 0)


@pytest.mark.parametrize(
    "payload,field",
    [
        ({"body": "", "stance": "for"}, "body"),
        ({"body": "   \n\t ", "stance": "for"}, "body"),
        ({"stance": "for"}, "body"),
        ({"body": "ก", "stance": "for"}, "body"),
        ({"body": "ข" * 1001, "stance": "for"}, "body"),
        ({"body": "ดีมาก", "stance": "maybe"}, "stance"),
        ({"body": "ดีมาก", "stance": "FOR"}, "stance"),
        ({"body": "ดีมาก"}, "stance"),
        ({"body": ["list"], "stance": "for"}, "body"),
    ],
)
async def test_bad_comments_are_refused_and_not_written(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str], payload: dict, field: str
) -> None:
    _, author, pid = await open_proposal(api, facilitator)
    before = await row_counts()
    r = await client.post(f"/api/v1/proposals/{pid}/comments", headers=author, json=payload)
    assert r.status_code == 422
    assert r.json()["error"] == "invalid"
    assert r.json()["field"] == field
    assert await row_counts() == before


async def test_comment_needs_a_participant_of_the_session(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    _, _, pid = await open_proposal(api, facilitator)
    outsider = await api.join((await api.new_session(facilitator))["code"])
    before = await row_counts()
    anonymous = await client.post(f"/api/v1/proposals/{pid}/comments", json={"body": "ไม่ระบุตัว", "stance": "for"})
    assert anonymous.status_code == 401
    foreign = await client.post(
        f"/api/v1/proposals/{pid}/comments", headers=outsider, json={"body": "มาจากที่อื่น", "stance": "for"}
    )
    assert foreign.status_code == 403
    assert await row_counts() == before


async def test_comment_text_is_stored_nfc(api: Api, facilitator: dict[str, str]) -> None:
    _, author, pid = await open_proposal(api, facilitator)
    created = await api.comment(author, pid, body=UNNORMALISED_THAI, stance="against")
    assert (await Comment.get(id=created["id"])).body == unicodedata.normalize("NFC", UNNORMALISED_THAI)


async def test_comment_on_unknown_proposal_is_refused(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    _, author, pid = await open_proposal(api, facilitator)
    before = await row_counts()
    for bad, status in ((pid + 10_000, 404), ("abc", 422)):
        r = await client.post(
            f"/api/v1/proposals/{bad}/comments", headers=author, json={"body": "ไม่มีข้อนี้", "stance": "for"}
        )
        assert r.status_code == status
        assert set(r.json()) >= {"error", "message"}
    assert await row_counts() == before
