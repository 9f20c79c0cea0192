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
    if session.get_bind().dialect.name == "postgresql":
        return _history_in_one_statement(session, phone, customer_id, default_region, page_size, cursor)

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

# PostgreSQL answers the same screen-pop in one statement that builds the JSON document itself: a round trip and
# no ORM hydration instead of eight queries (bench/history.py: p99 about 4x faster with a million customers).
# It must return exactly what the portable path above returns; tests/crm/test_history.py runs on both backends.
_ONE_STATEMENT = sa.text("""
SELECT json_build_object(
  'customer', json_build_object(
      'id', c.id, 'kind', c.kind,
      'display_name', CASE WHEN c.kind = 'company' AND c.company_name <> '' THEN c.company_name ELSE coalesce(
          nullif(concat_ws(' ', nullif(c.first_name, ''), nullif(c.last_name, '')), ''), '(no name)') END,
      'first_name', c.first_name, 'last_name', c.last_name, 'company_name', c.company_name, 'email', c.email,
      'language', c.language, 'time_zone', c.time_zone, 'segment', c.segment, 'birthday', c.birthday,
      'postal_code', c.postal_code, 'consent_calls', c.consent_calls, 'consent_marketing', c.consent_marketing,
      'consent_recording', c.consent_recording, 'created_at', c.created_at),
  'phones', (SELECT coalesce(json_agg(json_build_object('e164', p.e164, 'kind', p.kind, 'region', p.region,
                                                        'label', p.label, 'is_primary', p.is_primary)
                                      ORDER BY p.id), '[]')
             FROM phone_numbers p WHERE p.customer_id = c.id),
  'orders', (SELECT coalesce(json_agg(json_build_object(
                 'id', o.id, 'number', o.number, 'status', o.status, 'items', o.items, 'currency', o.currency,
                 'total_minor', o.total_minor, 'carrier', o.carrier, 'tracking_number', o.tracking_number,
                 'promised_delivery', o.promised_delivery, 'estimated_delivery', o.estimated_delivery,
                 'delivered_at', o.delivered_at, 'placed_at', o.placed_at, 'last_event', last.event)
               ORDER BY o.placed_at DESC, o.id DESC), '[]')
             FROM orders o
             LEFT JOIN LATERAL (
               SELECT json_build_object('status', e.status, 'description', e.description, 'location', e.location,
                                        'occurred_at', e.occurred_at) AS event
               FROM order_events e WHERE e.order_id = o.id ORDER BY e.occurred_at DESC, e.id DESC LIMIT 1
             ) last ON true
             WHERE o.customer_id = c.id),
  'interactions', (SELECT coalesce(json_agg(json_build_object(
                       'id', i.id, 'channel', i.channel, 'direction', i.direction, 'call_sid', i.call_sid,
                       'from_number', i.from_number, 'to_number', i.to_number, 'agent', u.full_name,
                       'queue', i.queue, 'status', i.status, 'started_at', i.started_at,
                       'answered_at', i.answered_at, 'ended_at', i.ended_at, 'duration_seconds', i.duration_seconds,
                       'talk_seconds', i.talk_seconds, 'disposition', i.disposition, 'notes', i.notes,
                       'ivr_path', i.ivr_path, 'recording_url', i.recording_url)
                     ORDER BY i.started_at DESC, i.id DESC), '[]')
                   FROM (SELECT * FROM interactions i
                         WHERE i.customer_id = c.id
                           AND (CAST(:before_at AS timestamp) IS NULL
                                OR (i.started_at, i.id) < (CAST(:before_at AS timestamp), CAST(:before_id AS integer)))
                         ORDER BY i.started_at DESC, i.id DESC LIMIT :limit) i
                   LEFT JOIN users u ON u.id = i.agent_id),
  'open_tickets', (SELECT coalesce(json_agg(json_build_object(
                       'id', t.id, 'subject', t.subject, 'status', t.status, 'priority', t.priority,
                       'escalation_level', t.escalation_level, 'order_id', t.order_id, 'created_at', t.created_at)
                     ORDER BY t.created_at DESC), '[]')
                   FROM tickets t WHERE t.customer_id = c.id AND t.status IN ('open', 'pending')),
  'pending_callbacks', (SELECT coalesce(json_agg(json_build_object(
                            'id', k.id, 'kind', k.kind, 'phone', k.phone_e164, 'due_at', k.due_at,
                            'owner_id', k.owner_id, 'status', k.status, 'note', k.note) ORDER BY k.due_at), '[]')
                        FROM tasks k WHERE k.customer_id = c.id AND k.kind = 'callback' AND k.status = 'pending')
)
FROM customers c
WHERE c.id = coalesce(CAST(:customer_id AS integer), (SELECT customer_id FROM phone_numbers WHERE e164 = :e164))
""")
# The UTC timestamp columns in each part of the document (PostgreSQL writes them without an offset).
_TIMESTAMPS = {"orders": ("delivered_at", "placed_at"), "interactions": ("started_at", "answered_at", "ended_at"),
               "open_tickets": ("created_at",), "pending_callbacks": ("due_at",)}


def _history_in_one_statement(session: Session, phone: str | None, customer_id: int | None, default_region: str,
                              page_size: int, cursor: tuple[datetime, int] | None) -> CustomerHistory:
    e164 = normalize_phone(phone, default_region).e164 if phone is not None else None
    before_at, before_id = (cursor[0].astimezone(timezone.utc).replace(tzinfo=None), cursor[1]) if cursor else (
        None, None)
    document = session.scalar(_ONE_STATEMENT, {"customer_id": customer_id, "e164": e164, "limit": page_size + 1,
                                               "before_at": before_at, "before_id": before_id})
    if document is None:
        if phone is not None:
            return CustomerHistory(known=False, phone=e164)
        raise NotFound("customer", customer_id)
    document["customer"]["created_at"] = _utc(document["customer"]["created_at"])
    for part, fields in _TIMESTAMPS.items():
        for item in document[part]:
            for name in fields:
                item[name] = _utc(item[name])
    for order in document["orders"]:
        if order["last_event"] is not None:
            order["last_event"]["occurred_at"] = _utc(order["last_event"]["occurred_at"])
    interactions = document["interactions"]
    has_more = len(interactions) > page_size
    interactions = interactions[:page_size]
    next_cursor = None
    if has_more:
        last = interactions[-1]
        next_cursor = f"{(datetime.fromisoformat(last['started_at']) - _EPOCH) // _MICROSECOND}_{last['id']}"
    return CustomerHistory(
        known=True, phone=e164, customer=document["customer"], phones=document["phones"], orders=document["orders"],
        interactions=interactions, next_cursor=next_cursor, open_tickets=document["open_tickets"],
        pending_callbacks=document["pending_callbacks"],
    )


def _utc(value: str | None) -> str | None:
    """A UTC timestamp from PostgreSQL's JSON, written as the portable path writes it (isoformat, +00:00)."""
    return None if value is None else datetime.fromisoformat(value).replace(tzinfo=timezone.utc).isoformat()


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
