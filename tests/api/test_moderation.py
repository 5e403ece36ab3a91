"""Moderation over the JSON API: approve, hide, restore, merge; hide and restore comments."""

from __future__ import annotations

import httpx
import pytest

from deliberate.audit.models import AuditEntry
from deliberate.comments.models import Comment
from deliberate.proposals.models import Proposal
from deliberate.staffrecord.models import StaffAction
from tests.conftest import Api, row_counts


async def ideas_session(api: Api, facilitator: dict[str, str], **extra: object) -> tuple[dict, dict]:
    s = await api.new_session(facilitator, phase="ideas", **extra)
    return s, await api.join(s["code"], "ผู้เสนอ")


async def test_approving_a_published_proposal_is_harmless(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    s, author = await ideas_session(api, facilitator)
    pid = (await api.propose(author, s["code"], s["themes"][0]["id"]))["id"]
    before = await row_counts()
    for _ in range(2):
        r = await api.moderate(facilitator, pid, action="approve")
        assert r.status_code == 200
        assert r.json()["status"] == "published"
    assert await row_counts() == before


async def test_approving_twice_records_one_action(api: Api, facilitator: dict[str, str]) -> None:
    s, author = await ideas_session(api, facilitator, premoderation=True)
    pid = (await api.propose(author, s["code"], s["themes"][0]["id"]))["id"]
    assert (await api.moderate(facilitator, pid, action="approve")).json()["status"] == "published"
    assert (await api.moderate(facilitator, pid, action="approve")).status_code == 200
    assert await StaffAction.filter(proposal_id=pid, action="approve").count() == 1


async def test_hide_keeps_the_row_and_records_who_and_why(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    s, author = await ideas_session(api, facilitator)
    reader = await api.join(s["code"], "ผู้อ่าน")
    pid = (await api.propose(author, s["code"], s["themes"][0]["id"]))["id"]
    r = await api.moderate(facilitator, pid, action="hide", reason="ข้อความไม่สุภาพ")
    assert r.status_code == 200
    assert r.json()["status"] == "hidden"

    assert pid not in await api.proposals(reader, s["code"])
    assert pid not in await api.proposals(author, s["code"])
    assert (await api.proposals(facilitator, s["code"]))[pid]["status"] == "hidden"
    stored = await Proposal.get(id=pid)
    assert (stored.status, stored.hidden_reason) == ("hidden", "ข้อความไม่สุภาพ")
    action = await StaffAction.get(proposal_id=pid, action="hide").prefetch_related("actor")
    assert action.reason == "ข้อความไม่สุภาพ"
    assert action.actor is not None and action.actor.role == "facilitator"
    assert (await client.get(f"/api/v1/sessions/{s['code']}")).json()["counts"]["proposals"] == 0

    r = await api.moderate(facilitator, pid, action="restore", reason="ผู้เสนอแก้ไขแล้ว")
    assert r.json()["status"] == "published"
    assert pid in await api.proposals(reader, s["code"])
    assert await StaffAction.filter(proposal_id=pid, action="restore").count() == 1


async def test_hide_needs_a_reason(api: Api, facilitator: dict[str, str]) -> None:
    s, author = await ideas_session(api, facilitator)
    pid = (await api.propose(author, s["code"], s["themes"][0]["id"]))["id"]
    before = await row_counts()
    r = await api.moderate(facilitator, pid, action="hide")
    assert r.status_code == 422
    assert r.json()["field"] == "reason"
    assert await row_counts() == before
    assert (await Proposal.get(id=pid)).status == "published"


async def test_merge_carries_supports_and_comments_and_counts_people_once(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    s, author = await ideas_session(api, facilitator)
    code, theme = s["code"], s["themes"][0]["id"]
    both, only_dup, only_keep = (
        await api.join(code, "สนับสนุนทั้งสอง"),
        await api.join(code, "เฉพาะข้อซ้ำ"),
        await api.join(code, "เฉพาะข้อหลัก"),
    )
    keep = (await api.propose(author, code, theme, title="รถรับส่งผู้สูงอายุไปโรงพยาบาล"))["id"]
    dup = (await api.propose(only_dup, code, theme, title="รถพาผู้สูงอายุไปหาหมอ"))["id"]
    await api.comment(both, dup, body="ควรมีทุกตำบล", stance="for")
    await api.comment(only_keep, dup, body="งบประมาณมาจากไหน", stance="against")
    await api.comment(both, keep, body="เห็นด้วย", stance="for")
    await api.set_phase(facilitator, code, "voting")
    for who, pid in ((both, keep), (both, dup), (only_dup, dup), (only_keep, keep)):
        await api.support(who, pid)

    r = await api.moderate(facilitator, dup, action="merge", into_id=keep, reason="ข้อเสนอเดียวกัน")
    assert r.status_code == 200
    assert r.json() == {"id": dup, "status": "merged", "merged_into": keep}

    staff_view = await api.proposals(facilitator, code)
    assert staff_view[dup]["status"] == "merged"
    assert (staff_view[keep]["supports"], staff_view[keep]["comments"]) == (3, 3)
    assert staff_view[dup]["comments"] == 0
    assert "เฉพาะข้อซ้ำ" in staff_view[keep]["credits"]
    assert dup not in await api.proposals(both, code)
    assert (await client.get(f"/api/v1/sessions/{code}")).json()["counts"] == {
        "participants": 4,
        "proposals": 1,
        "supports": 3,
    }
    assert set(await Comment.filter(carried_from_id=dup).values_list("body", flat=True)) == {
        "ควรมีทุกตำบล",
        "งบประมาณมาจากไหน",
    }
    action = await StaffAction.get(proposal_id=dup, action="merge")
    assert action.data == {"into": keep, "supports_moved": 1}
    results = (await client.get(f"/api/v1/sessions/{code}/results")).json()["items"]
    assert [(i["id"], i["supports"]) for i in results] == [(keep, 3)]


async def test_merged_proposal_cannot_be_supported(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    s, author = await ideas_session(api, facilitator)
    keep = (await api.propose(author, s["code"], s["themes"][0]["id"]))["id"]
    dup = (await api.propose(author, s["code"], s["themes"][0]["id"]))["id"]
    assert (await api.moderate(facilitator, dup, action="merge", into_id=keep)).status_code == 200
    await api.set_phase(facilitator, s["code"], "voting")
    before = await row_counts()
    assert (await client.post(f"/api/v1/proposals/{dup}/support", headers=author)).status_code == 403
    assert (await api.moderate(facilitator, dup, action="hide", reason="ลองซ่อน")).status_code == 409
    assert (await api.moderate(facilitator, dup, action="merge", into_id=keep)).status_code == 409
    assert await row_counts() == before


async def test_merge_refuses_itself_and_other_sessions(api: Api, facilitator: dict[str, str]) -> None:
    s, author = await ideas_session(api, facilitator)
    other, stranger = await ideas_session(api, facilitator)
    pid = (await api.propose(author, s["code"], s["themes"][0]["id"]))["id"]
    foreign = (await api.propose(stranger, other["code"], other["themes"][0]["id"]))["id"]
    before = await row_counts()
    for into in (pid, foreign, pid + 10_000, None, "x"):
        r = await api.moderate(facilitator, pid, action="merge", into_id=into)
        assert r.status_code == 422, into
        assert r.json()["field"] == "into_id"
    assert await row_counts() == before
    assert (await Proposal.get(id=pid)).status == "published"


async def test_unknown_action_is_refused(api: Api, facilitator: dict[str, str]) -> None:
    s, author = await ideas_session(api, facilitator)
    pid = (await api.propose(author, s["code"], s["themes"][0]["id"]))["id"]
    before = await row_counts()
    r = await api.moderate(facilitator, pid, action="delete")
    assert r.status_code == 422
    assert r.json()["field"] == "action"
    assert await row_counts() == before


@pytest.mark.parametrize("who", ["participant", "official", "anonymous"])
async def test_only_facilitators_moderate(api: Api, facilitator: dict[str, str], who: str) -> None:
    s, author = await ideas_session(api, facilitator)
    pid = (await api.propose(author, s["code"], s["themes"][0]["id"]))["id"]
    if who == "official":
        headers = await api.staff("official")
    else:
        headers = author if who == "participant" else {}
    before = await row_counts()
    r = await api.moderate(headers, pid, action="hide", reason="ไม่ชอบ")
    assert r.status_code == (401 if who == "anonymous" else 403)
    assert await row_counts() == before
    assert (await Proposal.get(id=pid)).status == "published"


# -- comments ---------------------------------------------------------------------------------------------
async def moderate_comment(
    client: httpx.AsyncClient, who: dict[str, str], comment_id: int, **body: object
) -> httpx.Response:
    return await client.post(f"/api/v1/comments/{comment_id}/moderation", json=body, headers=who)


async def commented(api: Api, facilitator: dict[str, str]) -> tuple[dict, dict[str, str], int, int]:
    s, author = await ideas_session(api, facilitator)
    pid = (await api.propose(author, s["code"], s["themes"][0]["id"]))["id"]
    cid = (await api.comment(author, pid, body="ข้อความที่ไม่เกี่ยวกับประเด็น", stance="note"))["id"]
    return s, author, pid, cid


async def test_hiding_and_restoring_a_comment_keeps_it_and_records_both(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    s, author, pid, cid = await commented(api, facilitator)
    r = await moderate_comment(client, facilitator, cid, action="hide", reason="นอกประเด็น")
    assert r.status_code == 200
    assert r.json() == {"id": cid, "proposal_id": pid, "hidden": True, "hidden_reason": "นอกประเด็น"}
    assert (await api.proposals(facilitator, s["code"]))[pid]["comments"] == 0
    stored = await Comment.get(id=cid)
    assert (stored.hidden, stored.body) == (True, "ข้อความที่ไม่เกี่ยวกับประเด็น")

    r = await moderate_comment(client, facilitator, cid, action="restore", reason="ผู้เขียนชี้แจงแล้ว")
    assert r.status_code == 200
    assert r.json() == {"id": cid, "proposal_id": pid, "hidden": False, "hidden_reason": ""}
    assert (await api.proposals(facilitator, s["code"]))[pid]["comments"] == 1
    acts = await StaffAction.filter(comment_id=cid).order_by("id").prefetch_related("actor")
    assert [(a.action, a.reason) for a in acts] == [
        ("hide_comment", "นอกประเด็น"),
        ("restore_comment", "ผู้เขียนชี้แจงแล้ว"),
    ]
    assert all(a.actor is not None and a.actor.role == "facilitator" for a in acts)
    kinds = await AuditEntry.filter(session__code=s["code"]).values_list("kind", flat=True)
    assert {"staff.hide_comment", "staff.restore_comment"} <= set(kinds)


async def test_comment_moderation_refusals_say_why_in_the_users_language(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    _, _, _, cid = await commented(api, facilitator)
    english = facilitator | {"accept-language": "en"}
    before = await row_counts()
    r = await moderate_comment(client, english, cid, action="hide")
    assert (r.status_code, r.json()["field"]) == (422, "reason")
    r = await moderate_comment(client, english, cid, action="restore")
    assert r.status_code == 409
    assert r.json()["message"] == "Only hidden comments can be restored."
    r = await moderate_comment(client, facilitator, cid, action="delete")
    assert (r.status_code, r.json()["field"]) == (422, "action")
    r = await moderate_comment(client, english, cid + 10_000, action="hide", reason="ไม่มีอยู่")
    assert r.status_code == 404
    assert r.json()["message"] == "No such comment."
    r = await moderate_comment(client, facilitator, cid + 10_000, action="hide", reason="ไม่มีอยู่")
    assert r.json()["message"] == "ไม่พบความเห็นนี้"
    assert await row_counts() == before
    assert not (await Comment.get(id=cid)).hidden


@pytest.mark.parametrize("who", ["participant", "official", "anonymous"])
async def test_only_facilitators_moderate_comments(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str], who: str
) -> None:
    _, author, _, cid = await commented(api, facilitator)
    if who == "official":
        headers = await api.staff("official")
    else:
        headers = author if who == "participant" else {}
    before = await row_counts()
    r = await moderate_comment(client, headers, cid, action="hide", reason="ไม่ชอบ")
    assert r.status_code == (401 if who == "anonymous" else 403)
    assert r.json()["message"]
    assert await row_counts() == before
    assert not (await Comment.get(id=cid)).hidden
