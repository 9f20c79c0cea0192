"""The offers that apply to one customer now, best first, each with the reason in the customer's figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload

from ..models import LANGUAGES, Offer
from ..segments import examine, reason
from .rules import offer_conditions


@dataclass(frozen=True)
class SuggestedOffer:
    """An offer for the agent to make, in the customer's language when it has one, and why it fits them."""

    offer_id: int
    code: str
    name: str
    text: str
    language: str
    priority: int
    reason: str
    valid_to: datetime | None

    def as_dict(self) -> dict:
        """The suggestion as JSON-ready data (for the screen-pop)."""
        return {"offer_id": self.offer_id, "code": self.code, "name": self.name, "text": self.text,
                "language": self.language, "priority": self.priority, "reason": self.reason,
                "valid_to": self.valid_to.isoformat() if self.valid_to else None}


# Every screen-pop of a known caller asks: built once (building it cost more than running it).
_OFFERS_VALID = (
    sa.select(Offer).options(joinedload(Offer.segment))
    .where(Offer.active, sa.or_(Offer.valid_from.is_(None), Offer.valid_from <= sa.bindparam("now")),
           sa.or_(Offer.valid_to.is_(None), Offer.valid_to > sa.bindparam("now")))
    .order_by(Offer.priority.desc(), Offer.id)
)


def offers_for(session: Session, customer_id: int, *, now: datetime, language: str | None = None,
               limit: int = 3) -> list[SuggestedOffer]:
    """The active offers valid at `now` whose conditions the customer meets, highest priority first (then the
    oldest rule), at most `limit`. Two queries: the rules, then every condition measured for this customer."""
    offers = session.scalars(_OFFERS_VALID, {"now": now}).all()
    if not offers:
        return []
    rules = [(offer, offer_conditions(offer)) for offer in offers]
    findings = examine(session, customer_id, [c for _, conditions in rules for c in conditions], now=now)
    suggestions = []
    for offer, conditions in rules:
        found = [findings[c] for c in conditions]
        if all(f.holds for f in found):
            text_language = language if language in offer.texts else next(l for l in LANGUAGES if l in offer.texts)
            suggestions.append(SuggestedOffer(offer.id, offer.code, offer.name, offer.texts[text_language],
                                              text_language, offer.priority, reason(found), offer.valid_to))
    return suggestions[:limit]
