"""Pacing: progressive keeps one call per ready agent; predictive follows the answer rate within the budget."""

import pytest

from dialer.pacing import Budget, Floor, LiveStats, calls_to_launch, cps_room, progressive


def test_progressive_launches_one_call_per_idle_agent():
    assert calls_to_launch("progressive", Floor(ready=5)).launch == 5
    assert calls_to_launch("progressive", Floor(ready=5, in_progress=3)).launch == 2
    assert calls_to_launch("progressive", Floor(ready=5, waiting=1, in_progress=4)).launch == 0
    assert progressive(Floor(ready=0, talking=10)) == 0


def test_preview_never_dials_by_itself():
    assert calls_to_launch("preview", Floor(ready=10)).launch == 0


def test_predictive_launches_more_when_the_answer_rate_is_low():
    floor = Floor(ready=10, talking=10)
    high = calls_to_launch("predictive", floor, LiveStats(answer_rate=0.5, samples=500)).launch
    low = calls_to_launch("predictive", floor, LiveStats(answer_rate=0.1, samples=500)).launch
    assert 10 <= high < low


def test_predictive_falls_back_to_progressive_when_the_abandon_budget_is_at_risk():
    floor = Floor(ready=10, talking=10, in_progress=2)
    stats = LiveStats(answer_rate=0.2, samples=500)
    assert calls_to_launch("predictive", floor, stats, Budget(rate=0.01, limit=0.03)).launch > 8
    plan = calls_to_launch("predictive", floor, stats, Budget(rate=0.029, limit=0.03))
    assert (plan.launch, plan.mode) == (8, "progressive")


def test_predictive_stops_when_calls_already_out_would_overflow_the_agents():
    floor = Floor(ready=1, in_progress=30)
    assert calls_to_launch("predictive", floor, LiveStats(answer_rate=0.5, samples=500)).launch == 0


def test_predictive_uses_a_prior_until_enough_dials_were_measured():
    floor = Floor(ready=10)
    guessed = calls_to_launch("predictive", floor, LiveStats(answer_rate=0.01, samples=3)).launch
    measured = calls_to_launch("predictive", floor, LiveStats(answer_rate=0.01, samples=500)).launch
    assert guessed < measured


@pytest.mark.parametrize("cps, launched, room", [(1, 0, 1), (1, 1, 0), (5, 3, 2), (5, 9, 0), (0.5, 0, 1),
                                                 (0.5, 1, 0), (0, 0, 0)])
def test_the_calls_per_second_cap_holds(cps, launched, room):
    assert cps_room(launched, cps) == room
    plan = calls_to_launch("progressive", Floor(ready=20), cps_room=cps_room(launched, cps))
    assert plan.launch == room


def test_an_unknown_mode_is_refused():
    with pytest.raises(ValueError):
        calls_to_launch("turbo", Floor(ready=1))
