"""The roll-up: reports over rolled intervals give the figures of the raw calls (tests/analytics/conftest.py's
hand-computed hour), re-rolling replaces rather than adds, and what arrives late waits for the next roll-up."""

from __future__ import annotations

import math
from datetime import timedelta

import sqlalchemy as sa

from agent_console.routing import AGENT_STATES
from crm_core import models
from crm_core.analytics import (
    ReportFilter, agent_dispositions, agent_performance, measured_aht, queue_report, staffing_plan,
)
from crm_core.analytics.rollup import ROLLUP_TABLES, roll_up

from .conftest import HOUR_END, HOUR_START, NOW, at

HOUR = ReportFilter(HOUR_START, HOUR_END)
# Neither end on a quarter hour: the ends are read from the raw tables, the middle from the roll-up.
UNALIGNED = ReportFilter(at(1, 9, 5), at(1, 9, 50))


def every_report(session, period: ReportFilter, floor) -> dict:
    """Each report over `period` with its filters and settings, as the pages ask for them."""
    boris = floor.agents["boris"]
    return {
        "agents": agent_performance(session, period, now=NOW),
        "boris": agent_performance(session, ReportFilter(period.start, period.end, agent_id=boris), now=NOW),
        "aht": measured_aht(session, period, now=NOW),
        "dispositions": agent_dispositions(session, period),
        "support dispositions": agent_dispositions(session, ReportFilter(period.start, period.end, queue="support")),
        "queues": queue_report(session, period),
        "by 15 minutes": queue_report(session, period, interval_minutes=15, target_seconds=25,
                                      short_abandon_seconds=1),
        "by 30 minutes": queue_report(session, period, interval_minutes=30, target_seconds=10,
                                      short_abandon_seconds=4),
        "by hour in Kolkata": queue_report(session, period, interval_minutes=60, time_zone="Asia/Kolkata"),
        "answered by boris": queue_report(session, ReportFilter(period.start, period.end, agent_id=boris)),
        "staffing": staffing_plan(session, period, aht_seconds=540, interval_minutes=30),
    }


def same_figures(ours, theirs) -> bool:
    """Equal, floats to a relative 1e-9 (sums added in another order)."""
    if isinstance(ours, dict):
        return ours.keys() == theirs.keys() and all(same_figures(ours[k], theirs[k]) for k in ours)
    if isinstance(ours, list):
        return len(ours) == len(theirs) and all(same_figures(a, b) for a, b in zip(ours, theirs))
    if isinstance(ours, float) or isinstance(theirs, float):
        return ours is not None and theirs is not None and math.isclose(ours, theirs, rel_tol=1e-9, abs_tol=1e-9)
    return ours == theirs


def rows_rolled(session) -> dict:
    return {table.__tablename__: session.scalar(sa.select(sa.func.count()).select_from(table))
            for table in ROLLUP_TABLES}


def test_reports_over_rolled_intervals_equal_the_reports_of_the_raw_calls(db_session, floor):
    raw = {name: every_report(db_session, period, floor) for name, period in (("hour", HOUR),
                                                                             ("unaligned", UNALIGNED))}
    assert raw["hour"]["queues"][1]["offered"] == 6  # the hand-computed support queue, from the raw calls

    assert roll_up(db_session, at(1, 8, 0), at(1, 11, 0), now=NOW) == 12

    for name, period in (("hour", HOUR), ("unaligned", UNALIGNED)):
        rolled = every_report(db_session, period, floor)
        for report, rows in raw[name].items():
            assert same_figures(rolled[report], rows), f"{report} over the {name}"


def test_rolling_up_a_period_again_replaces_its_rows(db_session, floor):
    roll_up(db_session, at(1, 8, 0), at(1, 11, 0), now=NOW)
    first = rows_rolled(db_session)
    reports = every_report(db_session, HOUR, floor)
    assert first["report_rolled_intervals"] == 12 and first["report_agent_intervals"] > 0

    roll_up(db_session, at(1, 8, 0), at(1, 11, 0), now=NOW)
    roll_up(db_session, at(1, 9, 10), at(1, 9, 20), now=NOW)  # one interval of it, again

    assert rows_rolled(db_session) == first
    assert same_figures(every_report(db_session, HOUR, floor), reports)


def test_a_call_logged_after_its_interval_was_rolled_counts_once_the_interval_is_rolled_again(db_session, floor):
    roll_up(db_session, HOUR_START, HOUR_END, now=NOW)
    late = models.Interaction(call_sid="CA" + "l" * 32, channel="voice", direction="inbound", status="completed",
                              started_at=at(1, 9, 40), ended_at=at(1, 9, 41), queue="support")
    late.events.append(models.InteractionEvent(kind="queue_left", detail={"result": "hangup", "queue_time": "30"},
                                               occurred_at=at(1, 9, 40, 30)))
    db_session.add(late)
    db_session.flush()

    [support] = queue_report(db_session, ReportFilter(HOUR_START, HOUR_END, queue="support"))
    assert (support["offered"], support["abandoned"]) == (6, 3)  # the roll-up as it was

    roll_up(db_session, at(1, 9, 30), at(1, 10, 0), now=NOW)
    [support] = queue_report(db_session, ReportFilter(HOUR_START, HOUR_END, queue="support"))
    assert (support["offered"], support["abandoned"]) == (7, 4)


def test_intervals_still_open_are_not_rolled_and_the_report_reads_them_from_the_calls(db_session, floor):
    assert roll_up(db_session, HOUR_START, HOUR_END, now=at(1, 9, 40)) == 2  # 09:00-09:15 and 09:15-09:30
    [support] = queue_report(db_session, ReportFilter(HOUR_START, HOUR_END, queue="support"))
    assert (support["offered"], support["answered"], support["abandoned"]) == (6, 3, 3)


def test_hourly_intervals_begin_on_the_hour_of_the_report_time_zone(db_session, floor):
    """Kolkata is UTC+05:30: its hours begin at half past on the UTC clock."""
    support = ReportFilter(HOUR_START, HOUR_END, queue="support")
    raw = queue_report(db_session, support, interval_minutes=60, time_zone="Asia/Kolkata")
    roll_up(db_session, HOUR_START, HOUR_END, now=NOW)
    rolled = queue_report(db_session, support, interval_minutes=60, time_zone="Asia/Kolkata")
    for rows in (raw, rolled):
        assert [(row["interval_start"], row["offered"]) for row in rows] == [(at(1, 8, 30), 4), (at(1, 9, 30), 2)]


def test_an_agent_offline_all_period_is_not_in_the_agent_report(db_session, floor, make_user):
    from crm_core.agents import log_agent_state

    absent = make_user("agent", full_name="Vera")
    log_agent_state(db_session, absent.id, "offline", at=HOUR_START - timedelta(days=1))
    for _ in range(2):  # from the raw state changes, then from the roll-up
        assert [row["agent"] for row in agent_performance(db_session, HOUR, now=NOW)] == ["Anna", "Boris"]
        roll_up(db_session, HOUR_START, HOUR_END, now=NOW)


def test_the_rollup_keeps_every_state_the_desk_logs_but_offline():
    assert set(models.ROLLED_STATES) == set(AGENT_STATES) - {"offline"}
