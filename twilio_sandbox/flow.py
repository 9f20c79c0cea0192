"""How control leaves the verb a call is executing: raised from any wait inside a call thread."""

from __future__ import annotations

from .calls import Dequeue, Target


class CallEnded(Exception):
    """The call is over; ``by`` says who ended it (caller, callee, device, twiml, api...)."""

    def __init__(self, by: str) -> None:
        super().__init__(by)
        self.by = by


class Redirected(Exception):
    """A REST update gave the call new TwiML; whatever it was doing stops."""

    def __init__(self, target: Target) -> None:
        super().__init__(target.url or "inline TwiML")
        self.target = target


class Dequeued(Exception):
    """Someone took the waiting call out of its queue."""

    def __init__(self, dequeue: Dequeue) -> None:
        super().__init__(dequeue.kind)
        self.dequeue = dequeue


class LeaveQueue(Exception):
    """A <Leave> verb in the wait music took the caller out of its queue."""
