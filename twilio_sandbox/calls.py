"""The Call resource: what Twilio knows about one call leg, plus its simulation state."""

from __future__ import annotations

from dataclasses import dataclass, field

from .parties import Party

ACTIVE_STATUSES = ("queued", "ringing", "in-progress")
TERMINAL_STATUSES = ("completed", "busy", "failed", "no-answer", "canceled")


@dataclass(frozen=True)
class Target:
    """Where a call goes next: a TwiML URL to fetch or an inline TwiML document."""

    url: str | None = None
    method: str = "POST"
    twiml: str | None = None
    params: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Dequeue:
    """A request, made while the call waits in a queue, to take it out of the queue."""

    kind: str  # "redirect" (REST member update) or "bridge" (<Dial><Queue>)
    target: Target | None = None  # redirect: where the call continues
    by_call_sid: str | None = None  # bridge: the call that dequeued this one
    whisper: Target | None = None  # bridge: the <Queue url> played to this call first


@dataclass
class StatusCallback:
    """A status callback subscription (StatusCallback, StatusCallbackEvent, -Method)."""

    url: str
    method: str = "POST"
    events: frozenset[str] = frozenset({"completed"})


@dataclass
class Call:
    """One call leg. Mutated only under the Sandbox lock."""

    sid: str
    account_sid: str
    from_: str
    to: str
    direction: str  # inbound, outbound-api, outbound-dial
    party: Party
    date_created: float
    status: str = "queued"
    parent_call_sid: str | None = None
    phone_number_sid: str | None = None
    caller_name: str | None = None
    forwarded_from: str | None = None
    geography: dict[str, str] = field(default_factory=dict)
    target: Target | None = None
    fallback: Target | None = None
    status_callback: StatusCallback | None = None
    ring_timeout: float = 60.0
    machine_detection: str | None = None
    async_amd_callback: Target | None = None
    send_digits: str | None = None
    record: bool = False
    placed_at: float | None = None  # when a queued outbound call got its CPS slot
    date_updated: float = 0.0
    start_time: float | None = None
    answered_at: float | None = None
    talking_since: float | None = None  # when the far end started talking to the application
    end_time: float | None = None
    answered_by: str | None = None
    transcript: list[dict] = field(default_factory=list)
    # Simulation state, read by the call's own thread and written by others.
    hangup_by: str | None = None
    redirect: Target | None = None
    dequeue: Dequeue | None = None
    queue_sid: str | None = None
    enqueued_at: float | None = None
    bridged_with: str | None = None
    awaiting: frozenset[str] = frozenset()  # call SIDs that may bridge to this one
    gathering: bool = False
    answer_signal: str | None = None  # "answer" or "reject" from the control API
    callbacks_sent: int = 0
    finished: bool = False

    @property
    def ended(self) -> bool:
        """Return whether the call has reached a final status."""
        return self.status in TERMINAL_STATUSES

    @property
    def duration(self) -> int | None:
        """Return billable seconds: from answer to end, 0 for unanswered calls, None while live."""
        if self.end_time is None:
            return None
        if self.answered_at is None:
            return 0
        return round(self.end_time - self.answered_at)

    def elapsed(self, now: float) -> float:
        """Return simulated seconds since the call was created, for its transcript."""
        return round(now - self.date_created, 1)

    def log(self, now: float, event: str, **details: object) -> None:
        """Append one event to the call's transcript."""
        self.transcript.append({"t": self.elapsed(now), "event": event, **details})
