"""The reports' roll-up: additive figures per 15-minute interval, so a month's report reads a few thousand
rows per agent or queue instead of millions of calls. Written by `crm_core.analytics.rollup.roll_up`, read by
the reports for the intervals listed in `report_rolled_intervals` (the raw tables answer for the others).

Only sums and counts are stored: every ratio is computed once, by `crm_core.analytics.formulas`, on them.
Fifteen minutes because every time zone in use is a whole number of quarter hours from UTC: a center's local
days, and 15-, 30- and 60-minute intervals in local time, are all whole sets of these intervals.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, UTCDateTime, utcnow

ROLLUP_MINUTES = 15
# The agent states whose time is rolled up, one column each; `offline` is not logged time and is not kept.
ROLLED_STATES = ("available", "ringing", "preview", "on_call", "wrap_up", "break")


class RolledInterval(Base):
    """A 15-minute interval whose figures are in the roll-up tables (the reports read them instead of calls)."""

    __tablename__ = "report_rolled_intervals"

    interval_start: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    rolled_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AgentIntervalFigures(Base):
    """An agent's interval: calls handled and hold time of the calls started in it, and seconds in each state
    within it. Only agents with one of these figures have a row (an agent offline all along has none)."""

    __tablename__ = "report_agent_intervals"

    interval_start: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    agent_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    calls_handled: Mapped[int] = mapped_column(default=0)
    hold_seconds: Mapped[float] = mapped_column(sa.Float, default=0.0)
    available_seconds: Mapped[float] = mapped_column(sa.Float, default=0.0)
    ringing_seconds: Mapped[float] = mapped_column(sa.Float, default=0.0)
    preview_seconds: Mapped[float] = mapped_column(sa.Float, default=0.0)
    on_call_seconds: Mapped[float] = mapped_column(sa.Float, default=0.0)
    wrap_up_seconds: Mapped[float] = mapped_column(sa.Float, default=0.0)
    break_seconds: Mapped[float] = mapped_column(sa.Float, default=0.0)


class AgentDispositionCounts(Base):
    """How many calls started in the interval an agent took, in a queue (or none), ended with a disposition."""

    __tablename__ = "report_agent_dispositions"

    id: Mapped[int] = mapped_column(primary_key=True)
    interval_start: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    agent_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    queue: Mapped[str | None] = mapped_column(sa.String(64))
    disposition: Mapped[str] = mapped_column(sa.String(48))
    calls: Mapped[int] = mapped_column()


class QueueIntervalFigures(Base):
    """A queue's interval: calls offered (started in it), answered, abandoned, the answered calls' total wait
    and the longest wait."""

    __tablename__ = "report_queue_intervals"

    interval_start: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    queue: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    offered: Mapped[int] = mapped_column(default=0)
    answered: Mapped[int] = mapped_column(default=0)
    abandoned: Mapped[int] = mapped_column(default=0)
    answered_wait_seconds: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    longest_wait_seconds: Mapped[int | None] = mapped_column()


class QueueWaitCounts(Base):
    """How many calls of a queue's interval were answered, and abandoned, after waiting exactly `wait_seconds`:
    a histogram to the second, so any service-level target or short-abandon threshold is counted exactly."""

    __tablename__ = "report_queue_waits"

    interval_start: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    queue: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    wait_seconds: Mapped[int] = mapped_column(primary_key=True)
    answered: Mapped[int] = mapped_column(default=0)
    abandoned: Mapped[int] = mapped_column(default=0)
