"""The hall without internet: a session run on a laptop (SQLite) moves into the central instance
(PostgreSQL when DATABASE_URL names one, else a second SQLite file) through `deliberate sync export` and
`deliberate sync import`, each a real subprocess, and reads back the same through the central API."""

from __future__ import annotations

import asyncio
import datetime as dt
import gzip
import json
import subprocess
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from tortoise.backends.base.executor import EXECUTOR_CACHE

from deliberate.accounts.models import StaffUser
from deliberate.accounts.services import create_staff_user
from deliberate.app import create_app
from deliberate.audit import keys as audit_keys
from deliberate.audit.models import AuditEntry
from deliberate.audit.services import chain_head
from deliberate.audit.verify import verify
from deliberate.db import MODEL_MODULES, migrate
from deliberate.i18n import gettext, language
from deliberate.sessions.models import Session
from deliberate.settings import Settings
from deliberate.staffrecord.models import StaffAction
from deliberate.sync.bundle import read_bundle, write_bundle
from deliberate.sync.tables import LEFT_OUT, TABLES
from deliberate.voting.models import VoteRound
from tests.conftest import (
    PASSWORD,
    ROOT,
    Api,
    child_env,
    create_pg_database,
    deliberate_command,
    drop_pg_database,
    postgres_server_url,
    row_counts,
)

KEY = "a shared key for the hall and the centre"
# Rows the sync does not carry, by design: logins, the idempotency records of each side's own requests, and
# the heads each side published (signed with its own audit key). The audit chain is carried, plus one
# `sync.imported` link per imported session. Grants are each instance's own: at the centre only the
# assembly's maker owns what was imported.
NOT_CARRIED = {"StaffToken", "IdempotencyRecord", "PublishedHead", "AssemblyGrant"}


# -- two databases and the CLI between them ----------------------------------------------------------------
def sqlite_db(folder: Path, name: str) -> str:
    url = f"sqlite://{folder / name}"
    asyncio.run(migrate(Settings(database_url=url)))
    return url


@pytest.fixture
def laptop(tmp_path: Path) -> str:
    return sqlite_db(tmp_path, "laptop.sqlite3")


@pytest.fixture
def central(tmp_path: Path) -> Iterator[str]:
    server = postgres_server_url()
    if server is None:
        yield sqlite_db(tmp_path, "central.sqlite3")
        return
    url = asyncio.run(create_pg_database(server))
    try:
        asyncio.run(migrate(Settings(database_url=url)))
        yield url
    finally:
        asyncio.run(drop_pg_database(server, url))


def cli(
    database_url: str, *args: str, key: str | None = KEY, data: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    env = child_env(database_url)
    env.pop("SYNC_KEY", None)
    if key is not None:
        env["SYNC_KEY"] = key
    return subprocess.run(
        [deliberate_command(), "sync", *args],
        input=data,
        capture_output=True,
        env=env,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


def export(database_url: str, code: str, *extra: str) -> bytes:
    done = cli(database_url, "export", code, *extra)
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout


def import_file(database_url: str, path: Path, key: str | None = KEY) -> subprocess.CompletedProcess[bytes]:
    return cli(database_url, "import", str(path), key=key)


@asynccontextmanager
async def opened(database_url: str, audit_key: str = "") -> AsyncIterator[Api]:
    """The real app on one of the two databases (keying its audit chain with `audit_key` when given)."""
    # Tortoise caches each table's INSERT by connection name, not by dialect: moving this process from
    # SQLite to PostgreSQL would reuse SQLite's `?` placeholders.
    EXECUTOR_CACHE.clear()
    app = create_app(Settings(database_url=database_url, live_tick_s=0.05, audit_key=audit_key))
    try:
        async with app.router.lifespan_context(app):
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as c:
                yield Api(c)
    finally:
        # And again on the way out, so the suite's own database (PostgreSQL in CI) never inherits SQLite's.
        EXECUTOR_CACHE.clear()


def in_thai(message: str, **params: object) -> str:
    with language("th"):
        return gettext(message, **params)


# -- a morning in the hall, through the API ------------------------------------------------------------------
async def ok(r: httpx.Response, status: int = 200) -> dict[str, Any]:
    assert r.status_code == status, r.text
    return r.json()  # type: ignore[no-any-return]


async def run_the_hall(api: Api) -> dict[str, Any]:
    """Proposals, comments, supports, a merge and a hidden proposal, statements, dots (with an assisted
    and a paper ballot), scores and rankings, screening, a resolution amended and checked, answers,
    an action item with progress and pledges."""
    c = api.client
    staff, official = await api.staff("facilitator"), await api.staff("official")
    s = await api.new_session(staff, phase="ideas", province_code="83")
    await api.grant(staff, s["assembly_id"], official, "official")
    code, themes = s["code"], [t["id"] for t in s["themes"]]
    sectors = ["community", "volunteer", "government", "academia", "community", "local_government"]
    people = [
        await api.join(
            code, f"ผู้ร่วมเวที {i}", sector=sector, subdistrict_code=f"8301{i + 1:02d}", organization=f"เครือข่ายที่ {i}"
        )
        for i, sector in enumerate(sectors)
    ]
    titles = [
        "ศูนย์ดูแลผู้สูงอายุกลางวัน",
        "อาสาสมัครเยี่ยมบ้าน",
        "กองทุนสวัสดิการชุมชน",
        "ตลาดนัดชุมชน",
        "ศูนย์ดูแลผู้สูงอายุ (ซ้ำ)",
        "ข้อเสนอที่ไม่เหมาะสม",
    ]
    ids = [(await api.propose(people[i % 4], code, themes[i % 3], title=t))["id"] for i, t in enumerate(titles)]
    for i, pid in enumerate(ids[:4]):
        await api.comment(people[i + 1], pid, "เห็นด้วย ควรเริ่มปีนี้", "for")
        await api.comment(people[(i + 2) % 6], pid, "งบประมาณอาจไม่พอ", "against")
    await api.comment(people[5], ids[4], "ขอเพิ่มรถรับส่ง", "note")

    await api.set_phase(staff, code, "deliberation")
    assembly = s["assembly"]["id"]
    criteria = (await ok(await c.get(f"/api/v1/assemblies/{assembly}/criteria")))["criteria"]
    for pid, score in ((ids[0], 5), (ids[1], 3)):
        await ok(
            await c.post(
                f"/api/v1/proposals/{pid}/screening",
                headers=staff,
                json={"scores": {str(k["id"]): score for k in criteria}, "note": "คัดกรองแล้ว"},
            )
        )
    statements = [
        (await ok(await c.post(f"/api/v1/sessions/{code}/statements", headers=staff, json={"text": t}), 201))["id"]
        for t in ("ควรมีกองทุนทุกตำบล", "รถโดยสารควรถึงทุกหมู่บ้าน")
    ]
    for i, who in enumerate(people):
        for j, st in enumerate(statements):
            await ok(
                await c.post(
                    f"/api/v1/proposals/{st}/votes",
                    headers=who,
                    json={"method": "agree", "value": (1, -1, 0)[(i + j) % 3]},
                ),
                201,
            )
    await ok(
        await c.post(
            f"/api/v1/sessions/{code}/resolution-rules",
            headers=staff,
            json={"voters": "everyone", "amenders": "everyone", "max_reservation_share": 0.25},
        )
    )
    await ok(
        await c.post(
            f"/api/v1/sessions/{code}/delegates",
            headers=staff,
            json={"participant_id": await participant_id(code, "ผู้ร่วมเวที 2"), "network": "พมจ."},
        ),
        201,
    )
    item = await ok(
        await c.post(
            f"/api/v1/sessions/{code}/items",
            headers=staff,
            json={
                "title": "การดูแลผู้สูงอายุโดยชุมชน",
                "background": "ผู้สูงอายุติดเตียงเพิ่มขึ้น",
                "preamble": ["ตระหนักว่าผู้สูงอายุต้องการการดูแลใกล้บ้าน"],
                "proposal_ids": ids[:2],
                "clauses": [
                    {"text": "ขอให้เทศบาลจัดตั้งศูนย์ดูแลผู้สูงอายุ", "lead_agency": "เทศบาล", "partners": ["พมจ."]},
                    {"text": "ขอให้สภาองค์กรชุมชนจัดอาสาสมัคร"},
                ],
            },
        ),
        201,
    )
    first, second = item["clauses"]
    one = await ok(
        await c.post(
            f"/api/v1/clauses/{first['id']}/amendments",
            headers=people[0],
            json={"op": "replace", "text": "ขอให้เทศบาลและ อบจ. จัดตั้งศูนย์ดูแลผู้สูงอายุ", "reason": "ร่วมงบ", "base_version": 1},
        ),
        201,
    )
    two = await ok(
        await c.post(
            f"/api/v1/clauses/{first['id']}/amendments",
            headers=people[1],
            json={"op": "replace", "text": "ขอให้เทศบาลจัดตั้งศูนย์ภายในปี ๒๕๖๙", "reason": "เร็วขึ้น", "base_version": 1},
        ),
        201,
    )
    await ok(await c.post(f"/api/v1/amendments/{one['id']}/backers", headers=people[2]), 201)
    await ok(
        await c.post(
            f"/api/v1/clauses/{first['id']}/merge",
            headers=staff,
            json={"amendment_ids": [one["id"], two["id"]], "text": "ขอให้เทศบาลและ อบจ. จัดตั้งศูนย์ภายในปี ๒๕๖๙"},
        )
    )
    ins = await ok(
        await c.post(
            f"/api/v1/clauses/{second['id']}/amendments",
            headers=people[3],
            json={"op": "insert", "text": "ขอให้ รพ.สต. เยี่ยมบ้านเดือนละครั้ง", "reason": "ด้านสุขภาพ", "base_version": 1},
        ),
        201,
    )
    await ok(await c.post(f"/api/v1/amendments/{ins['id']}/decision", headers=staff, json={"decision": "accept"}))
    await ok(
        await c.post(f"/api/v1/clauses/{first['id']}/comments", headers=people[4], json={"body": "เห็นด้วยกับปี ๒๕๖๙"}), 201
    )
    check = await ok(await c.post(f"/api/v1/clauses/{first['id']}/checks", headers=staff), 201)
    for who, answer in zip(people, ["agree", "agree", "live_with", "agree", "reservation", "agree"], strict=True):
        await ok(
            await c.post(
                f"/api/v1/checks/{check['id']}/answers",
                headers=who,
                json={"answer": answer, "reason": "ควรกำหนดงบให้ชัด" if answer == "reservation" else ""},
            ),
            201,
        )
    await ok(await c.post(f"/api/v1/checks/{check['id']}/close", headers=staff))

    await api.set_phase(staff, code, "voting")
    for i, who in enumerate(people):
        for pid in ids[: 2 + i % 3]:
            await api.support(who, pid)
    # The duplicate is merged (its supports and comments move over); the unsuitable one is hidden.
    await ok(await api.moderate(staff, ids[4], action="merge", into_id=ids[0], reason="ซ้ำกัน"))
    await ok(await api.moderate(staff, ids[5], action="hide", reason="ไม่เกี่ยวกับประเด็น"))
    live = ids[:4]
    dots = await open_round(api, staff, code, "dots", budget=5, max_per=3, allow_paper=True)
    for i, who in enumerate(people):
        await ok(
            await c.post(
                f"/api/v1/proposals/{live[i % 4]}/votes", headers=who, json={"method": "dots", "value": 1 + i % 3}
            ),
            201,
        )
    await ok(
        await c.post(
            f"/api/v1/proposals/{live[1]}/votes",
            headers=staff,
            json={"method": "dots", "value": 2, "on_behalf_of": "ยายมา ไม่มีมือถือ"},
        ),
        201,
    )
    await ok(
        await c.post(
            f"/api/v1/sessions/{code}/rounds/{dots}/paper",
            headers=staff,
            json={"marks": [{"proposal_id": live[2], "value": 3}, {"proposal_id": live[3], "value": 1}]},
        ),
        201,
    )
    await ok(await c.post(f"/api/v1/sessions/{code}/rounds/{dots}/reveal", headers=staff))
    await ok(await c.post(f"/api/v1/sessions/{code}/rounds/{dots}/close", headers=staff))
    scores = await open_round(api, staff, code, "score", scale="1-5")
    for i, who in enumerate(people):
        for j, pid in enumerate(live):
            await ok(
                await c.post(
                    f"/api/v1/proposals/{pid}/votes",
                    headers=who,
                    json={"method": "score", "value": 1 + (i + 2 * j) % 5},
                ),
                201,
            )
    await ok(await c.post(f"/api/v1/sessions/{code}/rounds/{scores}/close", headers=staff))
    await open_round(api, staff, code, "rank", k=3)
    for i, who in enumerate(people):
        order = live[i % 2 :][:3] if i % 3 else list(reversed(live))[:3]
        await ok(await c.post(f"/api/v1/sessions/{code}/rankings", headers=who, json={"order": order}), 201)

    await ok(
        await c.post(
            f"/api/v1/proposals/{live[0]}/answer",
            headers=official,
            json={
                "state": "adopted",
                "reason": "สอดคล้องกับแผนพัฒนาจังหวัด",
                "programme": "จัดตั้งศูนย์ดูแลผู้สูงอายุ",
                "lead_agency": "เทศบาลนครภูเก็ต",
                "partners": "พมจ.ภูเก็ต",
                "budget": 250000,
                "fiscal_year": 2570,
            },
        )
    )
    await ok(
        await c.post(
            f"/api/v1/proposals/{live[3]}/answer",
            headers=staff,
            json={"state": "not_adopted", "reason": "อยู่นอกอำนาจหน้าที่"},
        )
    )
    due = (dt.date.today() + dt.timedelta(days=90)).isoformat()
    action = await ok(
        await c.post(
            f"/api/v1/proposals/{live[0]}/action-items",
            headers=official,
            json={"title": "หาสถานที่ตั้งศูนย์", "community_owner": "สภาองค์กรชุมชน", "agency_owner": "เทศบาล", "due": due},
        ),
        201,
    )
    await ok(
        await c.post(
            f"/api/v1/action-items/{action['id']}/updates",
            headers=official,
            json={"status": "in_progress", "note": "สำรวจสถานที่แล้ว ๒ แห่ง"},
        ),
        201,
    )
    await api.set_phase(staff, code, "commitments")
    await ok(
        await c.post(
            f"/api/v1/proposals/{live[0]}/commitments",
            headers=people[1],
            json={"role": "support", "what": "จัดเวรอาสาสมัครวันละ ๒ คน", "due": due, "credited": True},
        ),
        201,
    )
    await ok(
        await c.post(
            f"/api/v1/proposals/{live[0]}/commitments",
            headers=staff,
            json={"who": "เทศบาลนครภูเก็ต", "role": "lead", "what": "จัดหาสถานที่และงบประมาณปีแรก", "due": due},
        ),
        201,
    )

    # A second session of the same assembly, synced separately later.
    other = await ok(
        await c.post("/api/v1/sessions", headers=staff, json={"title": "เวทีย่อยช่วงบ่าย", "assembly_id": assembly}), 201
    )
    await api.set_phase(staff, other["code"], "ideas")
    someone = await api.join(other["code"], "ผู้มาช่วงบ่าย")
    await api.propose(someone, other["code"], themes[1], title="ลานกีฬาชุมชน")
    return {"code": code, "other": other["code"], "staff": staff}


async def participant_id(code: str, name: str) -> int:
    from deliberate.sessions.models import Participant

    return (await Participant.get(session__code=code, display_name=name)).id


async def open_round(api: Api, staff: dict[str, str], code: str, method: str, **options: Any) -> int:
    r = await api.client.post(
        f"/api/v1/sessions/{code}/rounds",
        headers=staff,
        json={"method": method, "title": f"รอบ {method}", "options": options},
    )
    return int((await ok(r, 201))["id"])


# -- what the central API answers, ids left out ---------------------------------------------------------------
def without_ids(value: Any, titles: dict[str, str]) -> Any:
    """The same answer with ids replaced: keys and values naming a proposal become its title."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if k in ("id", "code", "join_url", "url") or k.endswith(("_id", "_ids", "_url")):
                continue
            out[titles.get(k, k)] = without_ids(v, titles)
        return out
    if isinstance(value, list):
        return [without_ids(v, titles) for v in value]
    return value


async def what_the_api_says(api: Api, code: str, staff: dict[str, str]) -> dict[str, Any]:
    c = api.client
    proposals = await api.proposals(staff, code)
    titles = {str(pid): p["title"] for pid, p in proposals.items()}
    session = await Session.get(code=code)
    answer: dict[str, Any] = {
        "session": await ok(await c.get(f"/api/v1/sessions/{code}")),
        "proposals": sorted(proposals.values(), key=lambda p: p["title"]),
        "items": await ok(await c.get(f"/api/v1/sessions/{code}/items")),
        "screening": await ok(await c.get(f"/api/v1/sessions/{code}/screening", headers=staff)),
        "follow_up": await ok(await c.get(f"/api/v1/assemblies/{session.assembly_id}/follow-up")),  # type: ignore[attr-defined]
    }
    # The chain is keyed again on import, with a `sync.imported` link at its end: its heads differ by design.
    del answer["follow_up"]["chain_heads"]
    for n, rnd in enumerate(await VoteRound.filter(session_id=session.id).order_by("id")):
        for by in ("", "sector"):
            answer[f"round {n} {by}"] = await ok(
                await c.get(
                    f"/api/v1/sessions/{code}/results",
                    params={"round": rnd.id, **({"by": by} if by else {})},
                    headers=staff,
                )
            )
    return without_ids(answer, titles)  # type: ignore[no-any-return]


async def sign_in(api: Api, email: str) -> dict[str, str]:
    r = await api.client.post("/api/v1/auth/token", json={"email": email, "password": PASSWORD})
    return {"authorization": f"Bearer {(await ok(r, 201))['token']}"}


# -- the tests ---------------------------------------------------------------------------------------------------
async def test_a_hall_session_moves_to_the_centre_whole_and_once(laptop: str, central: str, tmp_path: Path) -> None:
    async with opened(laptop) as api:
        hall = await run_the_hall(api)
        facilitator = (await StaffUser.get(role="facilitator")).email
        before = await row_counts()
        laptop_head = await chain_head((await Session.get(code=hall["code"])).id)
        lengths = {c: await AuditEntry.filter(session__code=c).count() for c in (hall["code"], hall["other"])}
        assert lengths[hall["code"]] > 50
        there = await what_the_api_says(api, hall["code"], hall["staff"])
    bundle, afternoon = tmp_path / "hall.bundle", tmp_path / "afternoon.bundle.gz"
    bundle.write_bytes(export(laptop, hall["code"]))
    assert cli(laptop, "export", hall["other"], "--gzip", "-o", str(afternoon)).returncode == 0

    # Refused bundles first: a flipped byte, a cut-off file, the wrong key, no key. Nothing is written.
    async with opened(central) as api:
        # The facilitator has an account at the centre too (matched by e-mail); the official does not yet.
        await create_staff_user(facilitator, "facilitator", PASSWORD)
        empty = await row_counts()
    data = bundle.read_bytes()
    flipped = bytearray(data)
    flipped[len(data) // 2] ^= 0x01
    cases = {
        "flipped": (bytes(flipped), KEY, "The bundle's signature does not match"),
        "cut": (data[: len(data) // 3], KEY, "The bundle is truncated or unsigned"),
        "wrong key": (data, "another key", "The bundle's signature does not match"),
        "no key": (data, None, "Set SYNC_KEY"),
    }
    for name, (content, key, reason) in cases.items():
        path = tmp_path / f"{name}.bundle"
        path.write_bytes(content)
        done = import_file(central, path, key=key)
        assert done.returncode == 1, (name, done.stdout, done.stderr)
        assert done.stdout == b"" and "error:" in done.stderr.decode(), name
        assert in_thai(next(m for m in MESSAGES if m.startswith(reason))) in done.stderr.decode(), name
    async with opened(central) as api:
        assert await row_counts() == empty

    done = import_file(central, bundle)
    assert done.returncode == 0, done.stderr.decode()
    code = done.stdout.decode().strip()
    assert code == hall["code"]  # free on the central side, so kept
    # The afternoon session lands in the same assembly: no second assembly, no duplicated themes.
    done = import_file(central, afternoon)
    assert done.returncode == 0 and done.stdout.decode().strip() == hall["other"], done.stderr.decode()
    async with opened(central) as api:
        here = await what_the_api_says(api, code, await sign_in(api, facilitator))
        assert here == there
        after = await row_counts()
        assert {k: v for k, v in after.items() if k not in NOT_CARRIED} == {
            k: v for k, v in before.items() if k not in NOT_CARRIED
        } | {"AuditEntry": before["AuditEntry"] + 2}
        assert (before["AssemblyGrant"], after["AssemblyGrant"]) == (2, 1)  # the official was the hall's to add
        # The chain was written again with the central ids: it verifies and replays against these tables.
        for session in await Session.filter(code__in=[code, hall["other"]]):
            report = await verify(session)
            assert report.ok, report.as_json()
            assert report.length == lengths[session.code] + 1
        last = await AuditEntry.filter(session__code=code).order_by("-seq").first()
        assert last is not None and last.kind == "sync.imported"
        assert json.loads(last.payload)["source_head"] == laptop_head

    again = import_file(central, bundle)
    assert again.returncode == 0 and again.stdout.decode().strip() == code
    assert "already imported" in again.stderr.decode()
    async with opened(central) as api:
        assert await row_counts() == after


MESSAGES = [
    "The bundle's signature does not match: it was changed after export, or it was signed with another key.",
    "The bundle is truncated or unsigned: its last line is not a signature.",
    "Set SYNC_KEY (or SECRET_KEY) to the key shared by both instances before exporting or importing a session.",
]


async def a_small_session(api: Api) -> tuple[str, dict[str, str], dict[str, str], int]:
    staff = await api.staff("facilitator")
    s = await api.new_session(staff, phase="ideas")
    person = await api.join(s["code"], "ป้าแดง")
    pid = (await api.propose(person, s["code"], s["themes"][0]["id"], title="ลานกีฬาชุมชน"))["id"]
    await api.set_phase(staff, s["code"], "voting")
    await api.support(person, pid)
    return s["code"], staff, person, pid


async def test_a_taken_code_a_later_export_and_bundles_that_cannot_apply(
    laptop: str, central: str, tmp_path: Path
) -> None:
    async with opened(laptop) as api:
        code, staff, person, pid = await a_small_session(api)
    first = export(laptop, code)
    async with opened(central) as api:
        other = await api.new_session(await api.staff("facilitator"))
        await Session.filter(code=other["code"]).update(code=code)  # the laptop's code is taken here
    done = cli(central, "import", "-", data=first)
    assert done.returncode == 0, done.stderr.decode()
    new_code = done.stdout.decode().strip()
    assert new_code != code
    async with opened(central) as api:
        imported = await ok(await api.client.get(f"/api/v1/sessions/{new_code}"))
        assert imported["title"] == "สมัชชาพัฒนาสังคม ทดสอบ"
        counts = await row_counts()

    # The laptop went on after the export: the later bundle is refused, not merged half-way.
    async with opened(laptop) as api:
        await api.comment(person, pid, "ขอให้มีไฟส่องสว่าง", "note")
    later = cli(central, "import", "-", data=export(laptop, code))
    assert later.returncode == 1
    assert (
        in_thai(
            "This session was already imported (as {code}) from a different export; changes made after "
            "that export are not merged.",
            code=new_code,
        )
        in later.stderr.decode()
    )

    # Signed with the right key, yet naming a participant it does not carry: refused as a whole.
    bundle = read_bundle(first, KEY.encode())
    rows = [
        (t, r) for t in ("staff_user", *(t.name for t in TABLES)) for r in bundle.rows.get(t, []) if t != "participant"
    ]
    broken = write_bundle(
        bundle.header | {"session_uid": "elsewhere:1", "counts": bundle.header["counts"] | {"participant": 0}},
        rows,
        KEY.encode(),
        compress=True,
    )
    refused = cli(central, "import", "-", data=broken)
    assert refused.returncode == 1 and "participant" in refused.stderr.decode(), refused.stderr.decode()

    # A compressed bundle with one byte changed, and an unknown code at export.
    gz = bytearray(gzip.compress(first))
    gz[len(gz) // 2] ^= 0x40
    assert cli(central, "import", "-", data=bytes(gz)).returncode == 1
    unknown = cli(laptop, "export", "NOCODE")
    assert (
        unknown.returncode == 1 and in_thai("No session has the code {code}.", code="NOCODE") in unknown.stderr.decode()
    )
    async with opened(central) as api:
        assert await row_counts() == counts


async def test_a_bundle_from_before_the_staff_record_was_renamed_keeps_its_staff_actions(
    laptop: str, central: str
) -> None:
    """A laptop not yet updated exports the staff record as `moderation_action` (its table before
    migration 0010): the import puts those rows in `staff_action`."""
    async with opened(laptop) as api:
        code, *_ = await a_small_session(api)
        acts = await StaffAction.filter(session__code=code).count()
    assert acts > 0
    bundle = read_bundle(export(laptop, code), KEY.encode())
    old_name = {"staff_action": "moderation_action"}
    rows = [(old_name.get(t, t), r) for t in ("staff_user", *(t.name for t in TABLES)) for r in bundle.rows.get(t, [])]
    counts = {old_name.get(t, t): n for t, n in bundle.header["counts"].items()}
    assert "moderation_action" in counts
    older = write_bundle(bundle.header | {"counts": counts}, rows, KEY.encode())
    done = cli(central, "import", "-", data=older)
    assert done.returncode == 0, done.stderr.decode()
    async with opened(central) as api:
        assert await StaffAction.filter(session__code=done.stdout.decode().strip()).count() == acts


async def test_a_broken_laptop_chain_is_refused_not_laundered(laptop: str, central: str) -> None:
    async with opened(laptop) as api:
        code, *_ = await a_small_session(api)
        entry = await AuditEntry.filter(session__code=code, kind="support.added").first()
        assert entry is not None
        await AuditEntry.filter(id=entry.id).update(payload=entry.payload.replace('"phone"', '"paper"'))
    async with opened(central) as api:
        before = await row_counts()
    done = cli(central, "import", "-", data=export(laptop, code))
    assert done.returncode == 1
    assert (
        in_thai(
            "The session's audit chain is broken at entry {seq} where it was exported (see deliberate "
            "audit verify there). Nothing was imported.",
            seq=entry.seq,
        )
        in done.stderr.decode()
    )
    async with opened(central) as api:
        assert await row_counts() == before


async def test_a_laptop_keyed_with_its_own_audit_key_is_linked_through_and_said_so(
    laptop: str, central: str, tmp_path: Path
) -> None:
    """The centre does not hold the laptop's audit key: it checks the links and seqs, imports on the strength
    of the bundle's SYNC_KEY, says so in `sync.imported`, and keys the chain again with its own key. A link
    edited on the laptop is still refused."""
    laptop_key = "the-laptop-in-the-hall-" + "k" * 20
    async with opened(laptop, audit_key=laptop_key) as api:
        code, *_ = await a_small_session(api)
        laptop_head = await chain_head((await Session.get(code=code)).id)
    bundle = export(laptop, code)
    done = cli(central, "import", "-", data=bundle)
    assert done.returncode == 0, done.stderr.decode()
    imported = done.stdout.decode().strip()
    async with opened(central):
        session = await Session.get(code=imported)
        last = await AuditEntry.filter(session_id=session.id).order_by("-seq").first()
        assert last is not None and last.kind == "sync.imported"
        provenance = json.loads(last.payload)
        assert provenance["source_head"] == laptop_head and provenance["source_hashes_checked"] is False
        assert (await verify(session)).ok
    async with opened(laptop, audit_key=laptop_key) as api:
        code, *_ = await a_small_session(api)
        entry = await AuditEntry.filter(session__code=code, kind="support.added").first()
        assert entry is not None
        await AuditEntry.filter(id=entry.id).update(prev_hash="0" * 64)
    audit_keys.configure(Settings())  # this process keys with the suite's key again
    refused = cli(central, "import", "-", data=export(laptop, code))
    assert refused.returncode == 1 and str(entry.seq) in refused.stderr.decode()


async def test_every_table_of_a_session_is_carried(app: Any) -> None:
    """A new table that hangs off a session must be added to sync.tables (or left out here on purpose)."""
    from tortoise import Tortoise

    left_out = set(LEFT_OUT)  # staff mapped by e-mail; logins and staff links; per-instance records
    carried = {t.model for t in TABLES}
    models = Tortoise.apps["models"].values()
    assert {m.__name__ for m in models if m not in carried} == left_out
    assert len(MODEL_MODULES) == len({m.__module__ for m in models})
    for table in TABLES:
        fks = {f"{name}_id" for name in table.model._meta.fk_fields | table.model._meta.o2o_fields}
        assert fks <= set(table.refs) | set(table.staff), (table.name, fks - set(table.refs) - set(table.staff))
        assert set(table.owners) <= set(table.refs) and set(table.refs) | set(table.staff) <= set(table.columns)
