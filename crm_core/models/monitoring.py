"""Supervisors monitoring agents' live calls: who listened, whispered or barged into which call, and when."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, UTCDateTime, utcnow

MONITORING_MODES = ("listen", "whisper", "barge")


class MonitoringSession(Base):
    """One stretch of a supervisor on a call in one mode; switching mode ends it and starts the next one on the
    same leg (the audit trail of who heard or spoke on the call)."""

    __tablename__ = "monitoring_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    interaction_id: Mapped[int] = mapped_column(sa.ForeignKey("interactions.id", ondelete="CASCADE"))
    supervisor_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    agent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    mode: Mapped[str] = mapped_column(sa.String(16))
    # The supervisor's own call into the conference: its end (status callback) ends the monitoring.
    leg_sid: Mapped[str] = mapped_column(sa.String(64))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        sa.CheckConstraint("mode IN ('listen', 'whisper', 'barge')", name="mode"),
        sa.Index("ix_monitoring_sessions_leg_sid", "leg_sid"),
        sa.Index("ix_monitoring_sessions_supervisor_started", "supervisor_id", "started_at"),
        sa.Index("ix_monitoring_sessions_interaction", "interaction_id"),
    )
