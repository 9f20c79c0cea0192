"""The wallboard's figures on the hand-computed day of tests/analytics/conftest.py (arithmetic in comments)."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from agent_console.wallboard import Thresholds, wallboard
from crm_core import models
from dialer.progress import watched_progress
from tests.analytics.conftest import at

END_OF_HOUR = at(1, 10, 0)


def board_at(session, router, now, thresholds=Thresholds()):
    """The wallboard as the pacer publishes it: with the progress of the campaigns dialing at `now`."""
    return wallboard(session, router, now, watched_progress(session, now), thresholds)


def test_todays_figures_per_queue_and_in_total(db_session, router, floor):
    board = board_at(db_session, router, END_OF_HOUR)
    sales, support = board["queues"]
    # support today (call8 at 08:59 counts: the day began at midnight): calls 1, 2, 3, 8 answered after
    # 10, 25, 15 + 8, 4 s; 4 (3 s, a short abandon), 5 (40 s) and 6 (back from an agent, hung up) abandoned.
    assert (support["name"], support["offered"], support["answered"], support["abandoned"]) == ("support", 7, 4, 3)
    assert support["service_level"] == pytest.approx(2 / 6)  # 10 and 4 s within 20 s, of 7 - 1 short abandon
    assert support["abandon_rate"] == pytest.approx(2 / 6)
    assert support["asa_seconds"] == pytest.approx((10 + 25 + 23 + 4) / 4)
    assert (sales["name"], sales["offered"], sales["service_level"], sales["asa_seconds"]) == ("sales", 1, 1.0, 0)
    assert board["totals"] == {"offered": 8, "answered": 5, "abandoned": 3,
                               "service_level": pytest.approx(3 / 7), "abandon_rate": pytest.approx(2 / 7),
                               "asa_seconds": pytest.approx(62 / 5)}


def test_the_target_seconds_move_the_service_level(db_session, router, floor):
    board = board_at(db_session, router, END_OF_HOUR, Thresholds(target_seconds=25))
    # support: 10, 25, 23 and 4 s are all within 25 s.
    assert board["queues"][1]["service_level"] == pytest.approx(4 / 6)


def test_yesterdays_calls_are_not_in_todays_figures(db_session, router, floor):
    board = board_at(db_session, router, at(2, 9, 0))
    assert board["queues"] == []
    assert board["totals"]["offered"] == 0
    assert board["totals"]["service_level"] is None  # no calls is not 0 %
    assert board["alerts"] == []


def test_today_begins_at_midnight_in_the_centers_time_zone(db_session, router, floor):
    late_evening = at(1, 23, 30)  # UTC: still the day of the fixture's calls; in Moscow (UTC+3) 02:30 the next day
    assert board_at(db_session, router, late_evening)["totals"]["offered"] == 8
    in_moscow = wallboard(db_session, router, late_evening, watched_progress(db_session, late_evening), Thresholds(),
                          ZoneInfo("Europe/Moscow"))
    assert in_moscow["totals"]["offered"] == 0


def test_callers_waiting_now_with_the_longest_wait(db_session, router, floor, caller_waiting):
    caller_waiting("CAfirst", "support", END_OF_HOUR - timedelta(seconds=95))
    caller_waiting("CAsecond", "support", END_OF_HOUR - timedelta(seconds=30))
    caller_waiting("CAbilling", "billing", END_OF_HOUR - timedelta(seconds=12))
    board = board_at(db_session, router, END_OF_HOUR)
    waiting = {q["name"]: (q["waiting"], q["longest_wait_seconds"], q["offered"]) for q in board["queues"]}
    assert waiting == {"billing": (1, 12, 0), "sales": (0, 0, 1), "support": (2, 95, 7)}


def test_alerts_for_a_long_wait_and_a_service_level_below_target(db_session, router, floor, caller_waiting):
    caller_waiting("CAfirst", "support", END_OF_HOUR - timedelta(seconds=95))
    caller_waiting("CAbilling", "billing", END_OF_HOUR - timedelta(seconds=12))
    board = board_at(db_session, router, END_OF_HOUR)
    assert [(a["severity"], a["message"]) for a in board["alerts"]] == [
        ("critical", "support: a caller has waited 1:35 (alert at 1:00)"),
        ("warning", "Service level today 42.9 % is below the target of 80 % in 20 s"),
    ]
    calm = board_at(db_session, router, END_OF_HOUR,
                     Thresholds(service_level_target=0.4, longest_wait_seconds=120))
    assert calm["alerts"] == []


def test_running_campaign_over_its_abandon_limit(db_session, router, floor):
    campaign = db_session.get(models.Campaign, floor.campaign_id)
    campaign.status = "running"
    db_session.flush()
    board = board_at(db_session, router, at(3, 10, 0))
    [progress] = board["campaigns"]
    # Last 24 h (RU profile): a2, a5, a8 reached agents, a4 was dropped: 1 / (3 + 1).
    assert (progress["name"], progress["dialed"], progress["abandon_rate"], progress["abandon_limit"]) == (
        "Autumn sale", 7, 0.25, 0.03)
    assert board["alerts"] == [{"severity": "critical", "key": f"campaign:{campaign.id}",
                                "message": "Autumn sale: abandon rate 25 % is over its limit of 3 %"}]


def test_campaign_near_its_abandon_limit_is_a_warning(db_session, router, floor):
    campaign = db_session.get(models.Campaign, floor.campaign_id)
    campaign.status = "running"
    lead = db_session.scalars(models.Lead.__table__.select().with_only_columns(models.Lead.id)
                              .where(models.Lead.campaign_id == campaign.id)).first()
    # 37 more calls reach an agent on Thursday: 1 drop in the last 24 h against 37 live calls = 1 / 38 = 2.6 %.
    for minute in range(37):
        placed = at(4, 9, minute)
        db_session.add(models.DialAttempt(
            campaign_id=campaign.id, lead_id=lead, e164="+79121000000", mode="progressive", status="completed",
            placed_at=placed, answered_by="human", answered_at=placed, connected_at=placed))
    db_session.add(models.DialAttempt(
        campaign_id=campaign.id, lead_id=lead, e164="+79121000000", mode="progressive", status="completed",
        placed_at=at(4, 9, 50), answered_by="human", answered_at=at(4, 9, 50), abandoned=True))
    db_session.flush()
    board = board_at(db_session, router, at(4, 10, 0))
    assert board["alerts"] == [{"severity": "warning", "key": f"campaign:{campaign.id}",
                                "message": "Autumn sale: abandon rate 2.6 % is near its limit of 3 %"}]


def test_flagged_calls_of_today_without_an_outcome(db_session, router, floor):
    call5, call6 = floor.calls["call5"], floor.calls["call6"]
    call5.review_reason, call6.review_reason = "outcome missing", "agent disconnected"
    floor.calls["call1"].review_reason = "outcome missing"  # it has its disposition: nothing to review
    db_session.flush()
    board = board_at(db_session, router, END_OF_HOUR)
    assert [(f["call_sid"], f["reason"]) for f in board["flagged"]] == [
        (call6.call_sid, "agent disconnected"), (call5.call_sid, "outcome missing")]
