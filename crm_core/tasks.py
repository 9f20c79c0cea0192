"""Follow-up tasks; here the callback a caller asks for, which the dialer and agents pick up. Flushes only."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .errors import InvalidPhoneNumber
from .models import Task
from .phones import NormalizedPhone, normalize_phone


def create_callback(session: Session, *, phone_e164: str, due_at: datetime, customer_id: int | None = None,
                    source_interaction_id: int | None = None, note: str | None = None) -> Task:
    """A pending callback task; asking twice on the same call (a repeated webhook) gives the same task."""
    e164 = normalize_phone(phone_e164, "ZZ").e164  # E.164 carries its own country
    if source_interaction_id is not None:
        existing = session.scalar(sa.select(Task).where(
            Task.source_interaction_id == source_interaction_id, Task.kind == "callback", Task.status == "pending"))
        if existing is not None:
            return existing
    task = Task(kind="callback", status="pending", phone_e164=e164, due_at=due_at, customer_id=customer_id,
                source_interaction_id=source_interaction_id, note=note)
    session.add(task)
    session.flush()
    return task


def callback_number(raw: str, *, default_region: str) -> NormalizedPhone | None:
    """The number a caller gave for a callback, keyed with or without the country code; None if invalid."""
    for candidate in (raw, "+" + raw.lstrip("+")):
        try:
            return normalize_phone(candidate, default_region)
        except InvalidPhoneNumber:
            continue
    return None
