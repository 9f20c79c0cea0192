"""IVR report on the hand-computed hour: 12 sessions (7 transferred to a queue, 5 ended in the IVR)."""

from __future__ import annotations

import pytest

from crm_core.analytics import ReportFilter, asked_order_statuses, ivr_exit_steps, ivr_summary

from .conftest import HOUR_END, HOUR_START

HOUR = ReportFilter(HOUR_START, HOUR_END)


def test_containment_counts_only_sessions_the_ivr_served_to_the_end(db_session, floor):
    summary = ivr_summary(db_session, HOUR)
    assert summary == {"entered": 12, "contained": 3, "transferred": 7, "callback": 1, "abandoned": 1,
                       "containment_rate": pytest.approx(3 / 12)}


def test_callers_leave_after_the_answer_more_than_anywhere_else(db_session, floor):
    assert ivr_exit_steps(db_session, HOUR) == [
        {"step": "after_answer", "outcome": "contained", "calls": 3},
        {"step": "callback_promised", "outcome": "callback", "calls": 1},
        {"step": "main_menu", "outcome": "abandoned", "calls": 1},
    ]


def test_most_asked_order_statuses_include_callers_who_then_wanted_an_agent(db_session, floor):
    assert asked_order_statuses(db_session, HOUR) == [
        {"status": "in_transit", "calls": 2}, {"status": "delayed", "calls": 1}, {"status": "delivered", "calls": 1}]
