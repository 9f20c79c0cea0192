"""The screen-pop: everything an agent needs when a call is offered, built from crm_core in a few queries."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from crm_core.db import utcnow
from crm_core.errors import InvalidPhoneNumber
from crm_core.history import customer_history
from crm_core.models import Interaction
from crm_core.offers import offers_for


def call_context(interaction: Interaction) -> dict:
    """This call: who, from where, and what the IVR (or the dialer) learned before the agent."""
    return {
        "call_sid": interaction.call_sid,
        "interaction_id": interaction.id,
        "direction": interaction.direction,
        "from_number": interaction.from_number,
        "to_number": interaction.to_number,
        "queue": interaction.queue,
        "language": interaction.language,
        "ivr_path": interaction.ivr_path,
        "context": interaction.context,
        "started_at": interaction.started_at.isoformat(),
    }


def party_history(session: Session, *, customer_id: int | None, phone: str | None, default_region: str) -> dict:
    """The customer's whole history (by id, else by their number); an unknown party gets their normalized number."""
    if customer_id is not None:
        history = customer_history(session, customer_id=customer_id, default_region=default_region)
    else:
        try:
            history = customer_history(session, phone=phone or "", default_region=default_region)
        except InvalidPhoneNumber:
            history = None
    return history.as_dict() if history else {"known": False, "phone": None}


def screen_pop(session: Session, interaction: Interaction, *, default_region: str,
               now: datetime | None = None) -> dict:
    """The call's context, the customer's whole history and the next-best offers for them (none for an unknown
    caller, who gets their normalized number)."""
    party = interaction.from_number if interaction.direction == "inbound" else interaction.to_number
    history = party_history(session, customer_id=interaction.customer_id, phone=party, default_region=default_region)
    customer = history.get("customer") if history.get("known") else None
    offers = offers_for(session, customer["id"], now=now or utcnow(),
                        language=interaction.language or customer.get("language")) if customer else []
    return {"call": call_context(interaction), "history": history, "offers": [o.as_dict() for o in offers]}
