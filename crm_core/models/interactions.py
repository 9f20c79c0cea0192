"""Interactions: every contact with a customer, with its timeline and outcome."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base, UTCDateTime, utcnow

CHANNELS = ("voice", "email", "chat", "sms", "note")
DIRECTIONS = ("inbound", "outbound")


class Interaction(Base):
    """One contact (a call, a note, a message); a provider call SID maps to exactly one interaction."""

    __tablename__ = "interactions"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("customers.id", ondelete="SET NULL"))
    channel: Mapped[str] = mapped_column(sa.String(16), default="voice")
    direction: Mapped[str] = mapped_column(sa.String(16), default="inbound")
    call_sid: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    from_number: Mapped[str | None] = mapped_column(sa.String(32))
    to_number: Mapped[str | None] = mapped_column(sa.String(32))
    agent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    queue: Mapped[str | None] = mapped_column(sa.String(64))
    language: Mapped[str | None] = mapped_column(sa.String(8))
    status: Mapped[str] = mapped_column(sa.String(24), default="initiated")
    status_sequence: Mapped[int] = mapped_column(default=-1)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ring_seconds: Mapped[int | None] = mapped_column()
    talk_seconds: Mapped[int | None] = mapped_column()
    duration_seconds: Mapped[int | None] = mapped_column()
    answered_by: Mapped[str | None] = mapped_column(sa.String(24))
    disposition: Mapped[str | None] = mapped_column(sa.String(48))
    notes: Mapped[str | None] = mapped_column(sa.Text)
    ivr_path: Mapped[list] = mapped_column(sa.JSON, default=list)
    context: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    recording_url: Mapped[str | None] = mapped_column(sa.String(500))
    wrapped_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when a call lost its agent (disconnected, wrap-up never submitted): a supervisor must look at it.
    review_reason: Mapped[str | None] = mapped_column(sa.String(100))
    # The IVR session log (the path is ivr_path, masked inputs are the "ivr" events): which flow and version
    # answered, and how self-service ended (contained, transferred, callback, abandoned): the containment rate.
    ivr_flow: Mapped[str | None] = mapped_column(sa.String(64))
    ivr_flow_version: Mapped[str | None] = mapped_column(sa.String(32))
    ivr_outcome: Mapped[str | None] = mapped_column(sa.String(16))

    events: Mapped[list[InteractionEvent]] = relationship(
        back_populates="interaction", cascade="all, delete-orphan", order_by="InteractionEvent.id"
    )

    __table_args__ = (
        # The screen-pop's timeline: newest first for one customer, paged by keyset.
        sa.Index("ix_interactions_customer_started", "customer_id", "started_at", "id"),
        # The reports: every call started in a period (a day, a month), whoever the customer.
        sa.Index("ix_interactions_started_at", "started_at"),
    )


class InteractionEvent(Base):
    """A timestamped step of an interaction (ringing, answered, IVR choice, transfer, note)."""

    __tablename__ = "interaction_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    interaction_id: Mapped[int] = mapped_column(sa.ForeignKey("interactions.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(32))
    detail: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    interaction: Mapped[Interaction] = relationship(back_populates="events")
