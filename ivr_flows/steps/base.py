"""What every step type declares: its fields (checked when a flow loads), its exits, and how it runs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..engine import Turn
    from ..flow import Step
    from ..inputs import Reply


@dataclass(frozen=True)
class Field:
    """One key a step may have: its kind of value, whether it is required, the values allowed."""

    kind: str  # text, template, target, failure (where retries end), prompt, int, bool, templates, choices, words...
    required: bool = False
    allowed: tuple[str, ...] = ()


class StepType:
    """Base of the step registry: subclasses declare `fields` and implement `enter` (and `answer` when
    the step waits for the caller)."""

    fields: dict[str, Field] = {}
    waits_for_caller = False  # menus, collects, recordings: the turn stops and TwiML asks the caller
    ends_session = False  # hang-up, agent queue: nothing of the flow runs after it
    leaves_flow = False  # goto_flow: the call goes on in another flow

    def exits(self, step: Step) -> dict[str, str]:
        """Where the step can go next, by label (a menu key, found/not_found, then/else, next)."""
        return {name: step.spec[name] for name, f in self.fields.items() if f.kind == "target" and name in step.spec}

    def templates(self, step: Step) -> list[str]:
        """Every template in the step (prompts, arguments, context), for the placeholder check."""
        found = []
        for name, f in self.fields.items():
            value = step.spec.get(name)
            if f.kind == "prompt" and value:
                for sentences in value.values():
                    found.extend([sentences] if isinstance(sentences, str) else sentences)
            elif f.kind == "templates" and value:
                found.extend(value.values())
            elif f.kind == "template" and value:
                found.append(value)
        return found

    def prompts(self, step: Step) -> dict[str, dict]:
        """The step's prompts by field name, each a table language -> text."""
        return {name: step.spec[name] for name, f in self.fields.items() if f.kind == "prompt" and name in step.spec}

    def services(self, step: Step) -> list[str]:
        """The crm_core services the step calls (checked against what the application provides)."""
        return []

    def enter(self, turn: Turn, step: Step) -> str | None:
        """Run the step; return the next step's name, or None when the turn ends here."""
        raise NotImplementedError

    def answer(self, turn: Turn, step: Step, reply: Reply) -> str:
        """Take the caller's answer and return the next step's name; raise InvalidInput to retry."""
        raise NotImplementedError
