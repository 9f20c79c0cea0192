"""Queue report: offered, answered, abandoned (short abandons apart), service level and ASA, by queue and
optionally by interval.

Where the numbers come from: a call was offered to a queue when it is an inbound voice interaction with
`Interaction.queue` set (the desk sets it when the caller starts waiting). Its wait is what Twilio reports
when the caller leaves the queue (the `queue_left` event's QueueTime), summed over its stints in the queue
(an agent whose phone did not answer sends the caller back). It was answered when it left the queue to an
agent (QueueResult bridged or redirected) and abandoned when the caller hung up while waiting (`hangup`).
Calls are counted in the period, and in the interval, in which they started; intervals are aligned on the
clock of the report's time zone.

The figures are counts, sums and a maximum, so a period's are those of its 15-minute intervals combined: the
roll-up (crm_core.analytics.rollup) keeps them per interval with each wait to the second, which makes any
target and short-abandon threshold exact, and the raw calls answer for the intervals it does not hold.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from datetime import datetime, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..errors import ValidationError
from ..models import Interaction, InteractionEvent, QueueIntervalFigures, QueueWaitCounts
from . import formulas
from .coverage import ROLLUP_SECONDS, Coverage, coverage
from .filters import ReportFilter, interval_seconds
from .sql import count_where, epoch_seconds, interval_start, sum_where, without_jit

DEFAULT_TARGET_SECONDS = 20
DEFAULT_SHORT_ABANDON_SECONDS = 5
# Twilio's QueueResult when an agent took the caller (same list as callcenter.voice.routes.DEQUEUED_RESULTS).
DEQUEUED_RESULTS = ("bridged", "bridging-in-process", "redirected", "redirected-from-bridged")
HUNG_UP_RESULT = "hangup"
# How a queued call ended: unknown (still waiting, or the report never reached us), answered, abandoned.
FATE_UNKNOWN, FATE_ANSWERED, FATE_ABANDONED = 0, 1, 2
# The additive figures of a queue over a period or an interval (longest_wait_seconds combines by max).
COUNTS = ("offered", "answered", "abandoned", "short_abandoned", "answered_within_target", "answered_wait_seconds")


def queue_report(session: Session, report: ReportFilter, *, interval_minutes: int | None = None,
                 target_seconds: int = DEFAULT_TARGET_SECONDS,
                 short_abandon_seconds: int = DEFAULT_SHORT_ABANDON_SECONDS, time_zone: str = "UTC") -> list[dict]:
    """One row per queue (and interval, when `interval_minutes` is 15, 30 or 60), in order.

    Answered within the target: a wait of at most `target_seconds`. Short abandon: a caller who hung up
    after less than `short_abandon_seconds` in the queue. Intervals begin on the hour of `time_zone`."""
    width = interval_seconds(interval_minutes) if interval_minutes is not None else None
    zone = report_zone(time_zone)
    figures = queue_figures(session, report, by_interval=width is not None, target_seconds=target_seconds,
                            short_abandon_seconds=short_abandon_seconds)
    if width is not None:
        buckets: dict = defaultdict(_no_figures)
        starts: dict[int, datetime] = {}
        for (queue, interval), values in figures.items():
            if interval not in starts:
                starts[interval] = _interval_start_in(zone, interval, width)
            _add(buckets[(queue, starts[interval])], values)
        figures = buckets
    return [_queue_row(queue, interval, values) for (queue, interval), values in sorted(figures.items())]


def report_zone(name: str) -> ZoneInfo:
    """The time zone whose days and hours a report follows, by its IANA name."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError("time_zone", f"unknown time zone {name!r} (a name such as Europe/Moscow)") from None


def queue_figures(session: Session, report: ReportFilter, *, by_interval: bool, target_seconds: int,
                  short_abandon_seconds: int) -> dict:
    """{(queue, 15-minute interval epoch or None): figures} over the period, from the roll-up where it holds the
    interval and from the raw calls elsewhere. One agent's figures always come from the raw calls: the roll-up
    keeps queues, not who answered."""
    if report.agent_id is None:
        cover = coverage(session, report.start, report.end)
    else:
        cover = Coverage(rolled=[], raw=[(report.start, report.end)])
    totals: dict = defaultdict(_no_figures)
    if cover.rolled:
        for key, values in _rolled_figures(session, report, cover, by_interval, target_seconds,
                                           short_abandon_seconds).items():
            _add(totals[key], values)
    for start, end in cover.raw:
        part = dataclasses.replace(report, start=start, end=end)
        for key, values in _raw_figures(session, part, by_interval, target_seconds, short_abandon_seconds).items():
            _add(totals[key], values)
    return totals


def queued_calls(report: ReportFilter) -> sa.CTE:
    """One row per call offered to a queue in the period: queue, start, total wait, and its fate (FATE_*)."""
    events = InteractionEvent
    queue_time = sa.cast(sa.func.nullif(events.detail["queue_time"].as_string(), ""), sa.Integer)
    result = events.detail["result"].as_string()
    conditions = [Interaction.channel == "voice", Interaction.direction == "inbound",
                  Interaction.queue.is_not(None),
                  Interaction.started_at >= report.start, Interaction.started_at < report.end]
    if report.queue is not None:
        conditions.append(Interaction.queue == report.queue)
    if report.agent_id is not None:
        conditions.append(Interaction.agent_id == report.agent_id)
    # Correlated lookups on the events' interaction_id index: the cost follows the calls of the period, not
    # the size of the events table (a join is planned as a scan of every event ever logged).
    stints = sa.and_(events.interaction_id == Interaction.id, events.kind == "queue_left")
    wait = sa.select(sa.func.sum(queue_time)).where(stints).scalar_subquery()
    # Hanging up in the queue outranks having been dequeued: an agent whose phone did not answer sent them back.
    fate = sa.select(sa.func.max(sa.case((result == HUNG_UP_RESULT, FATE_ABANDONED),
                                         (result.in_(DEQUEUED_RESULTS), FATE_ANSWERED), else_=FATE_UNKNOWN))) \
        .where(stints).scalar_subquery()
    # Materialized: each report column reads `fate` and `wait` again, and PostgreSQL would rerun the lookups.
    return sa.select(Interaction.queue, Interaction.started_at, wait.label("wait_seconds"), fate.label("fate")) \
        .where(*conditions).cte("queued_calls").prefix_with("MATERIALIZED")


def queued_calls_by_wait(session: Session, report: ReportFilter) -> dict:
    """{(queue, 15-minute interval epoch, fate, wait seconds or None): calls}: every call of the period, counted
    by what the roll-up needs to know of it."""
    without_jit(session)
    calls = queued_calls(report)
    keys = [calls.c.queue, interval_start(calls.c.started_at, ROLLUP_SECONDS).label("interval"),
            calls.c.fate, calls.c.wait_seconds]
    rows = session.execute(sa.select(*keys, sa.func.count()).group_by(*keys))
    return {(queue, interval, fate, wait): n for queue, interval, fate, wait, n in rows}


def _raw_figures(session: Session, report: ReportFilter, by_interval: bool, target_seconds: int,
                 short_abandon_seconds: int) -> dict:
    without_jit(session)
    calls = queued_calls(report)
    keys = [calls.c.queue]
    if by_interval:
        keys.append(interval_start(calls.c.started_at, ROLLUP_SECONDS).label("interval"))
    answered, abandoned = calls.c.fate == FATE_ANSWERED, calls.c.fate == FATE_ABANDONED
    wait = calls.c.wait_seconds
    rows = session.execute(
        sa.select(
            *keys,
            sa.func.count().label("offered"),
            count_where(answered).label("answered"),
            count_where(abandoned).label("abandoned"),
            count_where(sa.and_(abandoned, wait < short_abandon_seconds)).label("short_abandoned"),
            count_where(sa.and_(answered, wait <= target_seconds)).label("answered_within_target"),
            sum_where(answered, wait).label("answered_wait_seconds"),
            sa.func.max(wait).label("longest_wait_seconds"),
        ).group_by(*keys)
    ).mappings()
    return {(row["queue"], row["interval"] if by_interval else None): row for row in rows}


def _rolled_figures(session: Session, report: ReportFilter, cover: Coverage, by_interval: bool,
                    target_seconds: int, short_abandon_seconds: int) -> dict:
    rolled, waits = QueueIntervalFigures, QueueWaitCounts
    figures: dict = defaultdict(_no_figures)
    keys = [rolled.queue, *([epoch_seconds(rolled.interval_start)] if by_interval else [])]
    query = sa.select(
        *keys, sa.func.sum(rolled.offered), sa.func.sum(rolled.answered), sa.func.sum(rolled.abandoned),
        sa.func.sum(rolled.answered_wait_seconds), sa.func.max(rolled.longest_wait_seconds),
    ).where(cover.rolled_condition(rolled.interval_start)).group_by(*keys)
    if report.queue is not None:
        query = query.where(rolled.queue == report.queue)
    for row in session.execute(query):
        offered, answered, abandoned, wait, longest = row[-5:]
        _add(figures[_rolled_key(row, by_interval)], {
            "offered": offered, "answered": answered, "abandoned": abandoned, "answered_wait_seconds": wait,
            "longest_wait_seconds": longest})
    # Only the waits that can meet a threshold are read: the histogram's long tail never can.
    keys = [waits.queue, *([epoch_seconds(waits.interval_start)] if by_interval else [])]
    query = sa.select(
        *keys, sum_where(waits.wait_seconds < short_abandon_seconds, waits.abandoned),
        sum_where(waits.wait_seconds <= target_seconds, waits.answered),
    ).where(cover.rolled_condition(waits.interval_start),
            waits.wait_seconds <= max(target_seconds, short_abandon_seconds)).group_by(*keys)
    if report.queue is not None:
        query = query.where(waits.queue == report.queue)
    for row in session.execute(query):
        short, within = row[-2:]
        _add(figures[_rolled_key(row, by_interval)], {"short_abandoned": short, "answered_within_target": within})
    return figures


def _rolled_key(row, by_interval: bool) -> tuple:
    return row[0], int(row[1]) if by_interval else None


def _interval_start_in(zone: ZoneInfo, epoch: int, width: int) -> datetime:
    """The start (aware UTC) of the `width`-second interval of `zone`'s clock that holds the 15-minute
    interval starting at `epoch` (whole in it: zones are quarter hours apart from UTC)."""
    local = datetime.fromtimestamp(epoch, zone)
    minutes = (local.hour * 60 + local.minute) // (width // 60) * (width // 60)
    return local.replace(hour=minutes // 60, minute=minutes % 60, second=0, microsecond=0).astimezone(timezone.utc)


def _no_figures() -> dict:
    return dict.fromkeys(COUNTS, 0) | {"longest_wait_seconds": None}


def _add(total: dict, figures) -> None:
    for name in COUNTS:
        if name in figures:
            total[name] += int(figures[name] or 0)
    longest = figures.get("longest_wait_seconds")
    if longest is not None:
        total["longest_wait_seconds"] = max(int(longest), total["longest_wait_seconds"] or 0)


def _queue_row(queue: str, interval: datetime | None, figures: dict) -> dict:
    offered, answered, abandoned, short = (figures[name] for name in
                                           ("offered", "answered", "abandoned", "short_abandoned"))
    # A call whose fate is unknown (still waiting, or its queue report never came) is neither a success nor a
    # failure yet: the rates are over settled calls, so one caller waiting two seconds does not sink a live
    # wallboard's service level. Longest waits are the router's to show.
    settled = answered + abandoned
    result = {"queue": queue}
    if interval is not None:
        result["interval_start"] = interval
    return result | {
        "offered": offered, "answered": answered, "abandoned": abandoned, "short_abandoned": short,
        "answered_within_target": figures["answered_within_target"],
        "service_level": formulas.service_level(figures["answered_within_target"], settled, short),
        "abandon_rate": formulas.abandon_rate(abandoned, short, settled),
        "asa_seconds": formulas.average_speed_of_answer(float(figures["answered_wait_seconds"]), answered),
        "longest_wait_seconds": figures["longest_wait_seconds"],
    }
