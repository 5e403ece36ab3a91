"""The facilitator the live-channel tests drive the served app as, over its JSON API."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.conftest import Served
from tests.realtime.test_websocket import Remote


@pytest.fixture(scope="module")
def chair_login(served: Served) -> tuple[str, str]:
    return served.add_staff("facilitator")


@pytest.fixture
async def remote(served: Served, chair_login: tuple[str, str]) -> AsyncIterator[Remote]:
    async with httpx.AsyncClient(base_url=served.base_url, timeout=10) as http:
        email, password = chair_login
        r = await http.post("/api/v1/auth/token", json={"email": email, "password": password})
        assert r.status_code == 201, r.text
        yield Remote(served, http, {"authorization": f"Bearer {r.json()['token']}"})
