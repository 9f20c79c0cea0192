"""`callcenter reports rollup`: fill the reports' roll-up for a past period (after an upgrade, or to take in
events that arrived later than the scheduled roll-up looks back)."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import click
from flask.cli import with_appcontext

from crm_core.analytics.rollup import roll_up
from crm_core.db import utcnow

from .db import get_session
from .report_jobs import SETTLE

DAY = timedelta(days=1)


def _moment(value: str | None, option: str) -> datetime | None:
    """An ISO 8601 date or time; UTC without an offset."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("an ISO 8601 date or time, e.g. 2026-06-01 or 2026-06-01T09:00+03:00",
                                 param_hint=option) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


@click.group("reports")
def reports_cli() -> None:
    """Supervisor reports: their roll-up."""


@reports_cli.command("rollup")
@click.option("--since", required=True, help="First moment to roll up (ISO 8601; UTC without an offset).")
@click.option("--until", help="Where to stop (default: an hour ago, when recent calls are over).")
@with_appcontext
def rollup_command(since: str, until: str | None) -> None:
    """Roll up (again) every 15-minute interval from --since to --until, a day per transaction."""
    now = utcnow()
    start, end = _moment(since, "--since"), _moment(until, "--until") or now - SETTLE
    if end <= start:
        raise click.BadParameter("must come after --since", param_hint="--until")
    session = get_session()
    began, rolled, day = time.monotonic(), 0, start
    while day < end:
        rolled += roll_up(session, day, min(day + DAY, end), now=now)
        session.commit()
        day += DAY
        click.echo(f"  rolled up to {min(day, end).isoformat()}: {rolled} intervals, "
                   f"{time.monotonic() - began:.0f} s", err=True)
    click.echo(f"{rolled} intervals rolled up from {start.isoformat()} to {end.isoformat()} "
               f"in {time.monotonic() - began:.1f} s")
