"""The app with abuse limits out of the way, for the tests whose hundreds of requests from one address (many
deliberately refused) are the point: they ask about rights and inputs, not rates (test_limits.py covers those).
Import the fixtures into a test module to use them there."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette

from deliberate.app import create_app
from deliberate.settings import Settings

UNLIMITED = "100000/minute"


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[Starlette]:
    loose = dataclasses.replace(
        settings,
        login_failures_per_address=UNLIMITED,
        login_failures_per_account=UNLIMITED,
        participant_writes=UNLIMITED,
        code_misses_per_address=UNLIMITED,
    )
    application = create_app(loose)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    """A server error comes back as the 500 a phone would get, to be reported, not raised in the test."""
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c
