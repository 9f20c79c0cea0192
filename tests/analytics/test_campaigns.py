"""Campaign report on the hand-computed attempts of 06-02 and 06-03."""

from __future__ import annotations

import pytest

from crm_core.errors import ValidationError

from crm_core.analytics import ReportFilter
from dialer.reports import abandon_by_day, campaign_agent_report, campaign_list_report

from .conftest import at

TWO_DAYS = (at(2, 0, 0), at(4, 0, 0))


def test_penetration_contact_and_conversion_by_list(db_session, floor):
    report = ReportFilter(*TWO_DAYS, campaign_id=floor.campaign_id)
    rows = {row["list"]: row for row in campaign_list_report(db_session, report)}
    l1, l2 = rows["L1"], rows["L2"]
    # L1: leads a b c d; attempts a1 a2 a3 a4 a8 on a, b, c; contacts a2 a4 a8 (a3 was a machine); sales a2 a8.
    assert (l1["leads"], l1["attempts_placed"], l1["leads_attempted"], l1["contacts"], l1["conversions"]) == (
        4, 5, 3, 3, 2)
    assert l1["list_penetration"] == pytest.approx(3 / 4)
    assert l1["attempts_per_lead"] == pytest.approx(5 / 3)
    assert l1["contact_rate"] == pytest.approx(3 / 5)
    assert l1["conversion_rate"] == pytest.approx(2 / 3)
    # L2: leads e f; attempts a5 a6 on e; a6's "human" was a machine the agent found: one contact, no sale.
    assert (l2["leads"], l2["attempts_placed"], l2["contacts"], l2["conversions"]) == (2, 2, 1, 0)
    assert (l2["list_penetration"], l2["attempts_per_lead"], l2["contact_rate"], l2["conversion_rate"]) == (
        0.5, 2, 0.5, 0)


def test_a_period_and_list_filter_narrow_the_attempts(db_session, floor):
    [l1] = campaign_list_report(db_session, ReportFilter(at(3, 0, 0), at(4, 0, 0), list_id=floor.lists["L1"]))
    assert (l1["attempts_placed"], l1["leads_attempted"], l1["contacts"], l1["conversions"]) == (1, 1, 1, 1)
    assert l1["list_penetration"] == pytest.approx(1 / 4)


def test_conversion_by_agent_with_a_row_for_contacts_nobody_took(db_session, floor):
    rows = campaign_agent_report(db_session, ReportFilter(*TWO_DAYS, campaign_id=floor.campaign_id))
    assert [(r["agent"], r["attempts_placed"], r["contacts"], r["conversions"], r["conversion_rate"]) for r in rows] == [
        ("Anna", 2, 2, 2, 1.0), ("Boris", 2, 1, 0, 0.0), (None, 3, 1, 0, 0.0)]


def test_abandon_rate_per_day_and_over_30_days_is_the_gates(db_session, floor):
    rows = abandon_by_day(db_session, ReportFilter(*TWO_DAYS, campaign_id=floor.campaign_id))
    tuesday, wednesday = rows
    # 06-02: live calls with an agent a2 a5 (a6 was a machine), one drop a4: 1 / (2 + 1). RU: no AMD adjustment.
    assert (tuesday["day"].isoformat(), tuesday["live_agent"], tuesday["drops"], tuesday["am_agent"]) == (
        "2026-06-02", 2, 1, 1)
    assert tuesday["abandon_rate"] == pytest.approx(1 / 3)
    assert tuesday["abandon_rate_30_days"] == pytest.approx(1 / 3)
    assert tuesday["limit"] == 0.03 and tuesday["over_limit"]
    # 06-03: a8 alone; over 30 days: 3 live, 1 drop.
    assert (wednesday["abandon_rate"], wednesday["over_limit"]) == (0, False)
    assert wednesday["abandon_rate_30_days"] == pytest.approx(1 / 4)


def test_days_follow_the_center_time_zone(db_session, floor):
    # Vladivostok is UTC+10: its 06-02 is 06-01 14:00 - 06-02 14:00 UTC (a1 to a5: live a2 a5, drop a4),
    # its 06-03 is 06-02 14:00 - 06-03 14:00 UTC (a6 at 15:00 was a machine, a8 live).
    local_days = ReportFilter(at(1, 14, 0), at(3, 14, 0), campaign_id=floor.campaign_id)
    first, second = abandon_by_day(db_session, local_days, time_zone="Asia/Vladivostok")
    assert (first["day"].isoformat(), first["live_agent"], first["drops"]) == ("2026-06-02", 2, 1)
    assert (second["day"].isoformat(), second["live_agent"], second["drops"], second["am_agent"]) == (
        "2026-06-03", 1, 0, 1)


def test_the_abandon_rate_needs_a_campaign(db_session, floor):
    with pytest.raises(ValidationError):
        abandon_by_day(db_session, ReportFilter(*TWO_DAYS))
