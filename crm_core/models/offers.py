"""Next-best offers: rules as data and the agents' responses to them (see crm_core.offers)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base, UTCDateTime, utcnow
from .segments import Segment

OFFER_RESPONSES = ("accepted", "declined", "not_offered")


class Offer(Base):
    """Something to propose to customers of a segment and/or matching inline conditions, in their language."""

    __tablename__ = "offers"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    segment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("segments.id", ondelete="RESTRICT"))
    # Conditions in the segment format, required on top of the segment's own.
    conditions: Mapped[list] = mapped_column(sa.JSON, default=list)
    # What the agent says, by language code: {"ru": "...", "en": "..."}.
    texts: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    # Higher is shown first.
    priority: Mapped[int] = mapped_column(default=0)
    valid_from: Mapped[datetime | None] = mapped_column(UTCDateTime)
    valid_to: Mapped[datetime | None] = mapped_column(UTCDateTime)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    segment: Mapped[Segment | None] = relationship()


class OfferResponse(Base):
    """What the customer said to an offer on one call, as the agent logged it: one row per offer per call."""

    __tablename__ = "offer_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(sa.ForeignKey("offers.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(sa.ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    interaction_id: Mapped[int] = mapped_column(sa.ForeignKey("interactions.id", ondelete="CASCADE"), index=True)
    agent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    response: Mapped[str] = mapped_column(sa.String(16))
    responded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        sa.UniqueConstraint("offer_id", "interaction_id"),
        sa.CheckConstraint("response in ('accepted', 'declined', 'not_offered')", name="response"),
        # The acceptance report reads a period.
        sa.Index("ix_offer_responses_responded", "responded_at"),
    )
