"""Queue report on the hand-computed hour: 8 inbound queue calls, 7 of them in it."""

from __future__ import annotations

import pytest

from crm_core import models
from crm_core.analytics import ReportFilter, queue_report
from crm_core.errors import ValidationError

from .conftest import HOUR_END, HOUR_START, at

HOUR = ReportFilter(HOUR_START, HOUR_END)


def test_support_queue_over_the_hour(db_session, floor):
    support, sales = queue_report(db_session, HOUR, target_seconds=20, short_abandon_seconds=5)[::-1]
    assert support["queue"] == "support"
    # call1..call6; call8 started at 08:59 and the dialer's call9 is outbound.
    assert support["offered"] == 6
    assert support["answered"] == 3  # call1 (10 s), call2 (25 s), call3 (15 + 8 = 23 s)
    assert support["abandoned"] == 3  # call4 (3 s), call5 (40 s), call6 (5 s to an agent who missed, 12 s more)
    assert support["short_abandoned"] == 1  # call4
    assert support["answered_within_target"] == 1  # call1
    assert support["service_level"] == pytest.approx(1 / (6 - 1))
    assert support["abandon_rate"] == pytest.approx((3 - 1) / (6 - 1))
    assert support["asa_seconds"] == pytest.approx((10 + 25 + 23) / 3)
    assert support["longest_wait_seconds"] == 40
    assert sales["queue"] == "sales"
    assert (sales["offered"], sales["answered"], sales["service_level"], sales["asa_seconds"]) == (1, 1, 1.0, 0)


def test_support_queue_by_half_hour_puts_a_call_at_09_30_in_the_second_interval(db_session, floor):
    rows = queue_report(db_session, ReportFilter(HOUR_START, HOUR_END, queue="support"), interval_minutes=30)
    first, second = rows
    assert (first["interval_start"], second["interval_start"]) == (at(1, 9, 0), at(1, 9, 30))
    # 09:00-09:30: call1, call4, call5, call2 (09:28).
    assert (first["offered"], first["answered"], first["abandoned"], first["short_abandoned"]) == (4, 2, 2, 1)
    assert first["service_level"] == pytest.approx(1 / 3)
    assert first["asa_seconds"] == pytest.approx((10 + 25) / 2)
    # 09:30-10:00: call3 (09:30 sharp) and call6.
    assert (second["offered"], second["answered"], second["abandoned"], second["short_abandoned"]) == (2, 1, 1, 0)
    assert second["service_level"] == 0
    assert second["asa_seconds"] == 23


def test_a_longer_target_and_short_abandon_threshold_change_the_service_level(db_session, floor):
    support = queue_report(db_session, ReportFilter(HOUR_START, HOUR_END, queue="support"),
                           target_seconds=25, short_abandon_seconds=1)[0]
    # Within 25 s: call1, call2, call3; no abandon under 1 s.
    assert support["service_level"] == pytest.approx(3 / 6)


def test_an_empty_period_has_no_rows_and_intervals_are_validated(db_session, floor):
    assert queue_report(db_session, ReportFilter(at(2, 9, 0), at(2, 10, 0))) == []
    with pytest.raises(ValidationError):
        queue_report(db_session, HOUR, interval_minutes=20)


def test_a_caller_still_waiting_is_offered_but_does_not_move_the_rates(db_session, floor):
    """A live wallboard must not show 0 % service level because someone joined the queue two seconds ago."""
    db_session.add(models.Interaction(call_sid="CA" + "w" * 32, channel="voice", direction="inbound",
                                      status="in-progress", started_at=at(1, 9, 50), queue="support"))
    db_session.flush()
    [support] = queue_report(db_session, ReportFilter(HOUR_START, HOUR_END, queue="support"))
    assert support["offered"] == 7  # the six settled calls and the one waiting
    assert support["service_level"] == pytest.approx(1 / (6 - 1))  # unchanged: over the settled calls
    assert support["abandon_rate"] == pytest.approx((3 - 1) / (6 - 1))
