"""Offer rules: validated once when saved, so that choosing offers at screen-pop never meets a bad rule."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..errors import ValidationError
from ..models import LANGUAGES, Offer, Segment
from ..segments import Condition, parse_conditions, segment_conditions

CODE = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")


def save_offer(session: Session, *, code: str, name: str, texts: Mapping[str, str], now: datetime,
               segment: Segment | None = None, conditions: Sequence[Mapping] = (), priority: int = 0,
               valid_from: datetime | None = None, valid_to: datetime | None = None, active: bool = True) -> Offer:
    """Create the offer with this code, or replace its rule; the customers it is for are those of `segment`
    who also meet `conditions` (either may be left out, not both). Flushes."""
    if not isinstance(code, str) or not CODE.fullmatch(code):
        raise ValidationError("code", "lowercase letters, digits, '-' and '_', at most 64")
    if not isinstance(name, str) or not name.strip() or len(name) > 200:
        raise ValidationError("name", "an offer needs a name of at most 200 characters")
    texts = _texts(texts)
    if segment is None and not conditions:
        raise ValidationError("conditions", "give a segment, conditions or both")
    stored = [c.as_data() for c in parse_conditions(conditions)] if conditions else []
    if isinstance(priority, bool) or not isinstance(priority, int):
        raise ValidationError("priority", "a whole number (higher is offered first)")
    for field, moment in (("valid_from", valid_from), ("valid_to", valid_to)):
        if moment is not None and (not isinstance(moment, datetime) or moment.tzinfo is None):
            raise ValidationError(field, "a timezone-aware date and time")
    if valid_from is not None and valid_to is not None and valid_to <= valid_from:
        raise ValidationError("valid_to", "must come after valid_from")
    offer = session.scalar(sa.select(Offer).where(Offer.code == code))
    if offer is None:
        offer = Offer(code=code, created_at=now)
        session.add(offer)
    offer.name, offer.texts, offer.segment, offer.conditions = name.strip(), texts, segment, stored
    offer.priority, offer.valid_from, offer.valid_to, offer.active = priority, valid_from, valid_to, bool(active)
    session.flush()
    return offer


def offer_conditions(offer: Offer) -> tuple[Condition, ...]:
    """Everything a customer must meet for the offer: its segment's conditions, then its own."""
    own = parse_conditions(offer.conditions) if offer.conditions else ()
    return (segment_conditions(offer.segment) if offer.segment is not None else ()) + own


def _texts(texts) -> dict[str, str]:
    if not isinstance(texts, Mapping) or not texts:
        raise ValidationError("texts", f"give the offer's text in at least one of {', '.join(LANGUAGES)}")
    for language, text in texts.items():
        if language not in LANGUAGES:
            raise ValidationError("texts", f"unknown language {language!r}; expected one of {', '.join(LANGUAGES)}")
        if not isinstance(text, str) or not text.strip():
            raise ValidationError(f"texts.{language}", "the text is empty")
    return {language: text.strip() for language, text in texts.items()}
