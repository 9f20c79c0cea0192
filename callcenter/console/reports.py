"""Supervisor report pages: agents, queues by interval, IVR, campaigns, sales funnel and forecast, staffing.

One view serves every page. A page (report_pages.py) is a form of the period and the filters that apply to
it, and tables each filled by one report function; this module validates the form, shows each table with its
charts (the table is their text form) and downloads it as CSV (`?format=csv&table=NAME`) with exactly the
columns the page shows. The period is whole days, first to last, in the time zone the form
names (UTC unless chosen: the platform has no center time zone setting yet); by default the last 7 days
ending today, and today alone for staffing.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import Response, abort, current_app, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import Session

from crm_core import analytics
from crm_core.db import utcnow
from crm_core.errors import CrmError, ValidationError
from crm_core.models import CallList, Campaign, User

from ..db import get_session
from . import bp
from .auth import supervisor_required
from .report_pages import PAGES, Chart, Column, ReportPage, ReportQuery, Table

MAX_DAYS = 366
MAX_ID = 2**31 - 1  # the ids' SQL integer
MAX_FORECAST_INTERVALS = 24 * 60 // min(analytics.INTERVAL_MINUTES)  # a day
NUMBER_SEPARATORS = re.compile(r"[\s,;]+")


@dataclass(frozen=True)
class Field:
    """One input of a report form; `name` is both the query-string key and the ReportQuery attribute."""

    name: str
    label: str
    kind: str = "number"  # how the form shows it: date, text, number, select, textarea, time
    default: str = ""
    minimum: float | None = None
    maximum: float | None = None
    hint: str = ""


FIELDS = {field.name: field for field in (
    Field("first_day", "First day", "date"),
    Field("last_day", "Last day", "date"),
    Field("time_zone", "Time zone", "text", hint="days begin at midnight here (default: the center's, CENTER_TIMEZONE)"),
    Field("queue", "Queue", "text", hint="empty: every queue"),
    Field("agent", "Agent", "select"),
    Field("campaign", "Campaign", "select"),
    Field("call_list", "Call list", "select"),
    Field("interval", "Interval", "select", "30"),
    Field("target_seconds", "Answered within (seconds)", default="20", minimum=1, maximum=3600),
    Field("short_abandon_seconds", "Short abandon under (seconds)", default="5", minimum=0, maximum=3600),
    Field("planned_conversations", "Planned conversations", default="100", minimum=0, maximum=10_000_000),
    Field("service_level", "Target service level (%)", default="80", minimum=1, maximum=99),
    Field("max_occupancy", "Maximum occupancy (%)", default="85", minimum=1, maximum=100),
    Field("aht_seconds", "Average handle time (seconds)", minimum=1, maximum=36_000,
          hint="empty: measured over all agents in the period"),
    Field("forecast", "Forecast calls per interval", "textarea",
          hint="numbers separated by spaces or commas; empty: plan for the measured volume"),
    Field("first_interval", "First forecast interval starts at", "time", "09:00"),
)}
PERIOD_FIELDS = ("first_day", "last_day", "time_zone")



# --- routes -------------------------------------------------------------------------------------------------

@bp.get("/supervisor/reports")
@supervisor_required
def reports_index():
    """The report families, each with what it shows."""
    return render_template("reports/index.html", user=current_user.as_dict(), pages=PAGES.values())


@bp.get("/supervisor/reports/<slug>")
@supervisor_required
def report_page(slug: str):
    """A report family for the period and filters of the form; `format=csv&table=NAME` downloads one table."""
    page = PAGES.get(slug) or abort(404)
    session = get_session()
    defaults = _defaults(page)
    args = defaults | {key: value for key, value in request.args.items() if key in defaults}
    try:
        query = page.prepare(session, parse_query(page, args))
        if request.args.get("format") == "csv":
            return _csv(session, page, query, request.args.get("table", ""))
        tables = [_shown(session, table, query) for table in page.tables]
    except CrmError as exc:
        session.rollback()
        return _render(page, args, error=exc, status=400)
    return _render(page, args, query=query, tables=tables)


def _render(page: ReportPage, args: dict, *, query: ReportQuery | None = None, tables=(), error=None,
            status: int = 200):
    session = get_session()
    return render_template(
        "reports/report.html", user=current_user.as_dict(), page=page, pages=PAGES.values(), args=args,
        csv_url=lambda table: url_for("console.report_page", slug=page.slug, **args, format="csv", table=table),
        fields=[FIELDS[name] for name in (*PERIOD_FIELDS, *page.fields)], options=_options(session, page),
        tables=tables, query=query, error=_sentence(error) if error else None,
        error_field=getattr(error, "field", None)), status


def _sentence(error: CrmError) -> str:
    """A refusal as the page says it: the message without the field's code name, capitalized."""
    message = getattr(error, "message", None) or str(error)
    return message[:1].upper() + message[1:]


def _csv(session: Session, page: ReportPage, query: ReportQuery, name: str) -> Response:
    """The table as report_csv writes it, with the page's columns, named after the report and the period."""
    table = next((t for t in page.tables if t.name == name and t.missing(query) is None), None)
    if table is None:
        raise ValidationError("table", f"no table {name!r} to download on this page")
    body = analytics.report_csv(table.rows(session, query), [column.key for column in table.columns])
    filename = f"{page.slug}-{table.name}-{query.first_day}-{query.last_day}.csv"
    return Response(body, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _shown(session: Session, table: Table, query: ReportQuery) -> dict:
    """What the template draws of a table: its formatted cells, its charts' data, or why it is missing."""
    missing = table.missing(query)
    if missing:
        return {"table": table, "missing": missing}
    rows = table.rows(session, query)
    cells = [[_display(column, row.get(column.key), query.zone) for column in table.columns] for row in rows]
    charts = [_chart_data(chart, table, rows, query.zone) for chart in table.charts] if rows else []
    return {"table": table, "rows": rows, "cells": cells, "charts": charts, "missing": None}


# --- the form -------------------------------------------------------------------------------------------------

def _defaults(page: ReportPage) -> dict:
    """The form's values when nothing is asked: the page's default days ending today in the center's time zone,
    every field's default."""
    zone_name = current_app.config["CENTER_TIMEZONE"]
    today = utcnow().astimezone(ZoneInfo(zone_name)).date()
    values = {name: FIELDS[name].default for name in (*PERIOD_FIELDS, *page.fields)}
    return values | {"first_day": (today - timedelta(days=page.default_days - 1)).isoformat(),
                     "last_day": today.isoformat(), "time_zone": zone_name}


def parse_query(page: ReportPage, args: dict) -> ReportQuery:
    """Validate the form's values (the period and the page's fields), naming the first field refused."""
    zone_name = args.get("time_zone", "").strip() or current_app.config["CENTER_TIMEZONE"]
    zone = analytics.report_zone(zone_name)
    first, last = _day(args, "first_day"), _day(args, "last_day")
    if last < first:
        raise ValidationError("last_day", "the last day comes before the first day")
    if (last - first).days + 1 > MAX_DAYS:
        raise ValidationError("last_day", f"a report covers at most {MAX_DAYS} days: narrow the period")
    report = analytics.ReportFilter(
        start=datetime.combine(first, time(), zone).astimezone(timezone.utc),
        end=datetime.combine(last + timedelta(days=1), time(), zone).astimezone(timezone.utc),
        queue=(args.get("queue") or "").strip() or None, agent_id=_id(args, "agent"),
        campaign_id=_id(args, "campaign"), list_id=_id(args, "call_list"))
    settings = {}
    if "interval" in page.fields:
        settings["interval_minutes"] = _choice(args, "interval", analytics.INTERVAL_MINUTES)
    for name in ("target_seconds", "short_abandon_seconds", "planned_conversations"):
        if name in page.fields:
            settings[name] = int(_number(args, name))
    for name in ("service_level", "max_occupancy"):
        if name in page.fields:
            settings[name] = _number(args, name) / 100
    if "aht_seconds" in page.fields and (args.get("aht_seconds") or "").strip():
        settings |= {"aht_seconds": _number(args, "aht_seconds"), "aht_entered": True}
    if "forecast" in page.fields:
        settings["forecast"] = _forecast(args.get("forecast", ""))
        settings["first_interval"] = _time(args, "first_interval")
    return ReportQuery(report, first, last, zone_name, **settings)


def _day(args: dict, name: str) -> date:
    try:
        return date.fromisoformat((args.get(name) or "").strip())
    except ValueError:
        raise ValidationError(name, f"{FIELDS[name].label.lower()} must be a date such as 2026-06-01") from None


def _id(args: dict, name: str) -> int | None:
    value = (args.get(name) or "").strip()
    if not value:
        return None
    if not value.isascii() or not value.isdigit() or int(value) > MAX_ID:
        raise ValidationError(name, f"unknown {FIELDS[name].label.lower()}: choose one from the list")
    return int(value)


def _choice(args: dict, name: str, choices: tuple[int, ...]) -> int:
    value = (args.get(name) or "").strip()
    if not value.isdigit() or int(value) not in choices:
        raise ValidationError(name, f"the {name} must be one of {', '.join(map(str, choices))}")
    return int(value)


def _number(args: dict, name: str) -> float:
    field = FIELDS[name]
    try:
        value = float((args.get(name) or "").strip().replace(",", "."))
    except ValueError:
        raise ValidationError(name, f"{field.label} must be a number") from None
    if not math.isfinite(value) or not field.minimum <= value <= field.maximum:
        raise ValidationError(name, f"{field.label} must be between {field.minimum:g} and {field.maximum:g}")
    return value


def _forecast(text: str) -> tuple[float, ...]:
    """Calls per interval as typed: numbers separated by spaces, commas, semicolons or new lines."""
    words = [word for word in NUMBER_SEPARATORS.split(text.strip()) if word]
    try:
        calls = tuple(float(word) for word in words)
    except ValueError:
        raise ValidationError("forecast", "calls per interval must be numbers, such as 12 15 20") from None
    if any(not math.isfinite(n) or n < 0 for n in calls) or len(calls) > MAX_FORECAST_INTERVALS:
        raise ValidationError("forecast", f"a forecast has at most {MAX_FORECAST_INTERVALS} intervals, none negative")
    return calls


def _time(args: dict, name: str) -> time:
    try:
        return time.fromisoformat((args.get(name) or "").strip())
    except ValueError:
        raise ValidationError(name, f"{FIELDS[name].label.lower()} must be a time such as 09:00") from None


def _options(session: Session, page: ReportPage) -> dict:
    """The choices of the page's select fields: agents, campaigns, call lists, intervals."""
    options = {}
    if "agent" in page.fields:
        options["agent"] = session.execute(sa.select(User.id, User.full_name).where(User.role == "agent")
                                           .order_by(User.full_name)).all()
    if "campaign" in page.fields:
        options["campaign"] = session.execute(sa.select(Campaign.id, Campaign.name).order_by(Campaign.name)).all()
    if "call_list" in page.fields:
        options["call_list"] = [
            (list_id, f"{name} ({campaign})") for list_id, name, campaign in session.execute(
                sa.select(CallList.id, CallList.name, Campaign.name).join(Campaign)
                .order_by(Campaign.name, CallList.name))]
    if "interval" in page.fields:
        options["interval"] = [(minutes, f"{minutes} minutes") for minutes in analytics.INTERVAL_MINUTES]
    return options


# --- how figures read -----------------------------------------------------------------------------------------

def _display(column: Column, value, zone: ZoneInfo) -> str:
    """A value as the page shows it (the CSV keeps it raw)."""
    if value is None:
        return column.blank
    if column.kind == "rate":
        return f"{value * 100:.1f} %"
    if column.kind == "seconds":
        return _duration(value)
    if column.kind in ("erlangs", "decimal"):
        return f"{value:,.2f}"
    if column.kind == "count":
        return f"{value:,}"
    if column.kind == "time":
        return value.astimezone(zone).strftime("%Y-%m-%d %H:%M")
    if column.kind == "date":
        return value.isoformat()
    if column.kind == "flag":
        return "yes" if value else "no"
    return str(value)


def _duration(seconds: float) -> str:
    """"4:05" or "1:02:03", rounded to the second."""
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def _chart_data(chart: Chart, table: Table, rows: list[dict], zone: ZoneInfo) -> dict:
    """What reports.js hands Chart.js: labels along x, one series per group and y column, in the y column's
    unit (rates in percent, durations in seconds)."""
    columns = {column.key: column for column in table.columns}
    x_column = columns[chart.x]
    labels = list(dict.fromkeys(_display(x_column, row.get(chart.x), zone) for row in rows))
    if x_column.kind in ("time", "date"):
        labels.sort()
    groups = list(dict.fromkeys(row.get(chart.group) for row in rows)) if chart.group else [None]
    unit = columns[chart.y[0]].kind
    datasets = []
    for group in groups:
        members = [row for row in rows if chart.group is None or row.get(chart.group) == group]
        for key in chart.y:
            values = {_display(x_column, row.get(chart.x), zone): _plotted(columns[key], row.get(key))
                      for row in members}
            label = columns[key].label
            if chart.group is not None:
                name = _display(columns[chart.group], group, zone)
                label = name if len(chart.y) == 1 else f"{name}: {label}"
            datasets.append({"label": label, "data": [values.get(x) for x in labels]})
    return {"title": chart.title, "type": chart.kind, "unit": unit, "labels": labels, "datasets": datasets}


def _plotted(column: Column, value):
    if value is None:
        return None
    return round(value * 100, 2) if column.kind == "rate" else round(float(value), 2)
