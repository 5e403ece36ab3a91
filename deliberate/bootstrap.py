"""Set up the project from a fresh clone, then run the demo, the test suite or the static checks.

Runs on the system Python with the standard library only, because it is what creates `.venv`:

    python3 -m deliberate.bootstrap demo     # set up, migrate, seed and serve the demo assembly
    python3 -m deliberate.bootstrap test     # set up and run the whole test suite
    python3 -m deliberate.bootstrap check    # set up, then ruff and mypy (CI runs it before the suite)

First it makes sure the machine has what the command needs from the system (the libraries WeasyPrint
loads, Chromium and poppler for the suite, ...). As root with apt-get it installs what is missing;
anywhere else it stops at once and prints the command that installs it, so a bare machine never gets as
far as a test that fails or skips for want of a package.

The .venv and node_modules steps are skipped when their inputs (pyproject.toml, package-lock.json) have
not changed since the last successful run, so repeating a command is quick.
"""

from __future__ import annotations

import contextlib
import ctypes.util
import hashlib
import importlib.util
import os
import shutil
import subprocess
import sys
import venv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = f"3.{sys.version_info.minor}"


@dataclass(frozen=True)
class Need:
    """Something a command needs from the system, how to tell it is there, and the packages that provide it
    by package manager ("apt-get", "dnf", "brew"; one left out has none, and the tests that use it say so)."""

    what: str
    present: Callable[[], bool]
    packages: dict[str, tuple[str, ...]]


def _programs(*names: str) -> Callable[[], bool]:
    return lambda: all(shutil.which(n) for n in names)


def _libraries(*names: str) -> Callable[[], bool]:
    # The way WeasyPrint looks for them: by name in the linker's search path, whichever package holds them.
    return lambda: all(ctypes.util.find_library(n) for n in names)


VENV_PIP = Need(
    "Python's venv with pip (ensurepip)",
    # Debian and Ubuntu ship ensurepip apart from Python; once .venv has pip it is no longer needed.
    lambda: (BIN / "pip").exists() or importlib.util.find_spec("ensurepip") is not None,
    {"apt-get": (f"python{PY}-venv",), "dnf": (f"python{PY}",), "brew": (f"python@{PY}",)},
)
NPM = Need(
    "Node.js and npm (the front-end packages)",
    _programs("npm"),
    {"apt-get": ("npm",), "dnf": ("nodejs", "npm"), "brew": ("node",)},
)
PANGO = Need(
    "Pango (WeasyPrint lays out the PDFs with it)",
    _libraries("pango-1.0", "pangoft2-1.0"),
    {"apt-get": ("libpango-1.0-0", "libpangoft2-1.0-0"), "dnf": ("pango",), "brew": ("pango",)},
)
# Without it WeasyPrint subsets fonts with fontTools and warns; with it the demo's PDFs are made the way
# the suite checks them.
HARFBUZZ_SUBSET = Need(
    "HarfBuzz-Subset (WeasyPrint's font subsetting)",
    _libraries("harfbuzz-subset"),
    {"apt-get": ("libharfbuzz-subset0",), "dnf": ("harfbuzz",), "brew": ("harfbuzz",)},
)
# The path tests/e2e/conftest.py drives through Playwright (never `playwright install`, which downloads);
# macOS cannot have /usr/bin/chromium, so there the journeys say they were skipped.
CHROMIUM = Need(
    "Chromium (the end-to-end journeys)",
    lambda: Path("/usr/bin/chromium").exists(),
    {"apt-get": ("chromium",), "dnf": ("chromium",)},
)
PDFTOTEXT = Need(
    "pdftotext (the PDFs' Thai text layer)",
    _programs("pdftotext"),
    {"apt-get": ("poppler-utils",), "dnf": ("poppler-utils",), "brew": ("poppler",)},
)
REDIS = Need(
    "redis-server and redis-cli (two app processes on one bus, Redis going down)",
    _programs("redis-server", "redis-cli"),
    {"apt-get": ("redis-server",), "dnf": ("redis",), "brew": ("redis",)},
)
JAVA = Need(
    "Java (the Nu HTML checker)",
    _programs("java"),
    {"apt-get": ("default-jre-headless",), "dnf": ("java-21-openjdk-headless",), "brew": ("openjdk",)},
)

PYTHON = [VENV_PIP]
APP = [*PYTHON, NPM, PANGO, HARFBUZZ_SUBSET]
SUITE = [*APP, CHROMIUM, PDFTOTEXT, REDIS, JAVA]
NEEDS = {"demo": APP, "test": SUITE, "setup": SUITE, "check": PYTHON}


def _manager() -> str | None:
    if sys.platform == "darwin":
        return "brew"
    return next((m for m in ("apt-get", "dnf") if shutil.which(m)), None)


def _install_command(manager: str, packages: list[str]) -> list[str]:
    sudo = ["sudo"] if manager != "brew" and os.geteuid() != 0 else []
    yes = ["-y", "--no-install-recommends"] if manager == "apt-get" else ["-y"] if manager == "dnf" else []
    return [*sudo, manager, "install", *yes, *packages]


def _packages(needs: list[Need], manager: str) -> list[str]:
    return list(dict.fromkeys(p for n in needs for p in n.packages.get(manager, ())))


def _apt_install(missing: list[Need]) -> list[Need]:
    """Installs what apt has of `missing`; returns what is still missing and apt could have installed."""
    env = os.environ | {"DEBIAN_FRONTEND": "noninteractive"}
    _run("apt-get", "update", "-q", env=env)
    # Only what this release has (Ubuntu's Chromium, for one, is a snap): apt-get refuses a list with one
    # unknown name in it, and a need it has no package for does not block the command.
    known = [n for n in missing if all(_run_ok("apt-cache", "show", p) for p in n.packages.get("apt-get", ()))]
    for n in missing:
        if n not in known:
            print(f"apt has no {' '.join(n.packages['apt-get'])} here: without {n.what}, its tests say they skip")
    if _packages(known, "apt-get"):
        with contextlib.suppress(subprocess.CalledProcessError):
            _run(*_install_command("apt-get", _packages(known, "apt-get")), env=env)
    return [n for n in known if not n.present()]


def ensure_system(command: str) -> None:
    manager = _manager()
    missing = [n for n in NEEDS[command] if not n.present()]
    if missing and manager == "apt-get" and os.geteuid() == 0:
        missing = _apt_install(missing)
    # What this platform has no package for does not block the command; the tests that need it say so.
    blocking = [n for n in missing if manager is None or n.packages.get(manager)]
    for n in missing:
        if n not in blocking:
            print(f"{manager} has no package for {n.what} here: its tests say they skip")
    if not blocking:
        return
    needs = f"`{command}` needs from the system:\n" + "".join(f"  - {n.what}\n" for n in blocking)
    if manager is None:
        sys.exit(f"{needs}Install them with this platform's package manager, then run the command again.")
    install = " ".join(_install_command(manager, _packages(blocking, manager)))
    sys.exit(f"{needs}Install them, then run the command again:\n\n    {install}\n")


def _digest(*paths: Path) -> str:
    h = hashlib.sha256()
    for p in paths:
        h.update(p.read_bytes() if p.exists() else b"")
    return h.hexdigest()


def _stale(stamp: Path, digest: str) -> bool:
    return not stamp.exists() or stamp.read_text() != digest


def _run(*cmd: str | Path, env: dict[str, str] | None = None) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, cwd=ROOT, env=env)


def _run_ok(*cmd: str) -> bool:
    return subprocess.run(cmd, capture_output=True, check=False).returncode == 0


def ensure_python_env() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 (runs on the system Python)
        sys.exit("deliberate needs Python 3.11 or newer")
    if not (BIN / "pip").exists():
        # clear: a .venv without pip is what an attempt without ensurepip leaves behind
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    stamp = VENV / ".deliberate-installed"
    digest = _digest(ROOT / "pyproject.toml")
    if _stale(stamp, digest):
        _run(BIN / "python", "-m", "pip", "install", "--quiet", "--upgrade", "pip")
        _run(BIN / "python", "-m", "pip", "install", "--quiet", "-e", ".[test]")
        stamp.write_text(digest)


def _npm() -> list[str]:
    npm = shutil.which("npm") or "npm"
    version = subprocess.run([npm, "--version"], capture_output=True, text=True, check=True).stdout
    if int(version.split(".")[0]) >= 10:
        return [npm]
    # Debian 12's npm 9.2 throws "Invalid comparator: latest" on package.json's override of a package that
    # lighthouse's trace_engine asks for as "latest" (npm/cli#5955); npm 10, which runs on the same Node
    # (18.17+), is fetched from the npm registry by npm itself, into its cache, the system's left as it is.
    return [npm, "exec", "--yes", "--package=npm@10", "--", "npm"]


def ensure_node_packages() -> None:
    stamp = ROOT / "node_modules" / ".deliberate-installed"
    digest = _digest(ROOT / "package.json", ROOT / "package-lock.json")
    if _stale(stamp, digest):
        _run(*_npm(), "ci", "--no-audit", "--no-fund", "--loglevel=error")
        stamp.write_text(digest)


def check() -> int:
    """ruff and mypy over the tree (mypy's files come from pyproject.toml); every one runs, so one run
    shows all the findings."""
    failed = 0
    for tool in (["ruff", "check", "."], ["ruff", "format", "--check", "."], ["mypy"]):
        print("+", " ".join(tool), flush=True)
        failed += subprocess.call([str(BIN / "python"), "-m", *tool], cwd=ROOT) != 0
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    what = args.pop(0) if args else "demo"
    if what not in NEEDS:
        sys.exit(f"unknown command {what!r}: use demo, test, check or setup")
    ensure_system(what)
    ensure_python_env()
    if what == "check":
        return check()
    ensure_node_packages()
    if what == "demo":
        os.execv(BIN / "deliberate", [str(BIN / "deliberate"), "demo", *args])  # noqa: S606
    if what == "test":
        return subprocess.call([str(BIN / "python"), "-m", "pytest", *args], cwd=ROOT)
    return 0


if __name__ == "__main__":
    sys.exit(main())
