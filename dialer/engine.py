"""One pacer round: for every running campaign, decide how many calls to launch, pick the due leads, create
their dial attempts and enqueue one rq job per attempt (job id = attempt id, the idempotency key).

Framework-free: the caller passes the session, the ACD router, an `enqueue(attempt_id)` function and `now`;
the round commits once at the end so a job never starts before its attempt row exists.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from agent_console.routing import Router
from crm_core.models import Campaign, CampaignDialing, DialAttempt, Interaction, Lead

from .compliance.abandon import abandon_rate
from .compliance.profiles import load_profile
from .pacing import Budget, FinishedDial, Floor, LiveStats, Plan, calls_to_launch, cps_room, cps_window, measure
from .recycle import due_leads, lead_schedule, settle_attempt

log = logging.getLogger(__name__)

# The recent dials and calls the live statistics are measured on.
STATS_WINDOW = timedelta(minutes=30)
STATS_SAMPLES = 300
# An attempt whose job has not claimed it by then is enqueued again (its job was lost with a worker or Redis).
REENQUEUE_AFTER = timedelta(seconds=60)
# A claimed attempt with no CallSid and no word from the provider by then is reconciled. Keep it well above the
# provider's HTTP timeout (10 s): a live worker must have given up on its request before we look.
RECONCILE_AFTER = timedelta(seconds=120)


def default_queue(campaign_id: int) -> str:
    """The ACD queue a campaign's answered calls wait in unless its settings name one."""
    return f"campaign-{campaign_id}"


def campaign_queue(settings: CampaignDialing | None, campaign_id: int) -> str:
    """The ACD queue of a campaign."""
    return (settings.queue if settings is not None and settings.queue else None) or default_queue(campaign_id)


@dataclass(frozen=True)
class RoundResult:
    """What one round did for one campaign."""

    campaign_id: int
    plan: Plan
    attempt_ids: tuple[int, ...]


def run_round(session: Session, *, router: Router, enqueue: Callable[[int], None], now: datetime,
              cps: float = 1.0) -> list[RoundResult]:
    """Launch the calls every running campaign needs now, within the account's calls-per-second cap."""
    requeue_stale(session, enqueue=enqueue, now=now)
    campaigns = session.scalars(sa.select(Campaign).where(Campaign.status == "running").order_by(Campaign.id)).all()
    if not campaigns:
        return []
    agents = router.agents()
    launched = session.scalar(sa.select(sa.func.count()).select_from(DialAttempt)
                              .where(DialAttempt.created_at > now - timedelta(seconds=cps_window(cps))))
    room = cps_room(int(launched or 0), cps)
    results, created = [], []
    for index, campaign in enumerate(campaigns):
        # Agents are shared by the running campaigns: each gets an equal slice of the floor.
        floor = campaign_floor(session, router, campaign, agents, share=(index, len(campaigns)), now=now)
        plan = calls_to_launch(campaign.mode, floor, live_stats(session, campaign.id, now),
                               _budget(session, campaign, now), cps_room=room)
        attempts = [start_attempt(session, campaign, lead, now=now)
                    for lead in due_leads(session, campaign.id, now, plan.launch)]
        room -= len(attempts)
        created.extend(a.id for a in attempts)
        results.append(RoundResult(campaign.id, plan, tuple(a.id for a in attempts)))
    session.commit()
    for attempt_id in created:
        enqueue(attempt_id)
    return results


def start_attempt(session: Session, campaign: Campaign, lead: Lead, *, now: datetime) -> DialAttempt:
    """A new dial attempt for a lead (its job places it); the lead is marked as being dialed."""
    attempt = DialAttempt(campaign_id=campaign.id, lead_id=lead.id, e164=lead.e164, mode=campaign.mode,
                          status="scheduled", created_at=now)
    session.add(attempt)
    lead.status = "dialing"
    lead_schedule(session, lead).tries += 1
    session.flush()
    return attempt


def campaign_floor(session: Session, router: Router, campaign: Campaign, agents, *, share: tuple[int, int],
                   now: datetime) -> Floor:
    """The agents and calls of a campaign now, from the ACD and the attempts in flight (with how long each
    agent has been in wrap-up and each call has been out: the pacer forecasts from them)."""
    index, count = share
    clock = router.clock()
    mine = [a for i, a in enumerate(agents) if i % count == index]
    out = session.execute(sa.select(DialAttempt.placed_at, DialAttempt.created_at).where(
        DialAttempt.campaign_id == campaign.id, DialAttempt.status.in_(("scheduled", "dialing")),
        DialAttempt.answered_at.is_(None))).all()
    queue = campaign_queue(session.get(CampaignDialing, campaign.id), campaign.id)
    return Floor(
        ready=sum(1 for a in mine if a.state == "available"),
        talking=sum(1 for a in mine if a.state in ("ringing", "on_call")),
        in_progress=len(out), waiting=len(router.waiting(queue)),
        wrap_up_seconds=tuple(max(0.0, clock - a.since) for a in mine if a.state == "wrap_up"),
        ringing_seconds=tuple(max(0.0, (now - (placed or created)).total_seconds()) for placed, created in out),
    )


def live_stats(session: Session, campaign_id: int, now: datetime) -> LiveStats:
    """What the campaign's recent dials showed (answer rate and delays, newest first) and its recent calls'
    talk and wrap-up times."""
    rows = session.execute(
        sa.select(DialAttempt.answered_by, DialAttempt.placed_at, DialAttempt.answered_at, DialAttempt.ended_at)
        .where(DialAttempt.campaign_id == campaign_id, DialAttempt.status.in_(("completed", "failed")),
               DialAttempt.placed_at > now - STATS_WINDOW)
        .order_by(DialAttempt.placed_at.desc()).limit(STATS_SAMPLES)
    ).all()
    talk, wrap = _handle_times(session, campaign_id, now)
    return measure([_finished_dial(r, now) for r in rows], now=0.0, handle_seconds=talk + wrap, wrap_seconds=wrap)


def _finished_dial(row, now: datetime) -> FinishedDial:
    """A finished attempt as the pacer measures it (seconds before `now`): until a person answered, else until
    a machine answered or the call ended."""
    end = (row.answered_at if row.answered_by else row.ended_at) or row.placed_at
    return FinishedDial(placed_at=(row.placed_at - now).total_seconds(), person=row.answered_by == "human",
                        seconds=(end - row.placed_at).total_seconds())


def _handle_times(session: Session, campaign_id: int, now: datetime) -> tuple[float, float]:
    """Mean talk and wrap-up seconds of the campaign's recent connected calls (defaults until there are some)."""
    calls = session.execute(
        sa.select(DialAttempt.connected_at, Interaction.ended_at, Interaction.wrapped_up_at)
        .join(Interaction, Interaction.call_sid == DialAttempt.call_sid)
        .where(DialAttempt.campaign_id == campaign_id, DialAttempt.connected_at > now - STATS_WINDOW,
               Interaction.ended_at.is_not(None))
    ).all()
    talks = [(c.ended_at - c.connected_at).total_seconds() for c in calls]
    wraps = [(c.wrapped_up_at - c.ended_at).total_seconds() for c in calls if c.wrapped_up_at]
    wrap = sum(wraps) / len(wraps) if wraps else LiveStats.wrap_seconds
    talk = sum(talks) / len(talks) if talks else LiveStats.handle_seconds - LiveStats.wrap_seconds
    return max(talk, 0.0), max(wrap, 0.0)


def _budget(session: Session, campaign: Campaign, now: datetime) -> Budget:
    profile = load_profile(session, campaign.profile_id)
    rate = abandon_rate(session, campaign, now, profile)
    return Budget(rate=rate.rate, limit=rate.limit, connect_within_seconds=profile.abandon.connect_within_seconds)


def requeue_stale(session: Session, *, enqueue: Callable[[int], None], now: datetime) -> list[int]:
    """Enqueue again the attempts no job has claimed for a while (the job id makes this harmless if the first
    job is merely late: whichever runs second finds the attempt claimed and does nothing)."""
    stale = session.scalars(sa.select(DialAttempt.id).where(
        DialAttempt.status == "scheduled", DialAttempt.created_at <= now - REENQUEUE_AFTER)).all()
    for attempt_id in stale:
        log.warning("dial attempt %s was never claimed: enqueued again", attempt_id)
        enqueue(attempt_id)
    return list(stale)


def unconfirmed_attempts(session: Session, now: datetime, *, after: timedelta = RECONCILE_AFTER) -> list[DialAttempt]:
    """Claimed attempts the provider never confirmed (no CallSid, no callback) within `after`."""
    return list(session.scalars(sa.select(DialAttempt).where(
        DialAttempt.status == "dialing", DialAttempt.call_sid.is_(None),
        DialAttempt.placed_at <= now - after)).all())


def unfinished_attempts(session: Session, now: datetime, *, after: timedelta = RECONCILE_AFTER) -> list[DialAttempt]:
    """Attempts whose call the provider accepted over `after` ago and that no final status has closed yet: still
    talking, or their final status callback never reached us."""
    return list(session.scalars(sa.select(DialAttempt).where(
        DialAttempt.status == "dialing", DialAttempt.call_sid.is_not(None),
        DialAttempt.placed_at <= now - after)).all())


def close_undialed(session: Session, attempt: DialAttempt, outcome: str, *, now: datetime) -> None:
    """The attempt never became a call ("lost" or "withdrawn"): close it, not counted as placed by the gate's
    limits or the abandon rate; its lead is dialed again under a new id when its campaign runs."""
    attempt.status, attempt.placed_at, attempt.ended_at = "failed", None, now
    settle_attempt(session, attempt, outcome, now=now)
