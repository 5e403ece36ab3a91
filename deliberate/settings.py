"""Configuration, read once from the environment."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _default_database_url() -> str:
    data = ROOT / "data"
    data.mkdir(exist_ok=True)
    return f"sqlite://{data / 'deliberate.sqlite3'}"


def normalise_database_url(url: str) -> str:
    """Accept the spellings people paste (`postgresql://`, `sqlite:///abs`) and tune SQLite for a hall."""
    if url.startswith("postgresql://"):
        url = "postgres://" + url[len("postgresql://") :]
    if url.startswith("sqlite:") and "busy_timeout" not in url:
        url += ("&" if "?" in url else "?") + "busy_timeout=10000&synchronous=NORMAL"
    return url


# The abuse limits, each overridable from the environment as DELIBERATE_<NAME> (docs/security.md).
LIMITS = (
    "login_failures_per_account",
    "login_failures_per_address",
    "code_misses_per_address",
    "participant_writes",
    "joins_per_address",
)


MIN_AUDIT_KEY = 32


def derive_audit_key(secret_key: str) -> str:
    """The audit key a SECRET_KEY stands for (one-way: it does not give the secret back)."""
    return hmac.new(secret_key.encode(), b"deliberate.audit.chain", hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Settings:
    database_url: str = field(default_factory=_default_database_url)
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    redis_url: str | None = None
    # When set, /metrics answers only `Authorization: Bearer <token>` (a scraper's secret).
    metrics_token: str | None = None
    production: bool = False
    # How often the live channel renders and sends what changed (coalescing window).
    live_tick_s: float = 0.1
    # Abuse limits, in the `limits` notation ("5/15minutes;20/day"). These are the production numbers;
    # a hall shares one address behind its router, so per-address limits count only failures.
    login_failures_per_account: str = "5/15minutes"
    login_failures_per_address: str = "30/15minutes"
    code_misses_per_address: str = "20/10minutes;60/day"
    # Where the rate-limit counters live in a shared Redis; by default the database's own namespace.
    limits_namespace: str = ""
    participant_writes: str = "30/minute;300/hour"
    # Joins per address: a hall of 300 behind one router joins within a minute or two and never comes near
    # 60 in 5 seconds; a script making hundreds a second is refused after the first 60.
    joins_per_address: str = "60/5seconds;1000/hour"
    # The audit chain's HMAC key (deliberate/audit/keys.py): AUDIT_KEY, else derived from SECRET_KEY when the
    # environment sets it; empty means the development key file. Never stored in the database.
    audit_key: str = ""
    audit_key_source: str = ""
    # Keys rotated out, still used to verify the entries they keyed (AUDIT_PREVIOUS_KEYS, comma separated).
    audit_previous_keys: tuple[str, ...] = ()

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        env = os.environ
        values: dict[str, Any] = {}
        if env.get("DATABASE_URL"):
            values["database_url"] = env["DATABASE_URL"]
        if env.get("SECRET_KEY"):
            values["secret_key"] = env["SECRET_KEY"]
        if env.get("REDIS_URL"):
            values["redis_url"] = env["REDIS_URL"]
        if env.get("METRICS_TOKEN"):
            values["metrics_token"] = env["METRICS_TOKEN"]
        if env.get("DELIBERATE_LIMITS_NAMESPACE"):
            values["limits_namespace"] = env["DELIBERATE_LIMITS_NAMESPACE"]
        values["production"] = env.get("DELIBERATE_ENV", "") == "production"
        if env.get("AUDIT_KEY"):
            if len(env["AUDIT_KEY"]) < MIN_AUDIT_KEY:
                raise SystemExit(f"AUDIT_KEY must be at least {MIN_AUDIT_KEY} characters")
            values["audit_key"], values["audit_key_source"] = env["AUDIT_KEY"], "AUDIT_KEY"
        elif env.get("SECRET_KEY"):
            values["audit_key"], values["audit_key_source"] = derive_audit_key(env["SECRET_KEY"]), "SECRET_KEY"
        if env.get("AUDIT_PREVIOUS_KEYS"):
            values["audit_previous_keys"] = tuple(k.strip() for k in env["AUDIT_PREVIOUS_KEYS"].split(",") if k.strip())
        for name in LIMITS:  # DELIBERATE_JOINS_PER_ADDRESS=... and the like: a load test or an unusual hall
            if env.get(f"DELIBERATE_{name.upper()}"):
                values[name] = env[f"DELIBERATE_{name.upper()}"]
        values.update(overrides)
        settings = cls(**values)
        if settings.production and not env.get("SECRET_KEY"):
            raise SystemExit("SECRET_KEY must be set when DELIBERATE_ENV=production")
        return settings

    @property
    def db_url(self) -> str:
        return normalise_database_url(self.database_url)
