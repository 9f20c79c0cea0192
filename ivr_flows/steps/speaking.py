"""Steps that only speak: say a prompt, play a recording, say goodbye and hang up."""

from __future__ import annotations

from .base import Field, StepType


class Say(StepType):
    """Say a prompt and go on; `outcome = "contained"` marks that the caller got their answer here."""

    fields = {"prompt": Field("prompt", required=True), "next": Field("target"),
              "outcome": Field("text", allowed=("contained",))}

    def enter(self, turn, step):
        turn.say(step.spec["prompt"])
        if "outcome" in step.spec:
            turn.finish(step.spec["outcome"])
        return step.spec.get("next")


class Play(StepType):
    """Play an audio file (a jingle, a recorded announcement) and go on."""

    fields = {"url": Field("text", required=True), "next": Field("target")}

    def enter(self, turn, step):
        turn.response.play(step.spec["url"])
        return step.spec.get("next")


class Hangup(StepType):
    """Say goodbye (if a prompt is given) and end the call."""

    fields = {"prompt": Field("prompt")}
    ends_session = True

    def enter(self, turn, step):
        if "prompt" in step.spec:
            turn.say(step.spec["prompt"])
        turn.response.hangup()
        return None
