"""What happened to a dial attempt once placed: answered (by whom), connected, abandoned, ended; and the
outcome that drives its recycling. Operations flush; the webhook or job commits."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from crm_core.dnc import add_do_not_call
from crm_core.models import AttemptOutcome, Campaign, DialAttempt

from .compliance.profiles import load_profile
from .recycle import settle_attempt

FAILED_STATUSES = ("busy", "failed", "no-answer", "canceled")


def locked_attempt(session: Session, attempt_id: int) -> DialAttempt | None:
    """The attempt, locked for this transaction (callbacks of one call may race)."""
    return session.get(DialAttempt, attempt_id, with_for_update=True, populate_existing=True)


def adopt_call(attempt: DialAttempt, call_sid: str) -> None:
    """Record the provider's CallSid on the attempt if it is not known yet (a callback may bring it before the
    placing job could store it, or instead of a job killed right after the provider accepted the call)."""
    if attempt.call_sid is None:
        attempt.call_sid = call_sid
    if attempt.status == "scheduled":  # never claimed by a job, yet a call exists: it is dialing
        attempt.status = "dialing"


def machine_verdict(answered_by: str | None) -> str | None:
    """'human' or 'machine' from Twilio's AnsweredBy (fax and machine_* are machines; unknown is a person)."""
    if not answered_by:
        return None
    return "machine" if answered_by.startswith("machine") or answered_by == "fax" else "human"


def answered(session: Session, attempt: DialAttempt, answered_by: str | None, *, now: datetime) -> str:
    """The call was answered; returns 'human' or 'machine'."""
    verdict = machine_verdict(answered_by) or "human"
    if attempt.answered_at is None:
        attempt.answered_at = now
    attempt.answered_by = attempt.answered_by or verdict
    session.flush()
    return attempt.answered_by


def connect_window_seconds(session: Session, attempt: DialAttempt) -> int:
    """Seconds a person who answered may wait for an agent before the call is abandoned: the campaign's
    compliance profile says (2 s under 47 CFR 64.1200 and Ofcom)."""
    profile_id = session.scalar(sa.select(Campaign.profile_id).where(Campaign.id == attempt.campaign_id))
    return load_profile(session, profile_id).abandon.connect_within_seconds


def connected(session: Session, attempt: DialAttempt, *, now: datetime) -> None:
    """An agent took the call."""
    if attempt.connected_at is None and not attempt.abandoned:
        attempt.connected_at = now
        session.flush()


def abandoned(session: Session, attempt: DialAttempt, *, now: datetime) -> bool:
    """No agent within the abandon window: the person hears the safe-harbor message; counts against the
    budget. False if an agent had already taken the call."""
    if attempt.connected_at is not None:
        return False
    attempt.abandoned = True
    session.flush()
    return True


def opted_out(session: Session, attempt: DialAttempt, *, now: datetime) -> None:
    """The person pressed the opt-out key: the number is on the do-not-call list before the next dial."""
    attempt.refused = True
    add_do_not_call(session, attempt.e164, source="dialer_opt_out", reason="opted out after an abandoned call",
                    now=now)


def outcome_of(attempt: DialAttempt, call_status: str) -> str:
    """The recycling outcome of an attempt whose call ended with `call_status`."""
    if call_status in ("busy", "failed"):
        return call_status
    if call_status in ("no-answer", "canceled"):
        return "no-answer"
    if attempt.answered_by == "machine":
        return "machine"
    if attempt.abandoned:
        return "abandoned"
    if attempt.connected_at is not None:
        return "human"
    return "no-answer"  # a person who hung up before the abandon window ran out: neither reached nor dropped


def ended(session: Session, attempt: DialAttempt, call_status: str, *, now: datetime) -> AttemptOutcome:
    """The call is over: close the attempt and apply the recycle rules (once, whatever the callbacks do)."""
    if attempt.ended_at is None:
        attempt.ended_at = now
    attempt.status = "failed" if call_status in FAILED_STATUSES else "completed"
    return settle_attempt(session, attempt, outcome_of(attempt, call_status), now=now)


def attempt_for_call(session: Session, call_sid: str) -> DialAttempt | None:
    """The attempt that placed a call."""
    return session.scalar(sa.select(DialAttempt).where(DialAttempt.call_sid == call_sid))
