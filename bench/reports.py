"""Benchmark: the agent performance and queue reports (crm_core.analytics) over a day and a month of about
10,000,000 interactions on PostgreSQL, against the same figures from ONE hand-written SQL aggregate each,
measured in the same run. Targets: median under 2 s and within 1.5x of the hand-written statement.

    python bench/reports.py --database-url postgresql://127.0.0.1/bench_history --prepare   # once
    python bench/reports.py --database-url postgresql://127.0.0.1/bench_history [--repeat 7] [--json]

Runs on the database bench/history.py loads (crm_core.demo_data, seed 1). The demo data has no agent state
changes, no queue events and no holds; `--prepare` adds them with deterministic generators (INSERT ... SELECT
over generate_series, skipped when present; rows are only ever added), then VACUUM ANALYZE, then rolls up
September and October (crm_core.analytics.rollup, as `callcenter reports rollup` does; timed). Not a test: it
prints figures, the baseline measured in the same run.

Two baselines per report: the issue's, one hand-written statement over the RAW tables (what the reports are
judged against), and one hand-written statement over the ROLL-UP tables the reports read (the like-for-like
cost of the platform's code over the same rows). The verdict is against the first.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crm_core import schema  # noqa: E402
from crm_core.analytics import ReportFilter, agent_performance, queue_report  # noqa: E402
from crm_core.analytics.rollup import roll_up  # noqa: E402
from crm_core.db import make_engine, utcnow  # noqa: E402
from crm_core.models import RolledInterval, User  # noqa: E402
from crm_core.users import hash_password  # noqa: E402

SECONDS_TARGET = 2.0
RATIO_TARGET = 1.5
UTC = timezone.utc
# The demo data (seed 1) ends on 2026-10-31: its last full month is also its busiest (~1.5 M interactions).
# "month to date": the month as a supervisor sees it at 16:00 on its last day. The roll-up job waits an hour
# for calls to settle and runs every 15 minutes, so up to the last 75 minutes come from the raw tables: the
# benchmark takes them off the rolled intervals while it times this period, and rolls them up again after.
PERIODS = {
    "day": (datetime(2026, 10, 15, tzinfo=UTC), datetime(2026, 10, 16, tzinfo=UTC)),
    "month": (datetime(2026, 10, 1, tzinfo=UTC), datetime(2026, 11, 1, tzinfo=UTC)),
    "month to date": (datetime(2026, 10, 1, tzinfo=UTC), datetime(2026, 10, 31, 16, tzinfo=UTC)),
}
OPEN_TAIL = {"month to date": timedelta(minutes=75)}
NOW = datetime(2026, 11, 29, tzinfo=UTC)  # after both periods: time in state is clipped to the period's end
INTERVAL_MINUTES = 30
# Generated data: queue events and holds for the demo's calls (started before DEMO_END; other benchmarks add
# live calls to this database later), agent state changes for STATE_AGENTS agents over two months.
DEMO_END = "2026-11-01"
STATE_FROM, STATE_DAYS, STATE_AGENTS = "2026-09-01", 61, 200
DEQUEUED = ("bridged", "bridging-in-process", "redirected", "redirected-from-bridged")

# A deterministic uniform (0, 1) per interaction (Knuth's multiplicative hash), and queue waits drawn from it:
# exponential, 45 s on average for answered calls, 30 s for callers who hung up (some before 5 s: short).
_UNIFORM = "((i.id::bigint * 2654435761) % 1000003 + 1) / 1000004.0"
_WAIT = f"least(600, floor(-(CASE WHEN i.agent_id IS NULL THEN 30 ELSE 45 END) * ln({_UNIFORM})))::int"
# When the caller joined the queue: after the IVR (7 s a step, as the demo data times it).
_QUEUED_AT = "i.answered_at + make_interval(secs => 7 * json_array_length(i.ivr_path))"
_OFFERED = ("i.channel = 'voice' AND i.direction = 'inbound' AND i.queue IS NOT NULL"
            " AND i.started_at < CAST(:demo_end AS timestamp)")
QUEUE_EVENTS = sa.text(f"""
INSERT INTO interaction_events (interaction_id, kind, detail, occurred_at)
SELECT i.id, 'queue_left', json_build_object('result', s.result, 'queue_time', s.queue_time::text),
       {_QUEUED_AT} + make_interval(secs => s.left_after)
FROM interactions i
CROSS JOIN LATERAL (SELECT {_WAIT} AS wait) w
CROSS JOIN LATERAL (
    -- A caller whose agent did not answer went back to the queue: two stints (every 50th answered call).
    SELECT 'redirected' AS result, w.wait / 3 AS queue_time, w.wait / 3 AS left_after
    WHERE i.agent_id IS NOT NULL AND i.id % 50 = 0
    UNION ALL
    SELECT CASE WHEN i.agent_id IS NULL THEN 'hangup' ELSE 'bridged' END,
           CASE WHEN i.agent_id IS NOT NULL AND i.id % 50 = 0 THEN w.wait - w.wait / 3 ELSE w.wait END, w.wait
) s
WHERE {_OFFERED}
""")
# Every 10th answered call was held once, 10 s after the agent took it, for 15-44 s.
HOLD_EVENTS = sa.text(f"""
INSERT INTO interaction_events (interaction_id, kind, detail, occurred_at)
SELECT i.id, h.kind, json_build_object('agent_id', i.agent_id),
       {_QUEUED_AT} + make_interval(secs => {_WAIT}) + h.after
FROM interactions i
CROSS JOIN LATERAL (VALUES ('held', interval '10 seconds'),
                           ('resumed', make_interval(secs => 25 + i.id % 30))) h(kind, after)
WHERE {_OFFERED} AND i.agent_id IS NOT NULL AND i.id % 10 = 3
""")
# 200 agents, every day: a shift of 80 six-minute cycles (ringing 8-17 s, on_call 60-259 s, wrap_up 20-59 s,
# then available), a 30-minute break after the 40th, offline 8.5 hours after logging in (6:00 to 15:00 UTC).
STATE_CHANGES = sa.text("""
INSERT INTO agent_state_changes (user_id, state, started_at)
WITH agents AS (SELECT id AS u FROM users WHERE role = 'agent' ORDER BY id LIMIT :agents),
shifts AS (
    SELECT u, n AS day, CAST(:state_from AS timestamp) + make_interval(days => n, hours => 6 + u % 10) AS start
    FROM agents CROSS JOIN generate_series(0, :days - 1) n),
cycles AS (
    SELECT u, start, c,
           start + make_interval(secs => c * 360 + CASE WHEN c >= 40 THEN 1800 ELSE 0 END) AS ring_at,
           8 + (u * 31 + c * 17 + day * 7) % 10 AS ring,
           60 + (u * 53 + c * 101 + day * 13) % 200 AS talk,
           20 + (u * 71 + c * 37 + day * 11) % 40 AS wrap
    FROM shifts CROSS JOIN generate_series(0, 79) c)
SELECT u, 'available', start FROM shifts
UNION ALL SELECT u, 'break', start + interval '4 hours' FROM shifts
UNION ALL SELECT u, 'offline', start + interval '8 hours 30 minutes' FROM shifts
UNION ALL SELECT u, 'ringing', ring_at FROM cycles
UNION ALL SELECT u, 'on_call', ring_at + make_interval(secs => ring) FROM cycles
UNION ALL SELECT u, 'wrap_up', ring_at + make_interval(secs => ring + talk) FROM cycles
UNION ALL SELECT u, 'available', ring_at + make_interval(secs => ring + talk + wrap) FROM cycles
""")

# The agent report as one statement: time in each state from each agent's changes (read per agent, window
# and all, from its last change at or before the period's start on the (user_id, started_at) index), clipped
# to the period; calls handled; hold from held .. resumed (or the call's end); AHT and occupancy.
AGENTS_SQL = sa.text("""
WITH spans AS (
    SELECT u.id AS user_id, c.state, c.began, c.ended
    FROM users u
    CROSS JOIN LATERAL (
        SELECT max(started_at) AS since FROM agent_state_changes
        WHERE user_id = u.id AND started_at <= :start) s
    CROSS JOIN LATERAL (
        SELECT state, EXTRACT(EPOCH FROM started_at) AS began,
               lead(EXTRACT(EPOCH FROM started_at)) OVER (ORDER BY started_at, id) AS ended
        FROM agent_state_changes
        WHERE user_id = u.id AND started_at >= coalesce(s.since, :start) AND started_at < :state_end) c),
in_state AS (
    SELECT user_id,
           sum(d) FILTER (WHERE state = 'on_call') AS on_call, sum(d) FILTER (WHERE state = 'wrap_up') AS wrap,
           sum(d) FILTER (WHERE state IN ('available', 'ringing')) AS idle,
           sum(d) FILTER (WHERE state = 'break') AS break,
           sum(d) FILTER (WHERE state <> 'offline') AS logged
    FROM (SELECT user_id, state,
                 least(greatest(coalesce(ended, :period_end), :period_start), :period_end)
                 - least(greatest(began, :period_start), :period_end) AS d
          FROM spans) x
    GROUP BY user_id),
handled AS (
    SELECT agent_id, count(*) AS calls FROM interactions
    WHERE channel = 'voice' AND agent_id IS NOT NULL AND started_at >= :start AND started_at < :end
      AND ended_at IS NOT NULL
    GROUP BY agent_id),
holds AS (
    SELECT agent_id, sum(coalesce(next, call_ended) - at) FILTER (WHERE kind = 'held') AS hold
    FROM (SELECT i.agent_id, e.kind, EXTRACT(EPOCH FROM e.occurred_at) AS at,
                 EXTRACT(EPOCH FROM i.ended_at) AS call_ended,
                 lead(EXTRACT(EPOCH FROM e.occurred_at)) OVER (PARTITION BY e.interaction_id
                                                                ORDER BY e.occurred_at, e.id) AS next
          FROM interactions i JOIN interaction_events e ON e.interaction_id = i.id
          WHERE e.kind IN ('held', 'resumed') AND i.channel = 'voice' AND i.agent_id IS NOT NULL
            AND i.started_at >= :start AND i.started_at < :end) m
    GROUP BY agent_id),
figures AS (
    SELECT coalesce(s.user_id, h.agent_id) AS agent_id, coalesce(h.calls, 0) AS calls,
           coalesce(s.on_call, 0) AS on_call, coalesce(s.wrap, 0) AS wrap, coalesce(s.idle, 0) AS idle,
           coalesce(s.break, 0) AS break, coalesce(o.hold, 0) AS hold,
           greatest(0, coalesce(s.on_call, 0) - coalesce(o.hold, 0)) AS talk
    FROM in_state s
    FULL JOIN handled h ON h.agent_id = s.user_id
    LEFT JOIN holds o ON o.agent_id = coalesce(s.user_id, h.agent_id)
    WHERE coalesce(h.calls, 0) > 0 OR coalesce(s.logged, 0) > 0)
SELECT f.agent_id, coalesce(u.full_name, f.agent_id::text) AS agent, f.calls AS calls_handled,
       f.talk::float8 AS talk_seconds, f.hold::float8 AS hold_seconds, f.wrap::float8 AS wrap_seconds,
       ((f.talk + f.hold + f.wrap) / nullif(f.calls, 0))::float8 AS aht_seconds,
       f.idle::float8 AS available_seconds, f.break::float8 AS break_seconds,
       ((f.on_call + f.wrap) / nullif(f.on_call + f.wrap + f.idle, 0))::float8 AS occupancy
FROM figures f LEFT JOIN users u ON u.id = f.agent_id
ORDER BY agent, f.agent_id
""")

# The queue report as one statement: each offered call's stints in the queue read once (one LATERAL over the
# events' interaction_id index: total wait and fate together), then the counts and the KPIs.
QUEUES_SQL = """
WITH calls AS MATERIALIZED (
    SELECT i.queue, {interval} AS interval, q.wait, q.fate
    FROM interactions i
    CROSS JOIN LATERAL (
        SELECT sum(nullif(e.detail->>'queue_time', '')::int) AS wait,
               max(CASE WHEN e.detail->>'result' = 'hangup' THEN 2
                        WHEN e.detail->>'result' IN ('bridged', 'bridging-in-process', 'redirected',
                                                      'redirected-from-bridged') THEN 1 ELSE 0 END) AS fate
        FROM interaction_events e WHERE e.interaction_id = i.id AND e.kind = 'queue_left') q
    WHERE i.channel = 'voice' AND i.direction = 'inbound' AND i.queue IS NOT NULL
      AND i.started_at >= :start AND i.started_at < :end),
counts AS (
    SELECT queue, interval, count(*) AS offered,
           count(*) FILTER (WHERE fate = 1) AS answered, count(*) FILTER (WHERE fate = 2) AS abandoned,
           count(*) FILTER (WHERE fate = 2 AND wait < :short) AS short_abandoned,
           count(*) FILTER (WHERE fate = 1 AND wait <= :target) AS answered_within_target,
           coalesce(sum(wait) FILTER (WHERE fate = 1), 0) AS answered_wait, max(wait) AS longest_wait
    FROM calls GROUP BY queue, interval)
SELECT queue, {interval_start} offered, answered, abandoned, short_abandoned, answered_within_target,
       answered_within_target::float8 / nullif(answered + abandoned - short_abandoned, 0) AS service_level,
       (abandoned - short_abandoned)::float8 / nullif(answered + abandoned - short_abandoned, 0) AS abandon_rate,
       answered_wait::float8 / nullif(answered, 0) AS asa_seconds, longest_wait AS longest_wait_seconds
FROM counts ORDER BY queue, interval
"""


def queues_sql(interval_minutes: int | None) -> sa.TextClause:
    """The queue statement, per queue or per queue and UTC-aligned interval."""
    if interval_minutes is None:
        return sa.text(QUEUES_SQL.format(interval="NULL::bigint", interval_start=""))
    width = interval_minutes * 60
    bucket = f"floor(EXTRACT(EPOCH FROM i.started_at))::bigint / {width} * {width}"
    return sa.text(QUEUES_SQL.format(interval=bucket, interval_start="to_timestamp(interval) AS interval_start,"))


# The same reports as one statement each over the roll-up tables (whole rolled intervals: the periods are
# whole days, all rolled by --prepare): what the reports' own code is compared with, like for like.
AGENTS_ROLLUP_SQL = sa.text("""
WITH f AS (
    SELECT agent_id, sum(calls_handled) AS calls, sum(hold_seconds) AS hold, sum(on_call_seconds) AS on_call,
           sum(wrap_up_seconds) AS wrap, sum(available_seconds) + sum(ringing_seconds) AS idle,
           sum(break_seconds) AS break, sum(preview_seconds) AS preview
    FROM report_agent_intervals WHERE interval_start >= :start AND interval_start < :end
    GROUP BY agent_id)
SELECT f.agent_id, coalesce(u.full_name, f.agent_id::text) AS agent, f.calls AS calls_handled,
       greatest(0, f.on_call - f.hold) AS talk_seconds, f.hold AS hold_seconds, f.wrap AS wrap_seconds,
       (greatest(0, f.on_call - f.hold) + f.hold + f.wrap) / nullif(f.calls, 0) AS aht_seconds,
       f.idle AS available_seconds, f.break AS break_seconds,
       (f.on_call + f.wrap) / nullif(f.on_call + f.wrap + f.idle, 0) AS occupancy
FROM f LEFT JOIN users u ON u.id = f.agent_id
WHERE f.calls > 0 OR f.on_call + f.wrap + f.idle + f.break + f.preview > 0
ORDER BY agent, f.agent_id
""")
QUEUES_ROLLUP_SQL = """
WITH counts AS (
    SELECT queue, {interval} AS interval, sum(offered) AS offered, sum(answered) AS answered,
           sum(abandoned) AS abandoned, sum(answered_wait_seconds) AS answered_wait,
           max(longest_wait_seconds) AS longest_wait
    FROM report_queue_intervals WHERE interval_start >= :start AND interval_start < :end
    GROUP BY 1, 2),
waits AS (
    SELECT queue, {interval} AS interval,
           coalesce(sum(abandoned) FILTER (WHERE wait_seconds < :short), 0) AS short_abandoned,
           coalesce(sum(answered) FILTER (WHERE wait_seconds <= :target), 0) AS answered_within_target
    FROM report_queue_waits
    WHERE interval_start >= :start AND interval_start < :end AND wait_seconds <= greatest(:target, :short)
    GROUP BY 1, 2)
SELECT c.queue, {interval_start} c.offered, c.answered, c.abandoned,
       coalesce(w.short_abandoned, 0) AS short_abandoned,
       coalesce(w.answered_within_target, 0) AS answered_within_target,
       coalesce(w.answered_within_target, 0)::float8
           / nullif(c.answered + c.abandoned - coalesce(w.short_abandoned, 0), 0) AS service_level,
       (c.abandoned - coalesce(w.short_abandoned, 0))::float8
           / nullif(c.answered + c.abandoned - coalesce(w.short_abandoned, 0), 0) AS abandon_rate,
       c.answered_wait::float8 / nullif(c.answered, 0) AS asa_seconds, c.longest_wait AS longest_wait_seconds
FROM counts c LEFT JOIN waits w ON w.queue = c.queue AND w.interval IS NOT DISTINCT FROM c.interval
ORDER BY c.queue, c.interval
"""


def queues_rollup_sql(interval_minutes: int | None) -> sa.TextClause:
    """The queue statement over the roll-up, per queue or per queue and UTC-aligned interval."""
    if interval_minutes is None:
        return sa.text(QUEUES_ROLLUP_SQL.format(interval="NULL::bigint", interval_start=""))
    width = interval_minutes * 60
    bucket = f"floor(EXTRACT(EPOCH FROM interval_start))::bigint / {width} * {width}"
    return sa.text(QUEUES_ROLLUP_SQL.format(interval=bucket,
                                            interval_start="to_timestamp(c.interval) AS interval_start,"))


def add_agents(engine) -> None:
    """Make STATE_AGENTS agents (the demo data has 8): `bench-report-agent-N` users, never deleted (screenpop.py
    deletes its own `bench-agent-N`, with their state changes)."""
    with engine.begin() as connection:
        present = connection.scalar(sa.select(sa.func.count()).select_from(User).where(User.role == "agent"))
        if present >= STATE_AGENTS:
            return
        password = hash_password("bench-password")
        connection.execute(sa.insert(User), [
            {"username": f"bench-report-agent-{n}", "full_name": f"Report Agent {n:03d}", "role": "agent",
             "password_hash": password, "skills": [], "languages": [], "is_active": True,
             "created_at": datetime.fromisoformat(STATE_FROM).replace(tzinfo=UTC)}
            for n in range(present, STATE_AGENTS)])
        print(f"added {STATE_AGENTS - present} agents", file=sys.stderr, flush=True)


def prepare(engine) -> None:
    """Add what the reports read and the demo data lacks; each generator is skipped when its rows exist."""
    add_agents(engine)
    with engine.begin() as connection:
        first_queued = connection.scalar(sa.text(
            "SELECT min(id) FROM interactions WHERE channel = 'voice' AND direction = 'inbound'"
            " AND queue IS NOT NULL AND started_at < CAST(:demo_end AS timestamp)"), {"demo_end": DEMO_END})
        present = connection.scalar(sa.text(
            "SELECT count(*) FROM interaction_events WHERE interaction_id = :id AND kind = 'queue_left'"),
            {"id": first_queued})
        if present:
            print("queue and hold events present: skipped", file=sys.stderr)
        else:
            started = time.perf_counter()
            queued = connection.execute(QUEUE_EVENTS, {"demo_end": DEMO_END}).rowcount
            held = connection.execute(HOLD_EVENTS, {"demo_end": DEMO_END}).rowcount
            print(f"added {queued:,} queue_left and {held:,} held/resumed events in "
                  f"{time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    with engine.begin() as connection:
        present = connection.scalar(sa.text(
            "SELECT count(*) FROM (SELECT 1 FROM agent_state_changes WHERE started_at >= CAST(:start AS timestamp)"
            " AND started_at < CAST(:start AS timestamp) + make_interval(days => :days) LIMIT 1) x"),
            {"start": STATE_FROM, "days": STATE_DAYS})
        if present:
            print("agent state changes present: skipped", file=sys.stderr)
        else:
            started = time.perf_counter()
            added = connection.execute(STATE_CHANGES, {"agents": STATE_AGENTS, "state_from": STATE_FROM,
                                                       "days": STATE_DAYS}).rowcount
            print(f"added {added:,} agent state changes in {time.perf_counter() - started:.0f} s",
                  file=sys.stderr, flush=True)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE interaction_events")
        connection.exec_driver_sql("VACUUM ANALYZE agent_state_changes")
        connection.exec_driver_sql("ANALYZE interactions")
        connection.exec_driver_sql("ANALYZE users")
    roll_up_months(engine)


def roll_up_months(engine) -> None:
    """Roll up the state-change months (both periods), a day per transaction, unless they are rolled."""
    start = datetime.fromisoformat(STATE_FROM).replace(tzinfo=UTC)
    end = start + timedelta(days=STATE_DAYS)
    with Session(engine) as session:
        rolled = session.scalar(sa.select(sa.func.count()).select_from(RolledInterval).where(
            RolledInterval.interval_start >= start, RolledInterval.interval_start < end))
        if rolled == (end - start) // timedelta(minutes=15):
            print("roll-up present: skipped", file=sys.stderr)
            return
        started, now, day, intervals = time.perf_counter(), utcnow(), start, 0
        while day < end:
            intervals += roll_up(session, day, day + timedelta(days=1), now=now)
            session.commit()
            day += timedelta(days=1)
        print(f"rolled up {intervals:,} intervals ({STATE_DAYS} days) in {time.perf_counter() - started:.0f} s",
              file=sys.stderr, flush=True)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        for table in ("report_agent_intervals", "report_queue_intervals", "report_queue_waits",
                      "report_rolled_intervals"):
            connection.exec_driver_sql(f"VACUUM ANALYZE {table}")


def unlist_rolled(connection, start: datetime, end: datetime) -> None:
    """Take [start, end) off the rolled intervals (its roll-up rows stay, unread): as if the job lagged."""
    connection.execute(sa.delete(RolledInterval).where(RolledInterval.interval_start >= start,
                                                       RolledInterval.interval_start < end))
    connection.commit()


def run_agents_report(connection, report: ReportFilter) -> list[dict]:
    """The platform's agent performance report, end to end."""
    with Session(bind=connection) as session:
        return agent_performance(session, report, now=NOW)


def run_agents_sql(connection, report: ReportFilter) -> list[dict]:
    """The same figures from the hand-written statement."""
    return [dict(row) for row in connection.execute(AGENTS_SQL, {
        "start": report.start.replace(tzinfo=None), "end": report.end.replace(tzinfo=None),
        "state_end": min(report.end, NOW).replace(tzinfo=None), "period_start": report.start.timestamp(),
        "period_end": min(report.end, NOW).timestamp()}).mappings()]


def run_agents_rollup_sql(connection, report: ReportFilter) -> list[dict]:
    """The same figures from the hand-written statement over the roll-up."""
    return [dict(row) for row in connection.execute(AGENTS_ROLLUP_SQL, {
        "start": report.start.replace(tzinfo=None), "end": report.end.replace(tzinfo=None)}).mappings()]


def run_queues_report(connection, report: ReportFilter, interval_minutes: int | None) -> list[dict]:
    """The platform's queue report, end to end."""
    with Session(bind=connection) as session:
        return queue_report(session, report, interval_minutes=interval_minutes)


def run_queues_sql(connection, report: ReportFilter, interval_minutes: int | None) -> list[dict]:
    """The same figures from the hand-written statement."""
    rows = connection.execute(queues_sql(interval_minutes), {
        "start": report.start.replace(tzinfo=None), "end": report.end.replace(tzinfo=None),
        "short": 5, "target": 20}).mappings()
    return [dict(row) for row in rows]


def run_queues_rollup_sql(connection, report: ReportFilter, interval_minutes: int | None) -> list[dict]:
    """The same figures from the hand-written statement over the roll-up."""
    rows = connection.execute(queues_rollup_sql(interval_minutes), {
        "start": report.start.replace(tzinfo=None), "end": report.end.replace(tzinfo=None),
        "short": 5, "target": 20}).mappings()
    return [dict(row) for row in rows]


def differences(report_rows: list[dict], sql_rows: list[dict]) -> list[str]:
    """What differs between the two answers (row count, then each field; floats to 1e-9 relative)."""
    if len(report_rows) != len(sql_rows):
        return [f"{len(report_rows)} rows vs {len(sql_rows)}"]
    problems = []
    for n, (ours, theirs) in enumerate(zip(report_rows, sql_rows)):
        for key, value in ours.items():
            other = theirs.get(key)
            if isinstance(value, float) or isinstance(other, float):
                same = (value is None and other is None) or (
                    value is not None and other is not None and math.isclose(value, float(other), rel_tol=1e-9,
                                                                             abs_tol=1e-6))
            else:
                same = value == other
            if not same:
                problems.append(f"row {n} {key}: {value!r} vs {other!r}")
    return problems[:5]


def stats(seconds: list[float]) -> dict:
    """Median and max in seconds."""
    return {"median_s": statistics.median(seconds), "max_s": max(seconds), "min_s": min(seconds), "n": len(seconds)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="postgresql://127.0.0.1/bench_history")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each variant, per period")
    parser.add_argument("--prepare", action="store_true",
                        help="add state changes, queue events and holds; roll up September and October")
    parser.add_argument("--jit", choices=("default", "off"), default="default",
                        help="'off' runs every variant with SET jit = off")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    engine = make_engine(args.database_url)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if engine.dialect.name != "postgresql":
        parser.error("the hand-written baselines are PostgreSQL SQL")
    if schema.current_revision(engine) != schema.head_revision():
        parser.error("the database is not at the code's schema revision: run `callcenter db upgrade` on it")
    if args.prepare:
        prepare(engine)

    # report, raw baseline (the verdict's), roll-up baseline (like for like)
    reports = {
        "agents": (run_agents_report, run_agents_sql, run_agents_rollup_sql),
        "queues": (lambda c, r: run_queues_report(c, r, None), lambda c, r: run_queues_sql(c, r, None),
                   lambda c, r: run_queues_rollup_sql(c, r, None)),
        f"queues_by_{INTERVAL_MINUTES}_min": (lambda c, r: run_queues_report(c, r, INTERVAL_MINUTES),
                                             lambda c, r: run_queues_sql(c, r, INTERVAL_MINUTES),
                                             lambda c, r: run_queues_rollup_sql(c, r, INTERVAL_MINUTES)),
    }
    variants = ("report", "sql", "rollup_sql")
    results: dict = {}
    mismatches: dict = {}
    with engine.connect() as connection:
        if args.jit == "off":
            connection.exec_driver_sql("SET jit = off")
            connection.commit()
        version = connection.scalar(sa.text("SHOW server_version"))
        jit = connection.scalar(sa.text("SHOW jit"))
        sizes = {name: connection.scalar(sa.text(f"SELECT reltuples::bigint FROM pg_class WHERE relname = '{name}'"))
                 for name in ("interactions", "interaction_events", "agent_state_changes",
                              "report_agent_intervals", "report_queue_intervals", "report_queue_waits")}
        for period, (start, end) in PERIODS.items():
            report = ReportFilter(start, end)
            open_tail = OPEN_TAIL.get(period)
            if open_tail:
                unlist_rolled(connection, end - open_tail, end)
            # The statement over the roll-up cannot see an open tail: only the raw one is a baseline there.
            timed = variants[:2] if open_tail else variants
            for name, runs in reports.items():
                answers = [run(connection, report) for run in runs[:len(timed)]]  # also warms the cache
                connection.rollback()
                for baseline, answer in zip(timed[1:], answers[1:]):
                    problems = differences(answers[0], answer)
                    if problems:
                        mismatches[f"{name} {period} vs {baseline}"] = problems
                timings: dict[str, list[float]] = {variant: [] for variant in timed}
                for n in range(args.repeat):  # interleaved, rotating which goes first
                    for k in range(len(timed)):
                        variant = timed[(n + k) % len(timed)]
                        started = time.perf_counter()
                        runs[variants.index(variant)](connection, report)
                        timings[variant].append(time.perf_counter() - started)
                        connection.rollback()
                mine, raw = stats(timings["report"]), stats(timings["sql"])
                rolled = stats(timings["rollup_sql"]) if "rollup_sql" in timings else None
                ratio = mine["median_s"] / raw["median_s"]
                results[f"{name} {period}"] = {
                    "rows": len(answers[0]), "report": mine, "sql": raw, "rollup_sql": rolled, "ratio_median": ratio,
                    "ratio_to_rollup_sql": mine["median_s"] / rolled["median_s"] if rolled else None,
                    "pass_seconds": mine["median_s"] < SECONDS_TARGET, "pass_ratio": ratio <= RATIO_TARGET,
                }
                if not args.json:
                    print(f"  {name} {period}: report {mine['median_s']:.3f} s, raw sql {raw['median_s']:.3f} s"
                          + (f", roll-up sql {rolled['median_s']:.3f} s" if rolled else ""),
                          file=sys.stderr, flush=True)
            if open_tail:
                with Session(bind=connection) as session:
                    roll_up(session, end - open_tail, end, now=utcnow())
                    session.commit()
    engine.dispose()

    passed = all(r["pass_seconds"] and r["pass_ratio"] for r in results.values()) and not mismatches
    summary = {"postgresql": version, "jit": jit, "rows": sizes, "repeat": args.repeat,
               "load_average": os.getloadavg(), "periods": {p: [s.isoformat(), e.isoformat()]
                                                            for p, (s, e) in PERIODS.items()},
               "results": results, "mismatches": mismatches,
               "targets": {"median_s": SECONDS_TARGET, "ratio_median": RATIO_TARGET}, "pass": passed}
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        print(f"PostgreSQL {version} (jit {jit}): {sizes['interactions']:,} interactions, "
              f"{sizes['interaction_events']:,} events, {sizes['agent_state_changes']:,} agent state changes; "
              f"roll-up {sizes['report_agent_intervals']:,} agent, {sizes['report_queue_intervals']:,} queue and "
              f"{sizes['report_queue_waits']:,} wait rows (estimates); {args.repeat} runs each, load average "
              + " ".join(f"{x:.1f}" for x in summary["load_average"]))
        print(f"{'':<30}{'rows':>6}{'report med':>12}{'max':>8}{'raw sql':>10}{'ratio':>8}"
              f"{'roll-up sql':>13}{'ratio':>8}  s")
        for key, r in results.items():
            rolled = (f"{r['rollup_sql']['median_s']:13.3f}{r['ratio_to_rollup_sql']:7.2f}x" if r["rollup_sql"]
                      else f"{'-':>13}{'-':>8}")
            print(f"{key:<30}{r['rows']:>6}{r['report']['median_s']:12.3f}{r['report']['max_s']:8.3f}"
                  f"{r['sql']['median_s']:10.3f}{r['ratio_median']:7.2f}x{rolled}  "
                  f"{'PASS' if r['pass_seconds'] else 'FAIL'} < {SECONDS_TARGET:g} s  "
                  f"{'PASS' if r['pass_ratio'] else 'FAIL'} <= {RATIO_TARGET:g}x raw")
        print(f"correctness: {'same figures' if not mismatches else 'MISMATCH ' + repr(mismatches)} "
              f"({len(results)} report/period pairs, each against both statements)")
        print("PASS" if passed else "FAIL")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
