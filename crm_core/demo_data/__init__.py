"""Deterministic demo data for a Russian and English online shop's contact center.

`load_demo_data(engine, customers=N, seed=S)` fills an empty CRM with customers, their phone numbers,
orders in every status with their histories, calls and notes, tickets, callbacks and the demo logins;
`load_demo_offers(engine, now=...)` then adds the next-best offers the screen-pop suggests.
It scales to millions of customers (rows are generated and written chunk by chunk; COPY on PostgreSQL).
"""

from .load import DEFAULT_ANCHOR, DatabaseNotEmpty, DemoSummary, load_demo_data
from .offers import load_demo_offers
from .staff import DEMO_USERS

__all__ = ["DEFAULT_ANCHOR", "DEMO_USERS", "DatabaseNotEmpty", "DemoSummary", "load_demo_data", "load_demo_offers"]
