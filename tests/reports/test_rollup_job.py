"""The roll-up as it runs: the rq job the pacer schedules, and `callcenter reports rollup` for backfills."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from rq import Queue, SimpleWorker

from crm_core import models
from crm_core.analytics import ReportFilter, queue_report
from crm_core.analytics.coverage import interval_floor
from crm_core.db import utcnow
from callcenter.report_jobs import REPORTS_QUEUE, schedule_report_rollup
from callcenter.reports_cli import reports_cli
from tests.analytics.conftest import HOUR_END, HOUR_START, at


def test_the_scheduled_job_rolls_up_the_calls_of_two_hours_ago_once_per_slot(app, db_session, redis_client):
    started = utcnow() - timedelta(hours=2)
    call = models.Interaction(call_sid="CA" + "j" * 32, channel="voice", direction="inbound", status="completed",
                              started_at=started, ended_at=started + timedelta(minutes=3), queue="support")
    call.events.append(models.InteractionEvent(kind="queue_left", detail={"result": "bridged", "queue_time": "12"},
                                               occurred_at=started + timedelta(seconds=40)))
    db_session.add(call)
    db_session.flush()
    queue = Queue(REPORTS_QUEUE, connection=redis_client)

    assert schedule_report_rollup(queue, utcnow())
    assert not schedule_report_rollup(queue, utcnow())  # the pacer's next rounds: already enqueued
    with app.app_context():
        assert SimpleWorker([queue], connection=redis_client).work(burst=True)

    rolled = db_session.get(models.QueueIntervalFigures, (interval_floor(started), "support"))
    assert (rolled.offered, rolled.answered, rolled.answered_wait_seconds) == (1, 1, 12)
    [support] = queue_report(db_session, ReportFilter(started - timedelta(hours=1), utcnow()))
    assert (support["offered"], support["answered_within_target"], support["asa_seconds"]) == (1, 1, 12.0)


def test_rollup_command_backfills_a_past_period(runner, db_session, floor):
    before = queue_report(db_session, ReportFilter(HOUR_START, HOUR_END), interval_minutes=30)

    result = runner.invoke(reports_cli, ["rollup", "--since", "2026-06-01T08:00", "--until", "2026-06-01T11:00"])

    assert result.exit_code == 0, result.output
    assert "12 intervals rolled up from 2026-06-01T08:00:00+00:00" in result.output
    assert db_session.scalar(sa.select(sa.func.count()).select_from(models.RolledInterval)) == 12
    assert queue_report(db_session, ReportFilter(HOUR_START, HOUR_END), interval_minutes=30) == before
    assert db_session.get(models.RolledInterval, at(1, 9, 45)) is not None


def test_rollup_command_refuses_a_period_it_cannot_read(runner, db_session):
    result = runner.invoke(reports_cli, ["rollup", "--since", "yesterday"])
    assert result.exit_code == 2 and "an ISO 8601 date or time" in result.output
    result = runner.invoke(reports_cli, ["rollup", "--since", "2026-06-02", "--until", "2026-06-01"])
    assert result.exit_code == 2 and "must come after --since" in result.output
    assert db_session.scalar(sa.select(sa.func.count()).select_from(models.RolledInterval)) == 0
