"""Comments: participants of the session, on published proposals, in phases that allow them."""

from __future__ import annotations

import pytest

from deliberate.comments.models import Stance
from deliberate.comments.services import add_comment, list_comments
from deliberate.errors import PermissionDenied, ValidationError
from deliberate.moderation.services import hide
from tests.conftest import World


async def test_comments_are_listed_in_order_with_their_author(world: World) -> None:
    author, other = await world.person("ผู้เสนอ"), await world.person("ผู้แสดงความเห็น")
    proposal = await world.proposal(author)
    first = await add_comment(other, proposal, body="เห็นด้วย", stance="for")
    second = await add_comment(author, proposal, body="  ขอบคุณครับ  ", stance="note")
    listed = await list_comments(proposal)
    assert [(c.id, c.author.display_name, c.stance, c.body) for c in listed] == [
        (first.id, "ผู้แสดงความเห็น", Stance.FOR, "เห็นด้วย"),
        (second.id, "ผู้เสนอ", Stance.NOTE, "ขอบคุณครับ"),
    ]


async def test_no_comments_on_hidden_proposals(world: World) -> None:
    author = await world.person()
    proposal = await world.proposal(author)
    await hide(world.staff, proposal, reason="ไม่เหมาะสม")
    with pytest.raises(PermissionDenied):
        await add_comment(author, await world.fresh(proposal), body="ทำไมถูกซ่อน", stance="against")


async def test_stance_is_checked_before_anything_is_written(world: World) -> None:
    author = await world.person()
    proposal = await world.proposal(author)
    with pytest.raises(ValidationError):
        await add_comment(author, proposal, body="เห็นด้วย", stance="strongly for")
    assert await list_comments(proposal) == []
