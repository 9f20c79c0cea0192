"""What customers said to the offers agents made, logged once per offer per call, and the acceptance report."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..analytics.formulas import ratio
from ..analytics.sql import count_where
from ..errors import NotFound, ValidationError
from ..models import OFFER_RESPONSES, Customer, Interaction, Offer, OfferResponse


def record_response(session: Session, *, offer_id: int, customer_id: int, interaction_id: int,
                    agent_id: int | None, response: str, now: datetime) -> OfferResponse:
    """Log the customer's answer to an offer on a call: accepted, declined, or not_offered (the agent did not
    make it). Idempotent: the same answer again changes nothing; a different one replaces it (the agent
    corrected a slip), so each call counts once per offer. Flushes."""
    if response not in OFFER_RESPONSES:
        raise ValidationError("response", f"one of {', '.join(OFFER_RESPONSES)}")
    if session.get(Offer, offer_id) is None:
        raise NotFound("offer", offer_id)
    if session.get(Customer, customer_id) is None:
        raise NotFound("customer", customer_id)
    interaction = session.get(Interaction, interaction_id)
    if interaction is None:
        raise NotFound("interaction", interaction_id)
    if interaction.customer_id is not None and interaction.customer_id != customer_id:
        raise ValidationError("customer_id", "this call is with another customer")
    logged = _logged(session, offer_id, interaction_id)
    if logged is None:
        logged = OfferResponse(offer_id=offer_id, customer_id=customer_id, interaction_id=interaction_id,
                               agent_id=agent_id, response=response, responded_at=now)
        try:
            with session.begin_nested():
                session.add(logged)
        except IntegrityError:
            # A double click sent the answer twice at once: the other request logged it first.
            logged = _logged(session, offer_id, interaction_id)
            if logged is None:
                raise
    if logged.response != response:
        logged.response, logged.agent_id, logged.responded_at = response, agent_id, now
        session.flush()
    return logged


def _logged(session: Session, offer_id: int, interaction_id: int) -> OfferResponse | None:
    return session.scalar(sa.select(OfferResponse).where(OfferResponse.offer_id == offer_id,
                                                         OfferResponse.interaction_id == interaction_id))


def acceptance_rate(accepted: int, declined: int) -> float | None:
    """Offer acceptance = accepted / offers the agent made (accepted + declined); "not offered" is left out:
    the customer never heard the offer."""
    return ratio(accepted, accepted + declined)


def acceptance_report(session: Session, date_from: date, date_to: date, *, agent_id: int | None = None) -> list[dict]:
    """Per offer, the answers logged from `date_from` to `date_to` included (UTC days), optionally of one agent:
    how often it was made, accepted, declined or not made, and its acceptance rate. Highest priority first."""
    if date_to < date_from:
        raise ValidationError("date_to", "must not come before date_from")
    start = datetime.combine(date_from, time(), timezone.utc)
    end = datetime.combine(date_to + timedelta(days=1), time(), timezone.utc)
    query = (sa.select(Offer.id, Offer.code, Offer.name,
                       *(count_where(OfferResponse.response == answer) for answer in OFFER_RESPONSES))
             .join(OfferResponse, OfferResponse.offer_id == Offer.id)
             .where(OfferResponse.responded_at >= start, OfferResponse.responded_at < end,
                    *([] if agent_id is None else [OfferResponse.agent_id == agent_id]))
             .group_by(Offer.id, Offer.code, Offer.name, Offer.priority)
             .order_by(Offer.priority.desc(), Offer.id))
    return [{"offer_id": offer_id, "code": code, "name": name, "offered": accepted + declined, "accepted": accepted,
             "declined": declined, "not_offered": not_offered, "acceptance_rate": acceptance_rate(accepted, declined)}
            for offer_id, code, name, accepted, declined, not_offered in session.execute(query)]
