"""Customer segments: conditions over profile, orders and interactions, kept as data and compiled to SQL.

A segment is a list of conditions that must all hold, each a small object such as
`{"condition": "orders", "days": 90, "at_least": 3}` (the kinds are in CONDITIONS). For a population the
conditions compile to ONE select of customer ids made of column tests, EXISTS and grouped subqueries, which
PostgreSQL answers with semi- and anti-joins and hash aggregates over a million customers (no per-customer
loop, in Python or in SQL). For one customer (`examine`) each condition is measured by an indexed correlated
subquery, so the caller also gets the figures that decided it: the offers' reasons are made of them.
Windows ("in the last N days") count back from the `now` given.

The conditions (`days` is optional: without it, all time; bounds are `at_least` and/or `at_most`):
  profile       segment_tag, language, time_zone, customer_kind: is = "x" or in = ["x", "y"]
                consent: to = "calls" | "marketing" | "recording", given = true (default) or false
                birthday_month: is = 1..12 or "current" (the month of now)
  orders        orders: days, bounds, status = "delayed" or a list (the order's current status)
                orders_total: currency = "RUB", days, bounds in whole units (roubles, dollars)
                late_deliveries: days, bounds (delivered after the promised date, or past it undelivered)
  interactions  contacts: days, bounds, channel = "voice"..., direction = "inbound" | "outbound"
                last_disposition: is / in (the outcome of the latest interaction that has one)
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from .errors import NotFound, ValidationError
from .models import (
    CHANNELS, CUSTOMER_KINDS, DIRECTIONS, LANGUAGES, ORDER_STATUSES, Customer, Interaction, Order, Segment,
)

MAX_DAYS = 3650
CONSENTS = ("calls", "marketing", "recording")
# An order whose promised date passed without delivery is late unless it ended another way.
UNDELIVERABLE_STATUSES = ("delivered", "cancelled", "returned")

SegmentLike = Segment | Sequence[Mapping]  # a saved segment, or the conditions of an unsaved one


class InvalidCondition(ValidationError):
    """A segment condition that cannot be used, named by its position and kind."""

    def __init__(self, index: int, kind: object, message: str):
        super().__init__(f"conditions[{index}]", f"{kind}: {message}" if kind else message)
        self.index = index


class _Refused(Exception):
    """Raised while reading one condition; parse_conditions adds which condition it was."""


@dataclass(frozen=True)
class Phrase:
    """A condition put in words with the customer's figure, and the window it counts in (if any)."""

    text: str
    days: int | None = None


@dataclass(frozen=True)
class Finding:
    """One condition measured for one customer: their figure and whether the condition holds."""

    condition: Condition
    value: object
    holds: bool

    @property
    def phrase(self) -> Phrase:
        """This finding in words."""
        return self.condition.phrase(self.value)


class Condition:
    """A test on customers. Subclasses are frozen dataclasses (hashable: findings are keyed by them)."""

    kind: str = ""

    @classmethod
    def read(cls, fields: _Fields) -> Condition:
        """The condition from its fields, validated (raises _Refused)."""
        raise NotImplementedError

    def figure(self, now: datetime) -> sa.ColumnElement:
        """The customer's value this condition looks at, correlated to the customers table."""
        raise NotImplementedError

    def test(self, figure: sa.ColumnElement, now: datetime) -> sa.ColumnElement[bool]:
        """Whether a customer's figure satisfies the condition."""
        raise NotImplementedError

    def population(self, now: datetime) -> sa.ColumnElement[bool]:
        """The condition as a filter of the customers table for many customers at once."""
        return self.test(self.figure(now), now)

    def phrase(self, value) -> Phrase:
        """The condition put in words with a customer's figure."""
        raise NotImplementedError

    def as_data(self) -> dict:
        """The condition as stored (normalized)."""
        raise NotImplementedError


# ---- profile ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _ProfileValue(Condition):
    """A profile field equals one of the listed values."""

    values: tuple
    column = None
    label = ""
    allowed = None

    @classmethod
    def read(cls, fields: _Fields) -> Condition:
        values = fields.one_or_many("is", "in", str)
        if cls.allowed is not None and (unknown := [v for v in values if v not in cls.allowed]):
            raise _Refused(f"unknown value {unknown[0]!r}; expected one of {', '.join(cls.allowed)}")
        return cls(values)

    def figure(self, now):
        return self.column

    def test(self, figure, now):
        return figure.in_(self.values)

    def phrase(self, value):
        return Phrase(f"{self.label} {value}")

    def as_data(self):
        return {"condition": self.kind, "in": list(self.values)}


@dataclass(frozen=True)
class SegmentTag(_ProfileValue):
    """The customer carries one of these segment tags (vip, regular...)."""

    kind = "segment_tag"
    column = Customer.__table__.c.segment
    label = "segment"


@dataclass(frozen=True)
class Language(_ProfileValue):
    """The customer speaks one of these languages."""

    kind = "language"
    column = Customer.__table__.c.language
    label = "speaks"
    allowed = LANGUAGES


@dataclass(frozen=True)
class CustomerKind(_ProfileValue):
    """The customer is a person, or a company."""

    kind = "customer_kind"
    column = Customer.__table__.c.kind
    label = "a"
    allowed = CUSTOMER_KINDS


@dataclass(frozen=True)
class TimeZone(_ProfileValue):
    """The customer lives in one of these IANA time zones."""

    kind = "time_zone"
    column = Customer.__table__.c.time_zone
    label = "time zone"

    @classmethod
    def read(cls, fields):
        condition = super().read(fields)
        for name in condition.values:
            try:
                ZoneInfo(name)
            except (ValueError, KeyError, OSError):
                raise _Refused(f"unknown time zone {name!r}") from None
        return condition


@dataclass(frozen=True)
class Consent(Condition):
    """The customer gave (or did not give) one of the consents."""

    to: str
    given: bool = True
    kind = "consent"

    @classmethod
    def read(cls, fields):
        to = fields.get("to", str, required=True)
        if to not in CONSENTS:
            raise _Refused(f"'to' must be one of {', '.join(CONSENTS)}")
        return cls(to, fields.get("given", bool, default=True))

    def figure(self, now):
        return getattr(Customer, f"consent_{self.to}")

    def test(self, figure, now):
        return figure if self.given else sa.not_(figure)

    def phrase(self, value):
        return Phrase(f"agreed to {self.to}" if value else f"no consent to {self.to}")

    def as_data(self):
        return {"condition": self.kind, "to": self.to, "given": self.given}


@dataclass(frozen=True)
class BirthdayMonth(Condition):
    """The customer's birthday falls in a month: a number 1-12, or "current" (the month of `now`, UTC)."""

    month: int | str
    kind = "birthday_month"

    @classmethod
    def read(cls, fields):
        month = fields.get("is", (int, str), required=True)
        if month != "current" and (isinstance(month, str) or not 1 <= month <= 12):
            raise _Refused("'is' must be a month number 1-12 or \"current\"")
        return cls(month)

    def figure(self, now):
        return sa.extract("month", Customer.birthday)

    def test(self, figure, now):
        return figure == (now.month if self.month == "current" else self.month)

    def phrase(self, value):
        return Phrase(f"birthday in {calendar.month_name[int(value)]}" if value is not None else "no birthday known")

    def as_data(self):
        return {"condition": self.kind, "is": self.month}


# ---- counts and sums over a customer's rows ----------------------------------------------------------------

@dataclass(frozen=True)
class _Aggregate(Condition):
    """A count (or sum) of the customer's rows, optionally in the last `days` days, within bounds."""

    at_least: int | None
    at_most: int | None
    days: int | None

    customer_column = None  # table columns, not ORM attributes: these are class attributes of a dataclass
    time_column = None
    counts_rows = True

    @classmethod
    def read_bounds(cls, fields: _Fields, minimum=1) -> dict:
        bounds = {"days": fields.days(), "at_least": fields.amount("at_least", minimum),
                  "at_most": fields.amount("at_most", 0)}
        if bounds["at_least"] is None and bounds["at_most"] is None:
            raise _Refused("give at_least, at_most or both")
        if None not in (bounds["at_least"], bounds["at_most"]) and bounds["at_least"] > bounds["at_most"]:
            raise _Refused("at_least is greater than at_most: no customer can match")
        return bounds

    def filters(self, now: datetime) -> list:
        """Which of the customer's rows count (window included)."""
        window = [] if self.days is None else [self.time_column >= now - timedelta(days=self.days)]
        return window + self.row_filters(now)

    def row_filters(self, now: datetime) -> list:
        """Which rows count, besides the window (all of them unless a subclass says otherwise)."""
        return []

    def aggregate(self):
        return sa.func.count()

    def figure(self, now):
        value = sa.select(self.aggregate()).where(self.customer_column == Customer.id, *self.filters(now))
        return value.scalar_subquery() if self.counts_rows else sa.func.coalesce(value.scalar_subquery(), 0)

    def test(self, figure, now):
        low = [] if self.at_least is None else [figure >= self.stored(self.at_least)]
        high = [] if self.at_most is None else [figure <= self.stored(self.at_most)]
        return sa.and_(*low, *high)

    def stored(self, amount):
        """A bound in the unit of the aggregated column."""
        return amount

    def population(self, now):
        rows = sa.select(self.customer_column).where(self.customer_column == Customer.id, *self.filters(now))
        if self.counts_rows and self.at_most == 0:
            return ~rows.exists()
        if self.counts_rows and self.at_least == 1 and self.at_most is None:
            return rows.exists()
        grouped = (sa.select(self.customer_column).where(self.customer_column.is_not(None), *self.filters(now))
                   .group_by(self.customer_column))
        tests = []
        if self.at_least is not None:
            tests.append(Customer.id.in_(grouped.having(self.aggregate() >= self.stored(self.at_least))))
        if self.at_most is not None:
            # Customers without rows have 0 and stay in. NOT EXISTS, not NOT IN: PostgreSQL plans it as an anti-join,
            # where NOT IN over more ids than work_mem holds would rescan the list for every customer.
            over = grouped.having(self.aggregate() > self.stored(self.at_most)).subquery()
            tests.append(~sa.exists().where(over.c.customer_id == Customer.id))
        return sa.and_(*tests)

    def bounds_data(self) -> dict:
        return {k: v for k, v in (("days", self.days), ("at_least", self.at_least), ("at_most", self.at_most))
                if v is not None}


@dataclass(frozen=True)
class Orders(_Aggregate):
    """How many orders the customer placed, optionally only those now in some statuses."""

    statuses: tuple = ()
    kind = "orders"
    customer_column = Order.__table__.c.customer_id
    time_column = Order.__table__.c.placed_at

    @classmethod
    def read(cls, fields):
        statuses = fields.one_or_many("status", None, str, required=False)
        if unknown := [s for s in statuses if s not in ORDER_STATUSES]:
            raise _Refused(f"unknown order status {unknown[0]!r}")
        return cls(statuses=statuses, **cls.read_bounds(fields))

    def row_filters(self, now):
        return [Order.status.in_(self.statuses)] if self.statuses else []

    def phrase(self, value):
        noun = " ".join(filter(None, ("/".join(self.statuses), "order" if value == 1 else "orders")))
        return Phrase(f"no {noun}" if value == 0 else f"{value} {noun}", self.days)

    def as_data(self):
        statuses = {"status": list(self.statuses)} if self.statuses else {}
        return {"condition": self.kind, **self.bounds_data(), **statuses}


@dataclass(frozen=True)
class LateDeliveries(_Aggregate):
    """How many of the customer's orders were delivered after the promised date, or are past it undelivered."""

    kind = "late_deliveries"
    customer_column = Order.__table__.c.customer_id
    time_column = Order.__table__.c.placed_at

    @classmethod
    def read(cls, fields):
        return cls(**cls.read_bounds(fields))

    def row_filters(self, now):
        return [Order.promised_delivery.is_not(None), sa.or_(
            sa.and_(Order.delivered_at.is_not(None), sa.func.date(Order.delivered_at) > Order.promised_delivery),
            sa.and_(Order.delivered_at.is_(None), Order.status.not_in(UNDELIVERABLE_STATUSES),
                    Order.promised_delivery < now.date()),
        )]

    def phrase(self, value):
        return Phrase("none delivered late" if value == 0 else f"{value} delivered late", self.days)

    def as_data(self):
        return {"condition": self.kind, **self.bounds_data()}


@dataclass(frozen=True)
class OrdersTotal(_Aggregate):
    """What the customer's orders in one currency add up to; bounds in whole units (roubles, dollars)."""

    currency: str = ""
    kind = "orders_total"
    customer_column = Order.__table__.c.customer_id
    time_column = Order.__table__.c.placed_at
    counts_rows = False

    @classmethod
    def read(cls, fields):
        currency = fields.get("currency", str, required=True)
        if len(currency) != 3 or not currency.isalpha() or not currency.isupper():
            raise _Refused("'currency' must be a three-letter code such as RUB")
        return cls(currency=currency, **cls.read_bounds(fields, minimum=1))

    def aggregate(self):
        return sa.func.sum(Order.total_minor)

    def row_filters(self, now):
        return [Order.currency == self.currency]

    def stored(self, amount):
        return amount * 100

    def phrase(self, value):
        return Phrase(f"orders worth {int(value) // 100:,} {self.currency}", self.days)

    def as_data(self):
        return {"condition": self.kind, "currency": self.currency, **self.bounds_data()}


@dataclass(frozen=True)
class Contacts(_Aggregate):
    """How many interactions the customer had, optionally of one channel or direction."""

    channel: str | None = None
    direction: str | None = None
    kind = "contacts"
    customer_column = Interaction.__table__.c.customer_id
    time_column = Interaction.__table__.c.started_at

    @classmethod
    def read(cls, fields):
        channel, direction = fields.get("channel", str), fields.get("direction", str)
        if channel is not None and channel not in CHANNELS:
            raise _Refused(f"'channel' must be one of {', '.join(CHANNELS)}")
        if direction is not None and direction not in DIRECTIONS:
            raise _Refused(f"'direction' must be one of {', '.join(DIRECTIONS)}")
        return cls(channel=channel, direction=direction, **cls.read_bounds(fields))

    def row_filters(self, now):
        return ([] if self.channel is None else [Interaction.channel == self.channel]) + (
            [] if self.direction is None else [Interaction.direction == self.direction])

    def phrase(self, value):
        if value == 0 and self.channel is None and self.direction is None:
            return Phrase("not contacted", self.days)
        noun = "call" if self.channel == "voice" else f"{self.channel} contact" if self.channel else "contact"
        noun = " ".join(filter(None, (self.direction, noun))) + ("" if value == 1 else "s")
        return Phrase(f"no {noun}" if value == 0 else f"{value} {noun}", self.days)

    def as_data(self):
        return {"condition": self.kind, **self.bounds_data()} | {
            k: v for k, v in (("channel", self.channel), ("direction", self.direction)) if v is not None}


@dataclass(frozen=True)
class LastDisposition(Condition):
    """The outcome agents logged on the customer's latest interaction that has one is one of these."""

    values: tuple
    kind = "last_disposition"

    @classmethod
    def read(cls, fields):
        return cls(fields.one_or_many("is", "in", str))

    def figure(self, now):
        return (sa.select(Interaction.disposition)
                .where(Interaction.customer_id == Customer.id, Interaction.disposition.is_not(None))
                .order_by(Interaction.started_at.desc(), Interaction.id.desc()).limit(1).scalar_subquery())

    def test(self, figure, now):
        return figure.in_(self.values)

    def population(self, now):
        # "Some interaction has one of these outcomes and no later one has any": only the customers with such
        # an outcome are probed for a later one, through the (customer, started_at, id) index.
        later = aliased(Interaction)
        superseded = sa.select(later.id).where(
            later.customer_id == Interaction.customer_id, later.disposition.is_not(None),
            sa.or_(later.started_at > Interaction.started_at,
                   sa.and_(later.started_at == Interaction.started_at, later.id > Interaction.id)))
        return (sa.select(Interaction.id)
                .where(Interaction.customer_id == Customer.id, Interaction.disposition.in_(self.values),
                       ~superseded.exists())
                .exists())

    def phrase(self, value):
        return Phrase(f"last outcome {value}" if value else "no outcome logged")

    def as_data(self):
        return {"condition": self.kind, "in": list(self.values)}


CONDITIONS: dict[str, type[Condition]] = {c.kind: c for c in (
    SegmentTag, Language, TimeZone, CustomerKind, Consent, BirthdayMonth,
    Orders, OrdersTotal, LateDeliveries, Contacts, LastDisposition,
)}


# ---- reading conditions ------------------------------------------------------------------------------------

class _Fields:
    """The fields of one condition object, read once each; anything left over is an error."""

    def __init__(self, data: Mapping):
        self.data = dict(data)
        self.read = {"condition"}

    def get(self, name, kinds, *, required=False, default=None):
        self.read.add(name)
        if name not in self.data:
            if required:
                raise _Refused(f"'{name}' is required")
            return default
        value, kinds = self.data[name], kinds if isinstance(kinds, tuple) else (kinds,)
        # A TOML or JSON true is an int to Python: refuse it where a number is expected.
        if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
            raise _Refused(f"'{name}' has the wrong type")
        if isinstance(value, str) and not value.strip():
            raise _Refused(f"'{name}' is empty")
        return value.strip() if isinstance(value, str) else value

    def one_or_many(self, single: str, many: str | None, kind, *, required=True) -> tuple:
        """A value given as `single` (one value or a list) or `many` (a list): exactly one of the two."""
        given = [n for n in (single, many) if n is not None and n in self.data]
        self.read.update(n for n in (single, many) if n is not None)
        if len(given) > 1:
            raise _Refused(f"give '{single}' or '{many}', not both")
        if not given:
            if required:
                raise _Refused(f"'{single}' is required")
            return ()
        value = self.data[given[0]]
        values = value if isinstance(value, list) else [value]
        if not values or not all(isinstance(v, kind) and not isinstance(v, bool) and str(v).strip() for v in values):
            raise _Refused(f"'{given[0]}' must be a non-empty value or list of values")
        return tuple(dict.fromkeys(v.strip() if isinstance(v, str) else v for v in values))

    def days(self) -> int | None:
        days = self.get("days", int)
        if days is not None and not 1 <= days <= MAX_DAYS:
            raise _Refused(f"'days' must be a whole number of days between 1 and {MAX_DAYS}")
        return days

    def amount(self, name: str, minimum: int) -> int | None:
        value = self.get(name, int)
        if value is not None and value < minimum:
            raise _Refused(f"'{name}' must be at least {minimum}")
        return value

    def finish(self) -> None:
        if unknown := sorted(set(self.data) - self.read):
            raise _Refused(f"unknown field {unknown[0]!r}")


def parse_conditions(data: Iterable[Mapping]) -> tuple[Condition, ...]:
    """Validate conditions given as data; raises InvalidCondition naming the first bad one."""
    if isinstance(data, (str, bytes, Mapping)) or not isinstance(data, Iterable):
        raise ValidationError("conditions", "must be a list of conditions")
    conditions = []
    for index, item in enumerate(data):
        kind = item.get("condition") if isinstance(item, Mapping) else None
        if not isinstance(item, Mapping):
            raise InvalidCondition(index, None, "must be an object with a 'condition' field")
        if kind not in CONDITIONS:
            raise InvalidCondition(index, kind, f"unknown condition; expected one of {', '.join(CONDITIONS)}")
        fields = _Fields(item)
        try:
            condition = CONDITIONS[kind].read(fields)
            fields.finish()
        except _Refused as refused:
            raise InvalidCondition(index, kind, str(refused)) from None
        conditions.append(condition)
    if not conditions:
        raise ValidationError("conditions", "a segment needs at least one condition")
    return tuple(conditions)


def segment_conditions(segment: SegmentLike) -> tuple[Condition, ...]:
    """The validated conditions of a saved segment or of an unsaved one given as data."""
    return parse_conditions(segment.conditions if isinstance(segment, Segment) else segment)


# ---- using segments ----------------------------------------------------------------------------------------

def where_clause(conditions: Iterable[Condition], now: datetime) -> sa.ColumnElement[bool]:
    """The conditions as one filter of the customers table (for a query that already selects customers)."""
    return sa.and_(*(condition.population(now) for condition in conditions))


def segment_select(segment: SegmentLike, *, now: datetime) -> sa.Select:
    """One SELECT of the ids of the segment's customers, to run or to embed (`Customer.id.in_(...)`)."""
    return sa.select(Customer.id).where(where_clause(segment_conditions(segment), now))


def customers_in(session: Session, segment: SegmentLike, *, now: datetime) -> list[int]:
    """The ids of the segment's customers, ascending."""
    return list(session.scalars(segment_select(segment, now=now).order_by(Customer.id)))


def count_customers(session: Session, segment: SegmentLike, *, now: datetime) -> int:
    """How many customers the segment has now."""
    return session.scalar(sa.select(sa.func.count()).select_from(segment_select(segment, now=now).subquery()))


def is_member(session: Session, segment: SegmentLike, customer_id: int, *, now: datetime) -> bool:
    """Whether one customer is in the segment (cheap: indexed lookups of that customer only)."""
    return all(f.holds for f in examine(session, customer_id, segment_conditions(segment), now=now).values())


def examine(session: Session, customer_id: int, conditions: Iterable[Condition], *,
            now: datetime) -> dict[Condition, Finding]:
    """Measure one customer against conditions in one query: each condition's figure and whether it holds."""
    unique = list(dict.fromkeys(conditions))
    columns = []
    for condition in unique:
        figure = condition.figure(now)
        columns += [figure, sa.case((condition.test(figure, now), True), else_=False)]
    row = session.execute(sa.select(Customer.id, *columns).where(Customer.id == customer_id)).one_or_none()
    if row is None:
        raise NotFound("customer", customer_id)
    return {c: Finding(c, row[1 + 2 * i], bool(row[2 + 2 * i])) for i, c in enumerate(unique)}


def reason(findings: Iterable[Finding]) -> str:
    """Findings in words, a window said once for the phrases in a row that share it:
    "3 orders in 90 days, none delivered late"."""
    parts, previous_days = [], None
    for phrase in (f.phrase for f in findings):
        shown = phrase.days is not None and phrase.days != previous_days
        parts.append(phrase.text + (f" in {phrase.days} days" if shown else ""))
        previous_days = phrase.days
    return ", ".join(parts)


def save_segment(session: Session, *, name: str, conditions: Sequence[Mapping], now: datetime,
                 description: str | None = None, created_by: int | None = None) -> Segment:
    """Create the named segment, or replace its description and conditions; validates first. Flushes."""
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise ValidationError("name", "a segment needs a name of at most 100 characters")
    stored = [c.as_data() for c in parse_conditions(conditions)]
    segment = session.scalar(sa.select(Segment).where(Segment.name == name))
    if segment is None:
        segment = Segment(name=name, created_by=created_by, created_at=now)
        session.add(segment)
    segment.description, segment.conditions, segment.updated_at = (description or None), stored, now
    session.flush()
    return segment


def segment_named(session: Session, name: str) -> Segment:
    """The saved segment with this name (for commands and forms that name one)."""
    segment = session.scalar(sa.select(Segment).where(Segment.name == (name or "").strip()))
    if segment is None:
        raise NotFound("segment", name)
    return segment
