"""What operators and their tools ask of a running process: is it alive, can it serve, what is it doing.

- /healthz: the process answers (a supervisor restarts it when this stops).
- /readyz: the database answers and, with REDIS_URL, the live bus is connected; a proxy sends traffic only
  to a process that is ready. 503 says which part is missing.
- /metrics: the Prometheus text format: open live connections, live updates and events, write latency, and
  how writes were grouped into transactions (groupcommit.py).
  Figures only, no personal data; with METRICS_TOKEN set, only for a scraper that presents it. Each
  process has its own figures; scrape each (see README, "Running in production").
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import time
from collections.abc import Iterator

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from tortoise import connections

from deliberate import groupcommit

log = logging.getLogger("deliberate.requests")
WRITES = ("POST", "PUT", "PATCH", "DELETE")
CHECK_TIMEOUT_S = 2.0


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"}, headers={"cache-control": "no-store"})


async def _database_ok() -> bool:
    try:
        await asyncio.wait_for(connections.get("default").execute_query("SELECT 1"), CHECK_TIMEOUT_S)
        return True
    except Exception:  # noqa: BLE001 (any failure means not ready; the log has the reason)
        log.warning("readiness: the database does not answer", exc_info=True)
        return False


async def readyz(request: Request) -> Response:
    bus = request.app.state.bus
    checks = {"database": await _database_ok(), "live_bus": bus.healthy and await bus.ready()}
    ready = all(checks.values())
    return JSONResponse(
        {"status": "ready" if ready else "not ready", "checks": checks},
        status_code=200 if ready else 503,
        headers={"cache-control": "no-store"},
    )


class LiveCollector(Collector):
    """Reads the hub's and the bus's figures at scrape time, so nothing is counted twice."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    def collect(self) -> Iterator[GaugeMetricFamily | CounterMetricFamily]:
        state = getattr(self.app, "state", None)
        hub = getattr(state, "hub", None)
        bus = getattr(state, "bus", None)
        if hub is None or bus is None:
            return
        yield GaugeMetricFamily(
            "deliberate_live_connections", "Open live connections (websockets) in this process.", value=hub.connections
        )
        yield GaugeMetricFamily(
            "deliberate_live_sessions",
            "Sessions with at least one open live connection.",
            value=sum(1 for c in hub.channels.values() if c.viewer_count),
        )
        yield CounterMetricFamily("deliberate_live_updates", "Live updates handed to viewers.", value=hub.delivered)
        yield CounterMetricFamily("deliberate_live_dropped", "Viewers dropped for falling behind.", value=hub.dropped)
        yield CounterMetricFamily("deliberate_events", "Domain events received from the bus.", value=hub.events)
        yield GaugeMetricFamily(
            "deliberate_live_bus_healthy", "1 while the live bus reaches every process.", value=1 if bus.healthy else 0
        )
        grouped = groupcommit.stats()
        yield CounterMetricFamily(
            "deliberate_write_batches",
            "Transactions committed for grouped writes (group commit).",
            value=grouped.batches,
        )
        yield CounterMetricFamily(
            "deliberate_write_batched", "Writes committed in those transactions.", value=grouped.jobs
        )
        yield CounterMetricFamily(
            "deliberate_write_rerun_alone",
            "Writes run again alone because a member of their batch failed after writing.",
            value=grouped.rerun_alone,
        )


class Metrics:
    """One registry per app (tests build many apps in one process)."""

    def __init__(self, app: ASGIApp) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.write_seconds = Histogram(
            "deliberate_write_seconds",
            "Time to answer a write (POST, PUT, PATCH, DELETE).",
            ["kind"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
            registry=self.registry,
        )
        self.registry.register(LiveCollector(app))

    def render(self) -> bytes:
        return generate_latest(self.registry)


async def metrics(request: Request) -> Response:
    token = request.app.state.settings.metrics_token
    given = request.headers.get("authorization", "")
    if token and not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return Response(
            "metrics need the scraper's token\n",
            status_code=401,
            media_type="text/plain",
            headers={"www-authenticate": "Bearer"},
        )
    return Response(
        request.app.state.metrics.render(), media_type=CONTENT_TYPE_LATEST, headers={"cache-control": "no-store"}
    )


class WriteTimer:
    """Times every write and logs it as one structured line (no query string, no body: no personal data)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in WRITES:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            seconds = time.perf_counter() - started
            kind = "api" if scope["path"].startswith("/api/") else "form"
            app_metrics = getattr(scope["app"].state, "metrics", None) if "app" in scope else None
            if app_metrics is not None:
                app_metrics.write_seconds.labels(kind).observe(seconds)
            log.info(
                "write",
                extra={
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status,
                    "ms": round(seconds * 1000, 1),
                },
            )
