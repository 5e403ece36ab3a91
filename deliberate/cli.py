"""The `deliberate` command: migrate, users, serve, demo, bench."""

from __future__ import annotations

import asyncio
import sys

import click

from deliberate.settings import Settings


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


def _serve(host: str, port: int, settings: Settings) -> None:
    import uvicorn

    from deliberate.app import create_app

    uvicorn.run(create_app(settings), host=host, port=port, ws_per_message_deflate=False,
                log_level="warning", ws_max_size=16 * 1024, proxy_headers=True)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
def serve(host: str, port: int) -> None:
    """Serve the app (migrations are applied first)."""
    from deliberate.db import migrate as run_migrations

    settings = Settings.from_env()
    asyncio.run(run_migrations(settings))
    _serve(host, port, settings)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--simulate", default=0, show_default=True, type=int, help="Simulated participants acting live.")
def demo(host: str, port: int, simulate: int) -> None:
    """Seed the Phuket demo assembly and serve it."""
    from deliberate.demo import run_demo

    run_demo(host, port, simulate)


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
@click.option("--days", type=click.IntRange(min=1), default=None,
              help="Retention period in days (default: the one the join notice promises).")
@click.option("--dry-run", is_flag=True, help="Only say what would be purged.")
def privacy_purge(days: int | None, dry_run: bool) -> None:
    """Remove names and organisations of sessions older than the retention period; keep the totals."""
    from tortoise import Tortoise

    from deliberate.db import tortoise_config
    from deliberate.privacy import RETENTION_DAYS
    from deliberate.retention import purge_personal_data

    async def run() -> None:
        await Tortoise.init(config=tortoise_config(Settings.from_env().db_url))
        try:
            report = await purge_personal_data(days=days or RETENTION_DAYS, dry_run=dry_run)
        finally:
            await Tortoise.close_connections()
        verb = "would purge" if dry_run else "purged"
        click.echo(f"{verb} {report.participants} participants in {len(report.sessions)} sessions"
                   + (f": {', '.join(report.sessions)}" if report.sessions else ""))

    asyncio.run(run())


@main.group()
def bench() -> None:
    """Benchmarks that print JSON figures."""


@bench.command("live")
@click.option("--clients", type=int, help="Websocket viewers.  [default: 1000; 50 with --map]")
@click.option("--votes-per-s", type=float, help="Writes per second.  [default: 100; 50 with --map]")
@click.option("--seconds", type=float, help="How long to send (each phase with --map).  [default: 20; 15 with --map]")
@click.option("--map", "with_map", is_flag=True,
              help="Marks on a large opinion map: write latency with the map idle, then while it recomputes.")
@click.option("--map-size", default="5000x500", show_default=True, metavar="PxS",
              help="With --map: participants x statements.")
@click.option("--map-density", default=0.2, show_default=True, type=float,
              help="With --map: share of the statements each participant has marked.")
@click.option("--map-interval-s", default=None, type=float,
              help="With --map: the map worker's interval.  [default: the app's]")
def bench_live(clients: int | None, votes_per_s: float | None, seconds: float | None, with_map: bool,
               map_size: str, map_density: float, map_interval_s: float | None) -> None:
    """Viewers on websockets while supports arrive at a steady rate (or, with --map, marks on a large map)."""
    if not with_map:
        from deliberate.bench.live import run

        run(clients=1000 if clients is None else clients, votes_per_s=100.0 if votes_per_s is None else votes_per_s,
            seconds=20.0 if seconds is None else seconds)
        return
    from deliberate.bench.live_map import parse_shape
    from deliberate.bench.live_map import run as run_map
    from deliberate.statements.opinion import MIN_INTERVAL_S

    try:
        shape = parse_shape(map_size)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--map-size") from exc
    run_map(clients=50 if clients is None else clients, votes_per_s=50.0 if votes_per_s is None else votes_per_s,
            seconds=15.0 if seconds is None else seconds, shape=shape, density=map_density,
            interval_s=MIN_INTERVAL_S if map_interval_s is None else map_interval_s)


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


if __name__ == "__main__":
    main()
