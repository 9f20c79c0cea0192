"""Which parts of a report's period the roll-up answers, and which the raw calls and state changes must.

A report reads the roll-up for each 15-minute interval that lies wholly in its period and is listed as rolled
(and, when the figures depend on the present, that ended before `now`); everything else (an unaligned start
or end, intervals never rolled, the still-open tail of today) is computed from the raw tables, range by
range. Both give the same additive figures, so a report is the same whichever answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..models import ROLLUP_MINUTES, RolledInterval
from .sql import epoch_seconds, from_epoch

ROLLUP_WIDTH = timedelta(minutes=ROLLUP_MINUTES)
ROLLUP_SECONDS = ROLLUP_MINUTES * 60

Range = tuple[datetime, datetime]


@dataclass(frozen=True)
class Coverage:
    """A period cut into the ranges the roll-up answers and those the raw tables answer, in time order."""

    rolled: list[Range]
    raw: list[Range]

    def rolled_condition(self, column) -> sa.ColumnElement:
        """`column` (an interval_start) in one of the rolled ranges."""
        return sa.or_(*(sa.and_(column >= start, column < end) for start, end in self.rolled))


def interval_floor(moment: datetime) -> datetime:
    """The start of the 15-minute interval holding `moment` (UTC-aligned, aware)."""
    seconds = int(moment.timestamp() // ROLLUP_SECONDS) * ROLLUP_SECONDS
    return datetime.fromtimestamp(seconds, timezone.utc)


def interval_ceiling(moment: datetime) -> datetime:
    """The first interval boundary at or after `moment`."""
    floor = interval_floor(moment)
    return floor if floor == moment else floor + ROLLUP_WIDTH


def coverage(session: Session, start: datetime, end: datetime, *, rolled_before: datetime | None = None) -> Coverage:
    """Cut [start, end) into rolled and raw ranges; intervals ending after `rolled_before` count as raw."""
    first, last = interval_ceiling(start), interval_floor(end)
    if rolled_before is not None:
        last = min(last, interval_floor(rolled_before))
    rolled = _rolled_runs(session, first, last) if first < last else []
    raw, cursor = [], start
    for rolled_start, rolled_end in rolled:
        if cursor < rolled_start:
            raw.append((cursor, rolled_start))
        cursor = rolled_end
    if cursor < end:
        raw.append((cursor, end))
    return Coverage(rolled, raw)


def _rolled_runs(session: Session, first: datetime, last: datetime) -> list[Range]:
    """The runs of consecutive rolled intervals between `first` and `last`, found in SQL (a month holds
    thousands of intervals but, rolled as they close, one or two runs)."""
    at = epoch_seconds(RolledInterval.interval_start)
    # Consecutive intervals keep the same difference between their time and their rank: one group per run.
    run = (at - ROLLUP_SECONDS * sa.func.row_number().over(order_by=RolledInterval.interval_start)).label("run")
    intervals = (sa.select(at.label("at"), run)
                 .where(RolledInterval.interval_start >= first, RolledInterval.interval_start < last).subquery())
    runs = session.execute(sa.select(sa.func.min(intervals.c.at), sa.func.max(intervals.c.at))
                           .group_by(intervals.c.run).order_by(sa.func.min(intervals.c.at)))
    return [(from_epoch(low), from_epoch(high) + ROLLUP_WIDTH) for low, high in runs]
