"""Do-not-call lists: the numbers that must never be dialed, globally or for one campaign."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .db import utcnow
from .models import DoNotCallEntry


def add_do_not_call(session: Session, e164: str, *, source: str, reason: str | None = None,
                    campaign_id: int | None = None, now: datetime | None = None) -> DoNotCallEntry:
    """Put a number on the do-not-call list (once); it takes effect for the very next dial."""
    existing = session.scalar(sa.select(DoNotCallEntry).where(
        DoNotCallEntry.e164 == e164, DoNotCallEntry.campaign_id.is_(None) if campaign_id is None
        else DoNotCallEntry.campaign_id == campaign_id))
    if existing is not None:
        return existing
    entry = DoNotCallEntry(e164=e164, campaign_id=campaign_id, source=source, reason=reason, added_at=now or utcnow())
    session.add(entry)
    session.flush()
    return entry
