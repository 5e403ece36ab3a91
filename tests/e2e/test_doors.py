"""A rotating join code in the hall (issue 18): the projector's QR carries the code of the moment, a phone that
scans it joins; the link without it asks for the code on the screen."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import expect

from tests.e2e.conftest import Facilitator, PhoneFactory
from tests.e2e.test_journeys_rooms import PROJECTOR
from tests.e2e.test_rehearsal import read_qr
from tests.e2e.test_room import TALL_PHONE

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_the_projector_qr_carries_the_rotating_code_and_a_phone_joins_with_it(
    phone: PhoneFactory, facilitator_api: Facilitator
) -> None:
    api = facilitator_api
    code, _ = await api.new_session(["ผู้สูงอายุ"], phase="ideas")
    report = await api.post(f"/api/v1/sessions/{code}/joining", {"rotate_minutes": 10})
    door = report["door_code"]
    await api.post(f"/api/v1/sessions/{code}/screen", {"view": "join"})
    projector = await phone(PROJECTOR)
    await projector.goto(f"/s/{code}/screen")
    await expect(projector.locator(".join-door")).to_contain_text(door)
    link = read_qr(await projector.locator(".join-slide img").screenshot())
    assert link.endswith(f"/s/{code}/join?door={door}"), link

    scanned = await phone(TALL_PHONE)
    await scanned.goto(link)
    await scanned.locator("#display_name").fill("ป้าแดง")
    await scanned.locator("input[name=consent]").check()
    await scanned.locator("form button.primary").click()
    await expect(scanned).to_have_url(re.compile(rf"/s/{code}$"))

    typed = await phone(TALL_PHONE)
    await typed.goto(f"/s/{code}/join")
    await typed.locator("#display_name").fill("ลุงมา")
    await typed.locator("#door").fill("AAAAAA")
    await typed.locator("input[name=consent]").check()
    await typed.locator("form button.primary").click()
    await expect(typed.locator("#door-error")).to_contain_text("หมดอายุ")
    await typed.locator("#door").fill(door.lower())
    await typed.locator("input[name=consent]").check()
    await typed.locator("form button.primary").click()
    await expect(typed).to_have_url(re.compile(rf"/s/{code}$"))
