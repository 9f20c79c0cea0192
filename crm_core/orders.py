"""Order lookups for callers (the IVR): find an order by number, a customer's latest order, and the
delivery postal code check that guards an order placed from another number. Read-only: nothing to flush."""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .db import HotStatement
from .models import Customer, Order, OrderEvent

ORDER_NUMBER = re.compile(r"[0-9A-Za-z-]{1,32}")
POSTAL_CODE = re.compile(r"[0-9A-Za-z]{3,10}")


@dataclass(frozen=True)
class OrderStatus:
    """What a caller may be told about an order: status, carrier, where it was last seen, the dates.
    Never the address or its postal code."""

    id: int
    number: str
    customer_id: int
    status: str
    carrier: str | None
    promised_delivery: date | None
    estimated_delivery: date | None
    delivered_at: datetime | None  # in the customer's time zone when known
    last_scan_at: datetime | None
    last_scan_location: str | None
    total_minor: int
    currency: str
    belongs_to_caller: bool

    def as_dict(self) -> dict:
        """JSON-ready, as the IVR keeps it between webhooks; `revised_delivery` only when the estimate
        moved away from the promise."""
        revised = self.estimated_delivery if self.estimated_delivery != self.promised_delivery else None
        return {
            "id": self.id, "number": self.number, "status": self.status, "carrier": self.carrier,
            "promised_delivery": _iso(self.promised_delivery), "revised_delivery": _iso(revised),
            "delivered_at": _iso(self.delivered_at), "last_scan_at": _iso(self.last_scan_at),
            "last_scan_location": self.last_scan_location,
            "total": {"minor": self.total_minor, "currency": self.currency},
            "belongs_to_caller": self.belongs_to_caller,
        }


def find_order(session: Session, number: str, *, caller_customer_id: int | None = None) -> OrderStatus | None:
    """The order with this number (None for junk or an unknown number); `belongs_to_caller` tells whether
    the caller ID's customer placed it."""
    if not isinstance(number, str) or not ORDER_NUMBER.fullmatch(number):
        return None
    row = _ORDER_BY_NUMBER.first(session, {"number": number})
    return _status(row, caller_customer_id) if row else None


def latest_order(session: Session, customer_id: int | None) -> OrderStatus | None:
    """The customer's most recently placed order, or None."""
    if not isinstance(customer_id, int):
        return None
    row = _LATEST_ORDER.first(session, {"customer_id": customer_id})
    return _status(row, customer_id) if row else None


def verify_delivery_postal_code(session: Session, order_id: int | None, postal_code: str) -> bool:
    """Whether the caller knows the order's delivery postal code (spaces and case aside)."""
    answer = _postal(postal_code)
    if not isinstance(order_id, int) or not POSTAL_CODE.fullmatch(answer):
        return False
    row = _DELIVERY_POSTAL_CODE.first(session, {"order_id": order_id})
    expected = row.delivery_postal_code if row else None
    return bool(expected) and hmac.compare_digest(_postal(expected).encode(), answer.encode())


def _postal(code) -> str:
    return re.sub(r"[\s-]", "", code).upper() if isinstance(code, str) else ""


def _status_query() -> sa.Select:
    """One statement: the order, its customer's time zone and its latest event (an indexed subquery)."""
    orders, customers, events = Order.__table__, Customer.__table__, OrderEvent.__table__
    latest = events.alias("latest_event")
    latest_event = (
        sa.select(latest.c.id).where(latest.c.order_id == orders.c.id)
        .order_by(latest.c.occurred_at.desc(), latest.c.id.desc()).limit(1).correlate(orders).scalar_subquery()
    )
    return (
        sa.select(orders.c.id, orders.c.number, orders.c.customer_id, orders.c.status, orders.c.carrier,
                  orders.c.promised_delivery, orders.c.estimated_delivery, orders.c.delivered_at, orders.c.total_minor,
                  orders.c.currency, customers.c.time_zone, events.c.occurred_at, events.c.location)
        .join(customers, customers.c.id == orders.c.customer_id)
        .outerjoin(events, events.c.id == latest_event)
    )


# Built once, on the tables rather than the ORM classes: the IVR runs them on every order question.
_order = Order.__table__.c
_ORDER_BY_NUMBER = HotStatement(_status_query().where(_order.number == sa.bindparam("number")))
_LATEST_ORDER = HotStatement(
    _status_query().where(_order.customer_id == sa.bindparam("customer_id"))
    .order_by(_order.placed_at.desc(), _order.id.desc()).limit(1)
)
_DELIVERY_POSTAL_CODE = HotStatement(
    sa.select(_order.delivery_postal_code).where(_order.id == sa.bindparam("order_id")))


def _status(row, caller_customer_id: int | None) -> OrderStatus:
    zone = _zone(row.time_zone)
    return OrderStatus(
        id=row.id, number=row.number, customer_id=row.customer_id, status=row.status, carrier=row.carrier,
        promised_delivery=row.promised_delivery, estimated_delivery=row.estimated_delivery,
        delivered_at=row.delivered_at.astimezone(zone) if row.delivered_at else None,
        last_scan_at=row.occurred_at.astimezone(zone) if row.occurred_at else None,
        last_scan_location=row.location, total_minor=row.total_minor, currency=row.currency,
        belongs_to_caller=caller_customer_id is not None and row.customer_id == caller_customer_id,
    )


def _zone(name: str | None):
    try:
        return ZoneInfo(name) if name else ZoneInfo("UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
