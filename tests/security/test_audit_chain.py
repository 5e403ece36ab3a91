"""A log nobody can quietly rewrite (issue 18, must 7): the chain is keyed with a key kept out of the database,
its head is published as it moves (projector end screen, public follow-up page, every brief), and
`deliberate audit verify` checks against the last published head by default, as an official runs it."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import zipfile
from typing import Any

import httpx
import openpyxl
import pytest
from bs4 import BeautifulSoup

from deliberate.audit.chain import GENESIS, entry_hash
from deliberate.audit.keys import key_id, keyring
from deliberate.audit.models import AuditEntry, PublishedHead
from deliberate.audit.services import chain_head
from deliberate.sessions.models import Session
from deliberate.settings import Settings, derive_audit_key
from deliberate.supports.models import Support
from tests.audit.test_cli import audit_verify
from tests.audit.test_services import raw, voting_session
from tests.conftest import ROOT, Api, child_env, deliberate_command


async def session_of(code: str) -> Session:
    return await Session.get(code=code)


async def published(code: str, where: str | None = None) -> list[PublishedHead]:
    rows = PublishedHead.filter(session_id=(await session_of(code)).id)
    return await (rows.filter(place=where) if where else rows).order_by("id")


async def rewrite_chain(code: str, key: bytes | None, kid: str) -> None:
    """Recompute every link the way someone holding the database (and not our key) would: hashes chained
    again from the genesis, with plain SHA-256 (key None) or a key of their own."""
    prev = GENESIS
    for seq, e in enumerate(await AuditEntry.filter(session_id=(await session_of(code)).id).order_by("seq"), 1):
        digest = entry_hash(
            prev,
            key=key,
            session_id=e.session_id,
            seq=seq,
            at=e.at,
            kind=e.kind,
            actor=e.actor,
            subject=e.subject,
            payload=e.payload,
        )
        await raw(
            "UPDATE audit_entry SET seq = ?, prev_hash = ?, hash = ?, key_id = ? WHERE id = ?",
            seq,
            prev,
            digest,
            kid,
            e.id,
        )
        prev = digest


async def delete_last_support_with_its_entry(code: str) -> Support:
    """The last support given, and the entry that recorded it, deleted behind the app's back."""
    session = await session_of(code)
    last = await AuditEntry.filter(session_id=session.id, kind="support.added").order_by("-seq").first()
    assert last is not None
    payload = json.loads(last.payload)
    support = await Support.get(proposal_id=payload["proposal"], participant_id=payload["participant"])
    await raw("DELETE FROM support WHERE id = ?", support.id)
    await raw("DELETE FROM audit_entry WHERE id = ?", last.id)
    return support


def problems(done: Any) -> list[str]:
    return [p["code"] for p in json.loads(done.stdout)["problems"]]


async def closed_hall(api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]) -> tuple[str, int]:
    """A session voted and closed, its projector showing the end screen: the head is published there."""
    s, (ann, ben, _), (a, _, _) = await voting_session(api, facilitator)
    await api.support(ann, a)
    await api.support(ben, a)
    await api.set_phase(facilitator, s["code"], "closed")
    screen = await client.get(f"/s/{s['code']}/screen")
    assert screen.status_code == 200
    return s["code"], s["assembly"]["id"]


async def test_the_projector_end_screen_the_follow_up_page_and_every_brief_show_the_chains_head(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str], database_url: str
) -> None:
    s, (ann, ben, _), (a, _, _) = await voting_session(api, facilitator)
    code = s["code"]
    await api.support(ann, a)
    # Before the end, the projector shows no head and publishes none.
    board = BeautifulSoup((await client.get(f"/s/{code}/screen")).text, "html.parser")
    assert board.find(id="chain-head") is None and await published(code, "projector") == []

    await api.support(ben, a)
    await api.set_phase(facilitator, code, "closed")
    session = await session_of(code)
    head = await chain_head(session.id)
    length = await AuditEntry.filter(session_id=session.id).count()
    assert head is not None

    end = BeautifulSoup((await client.get(f"/s/{code}/screen")).text, "html.parser")
    shown = end.find(id="chain-head")
    assert shown is not None and shown.find(class_="hash").get_text() == head  # type: ignore[union-attr]
    assert f" {length}" in shown.get_text()

    follow = BeautifulSoup((await client.get(f"/a/{s['assembly']['id']}/follow-up")).text, "html.parser")
    line = follow.find(id=f"chain-head-{code}")
    assert line is not None and line.find(class_="hash").get_text() == head  # type: ignore[union-attr]
    twin = (await client.get(f"/api/v1/assemblies/{s['assembly']['id']}/follow-up")).json()
    assert {"session": code, "seq": length, "hash": head} in twin["chain_heads"]

    brief = (await client.get(f"/api/v1/sessions/{code}/brief.json", headers=facilitator)).json()
    assert brief["chain_head"] == head
    md = await client.get(f"/api/v1/sessions/{code}/brief.md", headers=facilitator)
    assert md.status_code == 200 and head in md.text
    docx = await client.get(f"/api/v1/sessions/{code}/brief.docx", headers=facilitator)
    with zipfile.ZipFile(io.BytesIO(docx.content)) as z:
        assert head in z.read("word/document.xml").decode()
    xlsx = await client.get(f"/api/v1/sessions/{code}/brief.xlsx", headers=facilitator)
    assert openpyxl.load_workbook(io.BytesIO(xlsx.content)).properties.identifier == head

    # Each place recorded the head once, signed, at the chain's length.
    rows = await published(code)
    assert sorted(r.place for r in rows) == ["brief", "follow_up", "projector"]
    assert {(r.seq, r.hash, r.key_id) for r in rows} == {(length, head, keyring().current_id)}

    ok = audit_verify(database_url, code, "--lang", "en")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert f"Every entry is keyed (HMAC-SHA256, key {keyring().current_id})." in ok.stdout
    assert "Checked against the head last published, in " in ok.stdout and f"seq {length}, {head}." in ok.stdout
    thai = audit_verify(database_url, code)
    assert thai.returncode == 0 and "ทุกรายการใช้กุญแจ (HMAC-SHA256" in thai.stdout and "Every entry" not in thai.stdout


async def test_publishing_writes_only_when_the_head_has_moved(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    s, (ann, ben, _), (a, _, _) = await voting_session(api, facilitator)
    await api.support(ann, a)
    page = f"/a/{s['assembly']['id']}/follow-up"
    for _ in range(3):
        assert (await client.get(page)).status_code == 200
    assert len(await published(s["code"], "follow_up")) == 1
    await api.support(ben, a)
    for _ in range(2):
        assert (await client.get(page)).status_code == 200
    rows = await published(s["code"], "follow_up")
    assert [r.seq for r in rows] == [3, 4]  # two phase changes, then one support, then another


async def test_deleting_the_last_support_with_its_entry_fails_verify_without_head(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str], database_url: str
) -> None:
    s, (ann, ben, _), (a, b, _) = await voting_session(api, facilitator)
    code = s["code"]
    await api.support(ann, a)
    await api.support(ben, b)
    brief = (await client.get(f"/api/v1/sessions/{code}/brief.json", headers=facilitator)).json()
    assert audit_verify(database_url, code).returncode == 0

    gone = await delete_last_support_with_its_entry(code)
    # The chain itself is whole (the tail is simply shorter) and the tallies agree with it...
    done = audit_verify(database_url, code, "--json")
    assert done.returncode == 1, done.stdout + done.stderr
    # ...but it no longer reaches the head the brief carried.
    assert problems(done) == ["published_cut"]
    report = json.loads(done.stdout)
    assert report["published"]["hash"] == brief["chain_head"] and report["length"] == report["published"]["seq"] - 1
    english = audit_verify(database_url, code, "--lang", "en")
    assert english.returncode == 1
    assert (
        f"- The chain ends before seq {report['published']['seq']}, the head published in a brief "
        f"({brief['chain_head']}): its tail was cut after it was shown."
    ) in english.stdout
    # The support row went with its entry, so no table disagrees with the log: only the published head tells.
    assert not await Support.filter(id=gone.id).exists()


@pytest.mark.parametrize("rewrite", ["plain sha-256", "plain sha-256 named as ours", "another key"])
async def test_recomputing_the_chain_without_the_key_fails_verify(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str], database_url: str, rewrite: str
) -> None:
    code, assembly = await closed_hall(api, client, facilitator)
    assert audit_verify(database_url, code).returncode == 0
    await delete_last_support_with_its_entry(code)
    ours = keyring().current_id
    if rewrite == "plain sha-256":
        await rewrite_chain(code, None, "")  # passes itself off as entries from before the chain was keyed
    elif rewrite == "plain sha-256 named as ours":
        await rewrite_chain(code, None, ours)
    else:
        other = b"not-the-deployment-key-" + b"x" * 20
        await rewrite_chain(code, other, key_id(other))
    done = audit_verify(database_url, code, "--json")
    assert done.returncode == 1, done.stdout
    found = problems(done)
    # Whatever the rewrite, the head shown on the end screen is no longer on the chain.
    assert "published_cut" in found
    if rewrite == "plain sha-256 named as ours":
        assert "entry_edited" in found
    if rewrite == "another key":
        assert "key_unknown" in found
    # Even with every record of a published head removed as well, a chain not keyed with our key is named.
    await raw("DELETE FROM published_head WHERE session_id = ?", (await session_of(code)).id)
    again = audit_verify(database_url, code, "--json", "--lang", "en")
    if rewrite == "plain sha-256":
        # No key to check a chain that claims to be from before keying: only a head from paper can tell.
        assert again.returncode == 0 and json.loads(again.stdout)["keyed_from"] is None
        plain = audit_verify(database_url, code, "--lang", "en")
        assert (
            "No entry is keyed: all " in plain.stdout and "No head of this session has been published" in plain.stdout
        )
        # An official checking a session held after the upgrade says so, and the rewrite fails.
        strict = audit_verify(database_url, code, "--json", "--require-keyed")
        assert strict.returncode == 1 and problems(strict) == ["unkeyed"]
    else:
        assert again.returncode == 1 and set(problems(again)) & {"entry_edited", "key_unknown"}


async def test_a_head_copied_from_paper_still_pins_the_chain(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str], database_url: str
) -> None:
    s, (ann, ben, _), (a, _, _) = await voting_session(api, facilitator)
    code = s["code"]
    await api.support(ann, a)
    await api.support(ben, a)
    paper = (await client.get(f"/api/v1/sessions/{code}/brief.json", headers=facilitator)).json()["chain_head"]
    assert audit_verify(database_url, code, "--head", paper).returncode == 0
    # The record of its publication is deleted too: the head on paper is what still pins the chain.
    await raw("DELETE FROM published_head WHERE session_id = ?", (await session_of(code)).id)
    await delete_last_support_with_its_entry(code)
    done = audit_verify(database_url, code, "--json", "--head", paper)
    assert done.returncode == 1 and problems(done) == ["head_missing"]


async def test_a_published_head_written_behind_the_apps_back_is_refused(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str], database_url: str
) -> None:
    s, (ann, ben, _), (a, _, _) = await voting_session(api, facilitator)
    code = s["code"]
    await api.support(ann, a)
    await api.support(ben, a)
    assert (await client.get(f"/api/v1/sessions/{code}/brief.json", headers=facilitator)).status_code == 200
    session = await session_of(code)
    await delete_last_support_with_its_entry(code)
    # Cover the cut: a fresh "publication" of the shorter chain's head, without the key to sign it.
    await raw("DELETE FROM published_head WHERE session_id = ?", session.id)
    head = await AuditEntry.filter(session_id=session.id).order_by("-seq").first()
    assert head is not None
    await raw(
        "INSERT INTO published_head (session_id, seq, hash, place, at, key_id, signature) "
        "VALUES (?, ?, ?, 'brief', ?, ?, ?)",
        session.id,
        head.seq,
        head.hash,
        head.at,
        keyring().current_id,
        hashlib.sha256(head.hash.encode()).hexdigest(),
    )
    done = audit_verify(database_url, code, "--json")
    assert done.returncode == 1 and problems(done) == ["published_unsigned"]


async def test_entries_from_before_the_key_still_verify_and_are_named_unkeyed(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str], database_url: str
) -> None:
    s, (ann, ben, _), (a, b, _) = await voting_session(api, facilitator)
    code = s["code"]
    await api.support(ann, a)
    await rewrite_chain(code, None, "")  # as migration 0014 leaves a chain written before it: plain SHA-256
    await api.support(ben, b)  # the first entries written since: keyed, linked to the old head
    await api.support(ann, b)
    done = audit_verify(database_url, code, "--lang", "en")
    assert done.returncode == 0, done.stdout
    assert (
        f"Entries 1 to 3 are unkeyed (plain SHA-256, written before the chain was keyed); entries from 4 on are "
        f"keyed (HMAC-SHA256, key {keyring().current_id})."
    ) in done.stdout
    # Nothing writes an unkeyed entry after a keyed one: that is a chain recomputed from there on.
    last = await AuditEntry.filter(session_id=(await session_of(code)).id).order_by("-seq").first()
    assert last is not None
    plain = entry_hash(
        last.prev_hash,
        key=None,
        session_id=last.session_id,
        seq=last.seq,
        at=last.at,
        kind=last.kind,
        actor=last.actor,
        subject=last.subject,
        payload=last.payload,
    )
    await raw("UPDATE audit_entry SET hash = ?, key_id = '' WHERE id = ?", plain, last.id)
    bad = audit_verify(database_url, code, "--json")
    assert bad.returncode == 1 and problems(bad) == ["unkeyed_after_keyed"]


def test_the_audit_key_comes_from_the_environment_never_the_database(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DELIBERATE_ENV", raising=False)
    monkeypatch.delenv("AUDIT_PREVIOUS_KEYS", raising=False)
    monkeypatch.setenv("AUDIT_KEY", "short")
    with pytest.raises(SystemExit, match="AUDIT_KEY must be at least 32 characters"):
        Settings.from_env()
    monkeypatch.setenv("AUDIT_KEY", "a" * 40)
    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    assert Settings.from_env().audit_key == "a" * 40  # AUDIT_KEY wins over the one SECRET_KEY stands for
    monkeypatch.delenv("AUDIT_KEY")
    derived = Settings.from_env()
    assert derived.audit_key_source == "SECRET_KEY" and "s" * 40 not in derived.audit_key
    assert derived.audit_key == Settings.from_env().audit_key  # the same key in every process
    monkeypatch.setenv("AUDIT_PREVIOUS_KEYS", "old-one-" + "o" * 30 + ", ")
    assert Settings.from_env().audit_previous_keys == ("old-one-" + "o" * 30,)


def test_audit_key_says_where_the_key_comes_from_and_reveals_it_only_when_asked(database_url: str) -> None:
    def run(*args: str, **env: str) -> str:
        done = subprocess.run(
            [deliberate_command(), "audit", "key", *args],
            env=child_env(database_url) | env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        return done.stdout

    here = run()
    assert "source: data/audit.key" in here and f"key_id: {keyring().current_id}" in here and "key: " not in here
    derived = run("--reveal", SECRET_KEY="s" * 40)
    key = derive_audit_key("s" * 40)
    assert "source: SECRET_KEY" in derived and f"key: {key}" in derived and f"key_id: {key_id(key.encode())}" in derived
