"""A campaign's live progress for supervisors: what was dialed and how it went, the abandon rate against the
profile's limit, the leads left and when they should be done at the current pace."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from crm_core.models import Campaign, DialAttempt, Lead, LeadSchedule

from .compliance.abandon import AbandonRate, abandon_rate

# The dials whose pace is extrapolated to the leads left.
PACE_WINDOW = timedelta(minutes=15)
# A pace measured over less than this is taken over this long (two dials a second apart are not a pace).
MIN_PACE_SPAN = timedelta(minutes=1)
# Leads the campaign still has to dial: never tried, being dialed, or due again (a retry or a callback).
REMAINING_STATUSES = ("new", "dialing", "scheduled")
# A campaign no longer running still has calls finishing for a while after its last dial.
CALLS_FINISH_WITHIN = timedelta(hours=1)


@dataclass(frozen=True)
class CampaignProgress:
    """Counts over the campaign's whole life (dialed: the provider placed the call; answered: by a person or
    a machine; connected: a person reached an agent; abandoned: a person heard the safe-harbor message); the
    abandon rate over the profile's window; leads left and the estimated finish (None while it cannot be
    told: not running, nothing left, or no dial in the last PACE_WINDOW)."""

    campaign_id: int
    name: str
    status: str
    mode: str
    dialed: int
    answered: int
    human: int
    machine: int
    connected: int
    abandoned: int
    abandon: AbandonRate
    leads: int
    remaining: int
    estimated_finish: datetime | None

    def as_dict(self) -> dict:
        """JSON form for the supervisors' pages."""
        window = self.abandon.window_end - self.abandon.window_start
        return {
            "campaign_id": self.campaign_id, "name": self.name, "status": self.status, "mode": self.mode,
            "dialed": self.dialed, "answered": self.answered, "human": self.human, "machine": self.machine,
            "connected": self.connected, "abandoned": self.abandoned,
            "abandon_rate": self.abandon.rate, "abandon_limit": self.abandon.limit,
            "abandon_window_hours": round(window.total_seconds() / 3600), "abandon_exceeded": self.abandon.exceeded,
            "leads": self.leads, "remaining": self.remaining,
            "estimated_finish": self.estimated_finish.isoformat() if self.estimated_finish else None,
        }


def campaign_progress(session: Session, campaign: Campaign, now: datetime) -> CampaignProgress:
    """The campaign's progress at `now`, from its dial attempts and leads."""
    attempts = DialAttempt.campaign_id == campaign.id
    counts = session.execute(sa.select(
        sa.func.count(DialAttempt.placed_at),
        sa.func.count(DialAttempt.answered_at),
        sa.func.count(sa.case((DialAttempt.answered_by == "human", 1))),
        sa.func.count(sa.case((DialAttempt.answered_by == "machine", 1))),
        sa.func.count(DialAttempt.connected_at),
        sa.func.count(sa.case((DialAttempt.abandoned, 1))),
    ).where(attempts)).one()
    dialed, answered, human, machine, connected, abandoned = (int(n) for n in counts)
    by_status = dict(session.execute(sa.select(Lead.status, sa.func.count()).where(Lead.campaign_id == campaign.id)
                                     .group_by(Lead.status)).all())
    remaining = sum(by_status.get(status, 0) for status in REMAINING_STATUSES)
    finish = _estimated_finish(session, campaign, remaining, now) if campaign.status == "running" else None
    return CampaignProgress(campaign.id, campaign.name, campaign.status, campaign.mode, dialed, answered, human,
                            machine, connected, abandoned, abandon_rate(session, campaign, now),
                            sum(by_status.values()), remaining, finish)


def _estimated_finish(session: Session, campaign: Campaign, remaining: int, now: datetime) -> datetime | None:
    """Each lead left needs at least one more dial at the pace of the last PACE_WINDOW, and none can be done
    before its scheduled retry."""
    if not remaining:
        return None
    recent, first = session.execute(sa.select(sa.func.count(), sa.func.min(DialAttempt.placed_at)).where(
        DialAttempt.campaign_id == campaign.id, DialAttempt.placed_at > now - PACE_WINDOW,
        DialAttempt.placed_at <= now)).one()
    if not recent:
        return None
    span = max(now - first, MIN_PACE_SPAN)
    at_pace = now + span * (remaining / recent)
    last_retry = session.scalar(sa.select(sa.func.max(LeadSchedule.next_at)).join(Lead, Lead.id == LeadSchedule.lead_id)
                                .where(Lead.campaign_id == campaign.id, Lead.status == "scheduled"))
    return max(at_pace, last_retry) if last_retry is not None else at_pace


def watched_campaigns(session: Session, now: datetime) -> list[Campaign]:
    """The campaigns whose progress can change now: running ones, and paused or stopped ones whose last calls
    may still be finishing."""
    recent_dial = sa.select(DialAttempt.id).where(DialAttempt.campaign_id == Campaign.id,
                                                  DialAttempt.placed_at > now - CALLS_FINISH_WITHIN).exists()
    return list(session.scalars(sa.select(Campaign).where(
        sa.or_(Campaign.status == "running", sa.and_(Campaign.status.in_(("paused", "stopped")), recent_dial)))
        .order_by(Campaign.name)).all())


def watched_progress(session: Session, now: datetime) -> list[dict]:
    """The progress of every watched campaign, as the floor shows it."""
    return [campaign_progress(session, campaign, now).as_dict() for campaign in watched_campaigns(session, now)]

