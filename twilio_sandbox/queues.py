"""The Queue resource: named holding areas that <Enqueue> fills and <Dial><Queue> drains."""

from __future__ import annotations

from dataclasses import dataclass, field

DEFAULT_MAX_SIZE = 1000


@dataclass
class Member:
    """One call waiting in a queue."""

    call_sid: str
    date_enqueued: float


@dataclass
class Queue:
    """A call queue. Mutated only under the Sandbox lock."""

    sid: str
    account_sid: str
    friendly_name: str
    date_created: float
    max_size: int = DEFAULT_MAX_SIZE
    date_updated: float = 0.0
    members: list[Member] = field(default_factory=list)

    @property
    def full(self) -> bool:
        """Return whether another caller would be refused with QueueResult=queue-full."""
        return len(self.members) >= self.max_size

    def member(self, call_sid: str) -> Member | None:
        """Return the member for ``call_sid``, or "Front" for the longest-waiting one."""
        if call_sid == "Front":
            return self.members[0] if self.members else None
        return next((m for m in self.members if m.call_sid == call_sid), None)

    def position(self, call_sid: str) -> int:
        """Return the 1-based position of a member, as Twilio reports QueuePosition."""
        return next(i for i, m in enumerate(self.members, 1) if m.call_sid == call_sid)

    def add(self, call_sid: str, now: float) -> None:
        """Put a call at the back of the queue."""
        self.members.append(Member(call_sid, now))
        self.date_updated = now

    def remove(self, call_sid: str, now: float) -> Member | None:
        """Take a call out of the queue, wherever it is."""
        member = self.member(call_sid)
        if member is not None:
            self.members.remove(member)
            self.date_updated = now
        return member

    def average_wait(self, now: float) -> int:
        """Return the average wait of the current members in whole seconds."""
        if not self.members:
            return 0
        return int(sum(now - m.date_enqueued for m in self.members) / len(self.members))
