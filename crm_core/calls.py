"""Call records: exactly one interaction per provider call SID, moved by status callbacks that may
arrive late, twice or out of order."""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Callable, Iterable, Iterator, TypeVar

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, make_transient_to_detached

from .db import HotStatement, utcnow
from .models import Customer, DialAttempt, Interaction, InteractionEvent, PhoneNumber
from .phones import normalize_phone
from .errors import InvalidPhoneNumber, ValidationError

log = logging.getLogger(__name__)
Key = TypeVar("Key")

TERMINAL_STATUSES = frozenset({"completed", "busy", "failed", "no-answer", "canceled"})
PROGRESS_ORDER = {"queued": 0, "initiated": 1, "ringing": 2, "in-progress": 3, "answered": 3}
CALL_STATUSES = TERMINAL_STATUSES | set(PROGRESS_ORDER)
# What answering-machine detection reports (Twilio's AnsweredBy values).
ANSWERED_BY = frozenset({"human", "machine_start", "machine_end_beep", "machine_end_silence", "machine_end_other",
                         "fax", "unknown"})
CALL_SID = re.compile(r"CA[0-9a-fA-F]{32}")
MAX_CALLER_ID = Interaction.__table__.c.from_number.type.length
MAX_COUNTER = 2 ** 31 - 1  # sequence numbers and durations are 32-bit integer columns
_WHOLE_ROW = tuple(Interaction.__table__.c)  # what open_call reads back to build its ORM object


@dataclass(frozen=True)
class StatusUpdate:
    """One status callback, as the provider reported it."""

    call_sid: str
    status: str
    sequence: int | None = None
    timestamp: datetime | None = None
    call_duration: int | None = None
    answered_by: str | None = None


def open_call(session: Session, *, call_sid: str, **call) -> Interaction:
    """Create the interaction of a new call, linked to the caller's customer; if the call already has one
    (a retried webhook, or a concurrent request of the same call), return that one instead. Takes the call as
    `new_call` does. Later webhooks of a call should use `call_record`, which reads first; the IVR opens calls
    with `new_call`, without an ORM object."""
    created = new_call(session, call_sid=call_sid, returning=_WHOLE_ROW, **call)
    if created is None:  # not the call's first webhook (or another request created it first)
        return session.scalars(sa.select(Interaction).where(Interaction.call_sid == call_sid)).one()
    # RETURNING gave the whole row: attach it instead of reading it back.
    interaction = Interaction(**created._asdict())
    make_transient_to_detached(interaction)
    session.add(interaction)
    return interaction


def new_call(
    session: Session,
    *,
    call_sid: str,
    from_number: str | None,
    to_number: str | None,
    direction: str,
    default_region: str,
    returning: tuple,
    status: str = "ringing",
    context: dict | None = None,
) -> sa.Row | None:
    """Insert the interaction of a new call, linked to the caller's customer, and return the `returning`
    expressions of the new row; None if the call already has one (nothing is written then).

    This is the hot path of every inbound call: one INSERT that also looks up the caller. Refuses
    (ValidationError) a SID that is not a provider call SID: a malformed webhook must not open a call.
    """
    values = dict(
        call_sid=checked_call_sid(call_sid), channel="voice", direction=direction, status=status,
        status_sequence=-1, from_number=_caller_id(from_number), to_number=_caller_id(to_number), started_at=utcnow(),
        context=context or {}, ivr_path=[],
    )
    party = _e164_or_none(from_number if direction == "inbound" else to_number, default_region)
    statement = _new_call_statement(session.get_bind().dialect.name, returning)
    return statement.first(session, values | {"party": party})


@functools.cache
def _new_call_statement(dialect: str, returning: tuple) -> HotStatement:
    """INSERT the interaction with the caller's customer and language looked up in the same statement,
    doing nothing if the call already has one. Built once per dialect and RETURNING list: this runs for every
    new call."""
    owner = sa.select(PhoneNumber.customer_id).where(PhoneNumber.e164 == sa.bindparam("party")).scalar_subquery()
    language = sa.select(Customer.language).where(Customer.id == owner).scalar_subquery()
    table = Interaction.__table__
    columns = ("call_sid", "channel", "direction", "status", "status_sequence", "from_number", "to_number",
               "started_at", "context", "ivr_path")
    module = postgresql if dialect == "postgresql" else sqlite
    return HotStatement(
        module.insert(table)
        .values({name: sa.bindparam(name, type_=table.c[name].type) for name in columns}
                | {"customer_id": owner, "language": language})
        .on_conflict_do_nothing()
        .returning(*returning)
    )


def checked_call_sid(call_sid) -> str:
    """The call SID as the provider writes it (CA and 32 hex digits), or a ValidationError naming CallSid."""
    if not isinstance(call_sid, str) or not CALL_SID.fullmatch(call_sid):
        shown = call_sid[:40] if isinstance(call_sid, str) else call_sid
        raise ValidationError("CallSid", f"not a call SID (CA and 32 hex digits): {shown!r}")
    return call_sid


def _caller_id(number: str | None) -> str | None:
    """A party's caller ID kept as the provider gave it (a number, "anonymous", a client or SIP name) when it is
    printable and fits; otherwise its E.164 form if it is a valid number, else nothing."""
    if number is None:
        return None
    if len(number) <= MAX_CALLER_ID and number.isprintable():
        return number
    return _e164_or_none(number, "ZZ")  # ZZ: only a number written with its country code


def call_record(session: Session, *, call_sid: str, **call) -> Interaction:
    """The interaction of a call already under way, opened now if its earlier webhooks never reached us."""
    existing = session.scalar(sa.select(Interaction).where(Interaction.call_sid == call_sid))
    return existing if existing is not None else open_call(session, call_sid=call_sid, **call)


def apply_status(session: Session, update: StatusUpdate, *, default_region: str = "RU",
                 from_number: str | None = None, to_number: str | None = None,
                 direction: str = "inbound") -> Interaction:
    """Merge a status callback into the call's interaction.

    Status only moves forward (by SequenceNumber, then by call progress) and never leaves a terminal
    state; timestamps and durations are filled in whatever order the callbacks arrive. A callback whose
    values the provider never sends (an unknown status, a negative duration) is refused with a ValidationError
    before anything is stored.
    """
    update = _checked(update)
    interaction = call_record(
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
    if max(interaction.duration_seconds or 0, interaction.talk_seconds or 0) > MAX_COUNTER:
        raise ValidationError("Timestamp", f"puts the call's start and end decades apart: {update.timestamp}")

    if _moves_forward(interaction, update):
        interaction.status = update.status
        if update.sequence is not None:
            interaction.status_sequence = update.sequence
    session.flush()
    return interaction


def _checked(update: StatusUpdate) -> StatusUpdate:
    """The update with a time zone on its timestamp (RFC 2822's -0000 means UTC), or a ValidationError."""
    checked_call_sid(update.call_sid)
    if update.status not in CALL_STATUSES:
        raise ValidationError("CallStatus", f"not a call status: {update.status[:40]!r}")
    if update.answered_by and update.answered_by not in ANSWERED_BY:
        raise ValidationError("AnsweredBy", f"not an answering-machine detection result: {update.answered_by[:40]!r}")
    for field, value in (("SequenceNumber", update.sequence), ("CallDuration", update.call_duration)):
        if value is not None and not 0 <= value <= MAX_COUNTER:
            raise ValidationError(field, f"out of range: {value}")
    timestamp = update.timestamp
    if timestamp is not None and timestamp.tzinfo is None:
        timestamp = timestamp.replace(tzinfo=timezone.utc)
    return StatusUpdate(update.call_sid, update.status, update.sequence, timestamp, update.call_duration,
                        update.answered_by or None)


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


def record_event(session: Session, interaction: Interaction, kind: str, detail: dict | None = None) -> None:
    """Add a timestamped step to the call's timeline."""
    interaction.events.append(InteractionEvent(kind=kind, detail=detail or {}))
    session.flush()


def _e164_or_none(number: str | None, default_region: str) -> str | None:
    """The E.164 form of a party's number; None for an anonymous, withheld or invalid caller ID."""
    if not number:
        return None
    try:
        return normalize_phone(number, default_region).e164
    except InvalidPhoneNumber:
        return None


def unsettled_calls(session: Session, *, since: datetime, before: datetime) -> list[str]:
    """CallSids of the calls begun between `since` and `before` that still have no final status, campaign dials
    excepted (the dialer settles those with their attempts): the ones to ask the provider how they ended."""
    dialed = sa.select(DialAttempt.id).where(DialAttempt.call_sid == Interaction.call_sid)
    return list(session.scalars(sa.select(Interaction.call_sid).where(
        Interaction.call_sid.is_not(None), Interaction.started_at >= since, Interaction.started_at < before,
        Interaction.status.not_in(TERMINAL_STATUSES), ~dialed.exists()).order_by(Interaction.started_at)))


def ended_by_provider(telephony, open_calls: Iterable[tuple[Key, str]],
                      may_ask: Callable[[Key], bool]) -> Iterator[tuple[Key, object]]:
    """Ask the provider (`telephony.ended_call`) how each (key, CallSid) that `may_ask(key)` allows ended, and yield
    (key, the ended call) for those it reports over: the final status callbacks we never received. A provider
    that cannot tell now is asked again next time."""
    for key, call_sid in open_calls:
        if not may_ask(key):
            continue
        try:
            ended = telephony.ended_call(call_sid)
        except Exception:
            log.exception("could not fetch CallSid=%s to settle it", call_sid)
            continue
        if ended is not None:
            yield key, ended
