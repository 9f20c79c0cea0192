"""The simulated people and machines at the far end of each call leg."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

# Answering-machine timings (simulated seconds), chosen to resemble a real detector.
AMD_HUMAN_SECONDS = 2.0
AMD_MACHINE_START_SECONDS = 3.0
MACHINE_GREETING_SECONDS = 4.0

BEHAVIOURS = ("human", "machine", "busy", "no-answer", "failed")


@dataclass
class Callee:
    """How a number we call out to behaves: registered with POST /_sandbox/callees."""

    number: str
    behaviour: str = "human"
    answer_after: float = 1.0
    talk_for: float | None = 5.0
    script: list[dict] | None = None


@dataclass
class Device:
    """An agent's phone or browser client: registered with POST /_sandbox/devices."""

    identity: str
    auto_answer: bool = True
    answer_after: float = 1.0
    talk_for: float | None = None


@dataclass
class Party:
    """Who is on the far end of one call leg, and how they will act during this call.

    ``script`` None means an interactive party: it answers a Gather only with live input sent
    through the control API and otherwise stays silent; a list is consumed action by action and
    the party hangs up when asked for input after the list ran out.
    """

    role: str  # "caller", "callee", "machine" or "device": also the `by` of its hangup
    behaviour: str = "human"
    answer_after: float = 0.0
    auto_answer: bool = True
    talk_for: float | None = None  # leaves this long after answering (machines: after their greeting;
    # humans behind synchronous machine detection: after detection, their "hello" is what it hears)
    patience: float = 600.0  # leaves a queue after waiting this long
    script: deque[dict] | None = None
    live_input: deque[dict] = field(default_factory=deque)

    @classmethod
    def caller(cls, script: list[dict] | None, patience: float, talk_for: float | None) -> Party:
        """Return the simulated customer who dials one of our numbers."""
        return cls(role="caller", script=_queue(script), patience=patience, talk_for=talk_for)

    @classmethod
    def from_callee(cls, callee: Callee) -> Party:
        """Return the party behind a number we call."""
        role = "machine" if callee.behaviour == "machine" else "callee"
        return cls(
            role=role,
            behaviour=callee.behaviour,
            answer_after=callee.answer_after,
            talk_for=callee.talk_for,
            script=_queue(callee.script),
        )

    @classmethod
    def from_device(cls, device: Device) -> Party:
        """Return the agent behind a registered device."""
        return cls(
            role="device",
            answer_after=device.answer_after,
            auto_answer=device.auto_answer,
            talk_for=device.talk_for,
        )

    @classmethod
    def unreachable(cls) -> Party:
        """Return the party behind a client identity nobody is logged in as: it never answers."""
        return cls(role="device", behaviour="no-answer")

    def leaves_at(self, talking_since: float | None) -> float | None:
        """Return the simulated time at which this party hangs up on its own, ``talk_for``
        after it started talking (a machine first plays its greeting)."""
        if talking_since is None or self.talk_for is None:
            return None
        greeting = MACHINE_GREETING_SECONDS if self.role == "machine" else 0.0
        return talking_since + greeting + self.talk_for

    def next_action(self) -> dict | None:
        """Return the party's next input: live input first, then its script.

        Returns None when an interactive party has nothing to say yet, and a hangup action
        once a scripted party has run out of script.
        """
        if self.live_input:
            return self.live_input.popleft()
        if self.script is None:
            return None
        if self.script:
            return self.script.popleft()
        return {"hangup": True}


def _queue(script: list[dict] | None) -> deque[dict] | None:
    """Copy a script so a registered callee's script is reused fresh for every call."""
    return None if script is None else deque(dict(action) for action in script)
