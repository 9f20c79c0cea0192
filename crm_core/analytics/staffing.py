"""Staffing from history: the measured volume of each interval, fed to Erlang C."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from . import erlang, formulas
from .agents import agent_performance
from .filters import ReportFilter, interval_seconds
from .queues import queue_report


def measured_aht(session: Session, report: ReportFilter, *, now: datetime | None = None) -> float | None:
    """The period's average handle time over all agents (talk + hold + wrap-up per call handled)."""
    rows = agent_performance(session, report, now=now)
    return formulas.average_handle_time(sum(r["talk_seconds"] for r in rows), sum(r["hold_seconds"] for r in rows),
                                        sum(r["wrap_seconds"] for r in rows), sum(r["calls_handled"] for r in rows))


def staffing_plan(session: Session, report: ReportFilter, *, aht_seconds: float, interval_minutes: int = 30,
                  target_seconds: int = 20, target_service_level: float = 0.8,
                  max_occupancy: float = erlang.DEFAULT_MAX_OCCUPANCY, time_zone: str = "UTC") -> list[dict]:
    """For each queue and interval of the period that had calls: the calls offered and the agents Erlang C
    says that volume needs at `aht_seconds` (pass `measured_aht(...)` to plan from the period's own AHT);
    intervals begin on the hour of `time_zone`."""
    width = interval_seconds(interval_minutes)
    rows = []
    for row in queue_report(session, report, interval_minutes=interval_minutes, target_seconds=target_seconds,
                            time_zone=time_zone):
        plan = erlang.agents_needed(row["offered"], aht_seconds, interval_seconds=width,
                                    target_seconds=target_seconds, target_service_level=target_service_level,
                                    max_occupancy=max_occupancy)
        rows.append({"queue": row["queue"], "interval_start": row["interval_start"], "offered": row["offered"],
                     "traffic_erlangs": plan.traffic, "agents_needed": plan.agents,
                     "expected_service_level": plan.service_level, "expected_asa_seconds": plan.average_speed_of_answer,
                     "expected_occupancy": plan.occupancy})
    return rows
