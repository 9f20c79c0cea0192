"""Recycle rules: after each attempt, schedule the lead's next try or close it, by the campaign's rules.

Lead statuses the dialer uses: new (never tried), dialing (an attempt is out), scheduled (a retry or callback
is due at LeadSchedule.next_at), done (a person was connected to an agent), closed (final: out of tries, or the
gate refused it for good).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from crm_core.errors import ValidationError
from crm_core.models import AttemptOutcome, CampaignDialing, DialAttempt, Lead, LeadSchedule

# VICIdial's floor between two tries of a number; ours too.
MIN_DELAY_SECONDS = 120
RECYCLED_OUTCOMES = ("busy", "no-answer", "machine", "failed", "abandoned")
# Attempts that never became a call: lost on the way to the provider, or withdrawn because the campaign was
# paused or stopped before a worker picked them up.
UNDIALED_OUTCOMES = ("lost", "withdrawn")
DEFAULT_RULES = {
    "busy": {"delay_seconds": 600, "max_tries": 4},
    "no-answer": {"delay_seconds": 3600, "max_tries": 4},
    "machine": {"delay_seconds": 4 * 3600, "max_tries": 3},
    "failed": {"delay_seconds": 1800, "max_tries": 2},
    # Ofcom: no repeat within 72 hours of an abandoned call without a guaranteed agent.
    "abandoned": {"delay_seconds": 72 * 3600, "max_tries": 4},
}
# Gate refusals that will not change with time: the lead is closed instead of retried.
FINAL_REFUSALS = frozenset({"dnc", "dnc_campaign", "dnc_registry", "consent_missing", "auto_dial_forbidden",
                            "total_limit", "no_time_zone", "refusal_cooloff"})
REFUSAL_RETRY = timedelta(minutes=30)


@dataclass(frozen=True)
class Rule:
    """Retry after `delay_seconds`, as long as the lead was tried fewer than `max_tries` times."""

    delay_seconds: int
    max_tries: int


def parse_rules(data: dict | None) -> dict[str, Rule]:
    """The campaign's rules over the defaults, validated (a delay of at least MIN_DELAY_SECONDS)."""
    merged = DEFAULT_RULES | (data or {})
    rules = {}
    for outcome, rule in merged.items():
        if outcome not in RECYCLED_OUTCOMES:
            raise ValidationError(f"recycle_rules.{outcome}", f"one of {', '.join(RECYCLED_OUTCOMES)}")
        try:
            delay, tries = int(rule["delay_seconds"]), int(rule["max_tries"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ValidationError(f"recycle_rules.{outcome}",
                                  "the wait (delay_seconds) and the tries (max_tries) must be whole numbers") from exc
        if delay < MIN_DELAY_SECONDS or tries < 1:
            raise ValidationError(f"recycle_rules.{outcome}", f"wait at least {MIN_DELAY_SECONDS // 60} minutes "
                                                              "between tries, and allow at least 1 try")
        rules[outcome] = Rule(delay, tries)
    return rules


def next_try(outcome: str, tries: int, rules: dict[str, Rule], now: datetime) -> datetime | None:
    """When to try again after `tries` tries ended with `outcome`; None when the lead is finished."""
    rule = rules.get(outcome)
    if rule is None or tries >= rule.max_tries:
        return None
    return now + timedelta(seconds=rule.delay_seconds)


def lead_schedule(session: Session, lead: Lead) -> LeadSchedule:
    """The lead's schedule row, created on first use."""
    schedule = session.get(LeadSchedule, lead.id)
    if schedule is None:
        schedule = LeadSchedule(lead_id=lead.id, campaign_id=lead.campaign_id, tries=0)
        session.add(schedule)
    return schedule


def settle_attempt(session: Session, attempt: DialAttempt, outcome: str, *, now: datetime) -> AttemptOutcome:
    """Record what the attempt ended as and apply the recycle rules to its lead, once: a repeated or late
    callback of the same attempt returns the first decision."""
    done = session.get(AttemptOutcome, attempt.id)
    if done is not None:
        return done
    lead = session.get(Lead, attempt.lead_id) if attempt.lead_id is not None else None
    action = "connected" if outcome == "human" else "closed"
    if lead is not None:
        schedule = lead_schedule(session, lead)
        schedule.last_outcome = outcome
        schedule.callback = False
        if outcome == "human":
            lead.status, schedule.next_at = "done", None
        elif outcome in UNDIALED_OUTCOMES:  # not a try: dial again under a new attempt as soon as may be
            lead.status, schedule.next_at, action = "scheduled", now, "retry"
            schedule.tries = max(0, schedule.tries - 1)
        else:
            settings = session.get(CampaignDialing, attempt.campaign_id)
            when = next_try(outcome, schedule.tries, parse_rules(settings.recycle_rules if settings else None), now)
            lead.status, schedule.next_at = ("scheduled", when) if when else ("closed", None)
            action = "retry" if when else "closed"
    row = AttemptOutcome(attempt_id=attempt.id, outcome=outcome, action=action, decided_at=now)
    session.add(row)
    session.flush()
    return row


def refused(session: Session, attempt: DialAttempt, codes: list[str], *, now: datetime) -> AttemptOutcome:
    """The gate refused the attempt at dial time: close the lead for a lasting reason, else retry later.
    A refused attempt was never dialed, so it does not count as a try."""
    lead = session.get(Lead, attempt.lead_id) if attempt.lead_id is not None else None
    final = bool(FINAL_REFUSALS.intersection(codes))
    if lead is not None:
        schedule = lead_schedule(session, lead)
        schedule.tries = max(0, schedule.tries - 1)
        schedule.last_outcome = "refused"
        lead.status, schedule.next_at = ("closed", None) if final else ("scheduled", now + REFUSAL_RETRY)
    row = AttemptOutcome(attempt_id=attempt.id, outcome="failed", action="closed" if final else "retry",
                         decided_at=now)
    session.add(row)
    session.flush()
    return row


def schedule_callback(session: Session, lead: Lead, at: datetime, *, agent_id: int | None = None) -> LeadSchedule:
    """An agent promised to call back at `at` (optionally owning the callback): due before anything else."""
    schedule = lead_schedule(session, lead)
    schedule.next_at, schedule.callback, schedule.callback_agent_id = at, True, agent_id
    lead.status = "scheduled"
    session.flush()
    return schedule


def due_leads(session: Session, campaign_id: int, now: datetime, limit: int) -> list[Lead]:
    """Leads to dial now: due callbacks first, then due retries (oldest first), then new leads (list order)."""
    if limit <= 0:
        return []
    scheduled = session.scalars(
        sa.select(Lead).join(LeadSchedule, LeadSchedule.lead_id == Lead.id)
        .where(Lead.campaign_id == campaign_id, Lead.status == "scheduled", LeadSchedule.next_at <= now)
        .order_by(LeadSchedule.callback.desc(), LeadSchedule.next_at, Lead.id).limit(limit)
    ).all()
    if len(scheduled) >= limit:
        return list(scheduled)
    fresh = session.scalars(
        sa.select(Lead).where(Lead.campaign_id == campaign_id, Lead.status == "new")
        .order_by(Lead.id).limit(limit - len(scheduled))
    ).all()
    return [*scheduled, *fresh]
