"""Human-readable call transcripts: what a caller would have heard and done."""

from __future__ import annotations

from collections.abc import Callable

_LINES: dict[str, Callable[[dict, dict], str]] = {
    "call": lambda e, c: (
        f"caller {e['from']} dials {e['to']}"
        if e.get("direction") == "inbound"
        else f"{e['from']} calls {e['to']} ({e.get('direction')})"
    ),
    "initiated": lambda e, c: f"dialing {e.get('to', c.get('to'))}",
    "ringing": lambda e, c: "ringing",
    "answered": lambda e, c: f"answered{' by ' + e['by'] if e.get('by') else ''}",
    "busy": lambda e, c: "busy",
    "failed": lambda e, c: "failed",
    "no-answer": lambda e, c: "no answer",
    "amd": lambda e, c: f"answering machine detection: {e['answered_by']}",
    "fetch": lambda e, c: (
        f"fetched {e['method']} {e['url']} -> {e.get('status_code') or 'no response'}"
        + (f" (error {e['error_code']})" if e.get("error_code") else "")
        + (" (TwiML ignored)" if e.get("ignored") else "")
    ),
    "say": lambda e, c: f"heard ({e.get('language', 'en-US')}): {e['text']}",
    "play": lambda e, c: f"heard tones {e['digits']}" if e.get("digits") else f"heard audio {e.get('url')}",
    "pause": lambda e, c: f"silence {e['length']:g}s",
    "gather": lambda e, c: f"asked for {e['input']} input (timeout {e['timeout']:g}s)",
    "press": lambda e, c: f"pressed {e['digits']}",
    "speech": lambda e, c: f'said "{e["text"]}"',
    "record": lambda e, c: (
        "recording the whole call"
        if e.get("whole_call")
        else f"recorded {e['duration']}s"
        if e.get("duration")
        else "recorded nothing"
    ),
    "enqueue": lambda e, c: f"waits in queue {e['queue']}" + (" (queue full)" if e.get("result") else ""),
    "left_queue": lambda e, c: f"left the queue: {e['result']} after {e['queue_time']}s",
    "dequeued": lambda e, c: f"dequeued by {e['by']}",
    "dial": lambda e, c: f"dials {e['target']}",
    "dial_end": lambda e, c: f"dial ended: {e['dial_call_status']}",
    "bridged": lambda e, c: f"connected to {e.get('to')} ({e['call_sid']})",
    "redirect": lambda e, c: f"redirected to {e['url']}" + (" by REST API" if e.get("by") == "api" else ""),
    "reject": lambda e, c: f"rejected ({e['reason']})",
    "leave": lambda e, c: "leave ignored: not in a queue",
    "status_callback": lambda e, c: (
        f"status callback {e['status']} #{e['sequence_number']} -> {e.get('status_code') or 'no response'}"
    ),
    "amd_callback": lambda e, c: f"AMD callback -> {e.get('status_code') or 'no response'}",
    "unsupported": lambda e, c: f"skipped unsupported <{e['verb']}>",
    "error": lambda e, c: f"error {e['code']}: {e['message']}",
    "hangup": lambda e, c: f"hung up by {e['by']} ({e['status']})",
}


def format_transcript(call: dict) -> str:
    """Render a call dict from GET /_sandbox/calls/{sid} as one line per event."""
    lines = []
    for event in call.get("transcript", []):
        render = _LINES.get(event["event"])
        text = render(event, call) if render else f"{event['event']} {_details(event)}"
        lines.append(f"[{event['t']:5.1f}s] {text}")
    return "\n".join(lines)


def _details(event: dict) -> str:
    """Render an event with no dedicated wording."""
    return " ".join(f"{key}={value}" for key, value in event.items() if key not in ("t", "event"))
