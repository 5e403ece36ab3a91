"""Migrations build the whole schema from nothing, on SQLite and on PostgreSQL, and match the models."""

from __future__ import annotations

import sqlite3
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest
from tortoise import Tortoise
from tortoise.context import TortoiseContext
from tortoise.exceptions import IntegrityError
from tortoise.migrations.api import migrate as migrate_api
from tortoise.migrations.autodetector import MigrationAutodetector

from deliberate.db import MODEL_MODULES, migrate, tortoise_config
from deliberate.settings import Settings
from tests.conftest import (
    ROOT,
    child_env,
    create_pg_database,
    deliberate_command,
    drop_pg_database,
    postgres_server_url,
)

BACKENDS = ["sqlite"] + (["postgres"] if postgres_server_url() else [])


def model_tables() -> set[str]:
    import importlib

    from tortoise.models import Model

    tables = set()
    for name in MODEL_MODULES:
        module = importlib.import_module(name)
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, Model) and value.__module__ == name:
                tables.add(value._meta.db_table)
    return tables


@pytest.fixture(params=BACKENDS)
async def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A brand-new, empty database (not the one the rest of the suite shares)."""
    if request.param == "sqlite":
        path = tmp_path / "fresh.sqlite3"
        assert not path.exists()
        yield f"sqlite://{path}"
        return
    server = postgres_server_url()
    assert server is not None
    url = await create_pg_database(server)
    try:
        yield url
    finally:
        await Tortoise.close_connections()
        await drop_pg_database(server, url)


def separate_config(url: str) -> dict:
    """The app's configuration under a connection name of its own: Tortoise caches SQL per connection name,
    and this database may speak another dialect than the suite's shared one under "default"."""
    config = tortoise_config(Settings(database_url=url).db_url)
    name = f"fresh_{url.split(':', 1)[0]}"
    config["connections"] = {name: config["connections"]["default"]}
    config["apps"]["models"]["default_connection"] = name
    return config


async def tables_in(url: str) -> set[str]:
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite://")) as db:
            return {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    conn = await asyncpg.connect(url)
    try:
        rows = await conn.fetch("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")
        return {r["table_name"] for r in rows}
    finally:
        await conn.close()


async def test_migrations_build_every_table_from_nothing(empty_database: str) -> None:
    assert await tables_in(empty_database) == set()
    await migrate(Settings(database_url=empty_database))
    tables = await tables_in(empty_database)
    expected = model_tables()
    assert {"staff_user", "session", "proposal", "support", "staff_action"} <= expected
    assert expected <= tables
    assert "tortoise_migrations" in tables


async def test_migrating_twice_changes_nothing(empty_database: str) -> None:
    await migrate(Settings(database_url=empty_database))
    first = await tables_in(empty_database)
    await migrate(Settings(database_url=empty_database))
    assert await tables_in(empty_database) == first


async def test_migrated_schema_enforces_one_support_per_person(empty_database: str) -> None:
    from deliberate.proposals.models import Proposal
    from deliberate.sessions.models import Assembly, Participant, Session, Theme
    from deliberate.supports.models import Support

    await migrate(Settings(database_url=empty_database))
    await Tortoise.init(config=separate_config(empty_database))
    try:
        assembly = await Assembly.create(title="สมัชชา")
        theme = await Theme.create(assembly=assembly, name="ประเด็น")
        session = await Session.create(assembly=assembly, title="เวที", code="ACDEFG")
        person = await Participant.create(session=session, display_name="คน", token_hash="0" * 64)
        proposal = await Proposal.create(session=session, theme=theme, author=person, title="ข้อเสนอ", body="")
        await Support.create(proposal=proposal, participant=person)
        with pytest.raises(IntegrityError):
            await Support.create(proposal=proposal, participant=person)
        with pytest.raises(IntegrityError):
            await Session.create(assembly=assembly, title="รหัสซ้ำ", code="ACDEFG")
        assert await Support.all().count() == 1
    finally:
        await Tortoise.close_connections()


async def test_renaming_the_staff_record_keeps_its_rows(empty_database: str) -> None:
    """0010 renames moderation_action to staff_action: a database with a record keeps every row of it."""
    config = separate_config(empty_database)
    await migrate_api(config=config, target="models.0009_staff_tokens")
    await Tortoise.close_connections()
    assert "moderation_action" in await tables_in(empty_database)
    await Tortoise.init(config=config)
    try:
        db = Tortoise.get_connection(config["apps"]["models"]["default_connection"])
        await db.execute_script(
            "INSERT INTO assembly (id, title, subtitle, province_code, venue, created_at) "
            "VALUES (1, 'a', '', '83', '', '2026-11-15 09:00:00');"
            "INSERT INTO session (id, title, code, phase, permissions, premoderation, timer_label, created_at, "
            "phase_changed_at, assembly_id) VALUES (1, 's', 'ACDEFG', 'setup', '{}', FALSE, '', "
            "'2026-11-15 09:00:00', '2026-11-15 09:00:00', 1);"
            "INSERT INTO moderation_action (id, session_id, action, reason, data, created_at) "
            "VALUES (7, 1, 'phase', 'เปิดเวที', '{\"to\": \"propose\"}', '2026-11-15 09:05:00');"
        )
    finally:
        await Tortoise.close_connections()
    await migrate(Settings(database_url=empty_database))
    tables = await tables_in(empty_database)
    assert "staff_action" in tables and "moderation_action" not in tables
    from deliberate.staffrecord.models import StaffAction

    await Tortoise.init(config=config)
    try:
        act = await StaffAction.get(id=7)
        assert (act.session_id, act.action, act.reason, act.data) == (1, "phase", "เปิดเวที", {"to": "propose"})
        assert [a.id for a in await StaffAction.filter(session_id=1)] == [7]
    finally:
        await Tortoise.close_connections()


async def test_whoever_made_an_assembly_owns_it_after_the_upgrade(empty_database: str) -> None:
    """0013 gives each existing assembly's maker the owner's grant, and nobody else any: staff who ran other
    people's assemblies before are added back by their owners or an administrator."""
    config = separate_config(empty_database)
    await migrate_api(config=config, target="models.0012_screen_view")
    await Tortoise.init(config=config)
    try:
        db = Tortoise.get_connection(config["apps"]["models"]["default_connection"])
        await db.execute_script(
            "INSERT INTO staff_user (id, email, display_name, role, password_hash, is_active, created_at) VALUES "
            "(1, 'maker@example.org', '', 'facilitator', 'x', TRUE, '2026-11-15 09:00:00'),"
            "(2, 'other@example.org', '', 'facilitator', 'x', TRUE, '2026-11-15 09:00:00');"
            "INSERT INTO assembly (id, title, subtitle, province_code, venue, created_at, created_by_id) VALUES "
            "(1, 'a', '', '83', '', '2026-11-15 09:00:00', 1), (2, 'b', '', '83', '', '2026-11-15 09:00:00', NULL);"
        )
    finally:
        await Tortoise.close_connections()
    await migrate(Settings(database_url=empty_database))
    from deliberate.accounts.models import AssemblyGrant

    await Tortoise.init(config=config)
    try:
        grants = [(g.assembly_id, g.user_id, g.role.value) for g in await AssemblyGrant.all().order_by("id")]
        assert grants == [(1, 1, "owner")]
    finally:
        await Tortoise.close_connections()


async def test_audit_entries_written_before_the_key_keep_their_hash_and_verify_as_unkeyed(empty_database: str) -> None:
    """0014 keys the chain: an entry already written keeps its plain SHA-256, gets an empty key_id, and
    `audit verify` passes it, saying that no part of that chain is keyed."""
    import datetime as dt

    from deliberate.audit.chain import GENESIS, entry_hash
    from deliberate.audit.models import AuditEntry
    from deliberate.audit.verify import verify
    from deliberate.sessions.models import Session

    config = separate_config(empty_database)
    await migrate_api(config=config, target="models.0012_screen_view")
    await Tortoise.close_connections()
    at = dt.datetime(2026, 11, 15, 9, 5, tzinfo=dt.UTC)
    old = entry_hash(
        GENESIS, key=None, session_id=1, seq=1, at=at, kind="phase.changed", actor="system", subject="", payload="{}"
    )
    await Tortoise.init(config=config)
    try:
        db = Tortoise.get_connection(config["apps"]["models"]["default_connection"])
        await db.execute_script(
            "INSERT INTO assembly (id, title, subtitle, province_code, venue, created_at) "
            "VALUES (1, 'a', '', '83', '', '2026-11-15 09:00:00');"
            "INSERT INTO session (id, title, code, phase, permissions, premoderation, timer_label, created_at, "
            "phase_changed_at, assembly_id) VALUES (1, 's', 'ACDEFG', 'setup', '{}', FALSE, '', "
            "'2026-11-15 09:00:00', '2026-11-15 09:00:00', 1);"
        )
        sql = (
            "INSERT INTO audit_entry (session_id, seq, at, kind, actor, subject, payload, prev_hash, hash) "
            "VALUES (1, 1, ?, 'phase.changed', 'system', '', '{}', ?, ?)"
        )
        if db.capabilities.dialect == "postgres":  # asyncpg numbers its placeholders
            sql = sql.replace("?", "$1", 1).replace("?", "$2", 1).replace("?", "$3", 1)
        await db.execute_query(sql, [at, GENESIS, old])
    finally:
        await Tortoise.close_connections()
    await migrate(Settings(database_url=empty_database))
    await Tortoise.init(config=config)
    try:
        entry = await AuditEntry.get(session_id=1, seq=1)
        assert (entry.hash, entry.key_id) == (old, "")
        report = await verify(await Session.get(id=1))
        assert report.ok and report.length == 1 and report.keyed_from is None and report.head == old
    finally:
        await Tortoise.close_connections()


async def test_models_and_migrations_agree(tmp_path: Path) -> None:
    """A model change without its migration fails here (run `tortoise makemigrations`)."""
    config = separate_config(f"sqlite://{tmp_path / 'detect.sqlite3'}")
    async with TortoiseContext() as ctx:
        await ctx.init(config=config)
        pending = await MigrationAutodetector(ctx.apps, config["apps"]).changes()
    assert [w.name for w in pending] == []


def test_migrate_command_on_a_new_file(tmp_path: Path) -> None:
    path = tmp_path / "cli.sqlite3"
    done = subprocess.run(
        [deliberate_command(), "migrate"],
        env=child_env(f"sqlite:///{path}"),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "migrations applied" in done.stdout
    with sqlite3.connect(path) as db:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert model_tables() <= tables
