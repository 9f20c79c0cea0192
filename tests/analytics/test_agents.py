"""Agent performance on the hand-computed hour (tests/analytics/conftest.py)."""

from __future__ import annotations

import pytest

from crm_core.analytics import ReportFilter, agent_dispositions, agent_performance
from crm_core.analytics.agents import state_seconds
from crm_core.errors import ValidationError

from .conftest import HOUR_END, HOUR_START, NOW, at

HOUR = ReportFilter(HOUR_START, HOUR_END)


def test_time_in_state_is_clipped_to_the_period_and_starts_with_the_state_held_at_its_start(db_session, floor):
    anna, boris = floor.agents["anna"], floor.agents["boris"]
    seconds = state_seconds(db_session, HOUR, now=NOW)
    # Anna was available since 08:50: 09:00-09:05 (300) + 09:11:10-09:30 (1130) + 09:50-10:00 (600).
    assert seconds[(anna, "available")] == pytest.approx(2030)
    assert seconds[(anna, "ringing")] == pytest.approx(10)
    assert seconds[(anna, "on_call")] == pytest.approx(300 + 600)
    assert seconds[(anna, "wrap_up")] == pytest.approx(60 + 120)
    assert seconds[(anna, "break")] == pytest.approx(480)
    assert (anna, "offline") not in seconds  # offline before 08:50 and again after 10:00
    # Boris logged in at 09:20; his wrap-up is still open at the end of the hour.
    assert seconds[(boris, "available")] == pytest.approx(1500)
    assert seconds[(boris, "wrap_up")] == pytest.approx(300)


def test_a_state_still_running_counts_until_now(db_session, floor):
    seconds = state_seconds(db_session, HOUR, now=at(1, 9, 57))
    assert seconds[(floor.agents["boris"], "wrap_up")] == pytest.approx(120)  # 09:55 -> 09:57


def test_agent_performance_matches_the_hand_computed_kpis(db_session, floor):
    rows = {row["agent"]: row for row in agent_performance(db_session, HOUR, now=NOW)}
    anna, boris = rows["Anna"], rows["Boris"]
    # Anna: call1 and call2; on call 900 s of which call2's caller was on hold 09:33-09:35.
    assert anna["calls_handled"] == 2
    assert anna["hold_seconds"] == pytest.approx(120)
    assert anna["talk_seconds"] == pytest.approx(780)
    assert anna["wrap_seconds"] == pytest.approx(180)
    assert anna["aht_seconds"] == pytest.approx((780 + 120 + 180) / 2)  # 540
    assert anna["break_seconds"] == pytest.approx(480)
    # Busy 900 + 180 = 1080; idle (available 2030 + ringing 10) = 2040; break does not count.
    assert anna["occupancy"] == pytest.approx(1080 / 3120)
    # Boris: call3 and call7 (on sales, no state logged for it); 600 s talk, 300 s wrap-up.
    assert boris["calls_handled"] == 2
    assert boris["aht_seconds"] == pytest.approx(450)
    assert boris["occupancy"] == pytest.approx(900 / 2400)


def test_filtering_by_agent_keeps_only_that_agent(db_session, floor):
    rows = agent_performance(db_session, ReportFilter(HOUR_START, HOUR_END, agent_id=floor.agents["boris"]), now=NOW)
    assert [row["agent"] for row in rows] == ["Boris"]


def test_agent_performance_refuses_a_queue_filter_it_cannot_honour(db_session, floor):
    with pytest.raises(ValidationError):
        agent_performance(db_session, ReportFilter(HOUR_START, HOUR_END, queue="support"), now=NOW)


def test_dispositions_per_agent(db_session, floor):
    rows = agent_dispositions(db_session, HOUR)
    assert [(row["agent"], row["disposition"], row["calls"]) for row in rows] == [
        ("Anna", "resolved", 1), ("Anna", "sale", 1), ("Boris", "not_interested", 1), ("Boris", "sale", 1)]
    support = agent_dispositions(db_session, ReportFilter(HOUR_START, HOUR_END, queue="support"))
    assert [(row["agent"], row["disposition"]) for row in support] == [
        ("Anna", "resolved"), ("Anna", "sale"), ("Boris", "not_interested")]
