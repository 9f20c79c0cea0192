"""What the IVR needs from the CRM besides orders: who is calling, and the session log (path, outcome)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .models import Customer, Interaction, InteractionEvent, Order


def caller_profile(session: Session, customer_id: int | None) -> dict | None:
    """How to greet a known caller: the name to say, their language, whether they have orders."""
    if not isinstance(customer_id, int):
        return None
    has_orders = sa.exists().where(Order.customer_id == Customer.id)
    row = session.execute(
        sa.select(Customer.first_name, Customer.last_name, Customer.company_name, Customer.language,
                  has_orders.label("has_orders")).where(Customer.id == customer_id)
    ).first()
    if row is None:
        return None
    return {"customer_id": customer_id, "name": row.first_name or row.company_name or row.last_name,
            "language": row.language, "has_orders": bool(row.has_orders)}


def log_ivr_steps(session: Session, interaction: Interaction, steps: list[tuple[str, dict]]) -> None:
    """Append one webhook's IVR steps to the call's path and timeline in a single write (an IVR answer
    often runs several steps). Flushes."""
    interaction.ivr_path = [*interaction.ivr_path, *(step for step, _ in steps)]
    if steps:
        session.execute(sa.insert(InteractionEvent), [
            {"interaction_id": interaction.id, "kind": "ivr", "detail": {"step": step, **detail}}
            for step, detail in steps])
    session.flush()


def close_ivr_session(session: Session, interaction: Interaction) -> str | None:
    """The call is over: an IVR session that neither answered, transferred nor scheduled a callback was
    abandoned. Returns the final outcome (None for a call that never met the IVR). Flushes."""
    if interaction.ivr_flow is None:
        return None
    if interaction.ivr_outcome is None:
        interaction.ivr_outcome = "abandoned"
        session.flush()
    return interaction.ivr_outcome
