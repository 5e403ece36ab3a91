"""The brief benchmark runs end to end at a small size and reports every figure."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ROOT, child_env


def test_bench_brief_prints_timings_for_every_format(database_url: str) -> None:
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "deliberate.bench.brief",
            "--proposals",
            "12",
            "--votes",
            "150",
            "--comments",
            "30",
            "--people",
            "20",
            "--formats",
            "json",
            "xlsx",
            "pdf",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=child_env(database_url),
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    figures = json.loads(r.stdout.strip().splitlines()[-1])
    assert figures["proposals"] == 12 and figures["pdf_pages"] >= 2
    for key in ("seed_s", "build_s", "json_s", "xlsx_s", "pdf_s", "peak_rss_mb"):
        assert figures[key] >= 0, key
    assert figures["xlsx_kb"] > 0 and figures["json_kb"] > 0
