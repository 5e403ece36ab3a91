"""The room over the live channel (issue 17): a round opened, closed and revealed reaches phones as the "now"
card and the projector as its round signal within a second; while a support round's results are hidden, no
live message carries a support count, and revealing sends them."""

from __future__ import annotations

from typing import Any

from tests.realtime.test_websocket import Message, Remote, wait_for


def _now(m: Message) -> Any:
    return m.element("now")


def _state(m: Message, element_id: str, round_id: int | str, state: str) -> bool:
    found = m.element(element_id)
    return found is not None and found.get("data-round") == str(round_id) and found.get("data-state") == state


async def test_a_round_reaches_phones_and_the_projector_and_hides_its_counts(remote: Remote) -> None:
    code, theme = await remote.session("ideas")
    author, backer = await remote.join(code, "ผู้เสนอ"), await remote.join(code, "ผู้สนับสนุน")
    pid = await remote.propose(code, author, theme, "ศูนย์ดูแลผู้สูงอายุกลางวัน")
    await remote.phase(code, "voting")
    await remote.support(pid, author)
    async with remote.ws(code) as phone, remote.ws(code, "?view=projector") as projector:
        opened = await remote.post(
            f"/api/v1/sessions/{code}/rounds", remote.staff, {"method": "support", "options": {"hidden": True}}
        )
        rid = opened["id"]
        message, _ = await wait_for(phone, lambda m: _state(m, "now", rid, "open"))
        now = _now(message)
        assert now["data-phase"] == "voting"
        assert now.find(attrs={"data-now-src": True}) is not None  # the phone then asks for its own part
        # The round's counts go at once, the board is redrawn without them.
        assert message.element("count-supports").get_text(strip=True) == "—"
        assert message.element("board-refresh") is not None
        message, _ = await wait_for(projector, lambda m: _state(m, "round-signal", rid, "open"))
        leaders = message.element(f"leader-{pid}-supports")
        assert leaders is not None and leaders.get_text(strip=True) == "—"

        await remote.support(pid, backer)
        for ws in (phone, projector):
            message, _ = await wait_for(ws, lambda m: m.element(f"proposal-{pid}-supports") is not None)
            assert message.element(f"proposal-{pid}-supports").get_text(strip=True) == "—"
            assert message.element("count-supports").get_text(strip=True) == "—"
            assert "2" not in message.element("count-supports").get_text()

        await remote.post(f"/api/v1/sessions/{code}/rounds/{rid}/close", remote.staff, {}, expect=200)
        await wait_for(phone, lambda m: _state(m, "now", rid, "closed"))
        await wait_for(projector, lambda m: _state(m, "round-signal", rid, "closed"))

        await remote.post(f"/api/v1/sessions/{code}/rounds/{rid}/reveal", remote.staff, {}, expect=200)
        message, _ = await wait_for(phone, lambda m: _state(m, "now", rid, "revealed"))
        assert message.element("count-supports").get_text(strip=True) == "2"
        assert message.element("board-refresh") is not None  # and every card's count with the board
        message, _ = await wait_for(projector, lambda m: _state(m, "round-signal", rid, "revealed"))
        assert message.element(f"leader-{pid}-supports").get_text(strip=True) == "2"


async def test_a_phase_change_reaches_the_now_card(remote: Remote) -> None:
    code, theme = await remote.session("ideas")
    author = await remote.join(code, "ผู้เสนอ")
    await remote.propose(code, author, theme, "ตลาดนัดสินค้าชุมชน")
    async with remote.ws(code) as phone:
        await remote.phase(code, "deliberation")
        message, _ = await wait_for(phone, lambda m: _now(m) is not None)
        assert _now(message)["data-phase"] == "deliberation"
        assert _now(message)["data-round"] == ""
