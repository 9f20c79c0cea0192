"""rq jobs of the dialer, and the pacer's round in the app: they take ids, reload rows and commit.

Exactly-once dialing per attempt (the attempt id is the idempotency key):
1. The job claims the attempt with a conditional UPDATE scheduled -> dialing and commits the claim and the
   gate's decision BEFORE asking the provider. A retried job, a second copy of the job or a job re-enqueued by
   the pacer finds the attempt claimed and does nothing: the same attempt is never dialed twice.
2. Crash window: a worker killed after the provider accepted the call but before the CallSid was committed.
   Every webhook and status callback of the call carries `?attempt=<id>`, so the call's first callback
   (`initiated`, within a second) records its CallSid on the attempt. If no callback ever comes, the pacer's
   reconciliation (`reconcile_unconfirmed`) asks the provider for calls to the number since the claim and adopts
   one that belongs to no attempt; only when the provider has none is the attempt closed as "lost" and its
   lead dialed again under a NEW attempt id (the lead is never lost; the attempt is never redialed). A create
   request that timed out is left to the same reconciliation: the provider may or may not have the call.
3. A worker killed before the claim committed leaves the attempt "scheduled": the pacer enqueues it again
   after REENQUEUE_AFTER.
4. A final status callback lost (Twilio does not retry status callbacks: a web process down at that moment never
   hears it) would leave the attempt dialing and its lead stuck: the pacer (`reconcile_unfinished`) asks the
   provider about calls out for over RECONCILE_AFTER, at most once per RECONCILE_AFTER each, and closes the
   attempts of calls it reports ended, as their final callback would have.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from crm_core import calls
from crm_core.db import utcnow
from crm_core.models import Campaign, DialAttempt, Lead

from . import engine, outcomes, preview, recycle
from .campaigns import lead_context
from .compliance.gate import ComplianceGate

log = logging.getLogger(__name__)

PLACE_ATTEMPT = "dialer.jobs.place_attempt"
# Machine detection that waits for the greeting's end, so a voicemail starts after the beep.
MACHINE_DETECTION = "DetectMessageEnd"
# The provider's clock may be a little behind ours: a call it dates this much before a claim may be the claim's.
PROVIDER_CLOCK_SKEW = timedelta(seconds=30)


def job_id(attempt_id: int) -> str:
    """The rq job id of an attempt: the same attempt always maps to the same job."""
    return f"dial-attempt-{attempt_id}"


def place_attempt(attempt_id: int, now: datetime | None = None) -> str:
    """Place one dial attempt if nobody has: claim it, ask the gate now, call through the provider."""
    from callcenter.db import close_session

    try:
        return _place_attempt(attempt_id, now)
    finally:
        close_session()  # each job its own session: a failed job leaves nothing behind for the next


def _place_attempt(attempt_id: int, now: datetime | None) -> str:
    from callcenter.db import get_session
    from callcenter.telephony import provider
    from callcenter.telephony.provider import TelephonyError
    session = get_session()
    now = now or utcnow()
    claimed = session.execute(
        sa.update(DialAttempt).where(DialAttempt.id == attempt_id, DialAttempt.status == "scheduled")
        .values(status="dialing", placed_at=now).execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        session.rollback()
        log.info("dial attempt %s already claimed: nothing to do", attempt_id)
        return "skipped"
    attempt = session.get(DialAttempt, attempt_id, populate_existing=True)
    campaign = session.get(Campaign, attempt.campaign_id, populate_existing=True)
    if campaign.status != "running":  # paused or stopped since the pacer launched it: calls not yet placed wait
        engine.close_undialed(session, attempt, "withdrawn", now=now)
        if (desk := _preview_desk(attempt)) is not None:
            preview.dial_not_placed(desk, attempt, f"the campaign is {campaign.status}")
        session.commit()
        log.info("dial attempt %s withdrawn: campaign %s is %s", attempt_id, campaign.id, campaign.status)
        return "withdrawn"
    lead = session.get(Lead, attempt.lead_id) if attempt.lead_id is not None else None
    gate = ComplianceGate(session, default_region=current_app.config["DEFAULT_REGION"])
    decision = gate.check(campaign, now=now, lead=lead, number=None if lead else attempt.e164,
                          mode=attempt.mode, attempt_id=attempt.id)
    if not decision.allowed:
        attempt.status, attempt.placed_at, attempt.ended_at = "failed", None, now
        recycle.refused(session, attempt, [r.code for r in decision.reasons], now=now)
        if (desk := _preview_desk(attempt)) is not None:
            preview.dial_not_placed(desk, attempt, "the compliance gate refused the call", reasons=decision.reasons)
        session.commit()
        log.info("dial attempt %s refused by the gate: %s", attempt_id, [r.code for r in decision.reasons])
        return "refused"
    # The claim is durable before the provider hears of the call, and no transaction stays open while we wait
    # for the provider (on SQLite an open transaction is the database's one write lock).
    session.commit()
    try:
        placed = provider().place_call(
            attempt.e164, url=webhook_url("voice.dialer_answered", attempt=attempt.id),
            status_callback=webhook_url("voice.dialer_status", attempt=attempt.id),
            caller_id=decision.caller_id, timeout=max(decision.min_ring_seconds, 25),
            machine_detection=MACHINE_DETECTION,
        )
    except TelephonyError as exc:
        log.error("dial attempt %s: the provider refused the call to %s: %s", attempt_id, attempt.e164, exc)
        attempt = session.get(DialAttempt, attempt_id, with_for_update=True, populate_existing=True)
        attempt.status, attempt.ended_at = "failed", now
        recycle.settle_attempt(session, attempt, "failed", now=now)
        if (desk := _preview_desk(attempt)) is not None:
            preview.dial_not_placed(desk, attempt, f"the provider refused the call: {exc}")
        session.commit()
        return "failed"
    attempt = session.get(DialAttempt, attempt_id, with_for_update=True, populate_existing=True)
    if attempt.call_sid is None:
        attempt.call_sid = placed.sid
    interaction = calls.open_call(
        session, call_sid=placed.sid, from_number=decision.caller_id, to_number=attempt.e164, direction="outbound",
        default_region=current_app.config["DEFAULT_REGION"], status="queued")
    describe_call(session, interaction, attempt)
    if (desk := _preview_desk(attempt)) is not None:
        preview.dial_placed(desk, attempt, interaction)
    session.commit()
    log.info("dial attempt %s placed CallSid=%s", attempt_id, placed.sid)
    return placed.sid


def _preview_desk(attempt: DialAttempt):
    """The desk when the attempt is a preview call (its agent hears how the dial went), else None."""
    if attempt.mode != "preview":
        return None
    from callcenter.console.wiring import current_desk

    return current_desk()


def webhook_url(endpoint: str, **values) -> str:
    """VOICE_BASE_URL + the endpoint's path, built without a request (jobs run in an app context only)."""
    path = current_app.url_map.bind("", script_name="/").build(endpoint, values)
    return current_app.config["VOICE_BASE_URL"] + path


def call_context(session, attempt: DialAttempt) -> dict:
    """What the agent's screen-pop shows of a campaign call: its lead in the campaign, and the attempt."""
    lead = session.get(Lead, attempt.lead_id) if attempt.lead_id is not None else None
    return lead_context(session, attempt.campaign_id, lead) | {"attempt_id": attempt.id}


def describe_call(session, interaction, attempt: DialAttempt) -> None:
    """Give a campaign call its context (once) and the lead's customer when the number did not name one."""
    if "attempt_id" not in (interaction.context or {}):
        interaction.context = call_context(session, attempt) | (interaction.context or {})
    if interaction.customer_id is None and attempt.lead_id is not None:
        interaction.customer_id = session.scalar(sa.select(Lead.customer_id).where(Lead.id == attempt.lead_id))


def reconcile_unconfirmed(session, telephony, *, now: datetime,
                          after: timedelta = engine.RECONCILE_AFTER) -> list[int]:
    """Settle attempts claimed over `after` ago that the provider never confirmed: adopt the provider's call to
    the number made since the claim that no attempt owns, else close the attempt as lost (its lead is dialed
    again). Flushes."""
    settled = []
    for attempt in engine.unconfirmed_attempts(session, now, after=after):
        known = set(session.scalars(sa.select(DialAttempt.call_sid).where(DialAttempt.e164 == attempt.e164,
                                                                          DialAttempt.call_sid.is_not(None))))
        since = attempt.placed_at - PROVIDER_CLOCK_SKEW
        orphan = None
        try:
            for call in telephony.client.calls.list(to=attempt.e164, limit=20):
                if call.sid not in known and (call.date_created is None or call.date_created >= since):
                    orphan = call.sid
                    break
        except Exception:  # the provider cannot tell: try again next round rather than guess
            log.exception("could not list calls to reconcile dial attempt %s", attempt.id)
            continue
        if orphan is not None:
            log.warning("dial attempt %s adopts CallSid=%s found at the provider", attempt.id, orphan)
            attempt.call_sid = orphan
        else:
            log.warning("dial attempt %s never reached the provider: closed as lost", attempt.id)
            engine.close_undialed(session, attempt, "lost", now=now)
        settled.append(attempt.id)
    session.flush()
    return settled


def reconcile_unfinished(session, telephony, *, now: datetime, may_ask, default_region: str,
                         after: timedelta = engine.RECONCILE_AFTER) -> list[str]:
    """Close the attempts whose call the provider reports ended though no final status callback reached us,
    asking about each attempt only when `may_ask(attempt_id)` allows; returns their CallSids. Commits the
    transaction it read in before asking the provider (on SQLite an open transaction holds the write lock),
    then flushes."""
    unfinished = [(a.id, a.call_sid) for a in engine.unfinished_attempts(session, now, after=after)]
    session.commit()
    ended_calls = list(calls.ended_by_provider(telephony, unfinished, may_ask))
    closed = []
    for attempt_id, ended in ended_calls:
        attempt = outcomes.locked_attempt(session, attempt_id)  # a late callback may be closing it right now
        if attempt.status != "dialing":
            continue
        final = ended.final_status
        log.warning("dial attempt %s: CallSid=%s ended %s but its final status callback never came; closed now",
                    attempt_id, final.call_sid, final.status)
        calls.apply_status(session, final, default_region=default_region, from_number=ended.from_number,
                           to_number=ended.to_number, direction="outbound")
        if final.answered_by:
            outcomes.answered(session, attempt, final.answered_by, now=now)
        outcomes.ended(session, attempt, final.status, now=now)
        closed.append(final.call_sid)
    session.flush()
    return closed


def enqueue_attempt(queue):
    """An `enqueue(attempt_id)` for the engine that puts place_attempt on an rq queue under the attempt's id."""

    def enqueue(attempt_id: int) -> None:
        queue.enqueue(PLACE_ATTEMPT, attempt_id, job_id=job_id(attempt_id), result_ttl=600, failure_ttl=86400)

    return enqueue


def app_enqueue():
    """The app's `enqueue(attempt_id)`: place_attempt on the dialer's rq queue."""
    from rq import Queue

    from callcenter.redis_store import get_redis

    return enqueue_attempt(Queue(current_app.config.get("DIALER_QUEUE", "default"), connection=get_redis()))


def pace_campaigns(now: datetime | None = None, *, reconcile_after: timedelta = engine.RECONCILE_AFTER) -> list:
    """One pacer round in the app: reconcile, launch what every running campaign needs, and give available
    agents the leads of preview campaigns."""
    from callcenter.console.wiring import current_desk
    from callcenter.db import get_session
    from callcenter.redis_store import once_per
    from callcenter.telephony import provider

    now = now or utcnow()
    session = get_session()
    reconcile_unconfirmed(session, provider(), now=now, after=reconcile_after)
    session.commit()
    desk = current_desk()
    for call_sid in reconcile_unfinished(session, provider(), now=now, after=reconcile_after,
                                         may_ask=once_per(reconcile_after, "dialer:reconcile"),
                                         default_region=current_app.config["DEFAULT_REGION"]):
        desk.call_finished(call_sid)
    session.commit()
    results = engine.run_round(session, router=desk.router, enqueue=app_enqueue(), now=now,
                               cps=float(current_app.config.get("DIALER_CALLS_PER_SECOND", 1.0)))
    preview.offer_previews(desk, now=now)
    session.commit()
    return results
