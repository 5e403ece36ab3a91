"""What operators' tools read: liveness, readiness, Prometheus metrics and one structured line per write."""

from __future__ import annotations

import dataclasses
import json
import logging

import httpx
import pytest
from starlette.applications import Starlette

from deliberate.app import create_app
from deliberate.logs import configure
from deliberate.settings import Settings
from tests.conftest import Api


async def test_health_and_readiness_answer(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    r = await client.get("/readyz")
    assert r.status_code == 200
    assert r.json() == {"status": "ready", "checks": {"database": True, "live_bus": True}}


async def test_metrics_count_writes_and_live_figures(
    client: httpx.AsyncClient, api: Api, facilitator: dict[str, str]
) -> None:
    before = await client.get("/metrics")
    assert before.headers["content-type"].startswith("text/plain")
    code = (await api.new_session(facilitator))["code"]
    await api.join(code, "สมศรี")
    text = (await client.get("/metrics")).text
    assert "deliberate_live_connections 0.0" in text
    assert 'deliberate_write_seconds_count{kind="api"}' in text
    count = next(
        float(line.split()[-1])
        for line in text.splitlines()
        if line.startswith('deliberate_write_seconds_count{kind="api"}')
    )
    assert count >= 2
    assert "สมศรี" not in text  # figures only


async def test_metrics_can_require_a_token(settings: Settings) -> None:
    app: Starlette = create_app(dataclasses.replace(settings, metrics_token="s3cret-scraper"))
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
            assert (await c.get("/metrics")).status_code == 401
            ok = await c.get("/metrics", headers={"authorization": "Bearer s3cret-scraper"})
            assert ok.status_code == 200 and "deliberate_live_connections" in ok.text


def test_production_logs_are_one_json_object_per_line(capsys: pytest.CaptureFixture[str]) -> None:
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        configure(production=True)
        logging.getLogger("deliberate.requests").info("write", extra={"method": "POST", "status": 201, "ms": 4.2})
        line = capsys.readouterr().err.strip().splitlines()[-1]
        record = json.loads(line)
        assert record["message"] == "write" and record["status"] == 201 and record["level"] == "INFO"
    finally:
        root.handlers[:], _ = saved[0], root.setLevel(saved[1])
