"""Pacing: progressive keeps one call per ready agent; predictive forecasts agents and answers within the budget."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dialer.pacing import (AT_RISK_SHARE, NEWEST_DIALS, Budget, FinishedDial, Floor, LiveStats, calls_to_launch,
                           cps_room, measure, progressive)

# A campaign like the reference one: a quarter of dials reach a person after 3-20 s, the rest end by 25 s.
ANSWER_DELAYS = tuple(3 + 17 * i / 99 for i in range(100))
UNANSWERED = (5.0,) * 20 + (12.0,) * 80 + (25.0,) * 200
REFERENCE = LiveStats(answer_rate=0.25, samples=400, answer_delays=ANSWER_DELAYS, unanswered_seconds=UNANSWERED,
                      handle_seconds=170.0, wrap_seconds=20.0)


def launch(floor, stats=REFERENCE, budget=None, **kwargs):
    return calls_to_launch("predictive", floor, stats, budget, **kwargs).launch


def test_progressive_launches_one_call_per_idle_agent():
    assert calls_to_launch("progressive", Floor(ready=5)).launch == 5
    assert calls_to_launch("progressive", Floor(ready=5, in_progress=3)).launch == 2
    assert calls_to_launch("progressive", Floor(ready=5, waiting=1, in_progress=4)).launch == 0
    assert progressive(Floor(ready=0, talking=10)) == 0


@given(ready=st.integers(0, 60), waiting=st.integers(0, 10), in_progress=st.integers(0, 80),
       talking=st.integers(0, 60))
def test_progressive_never_has_more_calls_out_than_free_agents(ready, waiting, in_progress, talking):
    floor = Floor(ready=ready, waiting=waiting, in_progress=in_progress, talking=talking)
    launched = calls_to_launch("progressive", floor).launch
    assert launched >= 0
    assert launched == 0 or in_progress + launched == ready - waiting


def test_preview_never_dials_by_itself():
    assert calls_to_launch("preview", Floor(ready=10)).launch == 0


def test_predictive_dials_ahead_of_the_ready_agents():
    assert launch(Floor(ready=10)) > 10


@given(ready=st.integers(0, 30), talking=st.integers(0, 30), in_progress=st.integers(0, 40),
       rate=st.floats(0.0, 0.05))
def test_predictive_never_launches_fewer_than_progressive(ready, talking, in_progress, rate):
    floor = Floor(ready=ready, talking=talking, in_progress=in_progress)
    assert launch(floor, budget=Budget(rate=rate)) >= progressive(floor)


def test_predictive_launches_more_when_the_answer_rate_is_low():
    floor = Floor(ready=10, talking=10)
    high = launch(floor, LiveStats(answer_rate=0.5, samples=500))
    low = launch(floor, LiveStats(answer_rate=0.1, samples=500))
    assert 10 < high < low


def test_predictive_counts_agents_about_to_finish_wrap_up():
    just_started = launch(Floor(ready=0, talking=15, wrap_up_seconds=(1.0,) * 5))
    nearly_done = launch(Floor(ready=0, talking=15, wrap_up_seconds=(17.0,) * 5))
    assert just_started < nearly_done


def test_predictive_without_wrap_up_times_counts_the_finishing_agents():
    assert launch(Floor(ready=0, talking=10)) == 0
    assert launch(Floor(ready=0, finishing=3, talking=10)) > 3


def test_predictive_launches_nothing_while_every_agent_is_on_a_call():
    assert launch(Floor(ready=0, talking=20)) == 0


def test_predictive_expects_fewer_people_from_calls_that_rang_long():
    fresh = launch(Floor(ready=5, talking=15, in_progress=20, ringing_seconds=(1.0,) * 20))
    old = launch(Floor(ready=5, talking=15, in_progress=20, ringing_seconds=(19.0,) * 20))
    assert fresh < old


def test_predictive_stops_when_calls_already_out_would_overflow_the_agents():
    assert launch(Floor(ready=1, in_progress=30), LiveStats(answer_rate=0.5, samples=500)) == 0


def test_predictive_uses_a_prior_until_enough_dials_were_measured():
    floor = Floor(ready=10)
    guessed = launch(floor, LiveStats(answer_rate=0.01, samples=3))
    measured = launch(floor, LiveStats(answer_rate=0.01, samples=500))
    assert guessed < measured


def test_predictive_launches_fewer_as_the_abandon_budget_is_spent():
    floor = Floor(ready=10, talking=30, in_progress=5, wrap_up_seconds=(12.0,) * 5)
    launches = [launch(floor, budget=Budget(rate=rate, limit=0.03)) for rate in (0.0, 0.015, 0.02, 0.025)]
    assert launches == sorted(launches, reverse=True)
    assert launches[0] > launches[-1] > progressive(floor)


def test_predictive_falls_back_to_progressive_when_the_abandon_budget_is_at_risk():
    floor = Floor(ready=10, talking=10, in_progress=2)
    assert launch(floor, budget=Budget(rate=0.01, limit=0.03)) > 8
    plan = calls_to_launch("predictive", floor, REFERENCE, Budget(rate=AT_RISK_SHARE * 0.03, limit=0.03))
    assert (plan.launch, plan.mode) == (8, "progressive")
    assert "near limit" in plan.reason


def test_a_longer_abandon_grace_allows_more_calls():
    floor = Floor(ready=2, talking=20, in_progress=8, wrap_up_seconds=(10.0,) * 4)
    strict, lenient = Budget(connect_within_seconds=2), Budget(connect_within_seconds=5)
    assert launch(floor, budget=strict) < launch(floor, budget=lenient)


def dials(rates_newest_first, *, now=1000.0):
    """Settled dials, one per second going back from 30 s before `now`, answered at the given rates."""
    made, placed = [], now - 30
    for rate, count in rates_newest_first:
        persons = round(rate * count)
        for i in range(count):
            person = i * persons // count != (i + 1) * persons // count  # spread evenly over the block
            made.append(FinishedDial(placed_at=placed, person=person, seconds=10.0 if person else 25.0))
            placed -= 1
    return made


def test_measure_follows_a_drop_of_the_answer_rate_at_once():
    stats = measure(dials([(0.10, NEWEST_DIALS), (0.25, 200)]), now=1000.0)
    assert stats.answer_rate == pytest.approx(0.10)
    assert stats.samples == NEWEST_DIALS


def test_measure_follows_a_rise_of_the_answer_rate_at_once():
    assert measure(dials([(0.40, NEWEST_DIALS), (0.20, 200)]), now=1000.0).answer_rate == pytest.approx(0.40)


def test_measure_keeps_every_dial_when_the_rate_only_wobbles():
    stats = measure(dials([(0.22, NEWEST_DIALS), (0.25, 200)]), now=1000.0)
    assert stats.samples == 300
    assert stats.answer_rate == pytest.approx((22 + 50) / 300)


def test_measure_ignores_dials_too_recent_for_their_slow_outcomes_to_be_known():
    settled = dials([(0.25, 200)])
    quick_ones = [FinishedDial(placed_at=995.0, person=True, seconds=4.0)] * 50  # their no-answers still ring
    stats = measure(quick_ones + settled, now=1000.0)
    assert (stats.answer_rate, stats.samples) == (pytest.approx(0.25), 200)


def test_measure_leaves_out_answer_delays_too_few_to_show_their_spread():
    stats = measure(dials([(0.05, 100)]), now=1000.0)
    assert stats.answer_rate == pytest.approx(0.05)
    assert (stats.answer_delays, stats.answer_seconds) == ((), LiveStats.answer_seconds)


def test_measure_reports_the_answer_delays_and_the_lengths_of_unanswered_dials():
    stats = measure(dials([(0.25, 200)]), now=1000.0, handle_seconds=160.0, wrap_seconds=15.0)
    assert set(stats.answer_delays) == {10.0} and set(stats.unanswered_seconds) == {25.0}
    assert (stats.answer_seconds, stats.handle_seconds, stats.wrap_seconds) == (10.0, 160.0, 15.0)
    assert measure([], now=1000.0) == LiveStats()


@pytest.mark.parametrize("cps, launched, room", [(1, 0, 1), (1, 1, 0), (5, 3, 2), (5, 9, 0), (0.5, 0, 1),
                                                 (0.5, 1, 0), (0, 0, 0)])
def test_the_calls_per_second_cap_holds(cps, launched, room):
    assert cps_room(launched, cps) == room
    for mode in ("progressive", "predictive"):
        plan = calls_to_launch(mode, Floor(ready=20), REFERENCE, cps_room=cps_room(launched, cps))
        assert plan.launch == room


def test_an_unknown_mode_is_refused():
    with pytest.raises(ValueError):
        calls_to_launch("turbo", Floor(ready=1))
