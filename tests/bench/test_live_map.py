"""`deliberate bench live --map` at a tiny size: one JSON line with both phases' figures."""

from __future__ import annotations

import json
import subprocess

import pytest

from deliberate.bench.live_map import parse_shape
from tests.conftest import ROOT, child_env, deliberate_command

WRITES = 40  # 20 per second for 2 seconds, in each phase


def test_map_variant_measures_both_phases(database_url: str) -> None:
    # A short worker interval, so the 2-second second phase surely sees recomputes.
    done = subprocess.run(
        [
            deliberate_command(),
            "bench",
            "live",
            "--map",
            "--map-size",
            "300x40",
            "--clients",
            "3",
            "--votes-per-s",
            "20",
            "--seconds",
            "2",
            "--map-interval-s",
            "0.2",
        ],
        env=child_env(database_url),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 1
    report = json.loads(lines[0])
    assert report["map"]["participants"] == 300 and report["map"]["statements"] == 40
    assert 0 < report["map"]["marks"] < 300 * 40 and report["map"]["groups"] >= 1
    assert report["errors"] == 0 and report["viewers_open"] == 3
    for name in ("baseline", "recomputing"):
        phase = report[name]
        assert phase["writes"] == WRITES
        latency = phase["latency_ms"]
        assert 0 < latency["p50"] <= latency["p95"] <= latency["p99"] <= latency["max"]
        assert phase["mark_latency_ms"]["p50"] > 0 and phase["support_latency_ms"]["p50"] > 0
    assert report["baseline"]["recomputes"] == 0 and report["baseline"]["during_recompute"]["writes"] == 0
    busy = report["recomputing"]
    assert busy["recomputes"] >= 1
    assert 0 < busy["recompute_s"]["p50"] <= busy["recompute_s"]["max"]
    assert 0 < busy["recompute_busy_share"] <= 1
    assert report["p99_ratio"] == pytest.approx(
        busy["latency_ms"]["p99"] / report["baseline"]["latency_ms"]["p99"], abs=0.01
    )


def test_map_size_is_participants_by_statements() -> None:
    assert parse_shape("5000x500") == (5000, 500)
    with pytest.raises(ValueError):
        parse_shape("lots")
