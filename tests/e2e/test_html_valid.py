"""Every page is valid HTML: the W3C Nu checker (npm vnu-jar, on the machine's Java) reports no error.

All pages, in both languages, go to one vnu run: starting the JVM costs more than checking a page. Nothing is
filtered out: htmx's attributes are written `data-hx-*`, and its metaCharacter "-" spells the ones that would
hold a colon (`data-hx-ws-connect`, `data-hx-headers-inherited`), which no valid attribute name may.
"""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path

import pytest

from tests.e2e.pages import VNU, Site, fetch_all

pytestmark = pytest.mark.asyncio(loop_scope="session")


@pytest.fixture(scope="module")
def java() -> str:
    found = shutil.which("java")
    if found is None:
        pytest.skip("java not found: the Nu HTML checker needs a Java runtime")
    if not VNU.exists():
        pytest.skip(f"{VNU} not found: run `npm ci` to install vnu-jar")
    return found


async def test_every_page_is_valid_html(java: str, site: Site, tmp_path: Path) -> None:
    pages = await fetch_all(site)
    files = []
    for name, html in pages.items():
        f = tmp_path / f"{name}.html"
        f.write_text(html, encoding="utf-8")
        files.append(str(f))
    vnu = await asyncio.create_subprocess_exec(
        java,
        "-Xss8m",
        "-jar",
        str(VNU),
        "--format",
        "json",
        "--stdout",
        *files,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, _ = await asyncio.wait_for(vnu.communicate(), timeout=300)
    report = json.loads(out)
    errors = [m for m in report["messages"] if m.get("type") == "error" or m.get("subType") == "fatal"]
    readable = [
        f"{Path(m.get('url', '')).stem}:{m.get('lastLine', '?')}: {m['message']}  "
        f"[{' '.join(m.get('extract', '').split())[:120]}]"
        for m in errors
    ]
    assert len(pages) == 2 * len(site.pages)
    assert not errors, f"{len(errors)} HTML errors:\n" + "\n".join(readable)
