"""The abandon-rate budget: a campaign's abandoned share of live calls over its profile's exact window."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from crm_core.models import Campaign, DialAttempt

from .profiles import Profile, load_profile


@dataclass(frozen=True)
class AbandonRate:
    """The inputs and result of the rate, as a regulator would recompute it.

    live_agent: live-answered calls connected to an agent; drops: abandoned live calls; am_agent: calls AMD
    passed as human that the agent marked as a machine. rate = drops_adj / (live_agent + drops_adj), where
    drops_adj = drops * (1 - am_agent / (am_agent + live_agent)) with Ofcom's adjustment, else drops.
    """

    campaign_id: int
    window_start: datetime
    window_end: datetime
    limit: float
    live_agent: int
    drops: int
    am_agent: int
    drops_adjusted: float
    rate: float

    @property
    def exceeded(self) -> bool:
        """Whether the campaign is over its profile's limit."""
        return self.rate > self.limit

    def as_dict(self) -> dict:
        """JSON form for the API and the supervisor's view."""
        data = asdict(self) | {"exceeded": self.exceeded}
        data["window_start"], data["window_end"] = self.window_start.isoformat(), self.window_end.isoformat()
        return data


def adjusted_rate(live_agent: int, drops: int, am_agent: int, *, amd_adjustment: bool) -> tuple[float, float]:
    """(drops_adj, rate) by the formula in AbandonRate's docstring; 0 when nothing was answered."""
    drops_adj = float(drops)
    if amd_adjustment and am_agent + live_agent:
        drops_adj = drops * (1 - am_agent / (am_agent + live_agent))
    denominator = live_agent + drops_adj
    return drops_adj, (drops_adj / denominator if denominator else 0.0)


def abandon_rate(session: Session, campaign: Campaign, now: datetime, profile: Profile | None = None) -> AbandonRate:
    """The campaign's rate over the profile's window ending at `now`, from its stored dial attempts."""
    profile = profile or load_profile(session, campaign.profile_id)
    start = now - timedelta(hours=profile.abandon.window_hours)
    human = DialAttempt.answered_by == "human"
    counts = session.execute(
        sa.select(
            _count(sa.and_(human, DialAttempt.connected_at.is_not(None), sa.not_(DialAttempt.abandoned),
                           sa.not_(DialAttempt.agent_marked_machine))),
            _count(DialAttempt.abandoned),
            _count(sa.and_(human, DialAttempt.agent_marked_machine)),
        ).where(DialAttempt.campaign_id == campaign.id, DialAttempt.placed_at > start, DialAttempt.placed_at <= now)
    ).one()
    live_agent, drops, am_agent = (int(n) for n in counts)
    drops_adj, rate = adjusted_rate(live_agent, drops, am_agent, amd_adjustment=profile.abandon.amd_adjustment)
    return AbandonRate(campaign.id, start, now, profile.abandon.max_rate, live_agent, drops, am_agent, drops_adj, rate)


def _count(condition) -> sa.ColumnElement:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)
