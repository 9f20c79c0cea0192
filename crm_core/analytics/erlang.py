"""Erlang C staffing: how many agents a forecast volume needs to reach a service level.

The M/M/N queue (Poisson arrivals, exponential handle times, nobody abandons). Traffic A = calls * AHT /
interval length, in Erlangs. The probability of waiting comes from Erlang B by its recursion
B(0) = 1, B(n) = A * B(n-1) / (n + A * B(n-1)), and C = N * B / (N - A * (1 - B)): no factorials and no
powers, so it stays exact to rounding at thousands of Erlangs where A**N / N! overflows a float.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

DEFAULT_MAX_OCCUPANCY = 0.85


def traffic_erlangs(calls: float, aht_seconds: float, interval_seconds: float) -> float:
    """The offered load: hours of work arriving per hour."""
    return calls * aht_seconds / interval_seconds


def erlang_b(traffic: float, agents: int) -> float:
    """Probability that a call finds every agent busy when nobody may wait (blocking probability)."""
    blocking = 1.0
    for n in range(1, agents + 1):
        blocking = traffic * blocking / (n + traffic * blocking)
    return blocking


def probability_of_waiting(traffic: float, agents: int) -> float:
    """Erlang C: the share of calls that wait at all; 1 when the agents cannot keep up (agents <= traffic)."""
    if agents <= traffic:
        return 1.0
    blocking = erlang_b(traffic, agents)
    return agents * blocking / (agents - traffic * (1 - blocking))


def service_level(traffic: float, agents: int, aht_seconds: float, target_seconds: float) -> float:
    """The share of calls answered within `target_seconds`: 1 - C * exp(-(N - A) * T / AHT)."""
    if agents <= traffic:
        return 0.0
    waiting = probability_of_waiting(traffic, agents)
    return 1 - waiting * math.exp(-(agents - traffic) * target_seconds / aht_seconds)


def average_speed_of_answer(traffic: float, agents: int, aht_seconds: float) -> float:
    """The mean wait over all calls, answered at once or not: C * AHT / (N - A); infinite when overloaded."""
    if agents <= traffic:
        return math.inf
    return probability_of_waiting(traffic, agents) * aht_seconds / (agents - traffic)


@dataclass(frozen=True)
class Staffing:
    """The fewest agents meeting the target, and what they achieve."""

    calls: float
    traffic: float
    agents: int
    service_level: float
    probability_of_waiting: float
    average_speed_of_answer: float
    occupancy: float


def agents_needed(calls: float, aht_seconds: float, *, interval_seconds: float = 1800, target_seconds: float = 20,
                  target_service_level: float = 0.8,
                  max_occupancy: float = DEFAULT_MAX_OCCUPANCY) -> Staffing:
    """The fewest agents answering `target_service_level` of `calls` per interval within `target_seconds`,
    none busier than `max_occupancy` of the time (a queue can meet its service level only by burning out
    its agents: the occupancy cap keeps the plan humane). No calls need no agents."""
    if not 0 < target_service_level < 1:
        raise ValueError("target_service_level must be between 0 and 1")
    if not 0 < max_occupancy <= 1:
        raise ValueError("max_occupancy must be in (0, 1]")
    traffic = traffic_erlangs(calls, aht_seconds, interval_seconds)
    if traffic <= 0:
        return Staffing(calls, 0.0, 0, 1.0, 0.0, 0.0, 0.0)
    # Both conditions only improve with each added agent, so the first N meeting both is the answer.
    agents = max(math.floor(traffic) + 1, math.ceil(traffic / max_occupancy))
    while service_level(traffic, agents, aht_seconds, target_seconds) < target_service_level:
        agents += 1
    return Staffing(
        calls=calls, traffic=traffic, agents=agents,
        service_level=service_level(traffic, agents, aht_seconds, target_seconds),
        probability_of_waiting=probability_of_waiting(traffic, agents),
        average_speed_of_answer=average_speed_of_answer(traffic, agents, aht_seconds),
        occupancy=traffic / agents,
    )
