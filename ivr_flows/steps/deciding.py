"""Steps that decide without the caller: look something up in the CRM, branch on a variable, set
variables, continue in another flow."""

from __future__ import annotations

from .base import Field, StepType


class Lookup(StepType):
    """Call a named crm_core service with arguments from the call's variables; branch on whether it
    found something (kept under `save_as`, removed when nothing was found)."""

    fields = {"service": Field("text", required=True), "args": Field("templates"), "save_as": Field("text"),
              "found": Field("target", required=True), "not_found": Field("target", required=True)}

    def services(self, step):
        return [step.spec["service"]]

    def enter(self, turn, step):
        args = {name: turn.render(template) for name, template in step.spec.get("args", {}).items()}
        result = turn.call_service(step.spec["service"], **args)
        if "save_as" in step.spec:
            turn.remember(step.spec["save_as"], result)
        found = result is not None and result is not False
        turn.note(result="found" if found else "not_found")
        return step.spec["found" if found else "not_found"]


class Condition(StepType):
    """Branch on a variable: equal to one of `equals` (text), or, without `equals`, set and not false."""

    fields = {"if": Field("text", required=True), "equals": Field("strings"),
              "then": Field("target", required=True), "else": Field("target", required=True)}

    def enter(self, turn, step):
        value = turn.value(step.spec["if"])
        if "equals" in step.spec:
            options = step.spec["equals"]
            options = [options] if isinstance(options, str) else options
            holds = value is not None and _as_text(value) in options
        else:
            holds = bool(value)
        turn.note(branch="then" if holds else "else")
        return step.spec["then" if holds else "else"]


def _as_text(value) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


class Set(StepType):
    """Set variables from templates; `lang` chooses the language the caller hears."""

    fields = {"values": Field("templates", required=True), "next": Field("target", required=True)}

    def enter(self, turn, step):
        for name, template in step.spec["values"].items():
            value = turn.render(template)
            if name == "lang":
                turn.choose_language(value)
            else:
                turn.remember(name, value)
        return step.spec["next"]


class GotoFlow(StepType):
    """Continue in another flow (at its start or a named step), keeping the variables and language."""

    fields = {"flow": Field("text", required=True), "step": Field("text")}
    leaves_flow = True

    def enter(self, turn, step):
        return turn.switch_flow(step.spec["flow"], step.spec.get("step"))
