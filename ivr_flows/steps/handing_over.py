"""Steps that end self-service: hand the caller to an agent, or promise a callback."""

from __future__ import annotations

from ..errors import FlowRuntimeError
from .base import Field, StepType


class Enqueue(StepType):
    """Say a prompt, then put the caller in an agent queue with `context` (order asked about, identity)
    stored on the call for the agent's screen-pop."""

    fields = {"queue": Field("text"), "prompt": Field("prompt"), "context": Field("templates")}
    ends_session = True

    def enter(self, turn, step):
        if "prompt" in step.spec:
            turn.say(step.spec["prompt"])
        queue = step.spec.get("queue")
        context = {}
        for name, template in step.spec.get("context", {}).items():
            value = turn.render(template)
            if value not in (None, ""):
                context[name] = value
        turn.response = turn.wiring.enqueue(turn.response, queue)
        turn.hand_over(queue, context)
        turn.finish("transferred")
        turn.note(queue=queue)
        return None


class Callback(StepType):
    """Create a callback task for `phone` (through the application's `schedule_callback` service)."""

    fields = {"phone": Field("template", required=True), "note": Field("template"),
              "next": Field("target", required=True)}

    def services(self, step):
        return ["schedule_callback"]

    def enter(self, turn, step):
        phone = turn.render(step.spec["phone"])
        if not phone:
            raise FlowRuntimeError(f"{turn.flow.source}: step {step.name!r}: no phone number to call back")
        note = turn.render(step.spec["note"]) if "note" in step.spec else None
        task = turn.call_service("schedule_callback", phone=phone, note=note)
        turn.finish("callback")
        turn.note(task=task.get("id") if isinstance(task, dict) else None)
        return step.spec["next"]
