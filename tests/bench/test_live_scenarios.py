"""`deliberate bench live` at tiny sizes, one run per scenario: one JSON line whose figures add up.
No timing thresholds: these check the bench measures what it says, not how fast the app is."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from tests.conftest import ROOT, child_env, deliberate_command

VIEWERS = 12


def bench(database_url: str, *args: str, env: dict[str, str] | None = None) -> dict[str, object]:
    done = subprocess.run(
        [deliberate_command(), "bench", "live", "--clients", str(VIEWERS), *args],
        env=env or child_env(database_url),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 1, done.stdout
    report: dict[str, object] = json.loads(lines[0])
    assert report["errors"] == 0, done.stderr
    assert report["viewers_open"] == VIEWERS
    assert report["lost_viewers"] == 0 and report["missing_updates"] == 0
    assert report["every_viewer_saw_every_vote"] is True
    return report


def ordered(spread: object) -> bool:
    assert isinstance(spread, dict)
    return bool(0 < spread["p50"] <= spread["p95"] <= spread["p99"] <= spread["max"])


def test_steady_reports_lost_viewers_memory_and_latency_spread(database_url: str) -> None:
    report = bench(database_url, "--votes-per-s", "10", "--seconds", "2")
    assert report["scenario"] == "steady" and report["processes"] == 1
    assert report["supports_sent"] == 20 and report["supports_counted"] == 20
    assert ordered(report["seen_latency_ms"]) and ordered(report["support_latency_ms"])
    assert isinstance(report["delivered_updates"], int) and report["delivered_updates"] >= VIEWERS
    rss = report["server_rss_mb"]
    assert isinstance(rss, dict) and 0 < rss["before_viewers"] <= rss["peak"]
    assert report["mb_per_1000_viewers"] is not None


def test_spike_every_viewer_votes_once_and_sees_the_final_counts(database_url: str) -> None:
    report = bench(database_url, "--scenario", "spike", "--window-s", "1")
    assert report["supports_sent"] == VIEWERS and report["supports_ok"] == VIEWERS
    assert report["supports_counted"] == VIEWERS
    # Opening voting sends every page a snapshot, and every page then fetches its board.
    assert report["board_fetches"] == VIEWERS
    assert ordered(report["phase_seen_ms"]) and ordered(report["seen_latency_ms"])
    accepted, seen = report["vote_accepted_s"], report["all_seen_s"]
    assert isinstance(accepted, float) and isinstance(seen, float) and 0 < accepted <= seen


def test_storm_resynchronises_every_viewer_from_its_last_number(database_url: str) -> None:
    report = bench(database_url, "--scenario", "storm", "--storm-writes", "5")
    assert report["storm_writes"] == 5 and report["reconnected"] == VIEWERS
    assert report["resync_failures"] == 0
    assert ordered(report["resync_ms"])
    assert isinstance(report["resynced_within_window"], int) and report["resynced_within_window"] <= VIEWERS


def test_two_processes_split_viewers_and_writes(database_url: str) -> None:
    if not database_url.startswith("postgres") or not os.environ.get("REDIS_URL"):
        pytest.skip("two processes need a shared PostgreSQL and Redis: set DATABASE_URL=postgres://... and REDIS_URL")
    env = child_env(database_url) | {"REDIS_URL": os.environ["REDIS_URL"]}
    report = bench(database_url, "--processes", "2", "--votes-per-s", "10", "--seconds", "2", env=env)
    assert report["processes"] == 2 and report["bus"] == "redis" and report["database"] == "postgresql"
    assert report["supports_counted"] == 20
    assert report["lost_by_server"] == [0, 0]


def test_two_processes_need_postgres_and_redis() -> None:
    env = child_env("sqlite:///tmp/unused.sqlite3")
    env.pop("REDIS_URL", None)
    done = subprocess.run(
        [deliberate_command(), "bench", "live", "--processes", "2", "--clients", "1"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode != 0 and "REDIS_URL" in done.stderr and not done.stdout
