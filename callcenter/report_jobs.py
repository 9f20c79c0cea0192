"""rq job of the reports: roll up the intervals that have closed, so reports read the roll-up, not every call.

The pacer calls `schedule_report_rollup(now)` every round; it enqueues the job at most once per
ROLL_UP_EVERY (the job id names the slot). Each run re-rolls from the end of what is rolled (or LOOKBACK ago,
whichever is earlier) to SETTLE ago: an interval is first rolled once its calls are over and wrapped up, and
again at each run within LOOKBACK, which takes in what arrived late (a long call's end, a late disposition).
The still-open tail is always read from the raw tables, so reports are exact while the job lags.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from crm_core.analytics.rollup import roll_up, rolled_through
from crm_core.db import utcnow

log = logging.getLogger(__name__)

ROLL_UP_JOB = "callcenter.report_jobs.roll_up_closed_intervals"
REPORTS_QUEUE = "default"
ROLL_UP_EVERY = timedelta(minutes=15)
# How long after an interval closes its calls are taken to be over and wrapped up.
SETTLE = timedelta(hours=1)
# How far back every run re-rolls (late events older than this need `callcenter reports rollup --since`).
LOOKBACK = timedelta(hours=3)


def roll_up_closed_intervals(now: datetime | None = None) -> int:
    """Roll up the settled intervals since the last roll-up (at least LOOKBACK back); commit; return how many."""
    from .db import close_session, get_session

    now = now or utcnow()
    session = get_session()
    try:
        done = rolled_through(session)
        start = now - LOOKBACK if done is None else min(done, now - LOOKBACK)
        rolled = roll_up(session, start, now - SETTLE, now=now)
        session.commit()
        log.info("rolled up %d report intervals from %s to %s", rolled, start.isoformat(), (now - SETTLE).isoformat())
        return rolled
    finally:
        close_session()


def job_id(now: datetime) -> str:
    """The roll-up job of the ROLL_UP_EVERY slot holding `now`: one per slot, however often it is asked for."""
    slot = int(now.timestamp() // ROLL_UP_EVERY.total_seconds())
    return f"report-rollup-{slot}"


def schedule_report_rollup(queue, now: datetime) -> bool:
    """Enqueue the roll-up on the rq `queue` unless this slot's job already exists; True if enqueued."""
    from rq.job import Job

    name = job_id(now)
    if Job.exists(name, connection=queue.connection):
        return False
    queue.enqueue(ROLL_UP_JOB, job_id=name, result_ttl=int(ROLL_UP_EVERY.total_seconds()) * 4,
                  failure_ttl=86400)
    return True
