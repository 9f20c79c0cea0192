"""The roll-up: the reports' additive figures per 15-minute interval, written once an interval has closed so a
month's report reads a few thousand rows per agent or queue instead of every call and state change.

`roll_up(session, start, end, now=...)` replaces the roll-up of the intervals in the range (deletes, then
writes them again: re-rolling a period is always safe, and is how late events are taken in) and lists them
as rolled. It computes with the very functions the reports run on the raw tables, per interval, so the
rolled and the raw path cannot drift apart. Scheduling is the application's (an rq job re-rolls the recent
past; `callcenter reports rollup` backfills).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..models import AgentDispositionCounts, AgentIntervalFigures, QueueIntervalFigures, QueueWaitCounts, \
    RolledInterval
from .agents import disposition_counts, raw_agent_figures
from .coverage import ROLLUP_WIDTH, interval_ceiling, interval_floor
from .filters import ReportFilter
from .queues import FATE_ABANDONED, FATE_ANSWERED, queued_calls_by_wait
from .sql import from_epoch

ROLLUP_TABLES = (AgentIntervalFigures, AgentDispositionCounts, QueueIntervalFigures, QueueWaitCounts, RolledInterval)


def roll_up(session: Session, start: datetime, end: datetime, *, now: datetime) -> int:
    """Replace the roll-up of the 15-minute intervals overlapping [start, end) that ended by `now`; return how
    many intervals were rolled. Flushes, never commits."""
    first, last = interval_floor(start), min(interval_ceiling(end), interval_floor(now))
    if last <= first:
        return 0
    for table in ROLLUP_TABLES:
        session.execute(sa.delete(table).where(table.interval_start >= first, table.interval_start < last))
    period = ReportFilter(first, last)
    _insert(session, AgentIntervalFigures, [
        {"interval_start": from_epoch(interval), "agent_id": agent_id, **figures}
        for (interval, agent_id), figures in raw_agent_figures(session, period, now=now, by_interval=True).items()])
    _insert(session, AgentDispositionCounts, [
        {"interval_start": from_epoch(interval), "agent_id": agent_id, "queue": queue, "disposition": code,
         "calls": calls}
        for (interval, agent_id, queue, code), calls in disposition_counts(session, period, by_interval=True).items()])
    figures, waits = _queue_figures(session, period)
    _insert(session, QueueIntervalFigures, figures)
    _insert(session, QueueWaitCounts, waits)
    intervals = int((last - first) / ROLLUP_WIDTH)
    _insert(session, RolledInterval, [{"interval_start": first + n * ROLLUP_WIDTH, "rolled_at": now}
                                      for n in range(intervals)])
    session.flush()
    return intervals


def rolled_through(session: Session) -> datetime | None:
    """The end of the latest rolled interval (None when nothing was ever rolled)."""
    latest = session.scalar(sa.select(sa.func.max(RolledInterval.interval_start)))
    return None if latest is None else latest + ROLLUP_WIDTH


def _queue_figures(session: Session, period: ReportFilter) -> tuple[list[dict], list[dict]]:
    """The queues' rows per interval, and their wait histograms (settled calls with a known wait)."""
    figures: dict = defaultdict(lambda: {"offered": 0, "answered": 0, "abandoned": 0, "answered_wait_seconds": 0,
                                         "longest_wait_seconds": None})
    waits: dict = defaultdict(lambda: {"answered": 0, "abandoned": 0})
    for (queue, interval, fate, wait), calls in queued_calls_by_wait(session, period).items():
        row = figures[(interval, queue)]
        row["offered"] += calls
        if fate == FATE_ANSWERED:
            row["answered"] += calls
            row["answered_wait_seconds"] += (wait or 0) * calls
        elif fate == FATE_ABANDONED:
            row["abandoned"] += calls
        if wait is not None:
            row["longest_wait_seconds"] = max(wait, row["longest_wait_seconds"] or 0)
            if fate in (FATE_ANSWERED, FATE_ABANDONED):
                waits[(interval, queue, wait)]["answered" if fate == FATE_ANSWERED else "abandoned"] += calls
    return ([{"interval_start": from_epoch(interval), "queue": queue, **row}
             for (interval, queue), row in figures.items()],
            [{"interval_start": from_epoch(interval), "queue": queue, "wait_seconds": wait, **counts}
             for (interval, queue, wait), counts in waits.items()])


def _insert(session: Session, table, rows: list[dict]) -> None:
    if rows:
        session.execute(sa.insert(table), rows)
