"""Moderation services: nothing is deleted, every act is recorded, merges count each person once."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from deliberate.actors import Actor
from deliberate.comments.models import Comment
from deliberate.comments.services import add_comment, list_comments
from deliberate.errors import Conflict, NotAuthenticated, PermissionDenied, ValidationError
from deliberate.moderation import services as moderation
from deliberate.proposals.models import Proposal, ProposalStatus
from deliberate.proposals.services import credits, list_proposals, ranked
from deliberate.sessions.services import counts, set_premoderation
from deliberate.staffrecord.models import StaffAction
from deliberate.supports.models import Support
from deliberate.supports.services import add_support
from tests.conftest import Api, Browser, World
from tests.web.test_staff_pages import staff_browser


async def test_hide_never_deletes_and_records_the_act(world: World) -> None:
    author = await world.person("ผู้เสนอ")
    proposal = await world.proposal(author, "ข้อความยั่วยุ")
    await add_comment(author, proposal, body="ขอเพิ่มเติมครับ", stance="note")

    hidden = await moderation.hide(world.staff, proposal, reason="ถ้อยคำรุนแรง")
    assert hidden.status == ProposalStatus.HIDDEN
    stored = await Proposal.get(id=proposal.id)
    assert (stored.status, stored.hidden_reason, stored.title) == ("hidden", "ถ้อยคำรุนแรง", "ข้อความยั่วยุ")
    assert await Comment.filter(proposal_id=proposal.id).count() == 1
    action = await StaffAction.get(proposal_id=proposal.id, action="hide")
    assert action.actor_id == world.staff.staff.id  # type: ignore[attr-defined]
    assert action.session_id == world.session.id  # type: ignore[attr-defined]
    assert action.reason == "ถ้อยคำรุนแรง"
    assert action.created_at is not None

    assert [v.id for v in await list_proposals(author, world.session)] == []
    assert [v.id for v in await list_proposals(world.staff, world.session, include_all=True)] == [proposal.id]

    restored = await moderation.restore(world.staff, proposal, reason="แก้ถ้อยคำแล้ว")
    assert restored.status == ProposalStatus.PUBLISHED
    assert (await Proposal.get(id=proposal.id)).hidden_reason == ""
    assert [a.action for a in await moderation.history(world.staff, world.session.id)][:2] == ["restore", "hide"]


async def test_restore_only_hidden(world: World) -> None:
    proposal = await world.proposal(await world.person())
    with pytest.raises(Conflict):
        await moderation.restore(world.staff, proposal)
    assert await StaffAction.filter(proposal_id=proposal.id).count() == 0


async def test_approve_moves_pending_to_published_once(world: World) -> None:
    await set_premoderation(world.staff, world.session, True)
    author = await world.person()
    proposal = await world.proposal(author)
    assert proposal.status == ProposalStatus.PENDING
    assert [p.id for p in await moderation.queue(world.staff, world.session.id)] == [proposal.id]

    first = await moderation.approve(world.staff, proposal)
    second = await moderation.approve(world.staff, proposal)
    assert first.status == second.status == ProposalStatus.PUBLISHED
    assert await StaffAction.filter(proposal_id=proposal.id, action="approve").count() == 1
    assert await moderation.queue(world.staff, world.session.id) == []

    await moderation.hide(world.staff, proposal, reason="ซ้ำ")
    with pytest.raises(Conflict):
        await moderation.approve(world.staff, proposal)


async def test_merge_moves_supports_and_comments_counting_each_person_once(world: World) -> None:
    alice, bob, chai, dao = [await world.person(name) for name in ("อลิส", "บ๊อบ", "ชัย", "ดาว")]
    keep = await world.proposal(alice, "รถรับส่งนักเรียน")
    dup = await world.proposal(bob, "รถโรงเรียนฟรี")
    await add_comment(chai, dup, body="ลูกผมได้ใช้แน่", stance="for")
    await world.phase("voting")
    keep, dup = await world.fresh(keep), await world.fresh(dup)
    for who, target in ((alice, keep), (chai, keep), (chai, dup), (bob, dup), (dao, dup)):
        assert await add_support(who, target) is True

    target = await moderation.merge(world.staff, dup, into_id=keep.id, reason="เรื่องเดียวกัน")
    assert target.id == keep.id

    merged = await Proposal.get(id=dup.id)
    assert (merged.status, merged.merged_into_id) == (ProposalStatus.MERGED, keep.id)  # type: ignore[attr-defined]
    supporters = set(await Support.filter(proposal_id=keep.id).values_list("participant_id", flat=True))
    assert supporters == {p.participant.id for p in (alice, bob, chai, dao)}
    assert set(
        await Support.filter(proposal_id=keep.id, carried_from_id=dup.id).values_list("participant_id", flat=True)
    ) == {bob.participant.id, dao.participant.id}
    assert [c.body for c in await list_comments(keep)] == ["ลูกผมได้ใช้แน่"]

    views = {v.id: v for v in await ranked(world.session)}
    assert list(views) == [keep.id]
    assert (views[keep.id].supports, views[keep.id].comments) == (4, 1)
    assert views[keep.id].credits == ("อลิส", "บ๊อบ")
    assert (await credits([keep]))[keep.id] == ("อลิส", "บ๊อบ")
    c = await counts(world.session)
    assert (c.proposals, c.supports) == (1, 4)

    action = await StaffAction.get(proposal_id=dup.id, action="merge")
    assert (action.reason, action.data) == ("เรื่องเดียวกัน", {"into": keep.id, "supports_moved": 2})
    assert await Proposal.filter(session_id=world.session.id).count() == 2  # nothing deleted


async def test_merge_refusals(world: World) -> None:
    author = await world.person()
    keep, dup, hidden = (await world.proposal(author), await world.proposal(author), await world.proposal(author))
    await moderation.hide(world.staff, hidden, reason="ไม่เกี่ยวข้อง")
    with pytest.raises(ValidationError):
        await moderation.merge(world.staff, keep, into_id=keep.id)
    with pytest.raises(Conflict):
        await moderation.merge(world.staff, dup, into_id=hidden.id)
    await moderation.merge(world.staff, dup, into_id=keep.id)
    with pytest.raises(Conflict):
        await moderation.merge(world.staff, dup, into_id=keep.id)
    with pytest.raises(Conflict):
        await moderation.hide(world.staff, dup, reason="ซ่อนข้อที่รวมแล้ว")
    assert await StaffAction.filter(session_id=world.session.id, action="merge").count() == 1


async def test_hide_comment_keeps_it_for_the_record(world: World) -> None:
    author = await world.person()
    proposal = await world.proposal(author)
    comment = await add_comment(author, proposal, body="คำหยาบ", stance="against")
    await moderation.hide_comment(world.staff, comment, reason="ไม่สุภาพ")
    assert await list_comments(proposal) == []
    kept = await list_comments(proposal, include_hidden=True)
    assert [(c.id, c.hidden, c.hidden_reason) for c in kept] == [(comment.id, True, "ไม่สุภาพ")]
    assert (await StaffAction.get(comment_id=comment.id)).action == "hide_comment"
    assert (await ranked(world.session))[0].comments == 0


async def test_only_facilitators_moderate(world: World) -> None:
    author = await world.person()
    proposal = await world.proposal(author)
    with pytest.raises(PermissionDenied):
        await moderation.hide(author, proposal, reason="ไม่ชอบ")
    with pytest.raises(NotAuthenticated):
        await moderation.moderate(Actor(), proposal, action="approve")
    with pytest.raises(ValidationError):
        await moderation.moderate(world.staff, proposal, action="delete")
    assert (await Proposal.get(id=proposal.id)).status == ProposalStatus.PUBLISHED
    assert await StaffAction.filter(proposal_id=proposal.id).count() == 0


# -- the spotlight, through the app: the console's forms, then the projector page and the API --------------------
async def console_post(desk: Browser, code: str, what: str, **form: object) -> None:
    page = desk.page(await desk.get(f"/staff/s/{code}"))
    r = await desk.post(f"/staff/s/{code}/{what}", {"csrf_token": desk.csrf(page), **form})
    assert r.status_code == 303, r.text


async def on_projector(screen: Browser, code: str) -> str | None:
    """The title in the projector's spotlight, or None when the spotlight is empty."""
    spot = screen.page(await screen.get(f"/s/{code}/screen")).find(id="spotlight")
    if spot.has_attr("hidden"):
        assert spot.find("h2") is None
        return None
    return str(spot.find("h2").get_text(strip=True))


async def spotlit_session(
    api: Api, browser: Callable[[], Browser], facilitator: dict[str, str], titles: list[str]
) -> tuple[str, list[int], Browser]:
    """A session with a proposal per title, the first in the spotlight; and the console that put it there."""
    s = await api.new_session(facilitator, phase="ideas")
    author = await api.join(s["code"])
    ids = [(await api.propose(author, s["code"], s["themes"][0]["id"], title=t))["id"] for t in titles]
    desk = await staff_browser(browser, api=api, of=facilitator)
    await console_post(desk, s["code"], "spotlight", proposal_id=ids[0])
    assert await on_projector(browser(), s["code"]) == titles[0]
    return s["code"], ids, desk


async def spotlight_records(code: str) -> list[tuple[str, int | None]]:
    actions = await StaffAction.filter(session__code=code).order_by("id")
    return [(a.action, a.proposal_id) for a in actions if a.action in ("spotlight", "hide", "merge")]


async def test_hiding_the_spotlighted_proposal_clears_the_spotlight(
    api: Api, browser: Callable[[], Browser], facilitator: dict[str, str]
) -> None:
    code, (pid,), desk = await spotlit_session(api, browser, facilitator, ["ถ้อยคำยั่วยุ"])
    await console_post(desk, code, "moderate", proposal_id=pid, do="hide", reason="ถ้อยคำรุนแรง")

    assert await on_projector(browser(), code) is None
    assert (await api.client.get(f"/api/v1/sessions/{code}")).json()["spotlight_id"] is None
    # recorded like a facilitator's own "clear the spotlight", right after the hide that caused it
    assert await spotlight_records(code) == [("spotlight", pid), ("hide", pid), ("spotlight", None)]
    clear = desk.page(await desk.get(f"/staff/s/{code}")).find("form", attrs={"action": f"/staff/s/{code}/spotlight"})
    assert clear.find("button").has_attr("disabled")


async def test_merging_the_spotlighted_proposal_clears_the_spotlight(
    api: Api, browser: Callable[[], Browser], facilitator: dict[str, str]
) -> None:
    code, (duplicate, kept), desk = await spotlit_session(api, browser, facilitator, ["ไฟถนนซอยมืด", "ไฟส่องสว่างในซอย"])
    await console_post(desk, code, "moderate", proposal_id=duplicate, do="merge", into_id=kept)

    assert await on_projector(browser(), code) is None
    assert (await api.client.get(f"/api/v1/sessions/{code}")).json()["spotlight_id"] is None
    assert await spotlight_records(code) == [("spotlight", duplicate), ("merge", duplicate), ("spotlight", None)]


async def test_hiding_or_merging_another_proposal_leaves_the_spotlight(
    api: Api, browser: Callable[[], Browser], facilitator: dict[str, str]
) -> None:
    code, (spotlit, other, duplicate), desk = await spotlit_session(
        api, browser, facilitator, ["ธนาคารอาหารชุมชน", "ข้อความนอกเรื่อง", "ธนาคารอาหารในชุมชน"]
    )
    await console_post(desk, code, "moderate", proposal_id=other, do="hide", reason="นอกประเด็น")
    await console_post(desk, code, "moderate", proposal_id=duplicate, do="merge", into_id=spotlit)

    assert await on_projector(browser(), code) == "ธนาคารอาหารชุมชน"
    assert (await api.client.get(f"/api/v1/sessions/{code}")).json()["spotlight_id"] == spotlit
    assert await spotlight_records(code) == [("spotlight", spotlit), ("hide", other), ("merge", duplicate)]
