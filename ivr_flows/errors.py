"""Errors of flows and of running them, each naming the file and step at fault."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a flow file, where a supervisor can find it."""

    source: str
    step: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.source}: step {self.step!r}" if self.step else self.source
        return f"{where}: {self.message}"


class FlowError(Exception):
    """A flow that must not run: malformed, or failing the checks of `ivr lint`."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


class FlowRuntimeError(Exception):
    """A flow went wrong during a call (a step looping without the caller, a missing service)."""


class InvalidInput(Exception):
    """The caller's answer does not fit the step: it counts as a failed try."""
