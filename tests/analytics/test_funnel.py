"""Sales funnel on the hand-computed hour."""

from __future__ import annotations

import pytest

from crm_core.analytics import ReportFilter, sales_forecast, sales_funnel

from .conftest import HOUR_END, HOUR_START, at


def test_funnel_from_conversations_to_delivered_orders(db_session, floor):
    rows = sales_funnel(db_session, ReportFilter(HOUR_START, HOUR_END))
    # Conversations call1 call2 call3 call7; sales call1 call7; both customers ordered within 7 days
    # (the second customer's earlier order does not count); only the first one's order is delivered.
    assert [(row["stage"], row["calls"]) for row in rows] == [
        ("conversations", 4), ("sales", 2), ("ordered", 2), ("delivered", 1)]
    assert [row["of_previous"] for row in rows] == [None, 0.5, 1.0, 0.5]
    assert rows[-1]["of_conversations"] == pytest.approx(1 / 4)


def test_funnel_of_one_agent(db_session, floor):
    rows = sales_funnel(db_session, ReportFilter(HOUR_START, HOUR_END, agent_id=floor.agents["boris"]))
    assert [row["calls"] for row in rows] == [2, 1, 1, 0]


def test_forecast_applies_the_period_rates_to_a_planned_volume(db_session, floor):
    rows = sales_forecast(db_session, ReportFilter(HOUR_START, HOUR_END), planned_conversations=200)
    # Per conversation: 2/4 sales, 2/4 ordered, 1/4 delivered.
    assert [(row["stage"], row["expected"]) for row in rows] == [
        ("conversations", 200), ("sales", 100), ("ordered", 100), ("delivered", 50)]
    empty = sales_forecast(db_session, ReportFilter(at(5, 0, 0), at(6, 0, 0)), planned_conversations=200)
    assert {row["expected"] for row in empty} == {None}
