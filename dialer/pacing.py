"""How many calls to launch now: preview, progressive and predictive pacing, capped by calls per second.

Pure: the floor (agents and calls), the live statistics and the abandon budget in, a number out.

Predictive pacing looks at the coming seconds one at a time. Agents free by then: the ready ones, each agent in
wrap-up whose usual wrap-up will be over, and agents on a call who finish talking (taken as exponential) and
wrapping up in time. People answering by then: each call in progress answers live with a chance that depends
on how long it has already rung (a call that rang long is more likely a no-answer), at a time following the
measured answer delays; their count is taken as Poisson. New calls are added one at a time while the chance
that the new call's person, if one answers, finds no agent within the abandon grace stays under a threshold.
Launching while that chance is small and stopping when it grows spends the abandon budget where it buys the
most talk time. The threshold shrinks as the campaign's measured abandon rate uses up the profile's limit, and
near the limit pacing is progressive (a person then waits only when an agent is slow to accept).
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass
from typing import Sequence

MODES = ("preview", "progressive", "predictive")
# Until this many dials have settled, the answer rate is at least the prior: a few dials say little.
MIN_SAMPLES = 60
PRIOR_ANSWER_RATE = 0.3
# Fewer answer delays (or unanswered dials) than this say too little about their spread: a prior is used instead.
MIN_DELAYS = 20
# The longest a dial stays in progress (ring timeout and machine detection) unless the caller says otherwise.
SETTLE_SECONDS = 30.0
# The newest dials, whose answer rate replaces the one of all recent dials when the two clearly differ.
NEWEST_DIALS = 100
# How many standard errors apart the two rates must be to count as a change rather than chance.
CHANGE_Z = 2.5

# The chance of finding no agent that the last call of a round may carry while the abandon budget is unused.
# Most calls carry far less, so the campaign's rate stays well under it.
MAX_RISK = 0.05
# Up to this share of the limit the threshold is MAX_RISK; it then falls linearly to 0 at AT_RISK_SHARE.
FULL_RISK_SHARE = 0.5
# Share of the limit at which predictive pacing gives way to progressive.
AT_RISK_SHARE = 0.9
# At most this many calls in progress per agent free within the forecast, whatever the answer rate says.
MAX_DIAL_RATIO = 8.0


@dataclass(frozen=True)
class Floor:
    """Agents and calls of one campaign right now.

    ready: agents available now; talking: agents on a call; in_progress: calls dialed and not yet answered
    (or failed); waiting: people who answered and wait for an agent. wrap_up_seconds: how long each agent in
    wrap-up has been there; without it, `finishing` counts the agents in wrap-up about to be free.
    ringing_seconds: how long ago each call in progress was placed; without it, they count as just placed.
    """

    ready: int
    finishing: int = 0
    talking: int = 0
    in_progress: int = 0
    waiting: int = 0
    wrap_up_seconds: tuple[float, ...] | None = None
    ringing_seconds: tuple[float, ...] | None = None


@dataclass(frozen=True)
class LiveStats:
    """What recent dials of the campaign showed.

    answer_rate: share of dials answered by a live person; samples: dials it was measured on;
    answer_seconds: mean time from dial to a live answer, used when `answer_delays` is empty;
    handle_seconds: mean talk + wrap-up; wrap_seconds: mean wrap-up; answer_delays: seconds from dial to a
    live answer of recent dials; unanswered_seconds: seconds from dial to the end of recent dials no person
    answered (when empty, they are taken to end like answered ones).
    """

    answer_rate: float = PRIOR_ANSWER_RATE
    samples: int = 0
    answer_seconds: float = 12.0
    handle_seconds: float = 170.0
    wrap_seconds: float = 20.0
    answer_delays: tuple[float, ...] = ()
    unanswered_seconds: tuple[float, ...] = ()


@dataclass(frozen=True)
class FinishedDial:
    """A recent dial no longer in progress: when it was placed (seconds, on the clock of `measure`'s `now`),
    whether a person answered, and after how many seconds (the answer for a person; the end, or a machine's
    answer, otherwise)."""

    placed_at: float
    person: bool
    seconds: float


def measure(dials: Sequence[FinishedDial], *, now: float, settle_seconds: float = SETTLE_SECONDS,
            handle_seconds: float = LiveStats.handle_seconds,
            wrap_seconds: float = LiveStats.wrap_seconds) -> LiveStats:
    """Live statistics from recent finished dials, newest first; the answer rate follows a clear change at once.

    Only dials placed at least `settle_seconds` ago (the longest a dial can last) count: among newer dials the
    quick outcomes (busy, early answers) are known and the slow ones (no answer) are not, which would overstate
    the answer rate and understate how long a person takes to answer.
    """
    settled = [d for d in dials if now - d.placed_at >= settle_seconds]
    if not settled:
        return LiveStats(handle_seconds=handle_seconds, wrap_seconds=wrap_seconds)
    answer_rate, samples = sum(d.person for d in settled) / len(settled), len(settled)
    if len(settled) > NEWEST_DIALS:
        newest, older = settled[:NEWEST_DIALS], settled[NEWEST_DIALS:]
        newest_rate = sum(d.person for d in newest) / len(newest)
        older_rate = sum(d.person for d in older) / len(older)
        spread = math.sqrt(max(answer_rate * (1 - answer_rate), 1e-6) * (1 / len(newest) + 1 / len(older)))
        if abs(newest_rate - older_rate) > CHANGE_Z * spread:
            answer_rate, samples = newest_rate, len(newest)
    delays = tuple(d.seconds for d in settled if d.person)
    unanswered = tuple(d.seconds for d in settled if not d.person)
    if len(delays) < MIN_DELAYS:
        return LiveStats(answer_rate=answer_rate, samples=samples, handle_seconds=handle_seconds,
                         wrap_seconds=wrap_seconds)
    return LiveStats(answer_rate=answer_rate, samples=samples, answer_seconds=sum(delays) / len(delays),
                     handle_seconds=handle_seconds, wrap_seconds=wrap_seconds, answer_delays=delays,
                     unanswered_seconds=unanswered if len(unanswered) >= MIN_DELAYS else ())


@dataclass(frozen=True)
class Budget:
    """The campaign's abandon rate over its profile's window, the profile's limit and its connect-within rule."""

    rate: float = 0.0
    limit: float = 0.03
    connect_within_seconds: float = 2.0

    @property
    def at_risk(self) -> bool:
        """Close enough to the limit that predictive dialing could cross it."""
        return self.rate >= AT_RISK_SHARE * self.limit

    @property
    def allowed_risk(self) -> float:
        """The chance of finding no agent a new call may carry: MAX_RISK with budget to spare, 0 when at risk."""
        used = self.rate / self.limit if self.limit > 0 else 1.0
        room = (AT_RISK_SHARE - used) / (AT_RISK_SHARE - FULL_RISK_SHARE)
        return MAX_RISK * min(max(room, 0.0), 1.0)


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
        launch = predictive(floor, stats, allowed_risk=budget.allowed_risk, grace=budget.connect_within_seconds)
    if cps_room is not None and launch > cps_room:
        launch, reason = max(0, cps_room), reason or "calls-per-second cap"
    return Plan(launch, applied, reason)


def progressive(floor: Floor) -> int:
    """One call in progress per ready agent (people already waiting take agents first)."""
    return max(0, floor.ready - floor.waiting - floor.in_progress)


def predictive(floor: Floor, stats: LiveStats, *, allowed_risk: float, grace: float = 2.0) -> int:
    """The most new calls such that the last one, if a person answers, leaves someone without an agent within
    `grace` seconds with a chance of at most `allowed_risk`; never fewer than progressive."""
    p = stats.answer_rate if stats.samples >= MIN_SAMPLES else max(stats.answer_rate, PRIOR_ANSWER_RATE)
    p = min(max(p, 0.01), 1.0)
    answered = _Cdf(stats.answer_delays) if stats.answer_delays else _Cdf.uniform(2 * stats.answer_seconds)
    # Without durations of unanswered dials, a call still ringing is a person with chance p whatever its age.
    ended = _Cdf(stats.unanswered_seconds) if stats.unanswered_seconds else answered
    seconds = range(1, answered.end + 1)
    agents = [_agents_free_by(t + grace, floor, stats) for t in seconds]
    people = [0.0] * len(seconds)  # expected people answering by each second, from the calls in progress
    ringing = floor.ringing_seconds if floor.ringing_seconds is not None else (0.0,) * floor.in_progress
    for age, calls in Counter(round(age) for age in ringing).items():
        # P(a person answers between age and age + t | still ringing at age)
        person_left, other_left = p * (1 - answered.at(age)), (1 - p) * (1 - ended.at(age))
        if person_left > 0:
            for i, t in enumerate(seconds):
                people[i] += calls * p * (answered.at(age + t) - answered.at(age)) / (person_left + other_left)
    ceiling = math.ceil(MAX_DIAL_RATIO * max(agents[-1], 1.0)) - floor.in_progress
    answer_in = [answered.at(t) - answered.at(t - 1) for t in seconds]
    launch = 0
    while launch < ceiling and _chance_of_no_agent(answer_in, people, agents) <= allowed_risk:
        launch += 1
        for i, t in enumerate(seconds):
            people[i] += p * answered.at(t)
    return max(launch, progressive(floor))


def _chance_of_no_agent(answer_in: list[float], people: list[float], agents: list[float]) -> float:
    """The chance that one more person, answering in second t with chance `answer_in[t]`, leaves someone without
    an agent: the people answering by then or by any later second take all the agents free by that second."""
    chance, later = 0.0, 0.0
    for share, expected, free in reversed(list(zip(answer_in, people, agents))):
        later = max(later, _chance_of_at_least(expected, free))
        chance += share * later
    return chance


def _agents_free_by(seconds: float, floor: Floor, stats: LiveStats) -> float:
    """Expected agents free within `seconds` for the people who answer (those waiting take agents first)."""
    wrap = stats.wrap_seconds
    if floor.wrap_up_seconds is None:
        wrapped = floor.finishing
    else:
        wrapped = sum(1 for elapsed in floor.wrap_up_seconds if elapsed + seconds >= wrap)
    talk = max(stats.handle_seconds - wrap, 1.0)
    hung_up = floor.talking * (1 - math.exp(-(seconds - wrap) / talk)) if seconds > wrap else 0.0
    return floor.ready - floor.waiting + wrapped + hung_up


def _chance_of_at_least(expected: float, agents: float) -> float:
    """The chance that Poisson(expected) people take all `agents` (the fraction of an agent as a coin toss)."""
    if agents <= 0:
        return 1.0
    whole, fraction = int(agents), agents - int(agents)
    return (1 - fraction) * _poisson_tail(expected, whole) + fraction * _poisson_tail(expected, whole + 1)


def _poisson_tail(mean: float, k: int) -> float:
    """P(X >= k) for X ~ Poisson(mean)."""
    if k <= 0:
        return 1.0
    if mean <= 0:
        return 0.0
    term = below = math.exp(-mean)
    for j in range(1, k):
        term *= mean / j
        below += term
    return max(0.0, 1 - below)


class _Cdf:
    """An empirical distribution of seconds, tabulated per second up to its largest value."""

    def __init__(self, samples: Sequence[float]) -> None:
        ordered = sorted(samples)
        self.end = max(1, math.ceil(ordered[-1]))
        self.table = [bisect_right(ordered, s) / len(ordered) for s in range(self.end + 1)]

    @classmethod
    def uniform(cls, end: float) -> _Cdf:
        """Uniform from 0 to `end` seconds (before any delay was measured)."""
        return cls([end * (i + 0.5) / 100 for i in range(100)])

    def at(self, seconds: float) -> float:
        """P(X <= seconds), interpolated between whole seconds."""
        if seconds >= self.end:
            return 1.0
        if seconds <= 0:
            return self.table[0]
        whole = int(seconds)
        return self.table[whole] + (self.table[whole + 1] - self.table[whole]) * (seconds - whole)


def cps_window(cps: float) -> float:
    """The seconds over which launches are counted for the cap: one second, or one call's slot when cps < 1."""
    return max(1.0, 1.0 / cps) if cps > 0 else 1.0


def cps_room(launched_in_window: int, cps: float) -> int:
    """Calls the account may still start now, given the launches of the last `cps_window(cps)` seconds."""
    if cps <= 0:
        return 0
    capacity = max(1, math.floor(cps * cps_window(cps)))
    return max(0, capacity - launched_in_window)
