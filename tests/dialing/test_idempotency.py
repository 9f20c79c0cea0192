"""The attempt id is the idempotency key: a repeated job never dials twice; a claimed but unconfirmed
attempt is adopted or closed as lost, and its lead dialed again under a new attempt."""

from datetime import timedelta
from types import SimpleNamespace

import sqlalchemy as sa
from rq import Queue, SimpleWorker

from crm_core import models
from crm_core.db import utcnow
from dialer import engine
from dialer.jobs import enqueue_attempt, place_attempt, reconcile_unconfirmed


def test_a_repeated_job_of_one_attempt_dials_once(live_platform, committed_session, redis_client,
                                                  make_dialing_campaign, add_leads):
    campaign = make_dialing_campaign(committed_session)
    [lead] = add_leads(committed_session, campaign, ["+79160000011"])
    committed_session.commit()
    live_platform.sandbox.add_callee("+79160000011", "busy")
    with live_platform.app.app_context():
        from callcenter.db import get_session

        attempt = engine.start_attempt(get_session(), campaign, lead, now=utcnow())
        get_session().commit()
        queue = Queue("default", connection=redis_client)
        for _ in range(3):  # the pacer re-enqueues, rq retries: same job id, same attempt
            enqueue_attempt(queue)(attempt.id)
            SimpleWorker([queue], connection=redis_client).work(burst=True)
        assert place_attempt(attempt.id) == "skipped"
    calls = [c for c in live_platform.sandbox.calls() if c["to"] == "+79160000011"]
    assert len(calls) == 1


class CallLog:
    """A provider whose call log holds `calls` (sid, date created) for every number."""

    def __init__(self, *calls):
        listed = [SimpleNamespace(sid=sid, date_created=created) for sid, created in calls]
        self.client = SimpleNamespace(calls=SimpleNamespace(list=lambda **_: listed))


NoCalls = CallLog()


def test_an_attempt_claimed_by_a_killed_worker_is_closed_as_lost_and_its_lead_comes_back(
        db_session, make_dialing_campaign, add_leads):
    campaign = make_dialing_campaign(db_session)
    [lead] = add_leads(db_session, campaign, ["+79160000012"])
    now = utcnow()
    attempt = engine.start_attempt(db_session, campaign, lead, now=now)
    attempt.status, attempt.placed_at = "dialing", now  # claimed, then the worker died before the CallSid
    db_session.flush()
    assert reconcile_unconfirmed(db_session, NoCalls, now=now + timedelta(seconds=30)) == []
    assert reconcile_unconfirmed(db_session, NoCalls, now=now + timedelta(minutes=5)) == [attempt.id]
    assert attempt.status == "failed"
    assert db_session.get(models.AttemptOutcome, attempt.id).outcome == "lost"
    assert lead.status == "scheduled"
    again = engine.start_attempt(db_session, campaign, lead, now=now + timedelta(minutes=5))
    assert again.id != attempt.id
    assert db_session.scalar(sa.select(sa.func.count()).select_from(models.DialAttempt)
                             .where(models.DialAttempt.call_sid.is_not(None))) == 0


def test_a_claimed_attempt_adopts_the_providers_call_made_since_the_claim_and_never_an_older_one(
        db_session, make_dialing_campaign, add_leads):
    campaign = make_dialing_campaign(db_session)
    old_lead, new_lead = add_leads(db_session, campaign, ["+79160000013", "+79160000014"])
    now = utcnow()
    attempts = [engine.start_attempt(db_session, campaign, lead, now=now) for lead in (old_lead, new_lead)]
    for attempt in attempts:
        attempt.status, attempt.placed_at = "dialing", now
    db_session.flush()
    yesterdays = CallLog(("CA" + "1" * 32, now - timedelta(days=1)))

    later = now + timedelta(minutes=5)
    assert reconcile_unconfirmed(db_session, yesterdays, now=later) == [a.id for a in attempts]
    assert attempts[0].call_sid is None and db_session.get(models.AttemptOutcome, attempts[0].id).outcome == "lost"
    again = engine.start_attempt(db_session, campaign, new_lead, now=later)
    again.status, again.placed_at = "dialing", later - timedelta(minutes=3)
    db_session.flush()
    since_the_claim = CallLog(("CA" + "2" * 32, later - timedelta(minutes=3) + timedelta(seconds=1)))
    assert reconcile_unconfirmed(db_session, since_the_claim, now=later) == [again.id]
    assert again.call_sid == "CA" + "2" * 32 and again.status == "dialing"
