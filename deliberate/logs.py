"""Logging for a served app: one JSON object per line in production (what log shippers read), plain text
on a laptop. DELIBERATE_LOG=json|text overrides; DELIBERATE_LOG_LEVEL sets the level (default INFO)."""

from __future__ import annotations

import logging
import os

from pythonjsonlogger.json import JsonFormatter


def configure(production: bool) -> None:
    style = os.environ.get("DELIBERATE_LOG") or ("json" if production else "text")
    handler = logging.StreamHandler()
    if style == "json":
        handler.setFormatter(
            JsonFormatter(
                "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s",
                rename_fields={"asctime": "time", "levelname": "level"},
            )
        )
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(os.environ.get("DELIBERATE_LOG_LEVEL", "INFO").upper())
    # Each write is one line already (deliberate.requests); uvicorn's access log would say it twice.
    logging.getLogger("uvicorn.access").disabled = True
