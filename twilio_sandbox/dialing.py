"""<Dial>: ringing numbers and clients in child legs, or dequeuing a waiting caller, and
bridging the call to whoever answers."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from . import bridge, conferences, operations
from .calls import Call, Dequeue, StatusCallback, Target
from .flow import CallEnded, Redirected
from .twiml import Verb
from .verbs import resolve

if TYPE_CHECKING:
    from .engine import CallRunner

DEFAULT_TIMEOUT = 30.0


@dataclass
class DialOutcome:
    """What the Dial action hears: DialCallStatus, DialCallSid, DialCallDuration."""

    status: str = "failed"
    call_sid: str | None = None
    duration: int = 0
    bridged_at: float | None = None

    def bridged(self, now: float, call_sid: str | None = None) -> None:
        """Record that the call got connected (to ``call_sid``, unless it is a conference)."""
        self.call_sid, self.bridged_at = call_sid, now

    def ended(self, status: str, now: float) -> None:
        """Record how the dial ended; a connected dial lasted until now."""
        self.status = status
        if self.bridged_at is not None:
            self.duration = round(now - self.bridged_at)

    def params(self) -> tuple[tuple[str, str], ...]:
        """Return the action URL's parameters."""
        params = [("DialCallStatus", self.status), ("DialCallDuration", str(self.duration))]
        if self.call_sid:
            params.append(("DialCallSid", self.call_sid))
        return tuple(params)


def dial(runner: CallRunner, verb: Verb, document_url: str | None) -> Target | None:
    """Run a <Dial> and return its action, or None to fall through to the next verb."""
    nouns = list(verb.children) or ([Verb("Number", text=verb.text)] if verb.text else [])
    action = resolve(document_url, verb.attr("action"))
    method = verb.attr("method", "POST") or "POST"
    timeout = verb.number("timeout", DEFAULT_TIMEOUT)
    outcome = DialOutcome()
    runner.note("dial", target=", ".join(_address(noun) for noun in nouns), timeout=timeout)
    try:
        if any(noun.name == "Queue" for noun in nouns):
            _dial_queue(runner, next(n for n in nouns if n.name == "Queue"), timeout, document_url, outcome)
        elif any(noun.name == "Conference" for noun in nouns):
            conferences.join(runner, next(n for n in nouns if n.name == "Conference"), document_url, outcome)
        else:
            _dial_legs(runner, nouns, timeout, verb.attr("callerId"), document_url, outcome)
    except (CallEnded, Redirected):
        # Hung up, or moved elsewhere by the REST API: Twilio still requests the action (and ignores its TwiML)
        # before the call goes on at the redirect's URL.
        if action:
            outcome.ended("completed" if outcome.bridged_at is not None else "canceled", runner.clock.now())
            runner.notify(Target(action, method, params=outcome.params()))
        raise
    runner.note("dial_end", dial_call_status=outcome.status, dial_call_sid=outcome.call_sid, duration=outcome.duration)
    return Target(action, method, params=outcome.params()) if action else None


def _address(noun: Verb) -> str:
    """Return what a noun dials: a number, client:identity, sip:..., queue:name or conference:name."""
    if noun.name == "Client":
        identity = next((child.text for child in noun.children if child.name == "Identity"), noun.text)
        return f"client:{identity}"
    if noun.name in ("Queue", "Conference"):
        return f"{noun.name.lower()}:{noun.text}"
    return noun.text


def _dial_legs(
    runner: CallRunner,
    nouns: list[Verb],
    timeout: float,
    caller_id: str | None,
    document_url: str | None,
    outcome: DialOutcome,
) -> None:
    """Ring every noun at once; bridge the first leg that answers and cancel the others."""
    sandbox, parent = runner.sandbox, runner.call
    legs: list[Call] = []
    for noun in nouns:
        events = frozenset((noun.attr("statusCallbackEvent") or "completed").split())
        callback_url = resolve(document_url, noun.attr("statusCallback"))
        whisper_url = resolve(document_url, noun.attr("url"))
        legs.append(
            operations.create_dial_leg(
                sandbox,
                parent,
                to=_address(noun),
                from_=caller_id or parent.from_,
                ring_timeout=timeout,
                whisper=Target(whisper_url, noun.attr("method", "POST") or "POST") if whisper_url else None,
                status_callback=StatusCallback(
                    callback_url, noun.attr("statusCallbackMethod", "POST") or "POST", events
                )
                if callback_url
                else None,
            )
        )
    with sandbox.lock:
        parent.awaiting = frozenset(leg.sid for leg in legs)
    for leg in legs:
        sandbox.start(leg, program=partial(_child_leg, parent=parent))
    try:
        runner.wait(None, until=lambda: parent.bridged_with or all(leg.ended for leg in legs))
        with sandbox.lock:
            peer = next((leg for leg in legs if leg.sid == parent.bridged_with), None)
        if peer is None:
            outcome.status = _unbridged_status([leg.status for leg in legs])
            outcome.call_sid = legs[0].sid if len(legs) == 1 else None
            return
        outcome.bridged(runner.clock.now(), peer.sid)
        _cancel_unanswered(runner, legs)
        runner.answer_inbound()
        runner.note("bridged", call_sid=peer.sid, to=peer.to)
        bridge.hold(runner, peer)
        outcome.ended("completed", runner.clock.now())
    finally:
        with sandbox.lock:
            parent.awaiting = frozenset()
        _cancel_unanswered(runner, legs)


def _child_leg(runner: CallRunner, parent: Call) -> None:
    """The program of a dialed leg once answered: its whisper TwiML, then the bridge."""
    if runner.call.target is not None:
        runner.run_documents(runner.call.target)
    if not bridge.link(runner.sandbox, parent, runner.call):
        raise CallEnded("other-party")
    runner.note("bridged", call_sid=parent.sid, to=parent.from_)
    bridge.hold(runner, parent)
    raise CallEnded("other-party")


def _cancel_unanswered(runner: CallRunner, legs: list[Call]) -> None:
    """Stop legs that are still ringing; answered legs end by themselves when the bridge
    they were waiting for is gone."""
    with runner.sandbox.lock:
        for leg in legs:
            if leg.answered_at is None and not leg.ended and leg.hangup_by is None:
                leg.hangup_by = "canceled"
        runner.sandbox.changed.notify_all()


def _unbridged_status(statuses: list[str]) -> str:
    """Return DialCallStatus when nobody got connected."""
    if all(status == "busy" for status in statuses):
        return "busy"
    if all(status == "failed" for status in statuses):
        return "failed"
    return "no-answer"


def _dial_queue(runner: CallRunner, noun: Verb, timeout: float, document_url: str | None, outcome: DialOutcome) -> None:
    """Take the longest-waiting caller out of a queue (waiting up to ``timeout`` for one to
    arrive) and bridge to it once its <Queue url> whisper has played."""
    sandbox, agent = runner.sandbox, runner.call
    queue = sandbox.queue_named(agent.account_sid, noun.text)
    if queue is None:
        runner.note("error", code=20404, message=f"Queue {noun.text!r} does not exist")
        return
    whisper_url = resolve(document_url, noun.attr("url"))
    whisper = Target(whisper_url, noun.attr("method", "POST") or "POST") if whisper_url else None
    taken: list[Call] = []

    def take_front() -> bool:
        for member in list(queue.members):
            caller = sandbox.calls.get(member.call_sid)
            if caller is not None and not caller.ended and caller.dequeue is None:
                queue.remove(caller.sid, runner.clock.now())
                caller.dequeue = Dequeue("bridge", by_call_sid=agent.sid, whisper=whisper)
                agent.awaiting = frozenset({caller.sid})
                taken.append(caller)
                sandbox.changed.notify_all()
                return True
        return False

    try:
        if not runner.wait(timeout, until=take_front):
            outcome.status = "no-answer"
            return
        caller = taken[0]
        outcome.call_sid = caller.sid
        runner.wait(None, until=lambda: agent.bridged_with == caller.sid or not agent.awaiting or caller.ended)
        if agent.bridged_with != caller.sid:
            outcome.status = "failed"
            return
        outcome.bridged(runner.clock.now(), caller.sid)
        runner.answer_inbound()
        runner.note("bridged", call_sid=caller.sid, to=caller.from_)
        bridge.hold(runner, caller)
        outcome.ended("completed", runner.clock.now())
    finally:
        with sandbox.lock:
            agent.awaiting = frozenset()
