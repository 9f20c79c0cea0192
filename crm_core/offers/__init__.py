"""Next-best offers: rules as data (a saved segment and/or inline segment conditions, a text per language, a
priority and a validity), the offers that apply to a customer now with the reason in their own figures, and
the agents' responses that the acceptance report counts."""

from .catalog import DEMO_CATALOG, load_catalog
from .responses import acceptance_report, record_response
from .rules import save_offer
from .selection import SuggestedOffer, offers_for

__all__ = ["DEMO_CATALOG", "SuggestedOffer", "acceptance_report", "load_catalog", "offers_for", "record_response",
           "save_offer"]
