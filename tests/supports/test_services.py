"""Supports: the unique pair makes a double tap count once, whatever the timing."""

from __future__ import annotations

import asyncio

import pytest

from deliberate.errors import PermissionDenied
from deliberate.moderation.services import hide
from deliberate.sessions.services import set_permissions
from deliberate.supports.models import Support
from deliberate.supports.services import add_support, withdraw_support
from tests.conftest import World


async def test_double_support_is_counted_once(world: World) -> None:
    author, backer = await world.person("ผู้เสนอ"), await world.person("ผู้สนับสนุน")
    proposal = await world.proposal(author)
    await world.phase("voting")
    proposal = await world.fresh(proposal)
    assert await add_support(backer, proposal) is True
    assert await add_support(backer, proposal) is False
    assert await Support.filter(proposal_id=proposal.id).count() == 1
    assert await withdraw_support(backer, proposal) is True
    assert await withdraw_support(backer, proposal) is False
    assert await Support.filter(proposal_id=proposal.id).count() == 0


async def test_concurrent_supports_by_one_person_count_once(world: World) -> None:
    author, backer = await world.person(), await world.person()
    proposal = await world.proposal(author)
    await world.phase("voting")
    proposal = await world.fresh(proposal)
    results = await asyncio.gather(*(add_support(backer, proposal) for _ in range(6)))
    assert sorted(results) == [False] * 5 + [True]
    assert await Support.filter(proposal_id=proposal.id, participant_id=backer.participant.id).count() == 1


async def test_support_needs_the_voting_switch(world: World) -> None:
    author = await world.person()
    proposal = await world.proposal(author)
    with pytest.raises(PermissionDenied):
        await add_support(author, proposal)
    await set_permissions(world.staff, world.session, "ideas", {"support": True, "propose": True})
    assert await add_support(author, await world.fresh(proposal)) is True


async def test_hidden_proposal_cannot_be_supported(world: World) -> None:
    author = await world.person()
    proposal = await world.proposal(author)
    await hide(world.staff, proposal, reason="ซ้ำซ้อน")
    await world.phase("voting")
    with pytest.raises(PermissionDenied):
        await add_support(author, await world.fresh(proposal))
    assert await Support.filter(proposal_id=proposal.id).count() == 0


async def test_staff_may_record_support_for_someone_without_a_phone(world: World) -> None:
    author, elder = await world.person(), await world.person("ยายมา")
    proposal = await world.proposal(author)
    await world.phase("voting")
    proposal = await world.fresh(proposal)
    assert await add_support(world.staff, proposal, on_behalf_of=elder.participant) is True
    stored = await Support.get(proposal_id=proposal.id)
    assert (stored.participant_id, stored.assisted, stored.entered_by_id) == (  # type: ignore[attr-defined]
        elder.participant.id,
        True,
        world.staff.staff.id,
    )
    with pytest.raises(PermissionDenied):
        await add_support(author, proposal, on_behalf_of=elder.participant)
