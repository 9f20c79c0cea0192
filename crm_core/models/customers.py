"""Customers (persons and companies) and their phone numbers."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base, UTCDateTime, utcnow

CUSTOMER_KINDS = ("person", "company")
LANGUAGES = ("ru", "en")


class Customer(Base):
    """Someone we sell to or serve: a person or a company."""

    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(16), default="person")
    first_name: Mapped[str | None] = mapped_column(sa.String(100))
    last_name: Mapped[str | None] = mapped_column(sa.String(100))
    company_name: Mapped[str | None] = mapped_column(sa.String(200))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    language: Mapped[str] = mapped_column(sa.String(8), default="ru")
    time_zone: Mapped[str | None] = mapped_column(sa.String(64))
    segment: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    birthday: Mapped[date | None] = mapped_column(sa.Date)
    postal_code: Mapped[str | None] = mapped_column(sa.String(16))
    consent_calls: Mapped[bool] = mapped_column(default=False)
    consent_marketing: Mapped[bool] = mapped_column(default=False)
    consent_recording: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    phones: Mapped[list[PhoneNumber]] = relationship(
        back_populates="customer", cascade="all, delete-orphan", order_by="PhoneNumber.id"
    )

    __table_args__ = (
        sa.CheckConstraint("kind in ('person', 'company')", name="kind"),
        sa.Index("ix_customers_last_first", "last_name", "first_name"),
    )

    @property
    def display_name(self) -> str:
        """The name an agent greets: the company's, or the person's full name."""
        if self.kind == "company" and self.company_name:
            return self.company_name
        return " ".join(p for p in (self.first_name, self.last_name) if p) or "(no name)"


class PhoneNumber(Base):
    """One of a customer's numbers, stored in E.164 so caller ID finds it in one indexed lookup."""

    __tablename__ = "phone_numbers"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(sa.ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    e164: Mapped[str] = mapped_column(sa.String(20), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(16), default="mobile")
    region: Mapped[str | None] = mapped_column(sa.String(2))
    label: Mapped[str | None] = mapped_column(sa.String(32))
    is_primary: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    customer: Mapped[Customer] = relationship(back_populates="phones")
