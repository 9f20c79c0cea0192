"""Closing a call: the agent's outcome and notes, with their side effects, in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .db import utcnow
from .errors import CrmError, NotFound, ValidationError
from .dnc import add_do_not_call
from .models import Disposition, DoNotCallEntry, Interaction, InteractionEvent, Task, Ticket

MAX_NOTES = 10_000


class AlreadyWrappedUp(CrmError):
    """The call's outcome was recorded already (a double submit must not double the side effects)."""


@dataclass
class Outcome:
    """What the agent decided in wrap-up."""

    disposition: str
    notes: str = ""
    callback_at: datetime | None = None
    callback_phone: str | None = None
    ticket_subject: str | None = None


@dataclass
class WrapUpResult:
    """The stored outcome and what it created."""

    interaction: Interaction
    callback: Task | None = None
    ticket: Ticket | None = None
    do_not_call: DoNotCallEntry | None = None


def active_dispositions(session: Session) -> list[Disposition]:
    """The outcomes agents may choose, in display order."""
    return list(session.scalars(sa.select(Disposition).where(Disposition.active).order_by(Disposition.sort_order)))


def allowed_dispositions(interaction: Interaction) -> list[str]:
    """The outcomes a call may be closed with: a campaign call's own (its context says), else any active one
    (an empty list)."""
    return [str(code) for code in (interaction.context or {}).get("dispositions") or ()]


def record_outcome(session: Session, interaction_id: int, agent_id: int, outcome: Outcome, *,
                   now: datetime | None = None) -> WrapUpResult:
    """Store disposition and notes on the call; schedule the callback, add the do-not-call entry or open
    the ticket the disposition implies. Flushes; the caller commits once."""
    now = now or utcnow()
    interaction = session.get(Interaction, interaction_id, with_for_update=True)
    if interaction is None:
        raise NotFound("interaction", interaction_id)
    if interaction.agent_id is not None and interaction.agent_id != agent_id:
        raise ValidationError("interaction", "this call was handled by another agent")
    if interaction.disposition is not None:
        raise AlreadyWrappedUp(f"the outcome of call {interaction.call_sid} is already recorded")
    disposition = session.get(Disposition, outcome.disposition)
    if disposition is None or not disposition.active:
        raise ValidationError("disposition", f"unknown disposition {outcome.disposition!r}")
    allowed = allowed_dispositions(interaction)
    if allowed and disposition.code not in allowed:
        labels = dict(session.execute(sa.select(Disposition.code, Disposition.label_en)
                                      .where(Disposition.code.in_(allowed))).all())
        raise ValidationError("disposition", f"{disposition.label_en} is not an outcome of this campaign: choose "
                                             f"{' or '.join(labels.get(code, code) for code in allowed)}")
    notes = (outcome.notes or "").strip()
    if len(notes) > MAX_NOTES:
        raise ValidationError("notes", f"at most {MAX_NOTES} characters")
    if disposition.schedules_callback and outcome.callback_at is None:
        raise ValidationError("callback_at", "this outcome needs a callback time")
    if outcome.callback_at is not None and outcome.callback_at <= now:
        raise ValidationError("callback_at", "must be in the future")
    if disposition.opens_ticket and not (outcome.ticket_subject or "").strip():
        raise ValidationError("ticket_subject", "this outcome needs a ticket subject")

    interaction.agent_id = agent_id
    interaction.disposition = disposition.code
    interaction.notes = notes or None
    interaction.wrapped_up_at = now
    interaction.review_reason = None
    interaction.events.append(InteractionEvent(kind="wrap_up", detail={"disposition": disposition.code},
                                               occurred_at=now))
    party = interaction.from_number if interaction.direction == "inbound" else interaction.to_number
    result = WrapUpResult(interaction)
    if outcome.callback_at is not None:
        result.callback = Task(
            customer_id=interaction.customer_id, kind="callback", phone_e164=outcome.callback_phone or party,
            due_at=outcome.callback_at, owner_id=agent_id, note=notes or None, source_interaction_id=interaction.id,
        )
        session.add(result.callback)
    if disposition.adds_do_not_call and party:
        result.do_not_call = add_do_not_call(session, party, source="disposition",
                                             reason=f"asked on call {interaction.call_sid}", now=now)
    if outcome.ticket_subject and interaction.customer_id is not None:
        result.ticket = Ticket(customer_id=interaction.customer_id, subject=outcome.ticket_subject.strip()[:200],
                               description=notes or None, owner_id=agent_id)
        session.add(result.ticket)
    session.flush()
    return result


def flag_for_review(session: Session, call_sid: str, reason: str) -> Interaction | None:
    """Mark a call whose agent vanished so a supervisor sees it; the call record itself is kept as is."""
    interaction = session.scalar(sa.select(Interaction).where(Interaction.call_sid == call_sid))
    if interaction is not None and interaction.disposition is None:
        interaction.review_reason = reason
        session.flush()
    return interaction
