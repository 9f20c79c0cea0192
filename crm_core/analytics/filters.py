"""What a report is asked for: a period and optional filters, validated once for every report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..errors import ValidationError

INTERVAL_MINUTES = (15, 30, 60)


@dataclass(frozen=True)
class ReportFilter:
    """Calls (or attempts) that started in [start, end), optionally of one queue, agent, campaign or list."""

    start: datetime
    end: datetime
    queue: str | None = None
    agent_id: int | None = None
    campaign_id: int | None = None
    list_id: int | None = None

    def __post_init__(self):
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValidationError("period", "start and end must be timezone-aware")
        if self.end <= self.start:
            raise ValidationError("period", "the end must come after the start")


def interval_seconds(minutes: int) -> int:
    """The width of a report interval, one of INTERVAL_MINUTES."""
    if minutes not in INTERVAL_MINUTES:
        raise ValidationError("interval", f"must be one of {', '.join(map(str, INTERVAL_MINUTES))} minutes")
    return minutes * 60
