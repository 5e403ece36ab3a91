"""The `deliberate` command as an operator uses it."""

from __future__ import annotations

import subprocess

from tests.conftest import PASSWORD, ROOT, child_env, deliberate_command, unique_email


def run(database_url: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [deliberate_command(), *args],
        input=stdin,
        env=child_env(database_url),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_users_add_reads_the_password_from_stdin_once(database_url: str) -> None:
    email = unique_email("cli")
    added = run(database_url, "users", "add", email, "--role", "facilitator", "--password-stdin", stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    assert added.stdout.strip() == f"added {email} (facilitator)"
    again = run(database_url, "users", "add", email, "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n")
    assert again.returncode == 2
    assert again.stderr.startswith("error: ")


def test_users_add_refuses_a_short_password_and_unknown_roles(database_url: str) -> None:
    short = run(
        database_url, "users", "add", unique_email("cli"), "--role", "official", "--password-stdin", stdin="short\n"
    )
    assert short.returncode == 2
    assert short.stderr.startswith("error: ")
    role = run(
        database_url, "users", "add", unique_email("cli"), "--role", "king", "--password-stdin", stdin=PASSWORD + "\n"
    )
    assert role.returncode == 2
    assert "king" in role.stderr
