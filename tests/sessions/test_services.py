"""Sessions: creating, phases with their record, joining."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from deliberate import events
from deliberate.actors import Actor
from deliberate.errors import NotFound, PermissionDenied, ValidationError
from deliberate.sessions import services as sessions
from deliberate.sessions.codes import looks_like_code
from deliberate.sessions.models import Participant, Session
from deliberate.staffrecord.models import StaffAction
from tests.conftest import Api, Browser, World
from tests.web.test_staff_pages import staff_browser


async def test_new_session_starts_in_the_lobby(staff_actor: Actor) -> None:
    assembly = await sessions.create_assembly(staff_actor, title="สมัชชา", themes=["ก", "ข", "ก", " ข "])
    session = await sessions.create_session(staff_actor, assembly, title="รอบแรก")
    assert session.phase == "lobby"
    assert looks_like_code(session.code)
    assert [t.name for t in await sessions.themes_of(session)] == ["ก", "ข"]
    assert sessions.can(session, "join") and not sessions.can(session, "propose")


async def test_codes_are_distinct(staff_actor: Actor) -> None:
    assembly = await sessions.create_assembly(staff_actor, title="สมัชชา", themes=["ก"])
    codes = {(await sessions.create_session(staff_actor, assembly, title=f"รอบ {i}")).code for i in range(20)}
    assert len(codes) == 20


async def test_get_session_reads_codes_loosely(world: World) -> None:
    code = world.session.code
    assert (await sessions.get_session(f" {code[:3].lower()}-{code[3:]}")).id == world.session.id
    for bad in ("", None, 123, "XXXXXX", code + "A"):
        with pytest.raises(NotFound):
            await sessions.get_session(bad)


async def test_set_phase_records_and_publishes_after_writing(world: World) -> None:
    seen: list[tuple[str, str]] = []

    async def listener(event: events.Event) -> None:
        if event.session_id == world.session.id:
            stored = await Session.get(id=world.session.id)
            seen.append((event.name, stored.phase))

    events.subscribe(listener)
    try:
        await world.phase("voting")
        await world.phase("voting")  # no change, nothing recorded or published
    finally:
        events.unsubscribe(listener)
    assert seen == [("phase.changed", "voting")]
    actions = await StaffAction.filter(session_id=world.session.id, action="phase").order_by("id")
    assert [a.data for a in actions] == [{"from": "lobby", "to": "ideas"}, {"from": "ideas", "to": "voting"}]


async def test_only_facilitators_change_phase(world: World) -> None:
    someone = await world.person()
    with pytest.raises(PermissionDenied):
        await sessions.set_phase(someone, world.session, "closed")
    with pytest.raises(ValidationError):
        await sessions.set_phase(world.staff, world.session, "afterparty")
    assert (await Session.get(id=world.session.id)).phase == "ideas"


async def test_closed_ignores_overrides(world: World) -> None:
    await sessions.set_permissions(world.staff, world.session, "closed", {"join": True, "propose": True})
    await world.phase("closed")
    assert not any(sessions.can(world.session, a) for a in ("join", "propose", "comment", "support", "pledge"))
    with pytest.raises(PermissionDenied):
        await sessions.join_session(world.session, display_name="มาสาย", consent=True)


async def test_join_needs_consent_unless_staff_enter_someone(world: World) -> None:
    with pytest.raises(ValidationError):
        await sessions.join_session(world.session, display_name="ไม่ยินยอม", consent=False)
    assisted = await sessions.join_session(world.session, display_name="ลุงพร", consent=False, actor=world.staff)
    stored = await Participant.get(id=assisted.participant.id)
    assert (stored.assisted, stored.consent_at, stored.entered_by_id) == (  # type: ignore[attr-defined]
        True,
        None,
        world.staff.staff.id,
    )
    assert await sessions.participant_for_token(assisted.token) == stored
    assert await sessions.participant_for_token("x" * 43) is None


async def test_counts_come_from_rows(world: World) -> None:
    author = await world.person()
    await world.proposal(author)
    c = await sessions.counts(world.session)
    assert (c.participants, c.proposals, c.supports) == (1, 1, 0)


async def test_timer_is_bounded(world: World) -> None:
    await sessions.set_timer(world.staff, world.session, "5", "อภิปราย")
    assert (await Session.get(id=world.session.id)).timer_ends_at is not None
    for bad in ("-1", "241", "ห้า"):
        with pytest.raises(ValidationError):
            await sessions.set_timer(world.staff, world.session, bad)


async def test_a_phase_change_stops_the_timer_on_every_screen(
    api: Api, browser: Callable[[], Browser], facilitator: dict[str, str]
) -> None:
    code = (await api.new_session(facilitator, phase="ideas"))["code"]
    desk = await staff_browser(browser, api=api, of=facilitator)
    screen, phone = browser(), browser()
    await phone.join(code)

    async def timers() -> list[Any]:
        pages = [screen.page(await screen.get(f"/s/{code}/screen")), phone.page(await phone.get(f"/s/{code}"))]
        return [page.find(id="phase-banner").find(id="timer") for page in pages]

    desk.page(await desk.get(f"/staff/s/{code}"))
    r = await desk.post(f"/staff/s/{code}/timer", {"csrf_token": desk.csrf(), "minutes": "5", "label": "อภิปรายกลุ่ม"})
    assert r.status_code == 303, r.text
    for timer in await timers():
        assert not timer.has_attr("hidden") and "อภิปรายกลุ่ม" in timer.get_text()

    desk.page(await desk.get(f"/staff/s/{code}"))
    r = await desk.post(f"/staff/s/{code}/phase", {"csrf_token": desk.csrf(), "phase": "voting"})
    assert r.status_code == 303, r.text
    for timer in await timers():
        assert timer.has_attr("hidden") and "อภิปรายกลุ่ม" not in timer.get_text()
    assert (await api.client.get(f"/api/v1/sessions/{code}")).json()["timer_ends_at"] is None
    stored = await Session.get(code=code)
    assert (stored.phase, stored.timer_ends_at, stored.timer_label) == ("voting", None, "")
