"""The `deliberate` command: migrate, users, serve, demo, import, privacy, sync, bench."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, TypeVar

import click

from deliberate.settings import Settings

if TYPE_CHECKING:
    from deliberate.audit.verify import Report

T = TypeVar("T")


@click.group()
def main() -> None:
    """deliberate: live participatory deliberation."""


@main.command()
def migrate() -> None:
    """Apply database migrations."""
    from deliberate.db import migrate as run_migrations

    asyncio.run(run_migrations(Settings.from_env()))
    click.echo("migrations applied")


@main.group()
def users() -> None:
    """Staff accounts."""


@users.command("add")
@click.argument("email")
@click.option("--role", type=click.Choice(["facilitator", "official", "admin"]), required=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--name", default="", help="Display name.")
def users_add(email: str, role: str, password_stdin: bool, name: str) -> None:
    """Add a staff account."""
    from tortoise import Tortoise

    from deliberate.accounts.services import create_staff_user
    from deliberate.db import tortoise_config
    from deliberate.errors import DomainError

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)

    async def run() -> None:
        await Tortoise.init(config=tortoise_config(Settings.from_env().db_url))
        try:
            user = await create_staff_user(email, role, password, name)
            click.echo(f"added {user.email} ({user.role.value})")
        finally:
            await Tortoise.close_connections()

    try:
        asyncio.run(run())
    except DomainError as exc:
        click.echo(f"error: {exc.translated()}", err=True)
        sys.exit(2)


@users.command("grant")
@click.argument("email")
@click.option("--assembly", "assembly_id", type=int, help="The assembly's id (see the staff dashboard).")
@click.option("--role", type=click.Choice(["owner", "facilitator", "official"]), default="owner", show_default=True)
@click.option("--province", default="", help="For an official: follow every assembly of this province (code).")
def users_grant(email: str, assembly_id: int | None, role: str, province: str) -> None:
    """Give a staff account a part in an assembly, or an official a province (the operator's way in, e.g. for an
    imported conversation nobody owns yet)."""
    from tortoise import Tortoise

    from deliberate.accounts.grants import operator_grant
    from deliberate.db import tortoise_config
    from deliberate.errors import DomainError

    async def run() -> str:
        await Tortoise.init(config=tortoise_config(Settings.from_env().db_url))
        try:
            return await operator_grant(email, assembly_id=assembly_id, role=role, province_code=province)
        finally:
            await Tortoise.close_connections()

    try:
        click.echo(asyncio.run(run()))
    except DomainError as exc:
        click.echo(f"error: {exc.translated()}", err=True)
        sys.exit(2)


@users.command("reset")
@click.argument("email")
@click.option(
    "--base-url", default="http://127.0.0.1:8000", show_default=True, help="The address staff open the app at."
)
def users_reset(email: str, base_url: str) -> None:
    """Print a one-time password-reset link (valid 1 hour) for a staff account."""
    from tortoise import Tortoise

    from deliberate.accounts.links import issue_reset
    from deliberate.db import tortoise_config
    from deliberate.errors import DomainError

    async def run() -> str:
        await Tortoise.init(config=tortoise_config(Settings.from_env().db_url))
        try:
            return (await issue_reset(email)).token
        finally:
            await Tortoise.close_connections()

    try:
        token = asyncio.run(run())
    except DomainError as exc:
        click.echo(f"error: {exc.translated()}", err=True)
        sys.exit(2)
    click.echo(f"{base_url.rstrip('/')}/staff/reset?t={token}")


def _serve(host: str, port: int, settings: Settings, workers: int = 1) -> None:
    import uvicorn

    from deliberate.app import create_app
    from deliberate.logs import configure as configure_logs

    # No per-message compression: browsers ask for it, and it doubles the CPU each live update costs.
    options: dict[str, Any] = dict(
        host=host,
        port=port,
        ws_per_message_deflate=False,
        log_level="warning",
        ws_max_size=16 * 1024,
        proxy_headers=True,
    )
    os.environ["DELIBERATE_SERVE_LOGS"] = "1"  # worker processes configure theirs in create_app
    configure_logs(settings.production)
    options["log_config"] = None  # keep ours
    if workers > 1:
        # Each worker builds its own app from the environment (Settings.from_env) and joins the Redis bus; they
        # must share one secret, or a form drawn by one worker would be refused by another.
        # The same goes for the audit key, which a random SECRET_KEY set here must not decide (audit/keys.py).
        from deliberate.audit.keys import resolve

        os.environ.setdefault("AUDIT_KEY", resolve(settings).current.decode())
        os.environ.setdefault("SECRET_KEY", settings.secret_key)
        uvicorn.run("deliberate.app:create_app", factory=True, workers=workers, **options)
    else:
        uvicorn.run(create_app(settings), **options)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="App processes sharing the port; more than one needs REDIS_URL.",
)
def serve(host: str, port: int, workers: int) -> None:
    """Serve the app (migrations are applied first)."""
    from deliberate.db import migrate as run_migrations
    from deliberate.i18n import N_, gettext

    settings = Settings.from_env()
    if workers > 1 and not settings.redis_url:
        raise click.UsageError(
            gettext(
                N_(
                    "Several workers need REDIS_URL: without it a change made in one "
                    "process would not reach the pages open on the others."
                )
            )
        )
    asyncio.run(run_migrations(settings))
    _serve(host, port, settings, workers)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--simulate", default=0, show_default=True, type=int, help="Simulated participants acting live.")
@click.option("--force", is_flag=True, help="Seed even when DELIBERATE_ENV=production.")
def demo(host: str, port: int, simulate: int, force: bool) -> None:
    """Seed the Phuket demo assembly and serve it."""
    from deliberate.demo import run_demo

    run_demo(host, port, simulate, force)


@main.group("import")
def import_() -> None:
    """Bring in data from other tools."""


@import_.command("polis")
@click.argument("folder", type=click.Path(file_okay=False, path_type=str))
@click.option("--title", default=None, help="Session title (default: the export's topic).")
def import_polis_command(folder: str, title: str | None) -> None:
    """Load a Pol.is open-data export (comments.csv, votes.csv) into a new session; print its code."""
    from tortoise import Tortoise

    from deliberate.db import migrate as run_migrations
    from deliberate.db import tortoise_config
    from deliberate.opinion import PolisFormatError
    from deliberate.statements.polis_import import import_polis

    settings = Settings.from_env()

    async def run() -> str:
        await run_migrations(settings)
        await Tortoise.init(config=tortoise_config(settings.db_url))
        try:
            return (await import_polis(folder, title=title)).code
        finally:
            await Tortoise.close_connections()

    try:
        code = asyncio.run(run())
    except PolisFormatError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    click.echo(code)


@main.group()
def privacy() -> None:
    """Personal data (PDPA)."""


@privacy.command("purge")
@click.option(
    "--days",
    type=click.IntRange(min=1),
    default=None,
    help="Retention period in days (default: the one the join notice promises).",
)
@click.option("--dry-run", is_flag=True, help="Only say what would be purged.")
def privacy_purge(days: int | None, dry_run: bool) -> None:
    """Remove names and organisations of sessions older than the retention period; keep the totals."""
    from tortoise import Tortoise

    from deliberate.db import tortoise_config
    from deliberate.privacy.notice import RETENTION_DAYS
    from deliberate.privacy.retention import REPLAY_DAYS, purge_personal_data

    async def run() -> None:
        await Tortoise.init(config=tortoise_config(Settings.from_env().db_url))
        try:
            report = await purge_personal_data(days=days or RETENTION_DAYS, dry_run=dry_run)
        finally:
            await Tortoise.close_connections()
        verb = "would purge" if dry_run else "purged"
        click.echo(
            f"{verb} {report.participants} participants in {len(report.sessions)} sessions"
            + (f": {', '.join(report.sessions)}" if report.sessions else "")
        )
        click.echo(f"{verb} {report.replies} stored answers to retried writes older than {REPLAY_DAYS} days")

    asyncio.run(run())


@main.group()
def sync() -> None:
    """Move a session between instances (a laptop in the hall, the central server) as a signed bundle."""


def _run_sync(work: Callable[[], Awaitable[T]]) -> T:
    """Migrate, open the database, run `work`; a refused bundle or unknown code exits 1 with the reason."""
    from tortoise import Tortoise

    from deliberate.db import migrate as run_migrations
    from deliberate.db import tortoise_config
    from deliberate.errors import DomainError

    settings = Settings.from_env()

    async def run() -> T:
        await run_migrations(settings)
        await Tortoise.init(config=tortoise_config(settings.db_url))
        try:
            return await work()
        finally:
            await Tortoise.close_connections()

    try:
        return asyncio.run(run())
    except DomainError as exc:
        click.echo(f"error: {exc.translated()}", err=True)
        sys.exit(1)


def _sync_key() -> bytes:
    from deliberate.sync import BundleError, signing_key

    try:
        return signing_key()
    except BundleError as exc:
        click.echo(f"error: {exc.translated()}", err=True)
        sys.exit(1)


@sync.command("export")
@click.argument("code")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the bundle to this file instead of standard output.",
)
@click.option("--gzip", "compress", is_flag=True, help="Compress the bundle.")
def sync_export(code: str, output: Path | None, compress: bool) -> None:
    """Write the session with join code CODE, and everything in it, as a signed bundle."""
    from deliberate.sync import export_session

    key = _sync_key()
    data = _run_sync(lambda: export_session(code, key, compress=compress))
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    partial = output.with_name(output.name + ".partial")
    partial.write_bytes(data)
    partial.replace(output)  # never a half-written bundle under the real name


@sync.command("import")
@click.argument("bundle", type=click.File("rb"))
def sync_import(bundle: BinaryIO) -> None:
    """Import a bundle (a file, or - for standard input) and print the session's code here."""
    from deliberate.sync import import_bundle

    key = _sync_key()
    data = bundle.read()
    done = _run_sync(lambda: import_bundle(data, key))
    if not done.created:
        click.echo(f"already imported: {done.code}", err=True)
    click.echo(done.code)


@main.group()
def audit() -> None:
    """The hash-chained audit log of each session."""


@audit.command("verify")
@click.argument("code")
@click.option(
    "--head",
    "pinned",
    default=None,
    metavar="HASH",
    help="A chain head copied from paper (a brief's chain_head): the chain must still pass through it, as it "
    "must through the last head the app published.",
)
@click.option(
    "--require-keyed",
    is_flag=True,
    help="Fail on any entry not keyed with HMAC: for a session held entirely after the chain was keyed.",
)
@click.option("--lang", type=click.Choice(["th", "en"]), default="th", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
def audit_verify(code: str, pinned: str | None, require_keyed: bool, lang: str, as_json: bool) -> None:
    """Check a session's chain and recompute its tallies from the stored votes; exit 1 naming any mismatch."""
    import json

    from tortoise import Tortoise

    from deliberate.audit.verify import verify
    from deliberate.db import tortoise_config
    from deliberate.errors import DomainError
    from deliberate.i18n import gettext, language
    from deliberate.sessions.services import get_session

    async def run() -> Report:
        await Tortoise.init(config=tortoise_config(Settings.from_env().db_url))
        try:
            return await verify(await get_session(code), pinned=pinned, require_keyed=require_keyed)
        finally:
            await Tortoise.close_connections()

    with language(lang):
        try:
            report = asyncio.run(run())
        except DomainError as exc:
            click.echo(f"error: {exc.translated()}", err=True)
            sys.exit(2)
        if as_json:
            click.echo(json.dumps(report.as_json(), ensure_ascii=False))
        else:
            click.echo(gettext("Session {code}: {n} entries in the audit chain.", code=report.code, n=report.length))
            click.echo(gettext("Chain head: {head}", head=report.head or "-"))
            _echo_keying(report)
            click.echo(
                gettext(
                    "Checked {tallies} tallies and {rows} stored votes against the log.",
                    tallies=report.tallies_checked,
                    rows=report.rows_checked,
                )
            )
            if report.ok:
                click.echo(gettext("The chain is intact and every tally matches the stored votes."))
            else:
                click.echo(gettext("{n} mismatches found:", n=len(report.problems)))
                for problem in report.problems:
                    click.echo(f"- {problem.translated()}")
    sys.exit(0 if report.ok else 1)


@audit.command("key")
@click.option("--reveal", is_flag=True, help="Print the key itself, to move it into AUDIT_KEY or AUDIT_PREVIOUS_KEYS.")
def audit_key(reveal: bool) -> None:
    """Print where this instance's audit key comes from and its fingerprint (the key_id entries carry)."""
    from deliberate.audit.keys import configure, key_id

    ring = configure(Settings.from_env())
    click.echo(f"source: {ring.source}")
    click.echo(f"key_id: {ring.current_id}")
    click.echo(f"previous key_ids: {', '.join(key_id(k) for k in ring.previous) or '-'}")
    if reveal:
        click.echo(f"key: {ring.current.decode()}")


def _echo_keying(report: Report) -> None:
    """Which part of the chain is keyed, and which published head pinned it: said plainly, never implied."""
    from deliberate.audit.verify import where_label
    from deliberate.i18n import gettext

    if report.keyed_from is None and report.length:
        click.echo(
            gettext(
                "No entry is keyed: all {n} were written before the chain was keyed (plain SHA-256), so only "
                "a published head protects them.",
                n=report.length,
            )
        )
    elif report.keyed_from is not None and report.keyed_from > 1:
        click.echo(
            gettext(
                "Entries 1 to {last} are unkeyed (plain SHA-256, written before the chain was keyed); entries "
                "from {first} on are keyed (HMAC-SHA256, key {keys}).",
                last=report.keyed_from - 1,
                first=report.keyed_from,
                keys=", ".join(report.key_ids),
            )
        )
    elif report.keyed_from is not None:
        click.echo(gettext("Every entry is keyed (HMAC-SHA256, key {keys}).", keys=", ".join(report.key_ids)))
    if report.published is not None:
        click.echo(
            gettext(
                "Checked against the head last published, in {where} at {at}: seq {seq}, {head}.",
                where=where_label(report.published.place),
                at=report.published.at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
                seq=report.published.seq,
                head=report.published.hash,
            )
        )
    elif report.length:
        click.echo(gettext("No head of this session has been published yet: only --head can pin its end."))


@main.group()
def bench() -> None:
    """Benchmarks that print JSON figures."""


@bench.command("live")
@click.option(
    "--scenario",
    type=click.Choice(["steady", "spike", "storm"]),
    default="steady",
    show_default=True,
    help="steady: supports at a fixed rate; spike: every viewer votes once voting opens; storm: every "
    "viewer drops and reconnects at once.",
)
@click.option("--clients", type=int, help="Websocket viewers.  [default: 1000; 50 with --map]")
@click.option("--votes-per-s", type=float, help="Writes per second (steady).  [default: 100; 50 with --map]")
@click.option(
    "--seconds", type=float, help="How long to send (steady; each phase with --map).  [default: 20; 15 with --map]"
)
@click.option(
    "--window-s",
    default=10.0,
    show_default=True,
    type=float,
    help="spike: the window every viewer votes within; storm: the time to resynchronise in.",
)
@click.option("--burst", is_flag=True, help="spike: every viewer votes at once instead of spread over the window.")
@click.option(
    "--storm-writes", default=20, show_default=True, type=int, help="storm: supports made while every viewer is away."
)
@click.option(
    "--processes",
    default=1,
    show_default=True,
    type=click.IntRange(1, 8),
    help="Servers on their own ports sharing DATABASE_URL (PostgreSQL) and REDIS_URL; viewers and "
    "writes are split evenly across them.",
)
@click.option(
    "--map",
    "with_map",
    is_flag=True,
    help="Marks on a large opinion map: write latency with the map idle, then while it recomputes.",
)
@click.option(
    "--map-size", default="5000x500", show_default=True, metavar="PxS", help="With --map: participants x statements."
)
@click.option(
    "--map-density",
    default=0.2,
    show_default=True,
    type=float,
    help="With --map: share of the statements each participant has marked.",
)
@click.option(
    "--map-interval-s", default=None, type=float, help="With --map: the map worker's interval.  [default: the app's]"
)
def bench_live(
    scenario: str,
    clients: int | None,
    votes_per_s: float | None,
    seconds: float | None,
    window_s: float,
    burst: bool,
    storm_writes: int,
    processes: int,
    with_map: bool,
    map_size: str,
    map_density: float,
    map_interval_s: float | None,
) -> None:
    """Viewers on websockets while supports arrive (steady, a spike, a reconnect storm; or, with --map,
    marks on a large map)."""
    if not with_map:
        from deliberate.bench.live import run

        run(
            clients=1000 if clients is None else clients,
            votes_per_s=100.0 if votes_per_s is None else votes_per_s,
            seconds=20.0 if seconds is None else seconds,
            scenario=scenario,
            processes=processes,
            window_s=window_s,
            burst=burst,
            storm_writes=storm_writes,
        )
        return
    if scenario != "steady" or processes != 1:
        raise click.UsageError("--map runs its own scenario on one process")
    from deliberate.bench.live_map import parse_shape
    from deliberate.bench.live_map import run as run_map
    from deliberate.statements.opinion import MIN_INTERVAL_S

    try:
        shape = parse_shape(map_size)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--map-size") from exc
    run_map(
        clients=50 if clients is None else clients,
        votes_per_s=50.0 if votes_per_s is None else votes_per_s,
        seconds=15.0 if seconds is None else seconds,
        shape=shape,
        density=map_density,
        interval_s=MIN_INTERVAL_S if map_interval_s is None else map_interval_s,
    )


@bench.command("opinion", context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.pass_context
def bench_opinion(ctx: click.Context) -> None:
    """Time the opinion map on a Pol.is export (--dataset DIR) or a synthetic PxC matrix (--synthetic)."""
    from deliberate.bench.opinion import main as run

    sys.exit(run(list(ctx.args)))


@bench.command("brief", context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.pass_context
def bench_brief(ctx: click.Context) -> None:
    """Build and render the brief of a big session (--proposals 1000 --votes 100000 --comments 5000)."""
    from deliberate.bench.brief import main as run

    sys.exit(run(list(ctx.args)))


@bench.command("lighthouse")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("artifacts/lighthouse"),
    show_default=True,
    help="Where the JSON reports go (kept out of git).",
)
@click.option(
    "--runs", default=1, show_default=True, type=click.IntRange(1, 9), help="Runs per page; the median score is kept."
)
def bench_lighthouse(out: Path, runs: int) -> None:
    """Lighthouse (mobile) on the join, session and projector pages of the seeded demo."""
    import json

    from deliberate.bench.lighthouse import met, run

    figures = run(out, runs)
    click.echo(json.dumps({"pages": figures, "targets_met": met(figures), "reports": str(out)}))


if __name__ == "__main__":
    main()
