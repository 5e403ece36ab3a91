"""Database wiring: the Tortoise configuration, migrations and the connection helpers."""

from __future__ import annotations

import os
from typing import Any, cast

from tortoise import Tortoise
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.migrations.api import migrate as migrate_api
from tortoise.queryset import QuerySet

from deliberate.settings import Settings

MODEL_MODULES = [
    "deliberate.accounts.models",
    "deliberate.sessions.models",
    "deliberate.proposals.models",
    "deliberate.comments.models",
    "deliberate.supports.models",
    "deliberate.voting.models",
    "deliberate.staffrecord.models",
    "deliberate.idempotency.models",
    "deliberate.outcomes.models",
    "deliberate.briefs.models",
    "deliberate.resolutions.models",
    "deliberate.audit.models",
    "deliberate.statements.models",
]


def connection_config(db_url: str) -> str | dict[str, Any]:
    """The URL as Tortoise reads it, but SQLite through our backend (see sqlite_engine.py)."""
    if not db_url.startswith("sqlite"):
        return db_url
    config = expand_db_url(db_url)
    config["engine"] = "deliberate.sqlite_engine"
    return config


def tortoise_config(db_url: str) -> dict[str, Any]:
    return config_for(connection_config(db_url))


def config_for(connection: str | dict[str, Any]) -> dict[str, Any]:
    """The whole configuration around one connection's (as `connections.db_config` holds it)."""
    return {
        "connections": {"default": connection},
        "apps": {
            "models": {
                "models": MODEL_MODULES,
                "default_connection": "default",
                "migrations": "migrations",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


# Read by the `tortoise` CLI (`tortoise makemigrations`, see [tool.tortoise] in pyproject.toml).
TORTOISE_ORM = tortoise_config(Settings.from_env().db_url if os.environ.get("DATABASE_URL") else Settings().db_url)


async def migrate(settings: Settings) -> None:
    """Apply every migration in `migrations/` that the database has not seen yet."""
    await migrate_api(config=tortoise_config(settings.db_url))
    await Tortoise.close_connections()


async def int_column(query: QuerySet[Any], name: str) -> list[int]:
    """One integer column of the query's rows, as `values_list(name, flat=True)` gives it: Tortoise types
    that as a list of tuples whatever `flat` says."""
    return cast(list[int], await query.values_list(name, flat=True))
