"""Proposals over the JSON API: submitting, listing, premoderation, phases and limits."""

from __future__ import annotations

import unicodedata

import httpx
import pytest

from deliberate.proposals.models import Proposal
from tests.conftest import UNNORMALISED_THAI, Api, row_counts

ITEM_KEYS = {"id", "title", "body", "theme_id", "status", "supports", "comments"}


async def test_submit_in_ideas_publishes_and_lists(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    s = await api.new_session(facilitator, phase="ideas")
    theme = s["themes"][1]["id"]
    author = await api.join(s["code"], "ผู้เสนอ")
    r = await client.post(
        f"/api/v1/sessions/{s['code']}/proposals",
        headers=author,
        json={"title": "ศูนย์ดูแลผู้สูงอายุประจำตำบล", "body": "ให้มีศูนย์กลางวันในทุกตำบล", "theme_id": theme},
    )
    assert r.status_code == 201
    created = r.json()
    assert created["status"] == "published"

    reader = await api.join(s["code"], "ผู้อ่าน")
    items = await api.proposals(reader, s["code"])
    assert list(items) == [created["id"]]
    item = items[created["id"]]
    assert set(item) >= ITEM_KEYS
    assert (item["title"], item["body"], item["theme_id"], item["status"], item["supports"], item["comments"]) == (
        "ศูนย์ดูแลผู้สูงอายุประจำตำบล",
        "ให้มีศูนย์กลางวันในทุกตำบล",
        theme,
        "published",
        0,
        0,
    )
    assert await api.proposals(facilitator, s["code"]) == items


async def test_theme_id_may_be_sent_as_text(api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]) -> None:
    s = await api.new_session(facilitator, phase="ideas")
    who = await api.join(s["code"])
    r = await client.post(
        f"/api/v1/sessions/{s['code']}/proposals",
        headers=who,
        json={"title": "ตั้งชื่อด้วยข้อความ", "theme_id": str(s["themes"][0]["id"])},
    )
    assert r.status_code == 201
    assert (await Proposal.get(id=r.json()["id"])).theme_id == s["themes"][0]["id"]  # type: ignore[attr-defined]


async def test_premoderation_keeps_proposals_pending_and_visible_to_their_author(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    s = await api.new_session(facilitator, phase="ideas", premoderation=True)
    author, other = await api.join(s["code"], "ผู้เสนอ"), await api.join(s["code"], "คนอื่น")
    created = await api.propose(author, s["code"], s["themes"][0]["id"])
    assert created["status"] == "pending"

    mine = await api.proposals(author, s["code"])
    assert mine[created["id"]]["status"] == "pending"
    assert await api.proposals(other, s["code"]) == {}
    assert (await api.proposals(facilitator, s["code"]))[created["id"]]["status"] == "pending"
    assert (await client.get(f"/api/v1/sessions/{s['code']}")).json()["counts"]["proposals"] == 0

    r = await api.moderate(facilitator, created["id"], action="approve")
    assert r.status_code == 200
    assert r.json()["status"] == "published"
    assert (await api.proposals(other, s["code"]))[created["id"]]["status"] == "published"
    assert (await client.get(f"/api/v1/sessions/{s['code']}")).json()["counts"]["proposals"] == 1


async def test_pending_proposal_cannot_be_supported_or_commented(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    s = await api.new_session(facilitator, phase="ideas", premoderation=True)
    author = await api.join(s["code"])
    pid = (await api.propose(author, s["code"], s["themes"][0]["id"]))["id"]
    before = await row_counts()
    r = await client.post(
        f"/api/v1/proposals/{pid}/comments", json={"body": "ยังไม่ผ่าน", "stance": "note"}, headers=author
    )
    assert r.status_code == 403
    await api.set_phase(facilitator, s["code"], "voting")
    r = await client.post(f"/api/v1/proposals/{pid}/support", headers=author)
    assert r.status_code == 403
    after = await row_counts()
    assert after["Comment"] == before["Comment"] and after["Support"] == before["Support"]


async def test_listing_needs_a_token_of_this_session(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    s = await api.new_session(facilitator, phase="ideas")
    elsewhere = await api.new_session(facilitator)
    outsider = await api.join(elsewhere["code"])
    assert (await client.get(f"/api/v1/sessions/{s['code']}/proposals")).status_code == 401
    r = await client.get(f"/api/v1/sessions/{s['code']}/proposals", headers=outsider)
    assert r.status_code == 401
    assert set(r.json()) >= {"error", "message"}
    r = await client.get(f"/api/v1/sessions/{s['code']}/proposals", headers={"authorization": "Bearer nonsense"})
    assert r.status_code == 401


@pytest.mark.parametrize("phase", ["lobby", "deliberation", "voting", "commitments", "closed"])
async def test_proposals_only_in_ideas(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str], phase: str
) -> None:
    s = await api.new_session(facilitator)
    who = await api.join(s["code"])
    await api.set_phase(facilitator, s["code"], phase)
    before = await row_counts()
    r = await client.post(
        f"/api/v1/sessions/{s['code']}/proposals",
        headers=who,
        json={"title": "ผิดจังหวะ", "body": "", "theme_id": s["themes"][0]["id"]},
    )
    assert r.status_code == 403
    assert r.json()["error"] == "forbidden"
    assert await row_counts() == before


async def test_participant_of_another_session_cannot_propose(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    s = await api.new_session(facilitator, phase="ideas")
    other = await api.new_session(facilitator, phase="ideas")
    outsider = await api.join(other["code"])
    before = await row_counts()
    r = await client.post(
        f"/api/v1/sessions/{s['code']}/proposals",
        headers=outsider,
        json={"title": "มาจากห้องอื่น", "theme_id": s["themes"][0]["id"]},
    )
    assert r.status_code == 403
    assert await row_counts() == before


async def test_title_limit_is_140_characters(api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]) -> None:
    s = await api.new_session(facilitator, phase="ideas")
    who = await api.join(s["code"])
    theme = s["themes"][0]["id"]
    before = await row_counts()
    r = await client.post(
        f"/api/v1/sessions/{s['code']}/proposals", headers=who, json={"title": "ก" * 141, "body": "", "theme_id": theme}
    )
    assert r.status_code == 422
    assert r.json()["field"] == "title"
    assert await row_counts() == before
    ok = await api.propose(who, s["code"], theme, title="ข" * 140)
    assert len((await Proposal.get(id=ok["id"])).title) == 140


async def test_theme_of_another_assembly_is_refused(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    s = await api.new_session(facilitator, phase="ideas")
    foreign = (await api.new_session(facilitator, themes=["ประเด็นอื่น"]))["themes"][0]["id"]
    who = await api.join(s["code"])
    before = await row_counts()
    for theme_id in (foreign, 0, None, "x", True):
        r = await client.post(
            f"/api/v1/sessions/{s['code']}/proposals", headers=who, json={"title": "หัวข้อเรื่อง", "theme_id": theme_id}
        )
        assert r.status_code == 422, theme_id
        assert r.json()["field"] == "theme_id"
    assert await row_counts() == before


async def test_same_author_cannot_repeat_a_title(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    s = await api.new_session(facilitator, phase="ideas")
    who = await api.join(s["code"])
    theme = s["themes"][0]["id"]
    await api.propose(who, s["code"], theme, title="ถนนปลอดภัยหน้าโรงเรียน")
    before = await row_counts()
    r = await client.post(
        f"/api/v1/sessions/{s['code']}/proposals",
        headers=who,
        json={"title": "  ถนนปลอดภัยหน้าโรงเรียน ", "theme_id": theme},
    )
    assert r.status_code == 409
    assert await row_counts() == before


async def test_title_and_body_are_stored_nfc(api: Api, facilitator: dict[str, str]) -> None:
    s = await api.new_session(facilitator, phase="ideas")
    who = await api.join(s["code"])
    created = await api.propose(
        who, s["code"], s["themes"][0]["id"], title=UNNORMALISED_THAI, body=UNNORMALISED_THAI + "\n" + UNNORMALISED_THAI
    )
    stored = await Proposal.get(id=created["id"])
    nfc = unicodedata.normalize("NFC", UNNORMALISED_THAI)
    assert stored.title == nfc
    assert stored.body == nfc + "\n" + nfc
    assert (await api.proposals(who, s["code"]))[created["id"]]["title"] == nfc


async def test_facilitator_enters_a_proposal_for_someone_without_a_phone(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    s = await api.new_session(facilitator, phase="deliberation", premoderation=True)
    r = await client.post(
        f"/api/v1/sessions/{s['code']}/proposals",
        headers=facilitator,
        json={"title": "ทางลาดสำหรับรถเข็น", "theme_id": s["themes"][2]["id"], "on_behalf_of": "ป้าศรี"},
    )
    assert r.status_code == 201
    assert r.json()["status"] == "published"  # entered by staff, so already checked
    stored = await Proposal.get(id=r.json()["id"]).prefetch_related("author")
    assert stored.assisted is True
    assert stored.author.display_name == "ป้าศรี"
    assert stored.author.consent_at is None


async def test_results_rank_by_supports_then_comments(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    s = await api.new_session(facilitator, phase="ideas")
    theme = s["themes"][0]["id"]
    people = [await api.join(s["code"], f"คนที่ {i}") for i in range(3)]
    low = await api.propose(people[0], s["code"], theme, title="ได้น้อย")
    top = await api.propose(people[1], s["code"], theme, title="ได้มาก")
    mid = await api.propose(people[2], s["code"], theme, title="ได้กลางๆ")
    hidden = await api.propose(people[2], s["code"], theme, title="จะถูกซ่อน")
    await api.comment(people[0], low["id"])
    await api.set_phase(facilitator, s["code"], "voting")
    for who in people:
        await api.support(who, top["id"])
        await api.support(who, hidden["id"])
    await api.support(people[0], mid["id"])
    assert (await api.moderate(facilitator, hidden["id"], action="hide", reason="ซ้ำกับข้ออื่น")).status_code == 200

    r = await client.get(f"/api/v1/sessions/{s['code']}/results")
    assert r.status_code == 200
    items = r.json()["items"]
    assert [(i["id"], i["rank"], i["supports"], i["comments"]) for i in items] == [
        (top["id"], 1, 3, 0),
        (mid["id"], 2, 1, 0),
        (low["id"], 3, 0, 1),
    ]
