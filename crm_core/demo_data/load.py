"""Loading demo data: one transaction, streamed in chunks of customers, refused if the CRM has customers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from ..db import Base
from ..errors import CrmError, ValidationError
from ..models import Customer
from .contacts import make_contacts
from .customers import new_customer
from .identifiers import MAX_CUSTOMERS
from .orders import make_orders
from .shop import TABLES, DemoShop
from .staff import ensure_staff
from .writers import BackgroundWriter, writer_for

# Every timestamp is relative to this instant, never to the clock: the same seed gives the same rows.
DEFAULT_ANCHOR = datetime(2026, 11, 1, tzinfo=timezone.utc)
# Customers generated per write: about 15,000-30,000 rows across the tables, whatever the seed.
CHUNK_CUSTOMERS = 1_000


class DatabaseNotEmpty(CrmError):
    """Demo data goes only into a CRM without customers (it must never mix with, or collide with, real ones)."""


@dataclass
class DemoSummary:
    """What a load created; `users` holds (username, role, password) of the logins created by it."""

    customers: int = 0
    phones: int = 0
    orders: int = 0
    order_events: int = 0
    interactions: int = 0
    interaction_events: int = 0
    tickets: int = 0
    tasks: int = 0
    do_not_call: int = 0
    users: list[tuple[str, str, str]] = field(default_factory=list)


_SUMMARY_FIELD = {"customers": "customers", "phone_numbers": "phones", "orders": "orders",
                  "order_events": "order_events", "interactions": "interactions",
                  "interaction_events": "interaction_events", "tickets": "tickets", "tasks": "tasks",
                  "dnc_entries": "do_not_call"}


def load_demo_data(
    engine: Engine,
    *,
    customers: int,
    seed: int = 1,
    default_region: str = "RU",
    progress: Callable[[int, int], None] | None = None,
    anchor: datetime = DEFAULT_ANCHOR,
    method: str = "auto",
) -> DemoSummary:
    """Create `customers` demo customers with phones, orders, call histories, tickets and callbacks, and the
    demo logins; the same seed and count give the same rows.

    All or nothing, in one transaction; raises DatabaseNotEmpty if there are customers already. About 75% of
    customers speak the language of `default_region` (RU or US; half and half for other regions). `method`
    is how rows are written: "auto" (COPY on PostgreSQL with psycopg, executemany elsewhere), "copy" or "insert".
    """
    if not 0 <= customers <= MAX_CUSTOMERS:
        raise ValidationError("customers", f"must be between 0 and {MAX_CUSTOMERS:,}")
    if anchor.tzinfo is None:
        raise ValidationError("anchor", "must be timezone-aware")
    summary = DemoSummary()
    with engine.begin() as connection:
        _refuse_if_not_empty(connection)
        staff, summary.users = ensure_staff(connection, created_at=anchor - timedelta(days=800))
        shop = DemoShop(seed=seed, anchor=anchor, default_region=default_region, staff=staff,
                        first_ids=_first_ids(connection))
        writer = BackgroundWriter(writer_for(connection, method), Base.metadata.tables,
                                  threaded=connection.dialect.name == "postgresql")
        try:
            for start in range(0, customers, CHUNK_CUSTOMERS):
                for ordinal in range(start, min(customers, start + CHUNK_CUSTOMERS)):
                    profile = new_customer(shop, ordinal)
                    make_contacts(shop, profile, make_orders(shop, profile))
                    shop.add("customers", profile.row)
                batch = shop.take_batch()
                writer.submit(batch)
                for name, rows in batch.items():
                    setattr(summary, _SUMMARY_FIELD[name], getattr(summary, _SUMMARY_FIELD[name]) + len(rows))
                if progress is not None:
                    progress(min(customers, start + CHUNK_CUSTOMERS), customers)
        finally:
            writer.close()
        _after_load(connection)
    return summary


def _refuse_if_not_empty(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        # Serialize concurrent loads (SQLite's BEGIN IMMEDIATE already holds the write lock).
        connection.execute(sa.text("LOCK TABLE customers IN SHARE ROW EXCLUSIVE MODE"))
    existing = connection.scalar(sa.select(sa.func.count()).select_from(sa.select(Customer.id).limit(1).subquery()))
    if existing:
        count = connection.scalar(sa.select(sa.func.count()).select_from(Customer))
        raise DatabaseNotEmpty(
            f"the database already has {count:,} customers; demo data loads only into a CRM without customers "
            "(use a new database, or empty this one first)"
        )


def _first_ids(connection: Connection) -> dict[str, int]:
    """Where each table's explicit ids start: after any row already there (interactions of unknown callers...)."""
    tables = Base.metadata.tables
    return {name: (connection.scalar(sa.select(sa.func.max(tables[name].c.id))) or 0) + 1 for name in TABLES}


def _after_load(connection: Connection) -> None:
    """Rows were inserted with explicit ids: move PostgreSQL's sequences past them, and refresh statistics."""
    if connection.dialect.name != "postgresql":
        return
    for name in (*TABLES, "users"):
        connection.execute(sa.text(
            f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT coalesce(max(id), 0) + 1 FROM {name}), "
            "false)"
        ))
        connection.execute(sa.text(f"ANALYZE {name}"))
