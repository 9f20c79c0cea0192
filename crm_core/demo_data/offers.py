"""The demo shop's next-best offers: its segments and offer rules (crm_core/offers/demo.toml), loaded after the
demo customers so that the screen-pop suggests them from the first call."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from ..offers import DEMO_CATALOG, load_catalog
from ..offers.catalog import LoadedCatalog


def load_demo_offers(engine: Engine, *, now: datetime) -> LoadedCatalog:
    """Load the demo catalog of segments and offers (replacing its entries by name and code) and commit."""
    with Session(engine) as session:
        loaded = load_catalog(session, DEMO_CATALOG, now=now)
        session.commit()
    return loaded
