"""Set up the project from a fresh clone, then run the demo or the test suite.

Runs on the system Python with the standard library only, because it is what creates `.venv`:

    python3 -m deliberate.bootstrap demo     # set up, migrate, seed and serve the demo assembly
    python3 -m deliberate.bootstrap test     # set up and run the whole test suite

Steps are skipped when their inputs (pyproject.toml, package-lock.json) have not changed since the
last successful run, so repeating a command is quick.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")


def _digest(*paths: Path) -> str:
    h = hashlib.sha256()
    for p in paths:
        h.update(p.read_bytes() if p.exists() else b"")
    return h.hexdigest()


def _stale(stamp: Path, digest: str) -> bool:
    return not stamp.exists() or stamp.read_text() != digest


def _run(*cmd: str | Path) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, cwd=ROOT)


def ensure_python_env() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 (runs on the system Python)
        sys.exit("deliberate needs Python 3.11 or newer")
    if not (BIN / "python").exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
    stamp = VENV / ".deliberate-installed"
    digest = _digest(ROOT / "pyproject.toml")
    if _stale(stamp, digest):
        _run(BIN / "python", "-m", "pip", "install", "--quiet", "--upgrade", "pip")
        _run(BIN / "python", "-m", "pip", "install", "--quiet", "-e", ".[test]")
        stamp.write_text(digest)


def ensure_node_packages() -> None:
    stamp = ROOT / "node_modules" / ".deliberate-installed"
    digest = _digest(ROOT / "package.json", ROOT / "package-lock.json")
    if _stale(stamp, digest):
        npm = shutil.which("npm")
        if npm is None:
            sys.exit("deliberate needs Node.js and npm to install its front-end packages")
        _run(npm, "ci", "--no-audit", "--no-fund", "--loglevel=error")
        stamp.write_text(digest)


def setup() -> None:
    ensure_python_env()
    ensure_node_packages()


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    what = args.pop(0) if args else "demo"
    setup()
    if what == "setup":
        return 0
    if what == "demo":
        os.execv(BIN / "deliberate", [str(BIN / "deliberate"), "demo", *args])  # noqa: S606
    if what == "test":
        return subprocess.call([str(BIN / "python"), "-m", "pytest", *args], cwd=ROOT)
    sys.exit(f"unknown command {what!r}: use demo, test or setup")


if __name__ == "__main__":
    sys.exit(main())
