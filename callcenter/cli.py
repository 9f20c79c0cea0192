"""The `callcenter` console command: Flask's CLI plus the platform's own commands."""

from __future__ import annotations

import logging
import os
import sys
from datetime import timedelta
from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from crm_core import models
from crm_core.errors import ValidationError
from dialer.engine import RECONCILE_AFTER

from . import ConfigError, create_app
from .call_logging import LOG_FORMAT_VARIABLE, LOG_FORMATS, LoggedJob, chosen_log_format, configure_logging
from .db import database, get_session, upgrade_database
from .redis_store import get_redis, redis_url, stop_embedded_redis
from .dialer_cli import campaigns_cli, dnc_cli, gate_cli, lists_cli
from .reports_cli import reports_cli
from .ivr_cli import ivr_command
from .sandbox_cli import call_command, sandbox_command

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DEMO_CUSTOMERS = 300
# How often the pacer pushes campaign progress to the supervisors' pages (its rounds are more frequent).
PROGRESS_EVERY_SECONDS = 2.0
# How often the pacer publishes the supervisors' wallboard (today's queue figures, campaigns, alerts).
WALLBOARD_EVERY_SECONDS = 3.0
# How often the pacer looks for calls whose final status callback was lost (a query over the last day's calls).
LOST_CALLS_EVERY_SECONDS = 10.0
# A stopped pacer's standby takes over this long after its last round.
PACER_LEASE_SECONDS = 30.0


def _create_app():
    """The app for CLI commands; a bad setting ends the command with its message, not a traceback."""
    try:
        return create_app()
    except ConfigError as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False)
@click.option("--log-format", type=click.Choice(LOG_FORMATS),
              help="text for people, json for a log pipeline (one object per line, with the call on each line); "
                   f"default: the {LOG_FORMAT_VARIABLE} variable, else text.")
def main(log_format: str | None) -> None:
    """Contact-center platform: run it, load demo data, manage users, place simulated calls."""
    try:
        configure_logging(chosen_log_format(log_format))
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None


main.add_command(sandbox_command)
main.add_command(call_command)
main.add_command(ivr_command)
main.add_command(reports_cli)
for dialer_group in (campaigns_cli, lists_cli, dnc_cli, gate_cli):
    main.add_command(dialer_group)


@main.command("demo-data")
@click.option("--customers", default=DEFAULT_DEMO_CUSTOMERS, show_default=True, help="How many customers to create.")
@click.option("--seed", default=1, show_default=True, help="Same seed, same data.")
@with_appcontext
def demo_data_command(customers: int, seed: int) -> None:
    """Load deterministic demo customers, orders, histories and users."""
    _load_demo_data(customers, seed)


def _load_demo_data(customers: int, seed: int) -> None:
    from crm_core.db import utcnow
    from crm_core.demo_data import DatabaseNotEmpty, load_demo_data, load_demo_offers

    with click.progressbar(length=customers, label="demo customers", file=sys.stderr) as bar:
        last = 0

        def progress(done: int, _total: int) -> None:
            nonlocal last
            bar.update(done - last)
            last = done

        try:
            summary = load_demo_data(
                database().engine, customers=customers, seed=seed,
                default_region=current_app.config["DEFAULT_REGION"], progress=progress,
            )
        except (DatabaseNotEmpty, ValidationError) as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(
        f"loaded {summary.customers} customers, {summary.orders} orders, {summary.interactions} interactions, "
        f"{summary.tickets} tickets, {summary.tasks} tasks"
    )
    offers = load_demo_offers(database().engine, now=utcnow())
    click.echo(f"loaded {offers.segments} segments and {offers.offers} next-best offers")
    click.echo("demo logins (shown once):")
    for username, role, password in summary.users:
        click.echo(f"  {role:<10} {username:<12} {password}")


@main.group("users")
def users_cli() -> None:
    """Manage logins and API tokens."""


@users_cli.command("create")
@click.option("--username", required=True)
@click.option("--full-name", required=True)
@click.option("--role", type=click.Choice(models.ROLES), default="agent", show_default=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--skill", "skills", multiple=True)
@click.option("--language", "languages", multiple=True)
@with_appcontext
def create_user_command(username, full_name, role, password, skills, languages) -> None:
    """Create a login."""
    from crm_core.users import create_user

    session = get_session()
    try:
        create_user(session, username=username, full_name=full_name, role=role, password=password,
                    skills=list(skills), languages=list(languages))
    except ValidationError as exc:
        raise click.ClickException(str(exc)) from exc
    session.commit()
    click.echo(f"created {role} {username}")


@users_cli.command("token")
@click.argument("username")
@click.option("--name", default="cli", show_default=True, help="What the token is for.")
@with_appcontext
def issue_token_command(username: str, name: str) -> None:
    """Issue an API token for USERNAME and print it once."""
    from crm_core.users import issue_api_token

    session = get_session()
    user = session.scalar(sa.select(models.User).where(models.User.username == username))
    if user is None:
        raise click.ClickException(f"no user {username!r}")
    token = issue_api_token(session, user, name)
    session.commit()
    click.echo(token)


@main.command("worker")
@click.option("--queue", "queues", multiple=True, default=("default",), show_default=True)
@click.option("--burst", is_flag=True, help="Stop when the queues are empty.")
@with_appcontext
def worker_command(queues: tuple[str, ...], burst: bool) -> None:
    """Run an rq worker whose jobs run inside this app's context, each logging the call it works on."""
    from rq import Worker

    Worker(list(queues), connection=get_redis(), job_class=LoggedJob).work(burst=burst, with_scheduler=True)


@main.command("pacer")
@click.option("--interval", default=0.5, show_default=True, help="Seconds between two rounds.")
@click.option("--reconcile-after", type=click.FloatRange(min=1), show_default=True,
              default=RECONCILE_AFTER.total_seconds(),
              help="Seconds a claimed dial may go without word from the provider before it is settled (found at "
                   "the provider, or closed as lost and its lead dialed again); also how often a call still open "
                   "(its final status callback lost) is looked up at the provider.")
@click.option("--lease-seconds", type=click.FloatRange(min=1), default=PACER_LEASE_SECONDS, show_default=True,
              help="How long the running pacer's lease lasts without renewal: a standby pacer takes over this long "
                   "after the running one stopped. Keep it above the longest round.")
@with_appcontext
def pacer_command(interval: float, reconcile_after: float, lease_seconds: float) -> None:
    """Run the periodic duties: expire unanswered offers, sign out agents whose consoles vanished, and pace
    the running campaigns (dial jobs go to the rq workers), pushing their progress and the wallboard to the
    supervisors. One pacer works at a time; any other stands by and takes over if it stops."""
    import signal
    import socket
    import threading
    import time

    from rq import Queue

    from crm_core.db import utcnow
    from dialer.jobs import pace_campaigns

    from .console.campaigns import publish_watched_progress
    from .console.wiring import current_desk, publish_wallboard
    from .db import close_session
    from .lost_calls import settle_lost_calls
    from .pacer_lease import PacerLease
    from .redis_store import once_per
    from .telephony import provider
    from .report_jobs import REPORTS_QUEUE, schedule_report_rollup

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    log = logging.getLogger("callcenter.pacer")
    lease = PacerLease(get_redis(), f"{socket.gethostname()}:{os.getpid()}", lease_seconds)
    log.info("pacer %s running every %.1fs", lease.holder, interval)
    next_progress = next_wallboard = next_lost_calls = 0.0
    standing_by = False
    while not stop.is_set():
        try:
            if not lease.hold():
                if not standing_by:
                    log.info("pacer %s stands by: %s holds the lease", lease.holder, lease.holder_now())
                standing_by = True
                continue
            if standing_by:
                log.info("pacer %s took the lease over", lease.holder)
                standing_by = False
            current_desk().sweep()
            get_session().commit()
            pace_campaigns(reconcile_after=timedelta(seconds=reconcile_after))
            if time.monotonic() >= next_lost_calls:
                next_lost_calls = time.monotonic() + LOST_CALLS_EVERY_SECONDS
                settle_lost_calls(get_session(), provider(), current_desk(), now=utcnow(),
                                  after=timedelta(seconds=reconcile_after),
                                  may_ask=once_per(timedelta(seconds=reconcile_after), "calls:settle"),
                                  default_region=current_app.config["DEFAULT_REGION"])
            if time.monotonic() >= next_progress:
                next_progress = time.monotonic() + PROGRESS_EVERY_SECONDS
                publish_watched_progress(get_session(), utcnow())
            if time.monotonic() >= next_wallboard:
                next_wallboard = time.monotonic() + WALLBOARD_EVERY_SECONDS
                publish_wallboard(get_session(), utcnow())
            schedule_report_rollup(Queue(REPORTS_QUEUE, connection=get_redis()), utcnow())
        except Exception:  # one bad round must not stop the floor; the next round retries
            log.exception("pacer round failed")
        finally:
            close_session()
            stop.wait(interval)
    lease.release()


@main.command("up")
@click.option("--demo-customers", default=DEFAULT_DEMO_CUSTOMERS, show_default=True,
              help="Demo customers to load when the database is empty (0: none).")
@click.option("--only", "only", multiple=True, help="Start only these Procfile processes.")
@with_appcontext
def up_command(demo_customers: int, only: tuple[str, ...]) -> None:
    """Run the whole platform: migrate, load demo data if empty, start the Procfile processes together."""
    from honcho.environ import parse_procfile
    from honcho.manager import Manager

    app = current_app._get_current_object()
    upgrade_database(app)
    session = get_session()
    empty = not session.scalar(sa.select(sa.func.count()).select_from(models.Customer))
    session.close()  # end the read before the loader writes (SQLite has one writer at a time)
    if demo_customers and empty:
        _load_demo_data(demo_customers, seed=1)

    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["DATABASE_URL"] = app.config["DATABASE_URL"]
    env["REDIS_URL"] = redis_url(app)
    env["SECRET_KEY"] = app.config["SECRET_KEY"]
    env[LOG_FORMAT_VARIABLE] = chosen_log_format(click.get_current_context().find_root().params["log_format"])
    env.setdefault("PORT", str(app.config["PORT"]))
    env.setdefault("VOICE_PORT", str(app.config["VOICE_PORT"]))
    processes = {name: command for name, command in parse_procfile((PROJECT_ROOT / "Procfile").read_text())
                 .processes.items() if not only or name in only}
    voice_url = app.config["VOICE_BASE_URL"]
    if "voice" in processes and voice_url == f"http://127.0.0.1:{app.config['PORT']}":
        # No proxy in front to route /voice/ to the voice process: Twilio (the sandbox) is sent to it directly.
        voice_url = env["VOICE_BASE_URL"] = f"http://127.0.0.1:{app.config['VOICE_PORT']}"
    manager = Manager()
    for name, command in processes.items():
        manager.add_process(name, command, env=env, cwd=str(PROJECT_ROOT))
    click.echo(f"platform starting: web {app.config['PUBLIC_BASE_URL']}  voice webhooks {voice_url}  "
               f"health {app.config['PUBLIC_BASE_URL']}/healthz")
    try:
        manager.loop()
    finally:
        stop_embedded_redis()
    sys.exit(manager.returncode)
