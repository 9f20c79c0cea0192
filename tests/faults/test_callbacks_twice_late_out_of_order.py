"""Status callbacks delivered twice, late and out of order (the sandbox's callback faults): every call still ends
as one interaction with the provider's final status and durations, and every dial attempt's outcome is decided
once (no lead rescheduled twice)."""

from __future__ import annotations

from email.utils import parsedate_to_datetime

import sqlalchemy as sa
from rq import Queue, SimpleWorker

from callcenter.config import SANDBOX_ACCOUNT_SID
from crm_core import models
from crm_core.db import utcnow
from dialer.engine import start_attempt
from dialer.jobs import enqueue_attempt

from .conftest import interactions_of, wait_until

BUSY, SILENT, MACHINE, HUMAN = (f"+7916000001{i}" for i in range(4))
EXPECTED_OUTCOMES = {BUSY: "busy", SILENT: "no-answer", MACHINE: "machine", HUMAN: "abandoned"}
LATE_BY = 1.0  # real seconds


def test_callbacks_twice_late_and_out_of_order_leave_one_interaction_and_one_outcome_per_call(
        live_platform, committed_session, redis_client, make_dialing_campaign, add_leads, engine):
    session, sandbox = committed_session, live_platform.sandbox
    campaign = make_dialing_campaign(session)
    leads = add_leads(session, campaign, list(EXPECTED_OUTCOMES))
    session.commit()
    sandbox.add_callee(BUSY, "busy")
    sandbox.add_callee(SILENT, "no-answer")
    sandbox.add_callee(MACHINE, "machine", answer_after=1)
    sandbox.add_callee(HUMAN, "human", answer_after=1, talk_for=None)  # nobody to take them: abandoned
    sandbox.set_callback_faults(SANDBOX_ACCOUNT_SID, duplicate=True, late_by=LATE_BY)

    with live_platform.app.app_context():
        from callcenter.db import close_session, get_session

        try:
            attempts = [start_attempt(get_session(), campaign, lead, now=utcnow()) for lead in leads]
            get_session().commit()
            queue = Queue("default", connection=redis_client)
            for attempt in attempts:
                enqueue_attempt(queue)(attempt.id)
        finally:
            close_session()
        SimpleWorker([queue], connection=redis_client).work(burst=True)
    inbound = sandbox.place_call("+79035550111", live_platform.number, [{"hangup": True}])
    calls = {c["to"]: sandbox.wait(c["sid"], timeout=60) for c in sandbox.calls() if c["direction"] != "outbound-dial"}
    calls["inbound"] = sandbox.wait(inbound, timeout=60)

    for call in calls.values():
        delivered = [e for e in call["transcript"] if e["event"] == "status_callback"]
        assert all(e["status_code"] == 200 for e in delivered), delivered
        assert any(e.get("duplicate") for e in delivered)
    assert any(e.get("late") for e in calls[HUMAN]["transcript"])

    # One interaction per call, with the provider's final status and figures, whatever order the callbacks took.
    for call in calls.values():
        [interaction] = interactions_of(engine, call["sid"])
        assert interaction.status == call["status"], (call["to"], interaction.status, call["status"])
        assert interaction.ended_at == parsedate_to_datetime(call["end_time"])
        assert interaction.talk_seconds == call["duration"]
        answered = [call["created_at"] + e["t"] for e in call["transcript"] if e["event"] == "answered"]
        if answered:
            assert abs(interaction.answered_at.timestamp() - answered[0]) <= 2, call["to"]  # whole-second stamps
        assert interaction.answered_by == call["answered_by"]
        with engine.connect() as connection:
            statuses = connection.execute(sa.select(models.InteractionEvent.detail).where(
                models.InteractionEvent.interaction_id == interaction.id,
                models.InteractionEvent.kind == "status")).scalars().all()
        sent = {(e["status"], e["sequence_number"]) for e in call["transcript"] if e["event"] == "status_callback"}
        assert len(statuses) == len(sent), "each callback is recorded once, its copy is not"

    # One attempt per lead, its outcome decided once; the lead's tries counted once.
    wait_until(lambda: _outcomes(session) and len(_outcomes(session)) == len(leads), 30, "attempts not settled")
    assert _outcomes(session) == EXPECTED_OUTCOMES
    for lead in leads:
        attempts_of_lead = session.scalars(sa.select(models.DialAttempt).where(
            models.DialAttempt.lead_id == lead.id)).all()
        schedule = session.get(models.LeadSchedule, lead.id)
        assert len(attempts_of_lead) == 1 and schedule.tries == 1, lead.e164
        assert schedule.last_outcome == EXPECTED_OUTCOMES[lead.e164]
    session.rollback()


def _outcomes(session) -> dict[str, str]:
    try:
        return dict(session.execute(sa.select(models.DialAttempt.e164, models.AttemptOutcome.outcome)
                                    .join(models.AttemptOutcome,
                                          models.AttemptOutcome.attempt_id == models.DialAttempt.id)).all())
    finally:
        session.rollback()
