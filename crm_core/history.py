"""Customer 360: the whole picture of a customer for a screen-pop, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from .errors import NotFound, ValidationError
from .models import OPEN_TICKET_STATUSES, Customer, Interaction, Order, PhoneNumber, Task, Ticket, User
from .phones import normalize_phone
from .serialize import customer_dict, interaction_dict, order_dict, phone_dict, task_dict, ticket_dict

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


@dataclass
class CustomerHistory:
    """What an agent sees when a call is offered; `known` is False for an unknown caller."""

    known: bool
    phone: str | None = None
    customer: dict | None = None
    phones: list[dict] = field(default_factory=list)
    orders: list[dict] = field(default_factory=list)
    interactions: list[dict] = field(default_factory=list)
    next_cursor: str | None = None
    open_tickets: list[dict] = field(default_factory=list)
    pending_callbacks: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        """JSON-ready form, the same for the API and the Socket.IO screen-pop."""
        return {
            "known": self.known,
            "phone": self.phone,
            "customer": self.customer,
            "phones": self.phones,
            "orders": self.orders,
            "interactions": self.interactions,
            "next_cursor": self.next_cursor,
            "open_tickets": self.open_tickets,
            "pending_callbacks": self.pending_callbacks,
        }


def customer_history(
    session: Session,
    *,
    phone: str | None = None,
    customer_id: int | None = None,
    default_region: str = "RU",
    page_size: int = DEFAULT_PAGE_SIZE,
    before: str | None = None,
) -> CustomerHistory:
    """Look a customer up by any phone format or by id and return their history, newest interactions first.

    `before` is the `next_cursor` of the previous page (keyset paging stays fast on long histories).
    """
    if (phone is None) == (customer_id is None):
        raise ValidationError("phone", "give either a phone number or a customer id")
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ValidationError("page_size", f"must be between 1 and {MAX_PAGE_SIZE}")
    cursor = _parse_cursor(before)

    e164 = None
    if phone is not None:
        e164 = normalize_phone(phone, default_region).e164
        customer_id = session.scalar(sa.select(PhoneNumber.customer_id).where(PhoneNumber.e164 == e164))
        if customer_id is None:
            return CustomerHistory(known=False, phone=e164)

    customer = session.scalar(
        sa.select(Customer).where(Customer.id == customer_id).options(selectinload(Customer.phones))
    )
    if customer is None:
        raise NotFound("customer", customer_id)

    orders = session.scalars(
        sa.select(Order)
        .where(Order.customer_id == customer.id)
        .order_by(Order.placed_at.desc(), Order.id.desc())
        .options(selectinload(Order.events))
    ).all()

    interactions_query = (
        sa.select(Interaction, User.full_name)
        .outerjoin(User, User.id == Interaction.agent_id)
        .where(Interaction.customer_id == customer.id)
        .order_by(Interaction.started_at.desc(), Interaction.id.desc())
        .limit(page_size + 1)
    )
    if cursor is not None:
        started_at, interaction_id = cursor
        interactions_query = interactions_query.where(
            sa.or_(
                Interaction.started_at < started_at,
                sa.and_(Interaction.started_at == started_at, Interaction.id < interaction_id),
            )
        )
    rows = session.execute(interactions_query).all()
    has_more = len(rows) > page_size
    rows = rows[:page_size]

    tickets = session.scalars(
        sa.select(Ticket)
        .where(Ticket.customer_id == customer.id, Ticket.status.in_(OPEN_TICKET_STATUSES))
        .order_by(Ticket.created_at.desc())
    ).all()
    callbacks = session.scalars(
        sa.select(Task)
        .where(Task.customer_id == customer.id, Task.kind == "callback", Task.status == "pending")
        .order_by(Task.due_at)
    ).all()

    return CustomerHistory(
        known=True,
        phone=e164,
        customer=customer_dict(customer),
        phones=[phone_dict(p) for p in customer.phones],
        orders=[order_dict(o) for o in orders],
        interactions=[interaction_dict(i, agent_name) for i, agent_name in rows],
        next_cursor=_make_cursor(rows[-1][0]) if has_more else None,
        open_tickets=[ticket_dict(t) for t in tickets],
        pending_callbacks=[task_dict(t) for t in callbacks],
    )


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_MICROSECOND = timedelta(microseconds=1)


def _make_cursor(interaction: Interaction) -> str:
    """A URL-safe keyset cursor: start time in exact microseconds, then the id."""
    return f"{(interaction.started_at - _EPOCH) // _MICROSECOND}_{interaction.id}"


def _parse_cursor(before: str | None) -> tuple[datetime, int] | None:
    if before is None:
        return None
    try:
        micros, ident = before.split("_")
        return _EPOCH + timedelta(microseconds=int(micros)), int(ident)
    except (ValueError, OverflowError) as exc:
        raise ValidationError("before", "not a cursor returned by a previous page") from exc
