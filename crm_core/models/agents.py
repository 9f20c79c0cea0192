"""Agent presence history and the outcomes (dispositions) agents log on calls."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, UTCDateTime, utcnow


class AgentStateChange(Base):
    """An agent entered a state at a time (the next change ends it); feeds occupancy and handle time."""

    __tablename__ = "agent_state_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    state: Mapped[str] = mapped_column(sa.String(16))
    reason: Mapped[str | None] = mapped_column(sa.String(64))
    call_sid: Mapped[str | None] = mapped_column(sa.String(64))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (sa.Index("ix_agent_state_changes_user_started", "user_id", "started_at"),)


class Disposition(Base):
    """An outcome agents can pick in wrap-up, with the side effects it implies."""

    __tablename__ = "dispositions"

    code: Mapped[str] = mapped_column(sa.String(48), primary_key=True)
    label_ru: Mapped[str] = mapped_column(sa.String(100))
    label_en: Mapped[str] = mapped_column(sa.String(100))
    is_success: Mapped[bool] = mapped_column(default=False)
    schedules_callback: Mapped[bool] = mapped_column(default=False)
    adds_do_not_call: Mapped[bool] = mapped_column(default=False)
    opens_ticket: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    sort_order: Mapped[int] = mapped_column(default=0)
