"""Do-not-call entries: numbers that must never be dialed."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, UTCDateTime, utcnow


class DoNotCallEntry(Base):
    """A number on a do-not-call list (global when campaign_id is null)."""

    __tablename__ = "dnc_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    e164: Mapped[str] = mapped_column(sa.String(20))
    campaign_id: Mapped[int | None] = mapped_column()
    source: Mapped[str] = mapped_column(sa.String(32))
    reason: Mapped[str | None] = mapped_column(sa.String(255))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (sa.UniqueConstraint("e164", "campaign_id", name="uq_dnc_entries_e164_campaign"),)
