"""Call progress events: the StatusCallback requests Twilio sends as a call moves on."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from .clock import rfc2822
from .params import call_params

if TYPE_CHECKING:
    from .engine import CallRunner

EVENTS = ("initiated", "ringing", "answered", "completed")
_STATUS_OF_EVENT = {"initiated": "initiated", "ringing": "ringing", "answered": "in-progress"}
_SIP_RESPONSE = {"completed": "200", "busy": "486", "no-answer": "487", "canceled": "487", "failed": "503"}


def send_status(runner: CallRunner, event: str) -> None:
    """Send one call progress event if the call subscribed to it, numbered per call from 0."""
    sandbox, call = runner.sandbox, runner.call
    with sandbox.lock:
        subscription = call.status_callback
        if subscription is None or event not in subscription.events:
            return
        sequence_number = call.callbacks_sent
        call.callbacks_sent += 1
        status = _STATUS_OF_EVENT.get(event, call.status)
        params = [(name, status if name == "CallStatus" else value) for name, value in call_params(call)]
        params += [
            ("CallbackSource", "call-progress-events"),
            ("Timestamp", rfc2822(sandbox.clock.now())),
            ("SequenceNumber", str(sequence_number)),
        ]
        if event == "completed":
            seconds = call.duration or 0
            params += [
                ("CallDuration", str(seconds)),
                ("Duration", str(math.ceil(seconds / 60))),
                ("SipResponseCode", _SIP_RESPONSE.get(call.status, "200")),
            ]
    response = runner.post(subscription.url, subscription.method, params)
    runner.note(
        "status_callback",
        status=status,
        sequence_number=sequence_number,
        status_code=response.status_code,
        **({"error_code": response.error_code} if response.error_code else {}),
    )
