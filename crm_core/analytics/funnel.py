"""Sales funnel: from agents' conversations to sales logged in wrap-up, to orders placed, to orders delivered.

Stages, over voice calls started in the period that an agent took and that ended:
conversations -> sales (disposition `sale`) -> ordered (the customer placed an order within
ORDER_WINDOW_DAYS after the call started) -> delivered (one of those orders is delivered). A sale logged
on a call with no known customer can never reach "ordered": link the caller in the console.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..models import DialAttempt, Interaction, Order
from . import formulas
from .filters import ReportFilter
from .sql import count_where, epoch_seconds

SALE_DISPOSITION = "sale"
ORDER_WINDOW_DAYS = 7
STAGES = ("conversations", "sales", "ordered", "delivered")


def sales_funnel(session: Session, report: ReportFilter) -> list[dict]:
    """One row per stage: calls reaching it, and the share of the previous stage and of conversations."""
    after_call = epoch_seconds(Order.placed_at) - epoch_seconds(Interaction.started_at)
    orders = sa.select(Order.id).where(Order.customer_id == Interaction.customer_id, after_call >= 0,
                                       after_call < ORDER_WINDOW_DAYS * 86400)
    sale = Interaction.disposition == SALE_DISPOSITION
    query = sa.select(
        sa.func.count(),
        count_where(sale),
        count_where(sa.and_(sale, orders.exists())),
        count_where(sa.and_(sale, orders.where(Order.status == "delivered").exists())),
    ).where(Interaction.channel == "voice", Interaction.agent_id.is_not(None), Interaction.ended_at.is_not(None),
            Interaction.started_at >= report.start, Interaction.started_at < report.end)
    if report.agent_id is not None:
        query = query.where(Interaction.agent_id == report.agent_id)
    if report.queue is not None:
        query = query.where(Interaction.queue == report.queue)
    if report.campaign_id is not None:
        query = query.where(Interaction.call_sid.in_(
            sa.select(DialAttempt.call_sid).where(DialAttempt.campaign_id == report.campaign_id)))
    counts = session.execute(query).one()
    rows, previous = [], None
    for stage, calls in zip(STAGES, counts):
        rows.append({"stage": stage, "calls": calls,
                     "of_previous": formulas.ratio(calls, previous) if previous is not None else None,
                     "of_conversations": formulas.ratio(calls, counts[0])})
        previous = calls
    return rows


def sales_forecast(session: Session, history: ReportFilter, planned_conversations: int) -> list[dict]:
    """What `planned_conversations` should yield at each stage if they convert as the `history` period did
    (the same filters: an agent's, a queue's or a campaign's own rates); None at stages history never reached."""
    return [{"stage": row["stage"],
             "expected": None if row["of_conversations"] is None else planned_conversations * row["of_conversations"]}
            for row in sales_funnel(session, history)]
