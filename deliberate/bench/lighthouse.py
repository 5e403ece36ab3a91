"""Lighthouse on the three pages a hall loads most: the join page, a participant's session page and the
projector screen, as a mid-range phone on a slow 4G link sees them (Lighthouse's mobile defaults).

    deliberate bench lighthouse [--out artifacts/lighthouse] [--runs 1]

Seeds the Phuket demo into a fresh SQLite file, serves it with `deliberate serve`, joins it once through the
API for a participant's cookie, runs node_modules/.bin/lighthouse against the system Chromium, keeps each
JSON report in the output folder and prints one JSON line: the four category scores (0-100) per page. With
--runs N each page is measured N times and the median score kept (a shared machine makes performance noisy).
Audits that did not pass are listed on standard error, to say what limited a score.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, cast

import click
import httpx

from deliberate.settings import ROOT, Settings

LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 95}


def chrome_path() -> str | None:
    return os.environ.get("CHROME_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_up(base: str, proc: subprocess.Popen[bytes], timeout_s: float = 90) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise click.ClickException(f"deliberate serve exited with {proc.returncode}")
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise click.ClickException(f"deliberate serve did not answer within {timeout_s:.0f} s")


def _participant_cookie(base: str, code: str) -> str:
    from deliberate.web.identity import participant_cookie

    r = httpx.post(
        f"{base}/api/v1/sessions/{code}/participants",
        timeout=10,
        json={"display_name": "ผู้ทดสอบ Lighthouse", "consent": True},
    )
    if r.status_code != 201:
        raise click.ClickException(f"joining the demo failed: {r.status_code} {r.text}")
    return f"{participant_cookie(code)}={r.json()['token']}"


def lighthouse(url: str, report: Path, chrome: str, headers: dict[str, str] | None = None) -> dict[str, Any]:
    args = [
        str(LIGHTHOUSE),
        url,
        f"--chrome-path={chrome}",
        "--chrome-flags=--headless --no-sandbox",
        "--form-factor=mobile",
        "--output=json",
        f"--output-path={report}",
        "--quiet",
        f"--only-categories={','.join(CATEGORIES)}",
    ]
    if headers:
        args.append(f"--extra-headers={json.dumps(headers)}")
    done = subprocess.run(args, capture_output=True, text=True, timeout=300, check=False)
    if done.returncode != 0 or not report.exists():
        raise click.ClickException(f"lighthouse failed on {url} ({done.returncode}): {done.stderr[-2000:]}")
    # json.loads returns Any: the report is Lighthouse's JSON object.
    return cast(dict[str, Any], json.loads(report.read_text()))


def scores(result: dict[str, Any]) -> dict[str, int]:
    return {c: round((result["categories"][c]["score"] or 0) * 100) for c in CATEGORIES}


def failing(result: dict[str, Any]) -> list[str]:
    """The audits that cost points, worst first, with the page's own figure where there is one."""
    out = []
    for category in CATEGORIES:
        for ref in result["categories"][category]["auditRefs"]:
            audit = result["audits"][ref["id"]]
            if ref["weight"] and audit.get("score") is not None and audit["score"] < 0.9:
                value = f" ({audit['displayValue']})" if audit.get("displayValue") else ""
                out.append(f"{category}: {ref['id']} {audit['score']:.2f}{value}")
    return out


def run(out: Path, runs: int) -> dict[str, dict[str, int]]:
    from deliberate.demo import seed

    chrome = chrome_path()
    if not chrome or not LIGHTHOUSE.exists():
        raise click.ClickException(f"needs Chromium (CHROME_PATH, found {chrome}) and {LIGHTHOUSE} (npm ci)")
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="deliberate-lighthouse-"))
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{work / 'demo.sqlite3'}"}
    env.pop("REDIS_URL", None)  # one process: the in-process bus
    os.environ["DATABASE_URL"] = env["DATABASE_URL"]
    seeded = asyncio.run(seed(Settings.from_env()))
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = (work / "serve.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "deliberate.cli", "serve", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_up(base, proc)
        cookie = _participant_cookie(base, seeded.code)
        pages = {
            "join": (f"{base}/s/{seeded.code}/join", None),
            "session": (f"{base}/s/{seeded.code}", {"Cookie": cookie}),
            "projector": (f"{base}/s/{seeded.code}/screen", None),
        }
        figures: dict[str, dict[str, int]] = {}
        for name, (url, headers) in pages.items():
            measured = []
            for n in range(runs):
                result = lighthouse(url, out / f"{name}{'' if runs == 1 else f'-{n + 1}'}.json", chrome, headers)
                measured.append(scores(result))
                for line in failing(result):
                    click.echo(f"{name}: {line}", err=True)
            figures[name] = {c: int(statistics.median(m[c] for m in measured)) for c in CATEGORIES}
        return figures
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        shutil.rmtree(work, ignore_errors=True)


def met(figures: dict[str, dict[str, int]]) -> bool:
    return all(page[c] >= floor for page in figures.values() for c, floor in TARGETS.items())
