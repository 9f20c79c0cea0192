"""How many calls to launch now: preview, progressive and predictive pacing, capped by calls per second.

Pure: the floor (agents and calls), the live statistics and the abandon budget in, a number out.

Predictive pacing treats every call in progress as a coin that lands "live person" with the campaign's live
answer rate p. With N calls out, the people who answer are H ~ Binomial(N, p); the agents free to take them
are the ready ones, the ones finishing wrap-up, and the agents on a call who hang up before the answer
arrives (each with probability q from the handle time). People beyond the free agents are abandoned, so we
launch the largest N for which the expected abandoned share E[(H - A)+] / E[H] stays under the aim. A lower
answer rate therefore launches more calls; more agents pool better and launch more per agent. When the
campaign's measured abandon rate nears its profile's limit, pacing falls back to progressive (never abandons
for lack of agents, only when an agent is slow to accept).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

MODES = ("preview", "progressive", "predictive")
# Until this many dials have been answered (or not), the answer rate is the prior, not a measurement.
MIN_SAMPLES = 20
PRIOR_ANSWER_RATE = 0.3


@dataclass(frozen=True)
class Floor:
    """Agents and calls of one campaign right now.

    ready: agents available now; finishing: agents in wrap-up expected free before a new call is answered;
    talking: agents on a call; in_progress: calls dialed and not yet answered (or failed); waiting: people
    who answered and wait for an agent.
    """

    ready: int
    finishing: int = 0
    talking: int = 0
    in_progress: int = 0
    waiting: int = 0


@dataclass(frozen=True)
class LiveStats:
    """What recent dials of the campaign showed.

    answer_rate: share of dials answered by a live person; samples: dials it was measured on;
    answer_seconds: mean time from dial to a live answer; handle_seconds: mean talk + wrap-up.
    """

    answer_rate: float = PRIOR_ANSWER_RATE
    samples: int = 0
    answer_seconds: float = 12.0
    handle_seconds: float = 170.0


@dataclass(frozen=True)
class Budget:
    """The campaign's abandon rate over its profile's window and the profile's limit."""

    rate: float = 0.0
    limit: float = 0.03

    @property
    def at_risk(self) -> bool:
        """Close enough to the limit that predictive dialing could cross it."""
        return self.rate >= AT_RISK_SHARE * self.limit


# Share of the limit at which predictive pacing gives way to progressive.
AT_RISK_SHARE = 0.8
# Expected abandoned share aimed at for each decision, as a share of the limit (headroom for bad luck).
AIM_SHARE = 0.7
# At most this many calls in progress per free-or-soon-free agent, whatever the answer rate says.
MAX_DIAL_RATIO = 8.0


@dataclass(frozen=True)
class Plan:
    """The pacer's decision for one round: how many calls, and the mode actually applied."""

    launch: int
    mode: str
    reason: str = ""


def calls_to_launch(mode: str, floor: Floor, stats: LiveStats | None = None, budget: Budget | None = None, *,
                    cps_room: int | None = None) -> Plan:
    """How many new calls to place now for a campaign in `mode`, within `cps_room` calls this second."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}")
    stats, budget = stats or LiveStats(), budget or Budget()
    if mode == "preview":
        return Plan(0, "preview", "agents dial their own leads")
    applied, reason = mode, ""
    if mode == "predictive" and budget.at_risk:
        applied, reason = "progressive", f"abandon rate {budget.rate:.2%} near limit {budget.limit:.2%}"
    if applied == "progressive":
        launch = progressive(floor)
    else:
        launch = predictive(floor, stats, aim=AIM_SHARE * budget.limit)
    if cps_room is not None and launch > cps_room:
        launch, reason = max(0, cps_room), reason or "calls-per-second cap"
    return Plan(launch, applied, reason)


def progressive(floor: Floor) -> int:
    """One call in progress per ready agent (people already waiting take agents first)."""
    return max(0, floor.ready - floor.waiting - floor.in_progress)


def predictive(floor: Floor, stats: LiveStats, *, aim: float) -> int:
    """The largest number of new calls whose expected abandoned share stays within `aim`."""
    p = stats.answer_rate if stats.samples >= MIN_SAMPLES else max(stats.answer_rate, PRIOR_ANSWER_RATE)
    p = min(max(p, 0.01), 1.0)
    base = max(0, floor.ready + floor.finishing - floor.waiting)
    q = 1 - math.exp(-stats.answer_seconds / max(stats.handle_seconds, 1.0)) if floor.talking else 0.0
    soon_free = _binomial(floor.talking, q)
    if base == 0 and floor.talking == 0:
        return 0
    ceiling = max(progressive(floor), math.ceil(MAX_DIAL_RATIO * max(base, 1)) - floor.in_progress)
    if ceiling <= 0:
        return 0

    def acceptable(new: int) -> bool:
        total = floor.in_progress + new
        return total == 0 or _abandoned_share(total, p, base, soon_free) <= aim

    low, high = 0, ceiling  # acceptable(low) may be false when calls already out are too many: launch 0
    if not acceptable(low):
        return 0
    while low < high:
        middle = (low + high + 1) // 2
        if acceptable(middle):
            low = middle
        else:
            high = middle - 1
    return max(low, progressive(floor))


def _abandoned_share(calls: int, p: float, agents: int, soon_free: list[float]) -> float:
    """E[(H - agents - B)+] / E[H] for H ~ Binomial(calls, p) and B with the pmf `soon_free`."""
    humans = _binomial(calls, p)
    # excess[k] = E[(H - k)+], built from the top down.
    excess = [0.0] * (calls + 2)
    tail = 0.0
    for k in range(calls, -1, -1):
        excess[k] = excess[k + 1] + tail
        tail += humans[k]
    expected = 0.0
    for b, weight in enumerate(soon_free):
        k = agents + b
        if k <= calls:
            expected += weight * excess[k]
    return expected / (calls * p)


def _binomial(n: int, p: float) -> list[float]:
    """The pmf of Binomial(n, p) as a list, computed by recurrence (no factorials)."""
    if n == 0 or p <= 0:
        return [1.0] + [0.0] * n
    if p >= 1:
        return [0.0] * n + [1.0]
    pmf = [0.0] * (n + 1)
    pmf[0] = (1 - p) ** n
    if pmf[0] == 0.0:  # underflow for large n: start from the mode in log space
        mode = int((n + 1) * p)
        log_mode = math.lgamma(n + 1) - math.lgamma(mode + 1) - math.lgamma(n - mode + 1) \
            + mode * math.log(p) + (n - mode) * math.log(1 - p)
        pmf[mode] = math.exp(log_mode)
        for k in range(mode, n):
            pmf[k + 1] = pmf[k] * (n - k) / (k + 1) * p / (1 - p)
        for k in range(mode, 0, -1):
            pmf[k - 1] = pmf[k] * k / (n - k + 1) * (1 - p) / p
        return pmf
    ratio = p / (1 - p)
    for k in range(n):
        pmf[k + 1] = pmf[k] * (n - k) / (k + 1) * ratio
    return pmf


def cps_window(cps: float) -> float:
    """The seconds over which launches are counted for the cap: one second, or one call's slot when cps < 1."""
    return max(1.0, 1.0 / cps) if cps > 0 else 1.0


def cps_room(launched_in_window: int, cps: float) -> int:
    """Calls the account may still start now, given the launches of the last `cps_window(cps)` seconds."""
    if cps <= 0:
        return 0
    capacity = max(1, math.floor(cps * cps_window(cps)))
    return max(0, capacity - launched_in_window)
