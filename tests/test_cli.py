"""The `deliberate` command as an operator uses it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import PASSWORD, ROOT, child_env, deliberate_command, unique_email


def run(database_url: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [deliberate_command(), *args],
        input=stdin,
        env=child_env(database_url),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_users_add_reads_the_password_from_stdin_once(database_url: str) -> None:
    email = unique_email("cli")
    added = run(database_url, "users", "add", email, "--role", "facilitator", "--password-stdin", stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    assert added.stdout.strip() == f"added {email} (facilitator)"
    again = run(database_url, "users", "add", email, "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n")
    assert again.returncode == 2
    assert again.stderr.startswith("error: ")


def test_users_add_refuses_a_short_password_and_unknown_roles(database_url: str) -> None:
    short = run(
        database_url, "users", "add", unique_email("cli"), "--role", "official", "--password-stdin", stdin="short\n"
    )
    assert short.returncode == 2
    assert short.stderr.startswith("error: ")
    role = run(
        database_url, "users", "add", unique_email("cli"), "--role", "king", "--password-stdin", stdin=PASSWORD + "\n"
    )
    assert role.returncode == 2
    assert "king" in role.stderr


SEED_DEMO = """
import asyncio, json, sys
from deliberate.demo import DemoRefused, seed
from deliberate.settings import Settings
try:
    print(json.dumps(asyncio.run(seed(Settings(database_url=sys.argv[1]))).__dict__))
except DemoRefused as exc:
    print(json.dumps({"refused": str(exc)}))
"""
ACCOUNT = """
import asyncio, json, sys
from tortoise import Tortoise
from deliberate.accounts.models import StaffUser
from deliberate.db import tortoise_config

async def main():
    await Tortoise.init(config=tortoise_config(sys.argv[1]))
    user = await StaffUser.get(email="facilitator@demo.local")
    if len(sys.argv) > 2:
        user.is_active = False
        await user.save(update_fields=["is_active"])
    print(json.dumps({"hash": user.password_hash, "role": user.role.value, "active": user.is_active}))
    await Tortoise.close_connections()

asyncio.run(main())
"""


def python(database_url: str, script: str, *args: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", script, database_url, *args],
        env=child_env(database_url),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def test_the_demo_never_changes_an_existing_account(tmp_path: Path) -> None:
    """The first run makes the demo facilitator and prints its password; a later run leaves the account as it
    is (a reset link instead), and one whose account staff disabled refuses rather than re-enabling it."""
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    first = python(url, SEED_DEMO)
    assert first["password"] and first["reset_token"] is None
    made = python(url, ACCOUNT)
    second = python(url, SEED_DEMO)
    assert second["password"] is None and second["reset_token"] and second["code"] == first["code"]
    assert python(url, ACCOUNT) == made  # same hash, role and state
    disabled = python(url, ACCOUNT, "disable")
    refused = python(url, SEED_DEMO)
    assert "disabled or no longer a facilitator" in str(refused["refused"])
    assert python(url, ACCOUNT) == disabled


def test_the_demo_refuses_a_production_environment(tmp_path: Path) -> None:
    db = tmp_path / "prod.sqlite3"
    env = child_env(f"sqlite:///{db}") | {"DELIBERATE_ENV": "production", "SECRET_KEY": "x" * 40}
    done = subprocess.run(
        [deliberate_command(), "demo", "--port", "1"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode != 0 and "will not seed a production database" in done.stderr
    assert not db.exists()  # nothing written, not even the schema


async def test_users_grant_gives_an_imported_conversation_its_owner(app: object, database_url: str) -> None:
    """An imported Pol.is conversation belongs to nobody until the operator names its owner."""
    from deliberate.accounts.models import AssemblyGrant
    from deliberate.sessions.models import Session
    from tests.statements.test_polis_import import BG2050

    email = unique_email("owner")
    added = run(database_url, "users", "add", email, "--role", "facilitator", "--password-stdin", stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    code = run(database_url, "import", "polis", str(BG2050), "--title", "BG 2050").stdout.strip()
    assembly = (await Session.get(code=code)).assembly_id
    assert not await AssemblyGrant.filter(assembly_id=assembly).exists()
    granted = run(database_url, "users", "grant", email, "--assembly", str(assembly))
    assert granted.returncode == 0, granted.stderr
    assert granted.stdout.strip() == f"{email} is owner of assembly {assembly}"
    [grant] = await AssemblyGrant.filter(assembly_id=assembly).prefetch_related("user")
    assert (grant.user.email, grant.role.value) == (email, "owner")
    wrong = run(database_url, "users", "grant", email, "--province", "83")
    assert wrong.returncode == 2 and wrong.stderr.startswith("error: ")  # provinces are for officials
    missing = run(database_url, "users", "grant", email, "--assembly", "999999")
    assert missing.returncode == 2 and missing.stderr.startswith("error: ")
