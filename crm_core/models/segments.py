"""Saved customer segments: a name and conditions over profile, orders and interactions (see crm_core.segments)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, UTCDateTime, utcnow


class Segment(Base):
    """A named group of customers defined by conditions, not by a membership list: it is always current."""

    __tablename__ = "segments"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100), unique=True)
    description: Mapped[str | None] = mapped_column(sa.Text)
    # A list of condition objects such as {"condition": "orders", "days": 90, "at_least": 3}, all of which hold.
    conditions: Mapped[list] = mapped_column(sa.JSON, default=list)
    created_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
