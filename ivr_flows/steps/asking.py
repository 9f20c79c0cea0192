"""Steps that wait for the caller: a menu of keys (or words), a number to key in or say, a recorded message."""

from __future__ import annotations

from ..errors import InvalidInput
from ..inputs import DIGIT_WORDS, number_from, pressed_keys, spoken_words
from .base import Field, StepType

ASKING_FIELDS = {
    "prompt": Field("prompt", required=True),
    "hint": Field("prompt"),
    "timeout": Field("int"),
    "on_failure": Field("failure"),
}
DEFAULT_MIN_DIGITS = 1
DEFAULT_MAX_DIGITS = 20
DEFAULT_RECORDING_SECONDS = 60
MIN_STEM = 4


class Menu(StepType):
    """Press a key (or say one of its words) to choose where to go."""

    fields = ASKING_FIELDS | {"choices": Field("choices", required=True), "words": Field("words"),
                              "input": Field("text", allowed=("dtmf", "dtmf speech"))}
    waits_for_caller = True

    def exits(self, step):
        return {f"key {key}": target for key, target in step.spec["choices"].items()}

    def enter(self, turn, step):
        attributes = {"input": step.spec.get("input", "dtmf speech"), "num_digits": 1}
        if "#" in step.spec["choices"]:
            attributes["finish_on_key"] = ""
        turn.ask(step, turn.gather(step, **attributes))
        return None

    def answer(self, turn, step, reply):
        choices = step.spec["choices"]
        if reply.digits:
            key = pressed_keys(reply)
            if key not in choices:
                raise InvalidInput(reply.digits)
            return choices[key]
        keys = _keys_heard(spoken_words(reply), step.spec.get("words", {}).get(turn.listening, {}), turn.listening)
        keys &= set(choices)
        if len(keys) != 1:
            raise InvalidInput(reply.speech)
        return choices[keys.pop()]


def _keys_heard(words: list[str], key_words: dict[str, list[str]], language: str) -> set[str]:
    """The menu keys a speech answer names: by saying the key's digit, or one of its words; a word of four
    letters or more is a stem ("заказ" hears "заказа"), a shorter one must be said exactly ("да", "no")."""
    digits = DIGIT_WORDS.get(language, {})
    heard = {digits.get(w, w) for w in words if w in digits or w.isdigit()}
    for key, options in key_words.items():
        stems = [o.lower().replace("ё", "е") for o in options]
        if any(w == stem or (len(stem) >= MIN_STEM and w.startswith(stem)) for w in words for stem in stems):
            heard.add(key)
    return heard


class Collect(StepType):
    """Key in (then #) or say a number; `check` names a service that must accept it (its answer is kept),
    `secret` keeps the answer out of the state and the log."""

    fields = ASKING_FIELDS | {
        "save_as": Field("text", required=True), "next": Field("target", required=True),
        "min_digits": Field("int"), "max_digits": Field("int"), "input": Field("text", allowed=("dtmf", "dtmf speech")),
        "secret": Field("bool"), "check": Field("text"),
    }
    waits_for_caller = True

    def services(self, step):
        return [step.spec["check"]] if "check" in step.spec else []

    def enter(self, turn, step):
        low, high = _bounds(step)
        attributes = {"input": step.spec.get("input", "dtmf speech"), "finish_on_key": "#"}
        if low == high:
            attributes["num_digits"] = high
        if "speech" in attributes["input"]:
            attributes["speech_timeout"] = "auto"
        turn.ask(step, turn.gather(step, **attributes))
        return None

    def answer(self, turn, step, reply):
        number = number_from(reply, turn.listening)
        low, high = _bounds(step)
        if number is None or not low <= len(number) <= high:
            raise InvalidInput(reply.digits or reply.speech)
        value = number
        if "check" in step.spec:
            value = turn.call_service(step.spec["check"], number)
            if value is None:
                raise InvalidInput(number)
        turn.remember(step.spec["save_as"], value, secret=bool(step.spec.get("secret")))
        return step.spec["next"]


def _bounds(step) -> tuple[int, int]:
    return step.spec.get("min_digits", DEFAULT_MIN_DIGITS), step.spec.get("max_digits", DEFAULT_MAX_DIGITS)


class Record(StepType):
    """Record a message after the beep (ended by # or silence); its URL is kept under `save_as`."""

    fields = ASKING_FIELDS | {"save_as": Field("text", required=True), "next": Field("target", required=True),
                              "max_length": Field("int")}
    waits_for_caller = True

    def enter(self, turn, step):
        turn.ask(step, turn.response)
        url = turn.wiring.action_url(step.name)
        turn.response.record(action=url, method="POST", finish_on_key="#", play_beep=True,
                             max_length=step.spec.get("max_length", DEFAULT_RECORDING_SECONDS),
                             timeout=step.spec.get("timeout", 5))
        turn.response.redirect(url, method="POST")  # nothing recorded: Twilio falls through to here
        return None

    def answer(self, turn, step, reply):
        if not reply.recording_url:
            raise InvalidInput("")
        turn.remember(step.spec["save_as"], reply.recording_url)
        return step.spec["next"]
