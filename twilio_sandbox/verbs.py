"""The TwiML verbs a caller hears and answers: Say, Play, Pause, Gather, Record, and the
verbs that end or move the call (Hangup, Reject, Redirect, Leave)."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urljoin

from .calls import Target
from .flow import CallEnded, LeaveQueue
from .sids import new_sid
from .twiml import Verb

if TYPE_CHECKING:
    from .engine import CallRunner

# Simulated durations, so transcripts and queue times look like a real call.
SECONDS_PER_SPOKEN_CHARACTER = 0.06
SECONDS_PER_AUDIO_FILE = 5.0
SECONDS_PER_KEY_PRESS = 0.25
SECONDS_PER_SPOKEN_WORD = 0.4
END_OF_SPEECH_SILENCE = 1.0


def resolve(document_url: str | None, reference: str | None) -> str | None:
    """Resolve a verb's URL against the URL of the document it came from."""
    if not reference:
        return None
    return urljoin(document_url, reference) if document_url else reference


def say(runner: CallRunner, verb: Verb, document_url: str | None) -> None:
    """<Say>: the far end hears text read aloud."""
    loop = int(verb.number("loop", 1))
    speak(runner, verb.text, verb.attr("language", "en-US"), verb.attr("voice", "man"), loop)


def speak(runner: CallRunner, text: str, language: str = "en-US", voice: str = "man", loop: int = 1) -> None:
    """Read ``text`` to the far end, taking as long as speaking it would (loop 0: forever)."""
    runner.note("say", text=text, language=language, voice=voice, **({"loop": loop} if loop != 1 else {}))
    _play_for(runner, None if loop == 0 else max(1.0, len(text) * SECONDS_PER_SPOKEN_CHARACTER) * loop)


def play(runner: CallRunner, verb: Verb, document_url: str | None) -> None:
    """<Play>: an audio file, or DTMF tones with ``digits``."""
    digits = verb.attr("digits")
    if digits:
        runner.note("play", digits=digits)
        _play_for(runner, len(digits) * SECONDS_PER_KEY_PRESS)
        return
    loop = int(verb.number("loop", 1))
    runner.note("play", url=resolve(document_url, verb.text), **({"loop": loop} if loop != 1 else {}))
    _play_for(runner, None if loop == 0 else SECONDS_PER_AUDIO_FILE * loop)


def pause(runner: CallRunner, verb: Verb, document_url: str | None) -> None:
    """<Pause>: silence for ``length`` seconds (default 1)."""
    length = verb.number("length", 1)
    runner.note("pause", length=length)
    _play_for(runner, length)


def _play_for(runner: CallRunner, seconds: float | None) -> None:
    """Let media play; inside a Gather, live input from the control API interrupts it."""
    call = runner.call
    runner.wait(seconds, until=lambda: call.gathering and call.party.live_input)


def gather(runner: CallRunner, verb: Verb, document_url: str | None) -> Target | None:
    """<Gather>: play the nested prompts, then collect digits or speech from the far end."""
    inputs = frozenset((verb.attr("input") or "dtmf").split())
    num_digits = int(verb.number("numDigits", 0)) or None
    finish_on_key = verb.attrs.get("finishOnKey", "#")
    timeout = verb.number("timeout", 5)
    action = resolve(document_url, verb.attr("action")) or document_url
    runner.note("gather", input=" ".join(sorted(inputs)), num_digits=num_digits, timeout=timeout)
    call = runner.call
    with runner.sandbox.lock:
        call.gathering = True
    try:
        for prompt in verb.children:
            if call.party.live_input:
                break
            runner.perform(prompt, document_url)
        result = _collect(runner, inputs, num_digits, finish_on_key, timeout)
    finally:
        with runner.sandbox.lock:
            call.gathering = False
    if action and (result or verb.flag("actionOnEmptyResult")):
        return Target(action, verb.attr("method", "POST") or "POST", params=tuple(result.items()))
    return None


def _collect(
    runner: CallRunner, inputs: frozenset[str], num_digits: int | None, finish_on_key: str, timeout: float
) -> dict[str, str]:
    """Take the far end's input for one Gather and return the action's parameters
    (Digits/FinishedOnKey or SpeechResult/Confidence), empty if nothing usable came."""
    party = runner.call.party
    digits = ""
    while True:
        action = runner.next_input(timeout)
        if action is None:
            break
        if "wait" in action:
            runner.wait(float(action["wait"]))
            continue
        if action.get("hangup"):
            runner.party_hangs_up()
        if "say" in action:
            text = str(action["say"])
            runner.note("speech", text=text)
            runner.wait(_speaking_time(text))
            if "speech" in inputs:
                return {"SpeechResult": text, "Confidence": f"{float(action.get('confidence', 0.9)):.2f}"}
        if "press" in action:
            keys = str(action["press"])
            runner.note("press", digits=keys)
            if "dtmf" in inputs:
                for key in keys:
                    runner.wait(SECONDS_PER_KEY_PRESS)
                    if key in finish_on_key:
                        return {"Digits": digits, "FinishedOnKey": key} if digits else {}
                    digits += key
                    if num_digits and len(digits) >= num_digits:
                        return {"Digits": digits, "FinishedOnKey": ""}
                if runner.wait(timeout, until=lambda: party.live_input):
                    continue  # more keys are coming live
                break
        runner.wait(timeout)  # silence, or input this Gather does not listen for
        break
    return {"Digits": digits, "FinishedOnKey": ""} if digits else {}


def _speaking_time(text: str) -> float:
    """Return how long saying ``text`` takes, including the silence that ends speech."""
    return len(text.split()) * SECONDS_PER_SPOKEN_WORD + END_OF_SPEECH_SILENCE


def record(runner: CallRunner, verb: Verb, document_url: str | None) -> Target | None:
    """<Record>: record what the far end says next; an empty recording falls through."""
    timeout = verb.number("timeout", 5)
    max_length = verb.number("maxLength", 3600)
    finish_on_key = verb.attrs.get("finishOnKey", "1234567890*#")
    action = resolve(document_url, verb.attr("action")) or document_url
    if verb.flag("playBeep", True):
        runner.note("play", url="beep")
    call = runner.call
    with runner.sandbox.lock:
        call.gathering = True
    try:
        seconds, digits = _take_recording(runner, timeout, max_length, finish_on_key)
    finally:
        with runner.sandbox.lock:
            call.gathering = False
    if not seconds:
        runner.note("record", duration=0)
        return None
    sid = new_sid("RE")
    url = f"{runner.sandbox.base_url}/2010-04-01/Accounts/{call.account_sid}/Recordings/{sid}"
    runner.note("record", duration=seconds, recording_sid=sid)
    params = [("RecordingUrl", url), ("RecordingDuration", str(seconds)), ("RecordingSid", sid)]
    if digits:
        params.append(("Digits", digits))
    return Target(action, verb.attr("method", "POST") or "POST", params=tuple(params)) if action else None


def _take_recording(runner: CallRunner, timeout: float, max_length: float, finish_on_key: str) -> tuple[int, str]:
    """Return the recorded seconds and the key that ended the recording, if any."""
    party = runner.call.party
    while True:
        action = runner.next_input(timeout)
        if action is None:
            return 0, ""
        if "wait" in action:
            runner.wait(float(action["wait"]))
            continue
        if action.get("hangup"):
            runner.party_hangs_up()
        if "say" in action:
            text = str(action["say"])
            runner.note("speech", text=text)
            seconds = min(_speaking_time(text), max_length)
            runner.wait(seconds)
            key = ""
            if runner.wait(timeout, until=lambda: party.live_input):
                with runner.sandbox.lock:
                    pressed = str(party.live_input.popleft().get("press", ""))[:1]
                key = pressed if pressed in finish_on_key else ""
            return max(1, round(seconds)), key
        if "press" in action:
            runner.note("press", digits=str(action["press"]))
            return 0, ""
        runner.wait(timeout)
        return 0, ""


def hangup(runner: CallRunner, verb: Verb, document_url: str | None) -> None:
    """<Hangup>: end the call."""
    raise CallEnded("twiml")


def reject(runner: CallRunner, verb: Verb, document_url: str | None) -> None:
    """<Reject>: refuse an incoming call without answering it."""
    reason = verb.attr("reason", "rejected")
    with runner.sandbox.lock:
        if runner.call.answered_at is None:
            runner.call.status = "busy" if reason == "busy" else "no-answer"
    runner.note("reject", reason=reason)
    raise CallEnded("twiml")


def redirect(runner: CallRunner, verb: Verb, document_url: str | None) -> Target | None:
    """<Redirect>: continue with the TwiML at another URL."""
    url = resolve(document_url, verb.text)
    if not url:
        runner.note("error", code=12200, message="<Redirect> without a URL; skipped")
        return None
    runner.note("redirect", url=url)
    return Target(url, verb.attr("method", "POST") or "POST")


def leave(runner: CallRunner, verb: Verb, document_url: str | None) -> None:
    """<Leave>: take the caller out of its queue (only meaningful in wait music)."""
    if runner.call.queue_sid:
        raise LeaveQueue()
    runner.note("leave", ignored=True)


HANDLERS = {
    "Say": say,
    "Play": play,
    "Pause": pause,
    "Gather": gather,
    "Record": record,
    "Hangup": hangup,
    "Reject": reject,
    "Redirect": redirect,
    "Leave": leave,
}
