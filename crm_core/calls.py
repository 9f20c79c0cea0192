"""Call records: exactly one interaction per provider call SID, moved by status callbacks that may
arrive late, twice or out of order."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .db import utcnow
from .models import Interaction, InteractionEvent, PhoneNumber
from .phones import normalize_phone
from .errors import InvalidPhoneNumber

TERMINAL_STATUSES = frozenset({"completed", "busy", "failed", "no-answer", "canceled"})
PROGRESS_ORDER = {"queued": 0, "initiated": 1, "ringing": 2, "in-progress": 3, "answered": 3}


@dataclass(frozen=True)
class StatusUpdate:
    """One status callback, as the provider reported it."""

    call_sid: str
    status: str
    sequence: int | None = None
    timestamp: datetime | None = None
    call_duration: int | None = None
    answered_by: str | None = None


def open_call(
    session: Session,
    *,
    call_sid: str,
    from_number: str | None,
    to_number: str | None,
    direction: str,
    default_region: str,
    status: str = "ringing",
    context: dict | None = None,
) -> Interaction:
    """Return the interaction of `call_sid`, creating it (linked to the caller's customer) the first time.

    Safe to call for every webhook of the call and from concurrent processes: the unique call SID decides.
    """
    existing = session.scalar(sa.select(Interaction).where(Interaction.call_sid == call_sid))
    if existing is not None:
        return existing
    party = from_number if direction == "inbound" else to_number
    interaction = Interaction(
        call_sid=call_sid, channel="voice", direction=direction, status=status,
        from_number=from_number, to_number=to_number, started_at=utcnow(),
        customer_id=_customer_for(session, party, default_region), context=context or {}, ivr_path=[],
    )
    interaction.events = [InteractionEvent(kind="call_started", detail={"direction": direction})]
    try:
        with session.begin_nested():
            session.add(interaction)
    except IntegrityError:
        # Another request of the same call created it first: use theirs.
        return session.scalars(sa.select(Interaction).where(Interaction.call_sid == call_sid)).one()
    return interaction


def apply_status(session: Session, update: StatusUpdate, *, default_region: str = "RU",
                 from_number: str | None = None, to_number: str | None = None,
                 direction: str = "inbound") -> Interaction:
    """Merge a status callback into the call's interaction.

    Status only moves forward (by SequenceNumber, then by call progress) and never leaves a terminal
    state; timestamps and durations are filled in whatever order the callbacks arrive.
    """
    interaction = open_call(
        session, call_sid=update.call_sid, from_number=from_number, to_number=to_number,
        direction=direction, default_region=default_region, status="initiated",
    )
    # Lock the row so two web processes merging callbacks of one call cannot interleave.
    session.execute(sa.select(Interaction.id).where(Interaction.id == interaction.id).with_for_update())
    session.refresh(interaction)
    when = update.timestamp or utcnow()
    key = {"status": update.status, "sequence": update.sequence}
    if any(e.kind == "status" and e.detail == key for e in interaction.events):
        return interaction  # the same callback again changes nothing
    interaction.events.append(InteractionEvent(kind="status", detail=key, occurred_at=when))
    if when < interaction.started_at:
        interaction.started_at = when

    if update.answered_by and not interaction.answered_by:
        interaction.answered_by = update.answered_by
    if update.status in ("in-progress", "answered") and interaction.answered_at is None:
        interaction.answered_at = when
    if update.status in TERMINAL_STATUSES:
        if interaction.ended_at is None:
            interaction.ended_at = when
        if update.call_duration is not None:
            interaction.talk_seconds = update.call_duration
            if interaction.answered_at is None and update.call_duration > 0:
                interaction.answered_at = interaction.ended_at - timedelta(seconds=update.call_duration)
    _fill_durations(interaction)

    if _moves_forward(interaction, update):
        interaction.status = update.status
        if update.sequence is not None:
            interaction.status_sequence = update.sequence
    session.flush()
    return interaction


def _moves_forward(interaction: Interaction, update: StatusUpdate) -> bool:
    if interaction.status in TERMINAL_STATUSES:
        return False
    if update.status in TERMINAL_STATUSES:
        return True
    if update.sequence is not None and interaction.status_sequence >= 0:
        return update.sequence > interaction.status_sequence
    return PROGRESS_ORDER.get(update.status, 0) > PROGRESS_ORDER.get(interaction.status, 0)


def _fill_durations(interaction: Interaction) -> None:
    if interaction.ended_at is None:
        return
    interaction.duration_seconds = max(0, round((interaction.ended_at - interaction.started_at).total_seconds()))
    if interaction.answered_at is not None:
        interaction.ring_seconds = max(0, round((interaction.answered_at - interaction.started_at).total_seconds()))
        if interaction.talk_seconds is None:
            interaction.talk_seconds = max(0, round((interaction.ended_at - interaction.answered_at).total_seconds()))


def record_ivr_step(session: Session, interaction: Interaction, step: str, detail: dict | None = None) -> None:
    """Append a step to the call's IVR path and timeline (the agent's screen-pop shows the path)."""
    interaction.ivr_path = [*interaction.ivr_path, step]
    record_event(session, interaction, "ivr", {"step": step, **(detail or {})})


def record_event(session: Session, interaction: Interaction, kind: str, detail: dict | None = None) -> None:
    """Add a timestamped step to the call's timeline."""
    interaction.events.append(InteractionEvent(kind=kind, detail=detail or {}))
    session.flush()


def _customer_for(session: Session, number: str | None, default_region: str) -> int | None:
    if not number:
        return None
    try:
        e164 = normalize_phone(number, default_region).e164
    except InvalidPhoneNumber:
        return None  # anonymous or withheld caller ID
    return session.scalar(sa.select(PhoneNumber.customer_id).where(PhoneNumber.e164 == e164))
