"""Domain verbs on customers: create, update, search, and notes on their timeline. They flush, never commit."""

from __future__ import annotations

import re
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from .db import utcnow
from .errors import InvalidPhoneNumber, NotFound, ValidationError
from .models import CUSTOMER_KINDS, LANGUAGES, Customer, Interaction, Order, PhoneNumber
from .phones import normalize_phone

MAX_NOTE_LENGTH = 10_000
MAX_PHONES = 10
SEARCH_LIMIT = 50
MAX_FIELD_NAME = 64
CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_TEXT_FIELDS = ("first_name", "last_name", "company_name", "email", "time_zone", "segment", "postal_code")
_BOOL_FIELDS = ("consent_calls", "consent_marketing", "consent_recording")


def create_customer(session: Session, data: dict, *, default_region: str) -> Customer:
    """Create a customer with their phones; refuses a number that already belongs to someone."""
    customer = Customer(kind="person", language="ru")
    _apply_fields(customer, data)
    if not (customer.first_name or customer.last_name or customer.company_name):
        raise ValidationError("first_name", "a customer needs a name or a company name")
    session.add(customer)
    _replace_phones(session, customer, data.get("phones", []), default_region)
    session.flush()
    return customer


def update_customer(session: Session, customer_id: int, data: dict, *, default_region: str) -> Customer:
    """Change the given fields only; `phones`, when given, replaces the customer's list."""
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise NotFound("customer", customer_id)
    _apply_fields(customer, data)
    if "phones" in data:
        _replace_phones(session, customer, data["phones"], default_region)
    session.flush()
    return customer


def search_customers(session: Session, query: str, *, default_region: str, limit: int = SEARCH_LIMIT) -> list[Customer]:
    """Find customers by phone (any format), order number, or the start of a name."""
    query = (query or "").strip()
    if not query:
        raise ValidationError("q", "a search text is required")
    if len(query) > 100:
        raise ValidationError("q", "at most 100 characters")
    found: dict[int, Customer] = {}
    with_phones = selectinload(Customer.phones)
    try:
        e164 = normalize_phone(query, default_region).e164
    except InvalidPhoneNumber:
        e164 = None
    if e164:
        for c in session.scalars(sa.select(Customer).join(PhoneNumber).where(PhoneNumber.e164 == e164).options(with_phones)):
            found[c.id] = c
    for c in session.scalars(sa.select(Customer).join(Order).where(Order.number == query.upper()).options(with_phones)):
        found[c.id] = c
    pattern = _like_prefix(query)
    by_name = sa.select(Customer).where(
        sa.or_(
            sa.func.lower(Customer.last_name).like(pattern, escape="\\"),
            sa.func.lower(Customer.first_name).like(pattern, escape="\\"),
            sa.func.lower(Customer.company_name).like(pattern, escape="\\"),
        )
    ).order_by(Customer.last_name, Customer.first_name, Customer.id).limit(limit).options(with_phones)
    for c in session.scalars(by_name):
        found.setdefault(c.id, c)
    return list(found.values())[:limit]


def add_note(session: Session, customer_id: int, text: str, *, author_id: int | None) -> Interaction:
    """Log a free-text note on the customer's timeline as an interaction of channel `note`."""
    if session.get(Customer, customer_id) is None:
        raise NotFound("customer", customer_id)
    if not isinstance(text, str) or not text.strip():
        raise ValidationError("text", "a note cannot be empty")
    if len(text) > MAX_NOTE_LENGTH:
        raise ValidationError("text", f"at most {MAX_NOTE_LENGTH} characters")
    now = utcnow()
    note = Interaction(
        customer_id=customer_id, channel="note", direction="outbound", status="completed",
        agent_id=author_id, notes=text.strip(), started_at=now, ended_at=now,
    )
    session.add(note)
    session.flush()
    return note


def _like_prefix(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"


def _apply_fields(customer: Customer, data: dict) -> None:
    if not isinstance(data, dict):
        raise ValidationError("body", "expected a JSON object")
    unknown = set(data) - {*_TEXT_FIELDS, *_BOOL_FIELDS, "kind", "language", "birthday", "phones"}
    if unknown:
        name = sorted(unknown)[0]
        # A key that cannot name a field (empty, or a whole paragraph) is reported on the body instead.
        if name and len(name) <= MAX_FIELD_NAME and name.isprintable():
            raise ValidationError(name, "unknown field")
        raise ValidationError("body", f"unknown field {name[:MAX_FIELD_NAME]!r}")
    for name in _TEXT_FIELDS:
        if name in data:
            setattr(customer, name, _text(name, data[name]))
    for name in _BOOL_FIELDS:
        if name in data:
            if not isinstance(data[name], bool):
                raise ValidationError(name, "must be true or false")
            setattr(customer, name, data[name])
    if "kind" in data:
        if data["kind"] not in CUSTOMER_KINDS:
            raise ValidationError("kind", f"must be one of {', '.join(CUSTOMER_KINDS)}")
        customer.kind = data["kind"]
    if "language" in data:
        if data["language"] not in LANGUAGES:
            raise ValidationError("language", f"must be one of {', '.join(LANGUAGES)}")
        customer.language = data["language"]
    if "birthday" in data:
        customer.birthday = _date("birthday", data["birthday"])
    if customer.time_zone:
        _check_time_zone(customer.time_zone)


def _text(name: str, value) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValidationError(name, "must be text")
    value = value.strip()
    if CONTROL_CHARACTER.search(value):
        raise ValidationError(name, "must not contain control characters")
    limit = Customer.__table__.c[name].type.length
    if len(value) > limit:
        raise ValidationError(name, f"at most {limit} characters")
    return value or None


def _date(name: str, value) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise ValidationError(name, "must be a date as YYYY-MM-DD") from exc


def _check_time_zone(name: str) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError("time_zone", f"unknown time zone {name!r}") from exc


def _replace_phones(session: Session, customer: Customer, phones, default_region: str) -> None:
    if not isinstance(phones, list) or len(phones) > MAX_PHONES:
        raise ValidationError("phones", f"must be a list of at most {MAX_PHONES} numbers")
    wanted = []
    for index, entry in enumerate(phones):
        raw = entry.get("number") if isinstance(entry, dict) else entry
        label = entry.get("label") if isinstance(entry, dict) else None
        if not isinstance(raw, str):
            raise ValidationError(f"phones[{index}]", "must be a phone number as text")
        try:
            normalized = normalize_phone(raw, default_region)
        except InvalidPhoneNumber as exc:
            raise InvalidPhoneNumber(raw, exc.message, field=f"phones[{index}]") from exc
        wanted.append((normalized, label if isinstance(label, str) else None))
    numbers = [n.e164 for n, _ in wanted]
    if len(set(numbers)) != len(numbers):
        raise ValidationError("phones", "the same number is listed twice")
    if numbers:
        owners = session.execute(
            sa.select(PhoneNumber.e164, PhoneNumber.customer_id).where(PhoneNumber.e164.in_(numbers))
        ).all()
        for e164, owner in owners:
            if owner != customer.id:
                raise ValidationError("phones", f"{e164} already belongs to another customer")
    kept = {p.e164: p for p in customer.phones}
    customer.phones = [
        kept.get(n.e164) or PhoneNumber(e164=n.e164, kind=n.kind, region=n.region, label=label, is_primary=i == 0)
        for i, (n, label) in enumerate(wanted)
    ]
