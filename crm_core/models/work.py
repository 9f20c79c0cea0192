"""Follow-up work: tickets and tasks (callbacks among them)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, UTCDateTime, utcnow

TICKET_STATUSES = ("open", "pending", "resolved", "closed")
OPEN_TICKET_STATUSES = ("open", "pending")
TICKET_PRIORITIES = ("low", "normal", "high", "urgent")
TASK_KINDS = ("callback", "follow_up")
TASK_STATUSES = ("pending", "done", "cancelled")


class Ticket(Base):
    """A customer problem that outlives one call (late delivery, refund, complaint)."""

    __tablename__ = "tickets"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(sa.ForeignKey("customers.id", ondelete="CASCADE"))
    order_id: Mapped[int | None] = mapped_column(sa.ForeignKey("orders.id", ondelete="SET NULL"))
    subject: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str | None] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(16), default="open")
    priority: Mapped[str] = mapped_column(sa.String(16), default="normal")
    escalation_level: Mapped[int] = mapped_column(default=0)
    owner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    __table_args__ = (sa.Index("ix_tickets_customer_status", "customer_id", "status"),)


class Task(Base):
    """Work due at a time for a customer, such as a promised callback."""

    __tablename__ = "tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("customers.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(16), default="callback")
    phone_e164: Mapped[str | None] = mapped_column(sa.String(20))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    owner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(sa.String(16), default="pending")
    note: Mapped[str | None] = mapped_column(sa.Text)
    source_interaction_id: Mapped[int | None] = mapped_column(sa.ForeignKey("interactions.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        sa.Index("ix_tasks_customer_status", "customer_id", "status"),
        sa.Index("ix_tasks_status_due", "status", "due_at"),
        # Callback de-duplication looks tasks up by their source call; ON DELETE SET NULL needs it too.
        sa.Index("ix_tasks_source_interaction_id", "source_interaction_id"),
    )
