"""Proposals: who sees what, and the ranking computed from rows."""

from __future__ import annotations

import pytest

from deliberate.actors import Actor
from deliberate.comments.services import add_comment
from deliberate.errors import Conflict, NotAuthenticated, NotFound, PermissionDenied
from deliberate.proposals.models import ProposalStatus
from deliberate.proposals.services import (
    can_see,
    get_proposal,
    list_proposals,
    ranked,
    submit_proposal,
    visible_proposal,
)
from deliberate.sessions.services import set_premoderation
from deliberate.supports.services import add_support
from tests.conftest import World


async def test_pending_is_seen_by_its_author_and_facilitators_only(world: World) -> None:
    await set_premoderation(world.staff, world.session, True)
    author, other = await world.person("ผู้เสนอ"), await world.person("คนอื่น")
    pending = await world.proposal(author)
    assert pending.status == ProposalStatus.PENDING
    assert await can_see(author, pending) and await can_see(world.staff, pending)
    assert not await can_see(other, pending) and not await can_see(Actor(), pending)
    assert [v.id for v in await list_proposals(author, world.session)] == [pending.id]
    assert [v.mine for v in await list_proposals(author, world.session)] == [True]
    assert await list_proposals(other, world.session) == []
    with pytest.raises(NotFound):
        await visible_proposal(other, pending.id)
    assert (await visible_proposal(author, pending.id)).id == pending.id


async def test_ranking_orders_by_supports_then_comments_then_age(world: World) -> None:
    people = [await world.person(f"คน {i}") for i in range(3)]
    a, b, c, d = [await world.proposal(people[0], f"ข้อ {x}") for x in "กขคง"]
    await add_comment(people[1], c, body="ดีครับ", stance="for")
    await world.phase("voting")
    for who in people:
        await add_support(who, await world.fresh(b))
    await add_support(people[0], await world.fresh(d))
    await add_support(people[1], await world.fresh(c))
    views = await ranked(world.session)
    assert [(v.id, v.supports, v.comments) for v in views] == [(b.id, 3, 0), (c.id, 1, 1), (d.id, 1, 0), (a.id, 0, 0)]


async def test_supported_flag_is_per_person(world: World) -> None:
    author, backer = await world.person(), await world.person()
    proposal = await world.proposal(author)
    await world.phase("voting")
    await add_support(backer, await world.fresh(proposal))
    assert [v.supported for v in await list_proposals(backer, world.session)] == [True]
    assert [v.supported for v in await list_proposals(author, world.session)] == [False]


async def test_submit_refusals(world: World) -> None:
    author = await world.person()
    await world.proposal(author, "หัวข้อเดิม")
    with pytest.raises(Conflict):
        await world.proposal(author, "หัวข้อเดิม")
    with pytest.raises(NotAuthenticated):
        await submit_proposal(Actor(), world.session, title="ไม่ระบุตัว", body="", theme_id=world.themes[0].id)
    with pytest.raises(PermissionDenied):
        await submit_proposal(world.staff, world.session, title="ไม่ได้ระบุผู้เสนอ", body="", theme_id=world.themes[0].id)
    await world.phase("closed")
    with pytest.raises(PermissionDenied):
        await submit_proposal(
            world.staff, world.session, title="ปิดแล้ว", body="", theme_id=world.themes[0].id, on_behalf_of="ป้าแดง"
        )


async def test_get_proposal_needs_an_integer(world: World) -> None:
    for bad in ("1", None, 10**9):
        with pytest.raises(NotFound):
            await get_proposal(bad)
