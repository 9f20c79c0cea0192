"""Erlang C against published and hand-computed values."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest

from crm_core.analytics import erlang


def test_call_centre_helper_worked_example_needs_14_agents():
    """100 calls in 30 minutes, AHT 180 s, 80 % answered in 20 s, occupancy at most 85 %.

    Source: Call Centre Helper, "Erlang C Formula - Made Simple With an Easy Worked Example" (the inputs
    above, traffic 10 Erlangs, N raised from 11 until the service level is met: 14 agents), as found with
    the `search` tool (pages corpus; excerpt mirrored at huggingface.co/datasets/nvidia/Nemotron-CC-Math-v1).
    Per N, by the textbook formula C = (A^N/N! * N/(N-A)) / (sum_{k<N} A^k/k! + A^N/N! * N/(N-A)) in exact
    fractions, then SL = 1 - C * exp(-(N - A) * 20 / 180):
    N=11: C=0.6821, SL=0.3896; N=12: C=0.4494, SL=0.6402; N=13: C=0.2853, SL=0.7956; N=14: C=0.1741, SL=0.8884.
    """
    plan = erlang.agents_needed(100, 180, interval_seconds=1800, target_seconds=20, target_service_level=0.8)
    assert plan.traffic == pytest.approx(10)
    assert plan.agents == 14
    assert plan.probability_of_waiting == pytest.approx(0.1741, abs=5e-5)
    assert plan.service_level == pytest.approx(0.8884, abs=5e-5)
    assert plan.average_speed_of_answer == pytest.approx(7.84, abs=5e-3)  # C * 180 / 4
    assert plan.occupancy == pytest.approx(10 / 14)
    assert erlang.service_level(10, 13, 180, 20) == pytest.approx(0.7956, abs=5e-5)
    assert erlang.probability_of_waiting(10, 11) == pytest.approx(0.6821, abs=5e-5)


def test_half_hour_of_360_four_minute_calls_with_55_agents():
    """The step-by-step example of the "Erlang-C formula" pages (360 calls per half hour, 4 minutes each,
    55 agents, target 15 s): traffic 48 Erlangs, occupancy 87.3 %. Exact fractions as above give
    C = 0.2387, ASA = C * 240 / 7 = 8.18 s, SL = 1 - C * exp(-7 * 15 / 240) = 0.8459."""
    traffic = erlang.traffic_erlangs(360, 240, 1800)
    assert traffic == pytest.approx(48)
    assert erlang.probability_of_waiting(traffic, 55) == pytest.approx(0.2387, abs=5e-5)
    assert erlang.average_speed_of_answer(traffic, 55, 240) == pytest.approx(8.18, abs=5e-3)
    assert erlang.service_level(traffic, 55, 240, 15) == pytest.approx(0.8459, abs=5e-5)


def test_the_occupancy_cap_can_ask_for_more_agents_than_the_service_level():
    # 10 Erlangs with at most 70 % occupancy: ceil(10 / 0.7) = 15 agents, one more than the 80/20 target needs.
    assert erlang.agents_needed(100, 180, max_occupancy=0.7).agents == 15


def test_overloaded_queues_and_empty_intervals():
    assert erlang.probability_of_waiting(10, 10) == 1.0
    assert erlang.service_level(10, 9, 180, 20) == 0.0
    assert erlang.average_speed_of_answer(10, 10, 180) == math.inf
    assert erlang.agents_needed(0, 180).agents == 0


def test_large_traffic_stays_finite_and_agrees_with_exact_arithmetic():
    """200 Erlangs on 215 agents: A^N / N! overflows a float (200^215 > 1e308), the recursion does not."""
    traffic, agents = 200, 215
    top = Fraction(traffic) ** agents / math.factorial(agents) * Fraction(agents, agents - traffic)
    exact = top / (sum(Fraction(traffic) ** k / math.factorial(k) for k in range(agents)) + top)
    assert erlang.probability_of_waiting(traffic, agents) == pytest.approx(float(exact), rel=1e-9)
    plan = erlang.agents_needed(20_000, 360, interval_seconds=3600)  # 2,000 Erlangs
    assert 2000 < plan.agents < 2400 and plan.service_level >= 0.8
