"""`deliberate import polis`: a Pol.is export becomes a session whose opinion map matches the file's."""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest
from sklearn.metrics import adjusted_rand_score

from deliberate.audit.verify import verify
from deliberate.opinion import compute, read_polis_export
from deliberate.proposals.models import Proposal
from deliberate.sessions.models import Participant, Session
from deliberate.statements.polis_import import import_polis
from deliberate.voting.models import Ballot
from tests.conftest import ROOT, Api, child_env, deliberate_command, on_team, row_counts

POLIS = ROOT / "tests" / "data" / "polis"
BG2050 = POLIS / "bg2050-volunteers"


def run_cli(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [deliberate_command(), *args],
        env=child_env(database_url),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def export_figures(folder: Path) -> tuple[int, int, int]:
    """Statements, statements moderated out, and latest votes, read straight from the export files."""
    with (folder / "comments.csv").open(encoding="utf-8", newline="") as f:
        comments = list(csv.DictReader(f))
    with (folder / "participants-votes.csv").open(encoding="utf-8", newline="") as f:
        latest = sum(int(row["n-votes"]) for row in csv.DictReader(f))
    return len(comments), sum(c["moderated"] == "-1" for c in comments), latest


async def test_import_keeps_ids_moderation_and_latest_votes(app, client: httpx.AsyncClient) -> None:
    session = await import_polis(BG2050)
    statements, moderated_out, latest = export_figures(BG2050)
    assert await Proposal.filter(session_id=session.id, kind="statement").count() == statements
    assert await Proposal.filter(session_id=session.id, kind="statement", status="hidden").count() == moderated_out
    assert await Ballot.filter(round__session_id=session.id).count() == latest
    one = await Proposal.get(session_id=session.id, external_id="2")
    assert one.title.startswith("I hope it can retain its southern hospitality")
    assert await Participant.filter(session_id=session.id, external_id="0").exists()

    # The map from the database equals the map computed straight from the files.
    r = await client.get(f"/api/v1/sessions/{session.code}/opinion-map")
    assert r.status_code == 200, r.text
    body = r.json()
    ours = {m["external_id"]: g["id"] for g in body["groups"] for m in g["members"]}
    assert all(ours) and len(body["groups"]) >= 2
    direct = compute(read_polis_export(BG2050).vote_matrix())
    theirs = {str(pid): g.id for g in direct.groups for pid in g.members}
    common = sorted(set(ours) & set(theirs))
    assert len(common) == len(theirs)
    assert adjusted_rand_score([ours[p] for p in common], [theirs[p] for p in common]) == pytest.approx(1.0)
    gic = body["group_informed_consensus"]
    statement_ids = dict(await Proposal.filter(session_id=session.id).values_list("id", "external_id"))
    assert {statement_ids[int(k)] for k in gic} == {str(k) for k in direct.group_informed_consensus}

    # The audit chain holds the imported marks: verify replays them, and notices one deleted behind its back.
    assert (await verify(session)).ok
    await Ballot.filter(round__session_id=session.id).order_by("id").first().delete()  # type: ignore[union-attr]
    problems = (await verify(session)).problems
    assert len(problems) >= 1 and any("ballot" in p.message or "Tally" in p.message for p in problems)


def test_cli_imports_and_prints_the_code(database_url: str) -> None:
    done = run_cli(database_url, "import", "polis", str(BG2050), "--title", "BG 2050")
    assert done.returncode == 0, done.stderr
    code = done.stdout.strip()
    assert len(code) == 6 and code.isalnum()


async def test_a_malformed_folder_names_the_file_and_line_and_imports_nothing(
    app, tmp_path: Path, database_url: str
) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(BG2050, broken)
    lines = (broken / "votes.csv").read_text(encoding="utf-8").splitlines()
    lines[40] = lines[40].replace(",", ";", 2)
    (broken / "votes.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = await row_counts()
    sessions_before = await Session.all().count()
    done = run_cli(database_url, "import", "polis", str(broken))
    assert done.returncode == 2
    assert f"{broken / 'votes.csv'}:41:" in done.stderr
    assert await row_counts() == before and await Session.all().count() == sessions_before
    missing = run_cli(database_url, "import", "polis", str(tmp_path / "nowhere"))
    assert missing.returncode == 2 and "not a folder" in missing.stderr


async def test_participants_votes_alone_import(app, tmp_path: Path) -> None:
    """An export with participants-votes.csv and no votes.csv imports its latest votes in export order."""
    folder = POLIS / "15-per-hour-seattle"
    assert not (folder / "votes.csv").exists()
    session = await import_polis(folder)
    statements, moderated_out, latest = export_figures(folder)
    assert await Proposal.filter(session_id=session.id, kind="statement").count() == statements
    assert await Ballot.filter(round__session_id=session.id).count() == latest
    assert await Participant.filter(session_id=session.id, external_id="0").exists()


def test_bench_opinion_says_what_it_cannot_read(tmp_path: Path, database_url: str) -> None:
    (tmp_path / "participants-votes.csv").write_text("participant,group-id,1\n5,,x\n", encoding="utf-8")
    done = run_cli(database_url, "bench", "opinion", "--dataset", str(tmp_path))
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert f"error: {tmp_path / 'participants-votes.csv'}:2: column 1: expected -1, 0, 1 or empty" in done.stderr
    empty = run_cli(database_url, "bench", "opinion", "--dataset", str(tmp_path / "nowhere"))
    assert empty.returncode == 2 and "not a folder" in empty.stderr and "Traceback" not in empty.stderr


async def test_a_polis_import_gets_a_brief_of_its_groups_and_statements(
    app, api: Api, client: httpx.AsyncClient, facilitator: dict[str, str]
) -> None:
    """A session of statements only has no proposals, yet its findings are the opinion groups, what each
    thinks, and the statements most agree on or that divide them: it gets a brief, not a 409."""
    session = await import_polis(BG2050)
    await on_team(api.emails[facilitator["authorization"]], session.code)  # an import has no owner until named
    url = f"/api/v1/sessions/{session.code}/brief"
    answer = await client.get(f"{url}.json", headers=facilitator)
    assert answer.status_code == 200, answer.text
    brief = answer.json()
    opinion = brief["opinion"]
    assert brief["proposals"] == [] and len(opinion["groups"]) >= 2
    assert [g["name"] for g in opinion["groups"]] == list("กขคงจฉ"[: len(opinion["groups"])])  # Thai group names
    assert all(g["representative"] for g in opinion["groups"]) and opinion["consensus"]
    markdown = (await client.get(f"{url}.md", headers=facilitator)).text
    findings = markdown[markdown.index("## ส่วนที่ ๓") : markdown.index("## ส่วนที่ ๔")]
    assert "กลุ่ม ก" in findings and "กลุ่ม ข" in findings
    assert opinion["groups"][0]["representative"][0]["text"] in findings
    assert opinion["consensus"][0]["text"] in findings
    summary = markdown[markdown.index("## ส่วนที่ ๑") : markdown.index("## ส่วนที่ ๒")]
    assert "แผนที่ความคิดเห็นแบ่งได้" in summary
    pdf = await client.get(f"{url}.pdf", headers=facilitator)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
