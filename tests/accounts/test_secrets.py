"""SECRET_KEY: required in production and never defaulted there; no secret kept in the repository."""

from __future__ import annotations

import re
import subprocess

import pytest

from deliberate.settings import Settings
from tests.conftest import ROOT, child_env, deliberate_command

# What a committed secret looks like: a private key, a cloud access key, a SECRET_KEY given a literal value.
LEAKS = re.compile(r"BEGIN [A-Z ]*PRIVATE KEY|AKIA[0-9A-Z]{16}|(SECRET|SYNC|AUDIT)_KEY\s*=\s*['\"]?[A-Za-z0-9_\-]{16,}")


def test_production_refuses_to_start_without_a_secret_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DELIBERATE_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(SystemExit, match="SECRET_KEY must be set"):
        Settings.from_env()
    monkeypatch.setenv("SECRET_KEY", "k" * 40)
    settings = Settings.from_env()
    assert settings.production and settings.secret_key == "k" * 40


def test_outside_production_the_key_is_drawn_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DELIBERATE_ENV", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first, second = Settings.from_env(), Settings.from_env()
    assert first.secret_key != second.secret_key and len(first.secret_key) >= 40


def test_serve_in_production_without_a_key_exits(database_url: str) -> None:
    env = child_env(database_url) | {"DELIBERATE_ENV": "production"}
    done = subprocess.run(
        [deliberate_command(), "serve", "--port", "1"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode != 0 and "SECRET_KEY must be set" in done.stderr


def test_no_secret_is_kept_in_the_repository() -> None:
    files = subprocess.run(["git", "ls-files", "-z"], capture_output=True, cwd=ROOT, check=True).stdout
    found = []
    for name in filter(None, files.decode().split("\0")):
        path = ROOT / name
        if not path.is_file() or path.stat().st_size > 2_000_000:
            continue
        text = path.read_bytes().decode("utf-8", "ignore")
        found += [f"{name}: {m.group(0)[:30]}" for m in LEAKS.finditer(text)]
    assert not found
