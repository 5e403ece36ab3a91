"""`deliberate audit verify CODE` as an operator runs it, and the chain head the brief carries."""

from __future__ import annotations

import json
import subprocess

import httpx

from deliberate.audit.services import chain_head
from deliberate.sessions.models import Session
from deliberate.voting.models import Ballot
from tests.audit.test_services import open_round, raw, voting_session
from tests.conftest import ROOT, Api, child_env, deliberate_command


def audit_verify(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [deliberate_command(), "audit", "verify", *args],
        env=child_env(database_url),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


async def test_verify_passes_then_names_a_ballot_deleted_behind_the_apps_back(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str], database_url: str
) -> None:
    s, (ann, ben, _), (a, b, _) = await voting_session(api, facilitator)
    await api.support(ann, a)
    rnd = await open_round(client, facilitator, s["code"], "dots", budget=3)
    for who, pid, value in ((ann, a, 2), (ben, a, 1), (ben, b, 2)):
        r = await client.post(f"/api/v1/proposals/{pid}/votes", headers=who, json={"method": "dots", "value": value})
        assert r.status_code == 201, r.text
    session = await Session.get(code=s["code"])
    head = await chain_head(session.id)

    ok = audit_verify(database_url, s["code"].lower(), "--lang", "en")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert f"Session {s['code']}: 7 entries in the audit chain." in ok.stdout
    assert f"Chain head: {head}" in ok.stdout
    assert "every tally matches" in ok.stdout
    thai = audit_verify(database_url, s["code"])
    assert thai.returncode == 0 and head in thai.stdout and "Chain head" not in thai.stdout

    victim = await Ballot.get(round_id=rnd["id"], proposal_id=a, value=2)
    await raw("DELETE FROM ballot WHERE id = ?", victim.id)
    bad = audit_verify(database_url, s["code"], "--lang", "en")
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "2 mismatches found:" in bad.stdout
    assert (
        f"- Vote in the log missing from the ballot table: round {rnd['id']}, proposal {a}, "
        f"voter p:{victim.participant_id}."
    ) in bad.stdout  # type: ignore[attr-defined]
    assert f"- Tally differs for proposal {a} in round {rnd['id']}: backers 2, dots 3 from the log" in bad.stdout

    as_json = audit_verify(database_url, s["code"], "--json", "--head", head or "")
    assert as_json.returncode == 1
    report = json.loads(as_json.stdout)
    assert report["head"] == head and report["length"] == 7
    assert [p["code"] for p in report["problems"]] == ["ballot_missing", "tally_differs"]


async def test_verify_refuses_an_unknown_code_and_a_head_the_chain_never_had(
    api: Api, facilitator: dict[str, str], database_url: str
) -> None:
    missing = audit_verify(database_url, "ZZZZ99", "--lang", "en")
    assert missing.returncode == 2 and missing.stderr.startswith("error: ") and "ZZZZ99" in missing.stderr
    s = await api.new_session(facilitator, phase="ideas")
    pinned = audit_verify(database_url, s["code"], "--lang", "en", "--head", "ab" * 32)
    assert pinned.returncode == 1
    assert f"- No entry of the chain has the hash {'ab' * 32}" in pinned.stdout


async def test_the_brief_carries_the_chain_head(
    api: Api, client: httpx.AsyncClient, facilitator: dict[str, str], database_url: str
) -> None:
    s, (ann, ben, _), (a, _, _) = await voting_session(api, facilitator)
    await api.support(ann, a)
    url = f"/api/v1/sessions/{s['code']}/brief.json"
    first = (await client.get(url, headers=facilitator)).json()
    session = await Session.get(code=s["code"])
    assert first["chain_head"] == await chain_head(session.id) and len(first["chain_head"]) == 64
    await api.support(ben, a)
    second = (await client.get(url, headers=facilitator)).json()
    assert second["chain_head"] == await chain_head(session.id) != first["chain_head"]
    assert second["version"] == 2
    # The earlier brief's head still lies on the chain, so whoever holds that brief can check it.
    held = audit_verify(database_url, s["code"], "--head", first["chain_head"])
    assert held.returncode == 0, held.stdout
