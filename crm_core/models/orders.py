"""Orders and the history of their status."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base, UTCDateTime, utcnow

ORDER_STATUSES = (
    "new", "paid", "packed", "shipped", "in_transit", "out_for_delivery",
    "delivered", "delayed", "returned", "cancelled",
)


class Order(Base):
    """An order as the customer knows it: its number, contents, money and delivery promise."""

    __tablename__ = "orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(32), unique=True)
    customer_id: Mapped[int] = mapped_column(sa.ForeignKey("customers.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(sa.String(24), default="new")
    items: Mapped[list] = mapped_column(sa.JSON, default=list)
    currency: Mapped[str] = mapped_column(sa.String(3), default="RUB")
    total_minor: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    carrier: Mapped[str | None] = mapped_column(sa.String(64))
    tracking_number: Mapped[str | None] = mapped_column(sa.String(64))
    delivery_postal_code: Mapped[str | None] = mapped_column(sa.String(16))
    promised_delivery: Mapped[date | None] = mapped_column(sa.Date)
    estimated_delivery: Mapped[date | None] = mapped_column(sa.Date)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    placed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    events: Mapped[list[OrderEvent]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderEvent.occurred_at"
    )

    __table_args__ = (sa.Index("ix_orders_customer_placed", "customer_id", "placed_at"),)


class OrderEvent(Base):
    """One step of an order's journey (paid, shipped, arrived at a depot...)."""

    __tablename__ = "order_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(sa.String(24))
    description: Mapped[str | None] = mapped_column(sa.String(255))
    location: Mapped[str | None] = mapped_column(sa.String(128))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    order: Mapped[Order] = relationship(back_populates="events")
