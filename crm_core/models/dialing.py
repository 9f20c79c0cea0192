"""How a campaign dials (recycle rules, answering-machine action, messages, script, dispositions), when each
lead is due next, and the outcome each dial attempt ended with."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, UTCDateTime, utcnow

MACHINE_ACTIONS = ("voicemail", "hangup")
# What a dial attempt ended as; the recycle rules are keyed by the first five. "lost" and "withdrawn" never
# became a call (lost on the way to the provider; withdrawn as the campaign was paused or stopped).
ATTEMPT_OUTCOMES = ("busy", "no-answer", "machine", "failed", "abandoned", "human", "lost", "withdrawn")


class CampaignDialing(Base):
    """A campaign's dialing settings, one row per campaign (defaults apply when it has none)."""

    __tablename__ = "campaign_dialing"

    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True)
    # {"busy": {"delay_seconds": 600, "max_tries": 3}, "no-answer": {...}, "machine": {...}, "failed": {...}}
    recycle_rules: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    machine_action: Mapped[str] = mapped_column(sa.String(16), default="hangup")
    voicemail_text: Mapped[str | None] = mapped_column(sa.Text)
    # Played to a person the dialer could not connect to an agent in time: who called, a number to call back.
    safe_harbor_text: Mapped[str | None] = mapped_column(sa.Text)
    callback_number: Mapped[str | None] = mapped_column(sa.String(20))
    script: Mapped[str | None] = mapped_column(sa.Text)
    dispositions: Mapped[list] = mapped_column(sa.JSON, default=list)
    queue: Mapped[str | None] = mapped_column(sa.String(64))
    language: Mapped[str] = mapped_column(sa.String(8), default="en-US")

    __table_args__ = (sa.CheckConstraint("machine_action in ('voicemail', 'hangup')", name="machine_action"),)


class LeadSchedule(Base):
    """When a lead is due again (a retry, or an agent's callback), and how many times it was tried."""

    __tablename__ = "lead_schedules"

    lead_id: Mapped[int] = mapped_column(sa.ForeignKey("leads.id", ondelete="CASCADE"), primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.id", ondelete="CASCADE"))
    tries: Mapped[int] = mapped_column(default=0)
    next_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # An agent's callback: dialed before anything else once due; owned by one agent when set.
    callback: Mapped[bool] = mapped_column(default=False)
    callback_agent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    last_outcome: Mapped[str | None] = mapped_column(sa.String(16))

    __table_args__ = (sa.Index("ix_lead_schedules_campaign_next", "campaign_id", "next_at"),)


class AttemptOutcome(Base):
    """What one dial attempt ended as; written once, so recycling an attempt twice is impossible."""

    __tablename__ = "attempt_outcomes"

    attempt_id: Mapped[int] = mapped_column(sa.ForeignKey("dial_attempts.id", ondelete="CASCADE"),
                                            primary_key=True)
    outcome: Mapped[str] = mapped_column(sa.String(16))
    # What the recycle rules did: "retry" (the lead is scheduled again), "closed" (final) or "connected".
    action: Mapped[str] = mapped_column(sa.String(16))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
