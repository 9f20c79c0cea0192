"""What each report page shows: its tables, their columns and charts, and the one report function of
`crm_core.analytics` or `dialer.reports` that fills each table (no figure is computed here)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Callable
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from crm_core import analytics
from crm_core.analytics import erlang
from crm_core.db import utcnow
from dialer.reports import abandon_by_day, campaign_agent_report, campaign_list_report

DEFAULT_TIME_ZONE = "UTC"


@dataclass(frozen=True)
class ReportQuery:
    """What the supervisor asked for, validated: the period with its filters, and the page's settings."""

    report: analytics.ReportFilter
    first_day: date
    last_day: date
    time_zone: str = DEFAULT_TIME_ZONE
    interval_minutes: int = 30
    target_seconds: int = 20
    short_abandon_seconds: int = 5
    planned_conversations: int = 100
    service_level: float = 0.8
    max_occupancy: float = erlang.DEFAULT_MAX_OCCUPANCY
    aht_seconds: float | None = None
    aht_entered: bool = False
    forecast: tuple[float, ...] = ()
    first_interval: time = time(9, 0)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)


@dataclass(frozen=True)
class Column:
    """A column of a report table: the row key, its heading, and how a value reads (text, count, seconds,
    rate, erlangs, decimal, time, date)."""

    key: str
    label: str
    kind: str = "count"
    blank: str = "—"


@dataclass(frozen=True)
class Chart:
    """A chart of a table: `y` columns against `x`, one series per value of `group` (if any) and y column."""

    title: str
    x: str
    y: tuple[str, ...]
    kind: str = "bar"
    group: str | None = None


@dataclass(frozen=True)
class Table:
    """A report table: `rows` calls one report function; `missing` says why it cannot be shown yet, if so."""

    name: str
    title: str
    columns: tuple[Column, ...]
    rows: Callable[[Session, ReportQuery], list[dict]]
    charts: tuple[Chart, ...] = ()
    missing: Callable[[ReportQuery], str | None] = lambda query: None


@dataclass(frozen=True)
class ReportPage:
    """A report family: its form's fields (beyond the period) and its tables."""

    slug: str
    title: str
    summary: str
    fields: tuple[str, ...]
    tables: tuple[Table, ...]
    default_days: int = 7
    prepare: Callable[[Session, ReportQuery], ReportQuery] = lambda session, query: query


# --- the tables, each one report function ----------------------------------------------------------------

AGENT = Column("agent", "Agent", "text")
QUEUE = Column("queue", "Queue", "text")
INTERVAL = Column("interval_start", "Interval", "time")
STAFFING_COLUMNS = (
    Column("traffic_erlangs", "Traffic (Erlangs)", "erlangs"), Column("agents_needed", "Agents needed"),
    Column("expected_service_level", "Expected service level", "rate"),
    Column("expected_asa_seconds", "Expected ASA", "seconds"),
    Column("expected_occupancy", "Expected occupancy", "rate"))
QUEUE_COLUMNS = (
    Column("offered", "Offered"), Column("answered", "Answered"), Column("abandoned", "Abandoned"),
    Column("short_abandoned", "Short abandons"), Column("answered_within_target", "Answered within target"),
    Column("service_level", "Service level", "rate"), Column("abandon_rate", "Abandon rate", "rate"),
    Column("asa_seconds", "ASA", "seconds"), Column("longest_wait_seconds", "Longest wait", "seconds"))
CAMPAIGN_RATES = (
    Column("attempts_placed", "Attempts"), Column("leads_attempted", "Leads dialed"),
    Column("attempts_per_lead", "Attempts per lead", "decimal"), Column("contacts", "Contacts"),
    Column("contact_rate", "Contact rate", "rate"), Column("conversions", "Conversions"),
    Column("conversion_rate", "Conversion rate", "rate"))


def _queue_rows(session: Session, query: ReportQuery, interval_minutes: int | None) -> list[dict]:
    return analytics.queue_report(session, query.report, interval_minutes=interval_minutes,
                                  target_seconds=query.target_seconds,
                                  short_abandon_seconds=query.short_abandon_seconds, time_zone=query.time_zone)


def _with_measured_aht(session: Session, query: ReportQuery) -> ReportQuery:
    """The AHT entered, else the period's measured over every agent (time in state cannot be split by queue)."""
    if query.aht_entered:
        return query
    measured = analytics.measured_aht(session, dataclasses.replace(query.report, queue=None), now=utcnow())
    return dataclasses.replace(query, aht_seconds=measured)


def _aht_rows(session: Session, query: ReportQuery) -> list[dict]:
    if query.aht_entered:
        source = "entered"
    else:
        source = "measured over all agents in the period" if query.aht_seconds is not None else "no call handled"
    return [{"aht_seconds": query.aht_seconds, "source": source}]


def _staffing_missing(query: ReportQuery, *, forecast: bool) -> str | None:
    if bool(query.forecast) != forecast:
        return "Enter a forecast to plan for it." if forecast else "Planned from your forecast below."
    if query.aht_seconds is None:
        return "No call was handled in the period to measure the average handle time: enter one."
    return None


def _staffing_rows(session: Session, query: ReportQuery) -> list[dict]:
    return analytics.staffing_plan(
        session, query.report, aht_seconds=query.aht_seconds, interval_minutes=query.interval_minutes,
        target_seconds=query.target_seconds, target_service_level=query.service_level,
        max_occupancy=query.max_occupancy, time_zone=query.time_zone)


def _forecast_rows(session: Session, query: ReportQuery) -> list[dict]:
    """Erlang C for each forecast interval, named by its start (the first at `first_interval`)."""
    rows = []
    first = datetime.combine(query.first_day, query.first_interval)
    for n, calls in enumerate(query.forecast):
        plan = erlang.agents_needed(calls, query.aht_seconds, interval_seconds=query.interval_minutes * 60,
                                    target_seconds=query.target_seconds,
                                    target_service_level=query.service_level, max_occupancy=query.max_occupancy)
        starts = first + timedelta(minutes=query.interval_minutes * n)
        rows.append({"interval": starts.strftime("%H:%M"), "calls": calls, "traffic_erlangs": plan.traffic,
                     "agents_needed": plan.agents, "expected_service_level": plan.service_level,
                     "expected_asa_seconds": plan.average_speed_of_answer, "expected_occupancy": plan.occupancy})
    return rows


PAGES = {page.slug: page for page in (
    ReportPage(
        "agents", "Agent performance", "Calls handled, talk, hold and wrap-up time, AHT, occupancy, dispositions.",
        ("agent",),
        (Table("performance", "Performance by agent", (
            AGENT, Column("calls_handled", "Calls handled"), Column("talk_seconds", "Talk", "seconds"),
            Column("hold_seconds", "Hold", "seconds"), Column("wrap_seconds", "Wrap-up", "seconds"),
            Column("aht_seconds", "AHT", "seconds"), Column("available_seconds", "Available or ringing", "seconds"),
            Column("break_seconds", "Break", "seconds"), Column("occupancy", "Occupancy", "rate")),
            lambda session, query: analytics.agent_performance(session, query.report, now=utcnow()),
            (Chart("Average handle time by agent", "agent", ("aht_seconds",)),
             Chart("Occupancy by agent", "agent", ("occupancy",)))),
         Table("dispositions", "Dispositions by agent", (
             AGENT, Column("disposition", "Disposition", "text"), Column("calls", "Calls")),
             lambda session, query: analytics.agent_dispositions(session, query.report),
             (Chart("Dispositions by agent", "agent", ("calls",), group="disposition"),)))),
    ReportPage(
        "queues", "Queues", "Offered, answered, abandoned, service level and ASA, per queue and by interval.",
        ("queue", "agent", "interval", "target_seconds", "short_abandon_seconds"),
        (Table("queues", "Per queue", (QUEUE, *QUEUE_COLUMNS),
               lambda session, query: _queue_rows(session, query, None)),
         Table("intervals", "By interval", (QUEUE, INTERVAL, *QUEUE_COLUMNS),
               lambda session, query: _queue_rows(session, query, query.interval_minutes),
               (Chart("Calls offered by interval", "interval_start", ("offered",), group="queue"),
                Chart("Service level by interval", "interval_start", ("service_level",), "line", "queue"))))),
    ReportPage(
        "ivr", "IVR", "Containment, where callers leave the IVR, the order statuses they ask about.",
        ("queue",),
        (Table("summary", "How IVR sessions ended", (
            Column("entered", "Entered the IVR"), Column("contained", "Contained"),
            Column("transferred", "Transferred to an agent"), Column("callback", "Callback booked"),
            Column("abandoned", "Hung up"), Column("containment_rate", "Containment rate", "rate")),
            lambda session, query: [analytics.ivr_summary(session, query.report)]),
         Table("exit_steps", "Where callers leave", (
             Column("step", "Last step", "text"), Column("outcome", "Outcome", "text"), Column("calls", "Calls")),
             lambda session, query: analytics.ivr_exit_steps(session, query.report),
             (Chart("Where callers leave", "step", ("calls",), group="outcome"),)),
         Table("order_statuses", "Order statuses asked about", (
             Column("status", "Order status", "text"), Column("calls", "Calls")),
             lambda session, query: analytics.asked_order_statuses(session, query.report),
             (Chart("Order statuses asked about", "status", ("calls",)),)))),
    ReportPage(
        "campaigns", "Campaigns", "List penetration, contact and conversion rates by list and agent, abandon rate.",
        ("campaign", "call_list", "agent"),
        (Table("lists", "By call list", (
            Column("list", "Call list", "text"), Column("leads", "Leads"),
            Column("list_penetration", "List penetration", "rate"), *CAMPAIGN_RATES),
            lambda session, query: campaign_list_report(session, query.report),
            (Chart("Rates by call list", "list", ("list_penetration", "contact_rate", "conversion_rate")),)),
         Table("agents", "By agent", (
             Column("agent", "Agent", "text", blank="No agent (abandoned)"), CAMPAIGN_RATES[0],
             *CAMPAIGN_RATES[3:]),
             lambda session, query: campaign_agent_report(session, query.report),
             (Chart("Conversion rate by agent", "agent", ("conversion_rate",)),)),
         Table("abandon_by_day", "Abandon rate by day", (
             Column("day", "Day", "date"), Column("live_agent", "Connected to an agent"), Column("drops", "Abandoned"),
             Column("am_agent", "Machines sent to agents"), Column("abandon_rate", "Abandon rate", "rate"),
             Column("abandon_rate_30_days", "Last 30 days", "rate"), Column("limit", "Limit", "rate"),
             Column("over_limit", "Over the limit", "flag")),
             lambda session, query: abandon_by_day(session, query.report, time_zone=query.time_zone),
             (Chart("Abandon rate by day", "day", ("abandon_rate", "abandon_rate_30_days", "limit"), "line"),),
             missing=lambda query: None if query.report.campaign_id else "Choose a campaign to see its abandon rate.")),
    ),
    ReportPage(
        "sales", "Sales funnel and forecast", "Conversations, sales, orders and deliveries; what a plan should yield.",
        ("agent", "queue", "campaign", "planned_conversations"),
        (Table("funnel", "Sales funnel", (
            Column("stage", "Stage", "text"), Column("calls", "Calls"),
            Column("of_previous", "Of the previous stage", "rate"),
            Column("of_conversations", "Of conversations", "rate")),
            lambda session, query: analytics.sales_funnel(session, query.report),
            (Chart("Sales funnel", "stage", ("calls",)),)),
         Table("forecast", "Forecast for the planned conversations", (
             Column("stage", "Stage", "text"), Column("expected", "Expected", "decimal")),
             lambda session, query: analytics.sales_forecast(session, query.report, query.planned_conversations),
             (Chart("Forecast", "stage", ("expected",)),)))),
    ReportPage(
        "staffing", "Staffing (Erlang C)",
        "Agents needed per interval for a service level, from the measured volume or a forecast.",
        ("queue", "interval", "service_level", "target_seconds", "max_occupancy", "aht_seconds", "forecast",
         "first_interval"),
        (Table("aht", "Average handle time used", (
            Column("aht_seconds", "AHT", "seconds"), Column("source", "Source", "text")), _aht_rows),
         Table("measured", "Agents needed for the measured volume",
               (QUEUE, INTERVAL, Column("offered", "Calls offered"), *STAFFING_COLUMNS), _staffing_rows,
               (Chart("Agents needed by interval", "interval_start", ("agents_needed",), group="queue"),),
               missing=lambda query: _staffing_missing(query, forecast=False)),
         Table("forecast", "Agents needed for your forecast",
               (Column("interval", "Interval", "text"), Column("calls", "Calls", "decimal"), *STAFFING_COLUMNS),
               _forecast_rows, (Chart("Agents needed for your forecast", "interval", ("agents_needed",)),),
               missing=lambda query: _staffing_missing(query, forecast=True))),
        default_days=1, prepare=_with_measured_aht),
)}
