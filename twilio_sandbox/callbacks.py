"""Call progress events: the StatusCallback requests Twilio sends as a call moves on, delivered as the
account's callback faults say (twice, late, out of order) when a test asks for them."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .calls import StatusCallback
from .clock import rfc2822
from .params import call_params

if TYPE_CHECKING:
    from .engine import CallRunner

EVENTS = ("initiated", "ringing", "answered", "completed")
_STATUS_OF_EVENT = {"initiated": "initiated", "ringing": "ringing", "answered": "in-progress"}
_SIP_RESPONSE = {"completed": "200", "busy": "486", "no-answer": "487", "canceled": "487", "failed": "503"}


@dataclass(frozen=True)
class StatusDelivery:
    """One status callback request, built when its event happened, sent now or later."""

    subscription: StatusCallback
    params: list[tuple[str, str]]
    status: str
    sequence_number: int


def send_status(runner: CallRunner, event: str) -> None:
    """Send one call progress event if the call subscribed to it, numbered per call from 0; with callback
    faults, an event before the final one may be held back (see `release_held`)."""
    sandbox, call = runner.sandbox, runner.call
    with sandbox.lock:
        subscription = call.status_callback
        if subscription is None or event not in subscription.events:
            return
        faults = sandbox.accounts[call.account_sid].callback_faults
        sequence_number = call.callbacks_sent
        call.callbacks_sent += 1
        status = _STATUS_OF_EVENT.get(event, call.status)
        params = [(name, status if name == "CallStatus" else value) for name, value in call_params(call)]
        params += [
            ("CallbackSource", "call-progress-events"),
            ("Timestamp", rfc2822(_moment_of(call, event, sandbox.clock.now()))),
            ("SequenceNumber", str(sequence_number)),
        ]
        if event == "completed":
            seconds = call.duration or 0
            params += [
                ("CallDuration", str(seconds)),
                ("Duration", str(math.ceil(seconds / 60))),
                ("SipResponseCode", _SIP_RESPONSE.get(call.status, "200")),
            ]
    delivery = StatusDelivery(subscription, params, status, sequence_number)
    if faults.late_by and event != "completed":
        runner.held_callbacks.append(delivery)
        return
    _deliver(runner, delivery, copies=2 if faults.duplicate else 1)


def release_held(runner: CallRunner) -> None:
    """After the call's final callback: deliver the held-back ones, late and newest first."""
    if not runner.held_callbacks:
        return
    with runner.sandbox.lock:
        faults = runner.sandbox.accounts[runner.call.account_sid].callback_faults
    time.sleep(faults.late_by)  # real time, as webhook timeouts: the network, not the simulated call, is late
    held, runner.held_callbacks = runner.held_callbacks, []
    for delivery in reversed(held):
        _deliver(runner, delivery, copies=2 if faults.duplicate else 1, late=True)


def _deliver(runner: CallRunner, delivery: StatusDelivery, *, copies: int, late: bool = False) -> None:
    """POST the callback (`copies` times) and note each answer in the transcript."""
    for copy in range(copies):
        response = runner.post(delivery.subscription.url, delivery.subscription.method, delivery.params)
        runner.note(
            "status_callback",
            status=delivery.status,
            sequence_number=delivery.sequence_number,
            status_code=response.status_code,
            **({"error_code": response.error_code} if response.error_code else {}),
            **({"late": True} if late else {}),
            **({"duplicate": True} if copy else {}),
        )


def _moment_of(call, event: str, now: float) -> float:
    """When the event happened, as Twilio stamps it: a busy sandbox may send it a moment later (at a fast clock,
    a few real milliseconds are a simulated second)."""
    if event == "completed" and call.end_time is not None:
        return call.end_time
    if event == "answered" and call.answered_at is not None:
        return call.answered_at
    return now
