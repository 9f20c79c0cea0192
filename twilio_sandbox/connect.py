"""Placing outbound legs: the calls-per-second queue, ringing, answering, and
answering-machine detection."""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from . import callbacks
from .calls import Target
from .flow import CallEnded
from .parties import AMD_HUMAN_SECONDS, AMD_MACHINE_START_SECONDS, MACHINE_GREETING_SECONDS

if TYPE_CHECKING:
    from .engine import CallRunner

log = logging.getLogger(__name__)

BUSY_SIGNAL_SECONDS = 1.0  # until a busy far end is reported
FAILURE_SECONDS = 0.2  # until an unreachable number is reported


def connect(runner: CallRunner) -> None:
    """Bring an outbound leg to the point where its program runs: wait for the account's
    CPS slot, ring, and get answered; raise CallEnded with the final status set otherwise.
    Inbound calls are already connected."""
    call = runner.call
    if call.direction == "inbound":
        return
    try:
        if call.placed_at is not None:
            runner.wait(call.placed_at - runner.clock.now())
        _ring(runner)
    except CallEnded as ended:
        with runner.sandbox.lock:
            if call.status in ("queued", "ringing"):
                call.status = "no-answer" if ended.by == "timeout" else "canceled"
        raise
    _detect_machine(runner)


def _ring(runner: CallRunner) -> None:
    """Ring the far end until it answers, refuses or the ring timeout passes."""
    sandbox, call, party = runner.sandbox, runner.call, runner.call.party
    with sandbox.lock:
        call.start_time = call.date_updated = runner.clock.now()
    runner.note("initiated", to=call.to)
    callbacks.send_status(runner, "initiated")
    if party.behaviour in ("failed", "busy"):
        runner.wait(FAILURE_SECONDS if party.behaviour == "failed" else BUSY_SIGNAL_SECONDS)
        _set_status(runner, party.behaviour)
        raise CallEnded(party.role)
    _set_status(runner, "ringing")
    callbacks.send_status(runner, "ringing")
    answers = party.behaviour in ("human", "machine") and party.auto_answer
    ring_for = min(party.answer_after, call.ring_timeout) if answers else call.ring_timeout
    runner.wait(ring_for, until=lambda: call.answer_signal)
    if call.answer_signal == "reject":
        _set_status(runner, "busy")
        raise CallEnded(party.role)
    if call.answer_signal != "answer" and not (answers and party.answer_after <= call.ring_timeout):
        _set_status(runner, "no-answer")
        raise CallEnded("timeout")
    with sandbox.lock:
        call.status = "in-progress"
        call.answered_at = call.date_updated = runner.clock.now()
        if not (call.machine_detection and call.async_amd_callback is None and party.role != "machine"):
            call.talking_since = call.answered_at  # otherwise once detection has heard "hello"
    runner.note("answered", by=party.role)
    if call.record:
        runner.note("record", whole_call=True)
    if call.send_digits:
        runner.note("play", digits=call.send_digits)


def _detect_machine(runner: CallRunner) -> None:
    """Run answering-machine detection if asked, then report the call answered."""
    call = runner.call
    mode = call.machine_detection
    if not mode:
        callbacks.send_status(runner, "answered")
        return
    if call.party.role != "machine":
        answered_by, seconds = "human", AMD_HUMAN_SECONDS
    elif mode == "DetectMessageEnd":
        answered_by, seconds = "machine_end_beep", MACHINE_GREETING_SECONDS
    else:
        answered_by, seconds = "machine_start", AMD_MACHINE_START_SECONDS
    if call.async_amd_callback is None:
        runner.wait(seconds)
        _detected(runner, answered_by)
        with runner.sandbox.lock:
            call.talking_since = call.talking_since or runner.clock.now()
        callbacks.send_status(runner, "answered")
        return
    callbacks.send_status(runner, "answered")
    threading.Thread(
        target=_detect_in_background,
        args=(runner, answered_by, seconds, call.async_amd_callback),
        name=f"amd-{call.sid}",
        daemon=True,
    ).start()


def _detect_in_background(runner: CallRunner, answered_by: str, seconds: float, callback: Target) -> None:
    """Finish asynchronous detection while the call's TwiML runs, then post the result."""
    sandbox, call = runner.sandbox, runner.call
    try:
        with sandbox.lock:
            deadline = runner.clock.now() + seconds
            if runner.clock.wait_for(sandbox.changed, lambda: call.ended, deadline):
                return
        _detected(runner, answered_by)
        params = [
            ("AccountSid", call.account_sid),
            ("CallSid", call.sid),
            ("AnsweredBy", answered_by),
            ("MachineDetectionDuration", str(int(seconds * 1000))),
        ]
        response = runner.post(callback.url or "", callback.method, params)
        runner.note("amd_callback", url=response.url, status_code=response.status_code)
    except Exception:  # the thread must not die silently
        log.exception("asynchronous AMD of call %s failed", call.sid)


def _detected(runner: CallRunner, answered_by: str) -> None:
    """Record the detection result on the call."""
    with runner.sandbox.lock:
        runner.call.answered_by = answered_by
    runner.note("amd", answered_by=answered_by)


def _set_status(runner: CallRunner, status: str) -> None:
    """Move the call to ``status`` and log it."""
    with runner.sandbox.lock:
        runner.call.status = status
        runner.call.date_updated = runner.clock.now()
    runner.note(status)
