"""The server of `bench live --map`: the real app as `deliberate serve` runs it, plus a bench-only control.

    python -m deliberate.bench.map_server --port P

`/_bench/map` (never mounted by the app itself) lets the load generator pause and resume the opinion-map
worker, so one run measures voting with the map idle and then with it recomputing, and reports what the
worker did: when each recompute started and how long it took, and how late the event loop woke up
(sampled every LAG_EVERY_S), which is what a stalled loop does to every request.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from deliberate import events
from deliberate.statements import opinion

LAG_EVERY_S = 0.01
PATH = "/_bench/map"


class BenchControl:
    """Pure ASGI: answers PATH, passes everything else (lifespan and websockets included) to the app."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.recomputes: list[tuple[float, float, float]] = []  # (started, seconds, compute seconds)
        self.lags: list[tuple[float, float]] = []  # (at, seconds late)
        self.paused = False
        self.running = 0  # recomputes in progress
        self._probe: asyncio.Task[None] | None = None
        self._timed()

    def _timed(self) -> None:
        # The worker calls `opinion.recompute` by its module name, so this wrapper sees every tick.
        original = opinion.recompute

        async def recompute(session: Any, *, store: bool = True) -> opinion.Entry:
            started = time.time()
            self.running += 1
            try:
                entry = await original(session, store=store)
            finally:
                self.running -= 1
            self.recomputes.append((started, time.time() - started, entry.seconds))
            return entry

        opinion.recompute = recompute

    async def _lag_probe(self) -> None:
        while True:
            before = time.perf_counter()
            await asyncio.sleep(LAG_EVERY_S)
            self.lags.append((time.time(), max(0.0, time.perf_counter() - before - LAG_EVERY_S)))

    def _control(self, body: dict[str, Any]) -> dict[str, Any]:
        maps = self.app.state.maps
        if self._probe is None:
            self._probe = asyncio.create_task(self._lag_probe())
        if "interval_s" in body:
            maps.interval_s = float(body["interval_s"])
        if "paused" in body and bool(body["paused"]) != self.paused:
            # Unsubscribed, the worker hears no marks, so nothing makes a session dirty.
            (events.unsubscribe if body["paused"] else events.subscribe)(maps.on_event)
            self.paused = bool(body["paused"])
        return {
            "paused": self.paused,
            "interval_s": maps.interval_s,
            "busy": self.running > 0,
            "now": time.time(),
            "recomputes": self.recomputes,
            "lags": self.lags,
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != PATH:
            await self.app(scope, receive, send)
            return
        raw = b""
        while True:
            message = await receive()
            raw += message.get("body", b"")
            if not message.get("more_body"):
                break
        body = json.dumps(self._control(json.loads(raw) if raw else {})).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})


def main(argv: list[str] | None = None) -> None:
    import uvicorn

    from deliberate.app import create_app
    from deliberate.settings import Settings

    parser = argparse.ArgumentParser(prog="python -m deliberate.bench.map_server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    app: ASGIApp = BenchControl(create_app(Settings.from_env()))
    # The options of `deliberate serve` (cli._serve), so the app is measured as it is deployed.
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        ws_per_message_deflate=False,
        log_level="warning",
        ws_max_size=16 * 1024,
        proxy_headers=True,
    )


if __name__ == "__main__":
    main()
