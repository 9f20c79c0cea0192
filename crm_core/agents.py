"""Agent presence history."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from .db import utcnow
from .models import AgentStateChange


def log_agent_state(session: Session, user_id: int, state: str, *, reason: str | None = None,
                    call_sid: str | None = None, at: datetime | None = None) -> AgentStateChange:
    """Record that an agent entered a state (occupancy and handle time are computed from these rows)."""
    change = AgentStateChange(user_id=user_id, state=state, reason=reason or None, call_sid=call_sid or None,
                              started_at=at or utcnow())
    session.add(change)
    session.flush()
    return change
