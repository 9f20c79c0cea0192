"""The portable SQL pieces the reports are built on, on the backend under test."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from crm_core.analytics.sql import epoch_seconds, interval_start
from crm_core.db import UTCDateTime


def _stored(moment: datetime):
    return sa.literal(moment, UTCDateTime())


def test_epoch_seconds_keep_the_fraction_of_a_second(db_session):
    moment = datetime(2026, 6, 1, 9, 30, 0, 250000, tzinfo=timezone.utc)
    assert db_session.scalar(sa.select(epoch_seconds(_stored(moment)))) == pytest.approx(1780306200.25)


@pytest.mark.parametrize(("moment", "start"), [
    (datetime(2026, 6, 1, 9, 29, 59, 999000, tzinfo=timezone.utc), 1780304400),  # 09:00
    (datetime(2026, 6, 1, 9, 30, tzinfo=timezone.utc), 1780306200),  # 09:30 sharp opens the next interval
])
def test_intervals_start_on_the_boundary(db_session, moment, start):
    assert db_session.scalar(sa.select(interval_start(_stored(moment), 1800))) == start
