"""Shared fixtures: one migrated database per test run, the real app over HTTP, and API flows.

The database is a SQLite file in a temporary directory, or, when DATABASE_URL names a PostgreSQL server,
a fresh database created on that server for this run and dropped at the end. Every test makes its own
staff users, sessions and participants, so tests never depend on each other's rows.
"""

# ruff: noqa: E402 (the environment is set before deliberate is imported)

from __future__ import annotations

import os

# Cheap argon2 parameters; read when deliberate.accounts.passwords is imported, so set it first.
os.environ["DELIBERATE_FAST_HASH"] = "1"

import asyncio
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import pytest
from bs4 import BeautifulSoup
from starlette.applications import Starlette
from tortoise import Tortoise

from deliberate.accounts.services import create_staff_user
from deliberate.actors import Actor
from deliberate.app import create_app
from deliberate.db import migrate
from deliberate.proposals.models import Proposal
from deliberate.proposals.services import get_proposal, submit_proposal
from deliberate.sessions.models import Session, Theme
from deliberate.sessions.services import (
    create_assembly,
    create_session,
    join_session,
    set_phase,
    themes_of,
)
from deliberate.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PASSWORD = "correct horse battery staple"
THAI_THEMES = ["เด็กและเยาวชน", "ผู้สูงอายุ", "คนพิการ"]
# Thai as some keyboards produce it: the tone mark typed before the vowel below it (NFC puts the vowel
# first), and SARA AM spelled as NIKHAHIT + SARA AA. Only the first changes under NFC.
UNNORMALISED_THAI = "ผ\u0e49\u0e39สูงอายุ ก\u0e4d\u0e32ลังใจ"


# -- the database ----------------------------------------------------------------------------------------
def postgres_server_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


def with_database(server_url: str, name: str) -> str:
    parts = urlsplit(server_url)
    return urlunsplit(("postgres", parts.netloc, f"/{name}", parts.query, ""))


async def create_pg_database(server_url: str) -> str:
    """Create an empty database on the server named by `server_url`; return its URL."""
    name = f"deliberate_test_{uuid.uuid4().hex[:12]}"
    conn = await asyncpg.connect(with_database(server_url, urlsplit(server_url).path.lstrip("/") or "postgres"))
    try:
        await conn.execute(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0")
    finally:
        await conn.close()
    return with_database(server_url, name)


async def drop_pg_database(server_url: str, url: str) -> None:
    name = urlsplit(url).path.lstrip("/")
    assert name.startswith("deliberate_test_")
    conn = await asyncpg.connect(with_database(server_url, urlsplit(server_url).path.lstrip("/") or "postgres"))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database migrated once for the whole run."""
    server = postgres_server_url()
    if server is None:
        path = tmp_path_factory.mktemp("db") / "deliberate.sqlite3"
        url = f"sqlite://{path}"
        asyncio.run(migrate(Settings(database_url=url)))
        yield url
        return
    url = asyncio.run(create_pg_database(server))
    try:
        asyncio.run(migrate(Settings(database_url=url)))
        yield url
    finally:
        asyncio.run(drop_pg_database(server, url))


@pytest.fixture(scope="session")
def settings(database_url: str) -> Settings:
    # The in-process apps count their own rate limits: the tests' deliberate wrong codes must not reach the
    # counters of `deliberate serve` on the same database when both use one Redis.
    return Settings(
        database_url=database_url,
        live_tick_s=0.05,
        limits_namespace=f"tests-{uuid.uuid4().hex[:8]}",
        joins_per_address="100000/second",  # as in child_env: the join limit is tested with its own numbers
    )


# -- the app, in process -----------------------------------------------------------------------------------
@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[Starlette]:
    """The real app with its lifespan entered: Tortoise is open and the live hub runs."""
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


def unique_email(prefix: str = "staff") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}@example.org"


def auth(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


@dataclass
class Api:
    """The JSON API flows most tests start from, each asserting the status it expects."""

    client: httpx.AsyncClient
    emails: dict[str, str] = field(default_factory=dict)  # a staff member's e-mail by their bearer header

    async def staff(self, role: str = "facilitator") -> dict[str, str]:
        email = unique_email(role)
        await create_staff_user(email, role, PASSWORD)
        r = await self.client.post("/api/v1/auth/token", json={"email": email, "password": PASSWORD})
        assert r.status_code == 201, r.text
        headers = auth(r.json()["token"])
        self.emails[headers["authorization"]] = email
        return headers

    async def grant(
        self, owner: dict[str, str], assembly_id: int, member: dict[str, str], role: str = "facilitator"
    ) -> dict[str, Any]:
        """The assembly's owner gives another staff member a part in it (staff stay in their assembly)."""
        r = await self.client.post(
            f"/api/v1/assemblies/{assembly_id}/team",
            json={"email": self.emails[member["authorization"]], "role": role},
            headers=owner,
        )
        assert r.status_code == 201, r.text
        return r.json()

    async def new_session(
        self, staff: dict[str, str], *, themes: list[str] | None = None, phase: str | None = None, **extra: Any
    ) -> dict[str, Any]:
        """Create a session and return its detail (code, themes, ...) merged with the creation answer."""
        body = {"title": "สมัชชาพัฒนาสังคม ทดสอบ", "themes": themes or THAI_THEMES, **extra}
        r = await self.client.post("/api/v1/sessions", json=body, headers=staff)
        assert r.status_code == 201, r.text
        created = r.json()
        if phase is not None:
            await self.set_phase(staff, created["code"], phase)
        detail = await self.client.get(f"/api/v1/sessions/{created['code']}")
        assert detail.status_code == 200, detail.text
        return created | detail.json()

    async def set_phase(self, staff: dict[str, str], code: str, phase: str) -> None:
        r = await self.client.post(f"/api/v1/sessions/{code}/phase", json={"phase": phase}, headers=staff)
        assert r.status_code == 200, r.text
        assert r.json()["phase"] == phase

    async def join(self, code: str, name: str = "สมชาย ใจดี", **extra: Any) -> dict[str, str]:
        body = {
            "display_name": name,
            "consent": True,
            "subdistrict_code": "830101",
            "sector": "community",
            "organization": "สภาองค์กรชุมชนตำบลตลาดใหญ่",
            **extra,
        }
        r = await self.client.post(f"/api/v1/sessions/{code}/participants", json=body)
        assert r.status_code == 201, r.text
        return auth(r.json()["token"])

    async def propose(
        self, who: dict[str, str], code: str, theme_id: int, title: str | None = None, body: str = "รายละเอียดข้อเสนอ"
    ) -> dict[str, Any]:
        title = title or f"ข้อเสนอ {uuid.uuid4().hex[:6]}"
        r = await self.client.post(
            f"/api/v1/sessions/{code}/proposals", json={"title": title, "body": body, "theme_id": theme_id}, headers=who
        )
        assert r.status_code == 201, r.text
        return r.json()

    async def comment(
        self, who: dict[str, str], proposal_id: int, body: str = "เห็นด้วยครับ", stance: str = "for"
    ) -> dict[str, Any]:
        r = await self.client.post(
            f"/api/v1/proposals/{proposal_id}/comments", json={"body": body, "stance": stance}, headers=who
        )
        assert r.status_code == 201, r.text
        return r.json()

    async def support(self, who: dict[str, str], proposal_id: int) -> dict[str, Any]:
        r = await self.client.post(f"/api/v1/proposals/{proposal_id}/support", headers=who)
        assert r.status_code in (200, 201), r.text
        return r.json()

    async def proposals(self, who: dict[str, str], code: str) -> dict[int, dict[str, Any]]:
        r = await self.client.get(f"/api/v1/sessions/{code}/proposals", headers=who)
        assert r.status_code == 200, r.text
        return {item["id"]: item for item in r.json()["items"]}

    async def moderate(self, staff: dict[str, str], proposal_id: int, **body: Any) -> httpx.Response:
        return await self.client.post(f"/api/v1/proposals/{proposal_id}/moderation", json=body, headers=staff)


@pytest.fixture
def api(client: httpx.AsyncClient) -> Api:
    return Api(client)


@pytest.fixture
async def facilitator(api: Api) -> dict[str, str]:
    """Authorization headers of a new facilitator."""
    return await api.staff("facilitator")


# -- the app in a browser -----------------------------------------------------------------------------------
class Browser:
    """One phone: its own cookie jar, reading pages and posting the forms it finds on them."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client
        self.email = ""  # who signed in on it, if anyone
        self.last: BeautifulSoup | None = None

    async def get(self, url: str, **kw: Any) -> httpx.Response:
        r = await self.client.get(url, **kw)
        if r.headers.get("content-type", "").startswith("text/html"):
            self.last = BeautifulSoup(r.text, "html.parser")
        return r

    def page(self, r: httpx.Response) -> BeautifulSoup:
        assert r.headers["content-type"].startswith("text/html"), r.headers
        return BeautifulSoup(r.text, "html.parser")

    def csrf(self, soup: BeautifulSoup | None = None) -> str:
        field = (soup or self.last).find("input", attrs={"name": "csrf_token"})  # type: ignore[union-attr]
        assert field is not None and field.get("value")
        return str(field["value"])

    async def post(self, url: str, data: dict[str, Any], **kw: Any) -> httpx.Response:
        return await self.client.post(url, data=data, **kw)

    async def join(self, code: str, name: str = "ชาวบ้าน") -> None:
        await self.get(f"/s/{code}/join")
        r = await self.post(f"/s/{code}/join", {"csrf_token": self.csrf(), "display_name": name, "consent": "yes"})
        assert r.status_code == 303, r.text

    async def sign_in(self, email: str, password: str = PASSWORD) -> None:
        await self.get("/staff/login")
        r = await self.post("/staff/login", {"csrf_token": self.csrf(), "email": email, "password": password})
        assert r.status_code == 303, r.text
        self.email = email


@pytest.fixture
async def browser(app: Starlette) -> AsyncIterator[Callable[[], Browser]]:
    """Makes phones: each call is a new browser with its own cookies, on the same app."""
    clients: list[httpx.AsyncClient] = []

    def make() -> Browser:
        c = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")
        clients.append(c)
        return Browser(c)

    yield make
    for c in clients:
        await c.aclose()


# -- the app, served by `deliberate serve` ------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def deliberate_command() -> str:
    """The console script installed in the environment running the tests."""
    script = BIN / "deliberate"
    assert script.exists(), f"{script} is missing: install the project with pip install -e .[test]"
    return str(script)


RUN_LIMITS = f"tests-served-{uuid.uuid4().hex[:8]}"


def child_env(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DELIBERATE_ENV", "SECRET_KEY"}}
    # Rate-limit counters of this run only: a SQLite file's path comes back in a later run (pytest reuses its
    # numbered temp folders), and a shared Redis would still hold that day's wrong codes from 127.0.0.1.
    env.update(
        DATABASE_URL=database_url,
        DELIBERATE_FAST_HASH="1",
        PYTHONUNBUFFERED="1",
        DELIBERATE_LIMITS_NAMESPACE=RUN_LIMITS,
        # The suite's phones all join from 127.0.0.1, faster than a hall; the join limit has tests of its own.
        DELIBERATE_JOINS_PER_ADDRESS="100000/second",
    )
    return env


@dataclass(frozen=True)
class Served:
    base_url: str
    ws_url: str
    database_url: str

    def add_staff(self, role: str = "facilitator") -> tuple[str, str]:
        """Create a staff user the way an operator does: `deliberate users add --password-stdin`."""
        email = unique_email(role)
        done = subprocess.run(
            [deliberate_command(), "users", "add", email, "--role", role, "--password-stdin"],
            input=PASSWORD + "\n",
            capture_output=True,
            text=True,
            timeout=60,
            env=child_env(self.database_url),
            cwd=ROOT,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert email in done.stdout
        return email, PASSWORD

    def grant(self, email: str, assembly_id: int, role: str = "official") -> None:
        """Give a staff account a part in an assembly the way an operator does: `deliberate users grant`."""
        done = subprocess.run(
            [deliberate_command(), "users", "grant", email, "--assembly", str(assembly_id), "--role", role],
            capture_output=True,
            text=True,
            timeout=60,
            env=child_env(self.database_url),
            cwd=ROOT,
            check=False,
        )
        assert done.returncode == 0, done.stderr


@pytest.fixture(scope="session")
def served(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """`deliberate serve` in a subprocess on a free port, on the test database."""
    port = free_port()
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [deliberate_command(), "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=child_env(database_url),
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(f"deliberate serve exited with {proc.returncode}:\n{log.read_text()}")
            try:
                if httpx.get(f"{base}/api/v1/openapi.json", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"deliberate serve did not answer within 60 s:\n{log.read_text()}")
            time.sleep(0.1)
        yield Served(base, f"ws://127.0.0.1:{port}", database_url)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# -- the database as a whole ---------------------------------------------------------------------------------
async def row_counts() -> dict[str, int]:
    """How many rows each table holds: a refused request must leave every number as it was."""
    # Every model the app registers, so a new table is counted without being listed here.
    models = sorted(Tortoise.apps["models"].values(), key=lambda m: m.__name__)
    return {m.__name__: await m.all().count() for m in models}


async def on_team(email: str, code: str, role: str = "facilitator") -> None:
    """Put a staff account on the team of session `code`'s assembly, as its owner would on the assembly page."""
    from deliberate.accounts.models import AssemblyGrant, GrantRole, StaffUser

    session = await Session.get(code=code)
    user = await StaffUser.get(email=email)
    await AssemblyGrant.get_or_create(assembly_id=session.assembly_id, user=user, defaults={"role": GrantRole(role)})


# -- services, called directly ---------------------------------------------------------------------------------
@pytest.fixture
async def staff_actor(app: Starlette) -> Actor:
    """A facilitator as the services see one (the app fixture has opened the database)."""
    return Actor(staff=await create_staff_user(unique_email("facilitator"), "facilitator", PASSWORD))


@dataclass
class World:
    """A session made through the services, with helpers to add people and proposals."""

    staff: Actor
    session: Session
    themes: list[Theme]

    async def person(self, name: str = "ผู้ร่วมเวที") -> Actor:
        joined = await join_session(self.session, display_name=name, consent=True)
        return Actor(participant=joined.participant)

    async def phase(self, phase: str) -> None:
        await set_phase(self.staff, self.session, phase)

    async def proposal(self, author: Actor, title: str | None = None, theme: int = 0) -> Proposal:
        """A proposal put by `author`, loaded with its session as the API loads it."""
        created = await submit_proposal(
            author,
            self.session,
            title=title or f"ข้อเสนอ {uuid.uuid4().hex[:6]}",
            body="",
            theme_id=self.themes[theme].id,
        )
        return await get_proposal(created.id)

    async def fresh(self, proposal: Proposal) -> Proposal:
        """The proposal re-read with its session, as a request would load it (after a phase change)."""
        return await get_proposal(proposal.id)


@pytest.fixture
async def world(staff_actor: Actor) -> World:
    """A new assembly with three themes and a session in the ideas phase."""
    assembly = await create_assembly(staff_actor, title="สมัชชาทดสอบ", themes=THAI_THEMES)
    session = await create_session(staff_actor, assembly, title="เวทีย่อย")
    w = World(staff_actor, session, await themes_of(session))
    await w.phase("ideas")
    return w
