"""Who exists in the sandbox: accounts and the phone numbers they own."""

from __future__ import annotations

from dataclasses import dataclass

from .calls import StatusCallback, Target


@dataclass
class Account:
    """A Twilio account: credentials and its outbound calls-per-second budget."""

    sid: str
    auth_token: str
    cps: float
    next_slot: float = 0.0  # simulated time at which the next outbound call may be placed

    def take_slot(self, now: float) -> float:
        """Reserve the next outbound slot; calls beyond the CPS budget wait, they are not refused."""
        slot = max(now, self.next_slot)
        self.next_slot = slot + 1.0 / self.cps
        return slot


@dataclass
class IncomingNumber:
    """One of our phone numbers: calls to it fetch its voice URL."""

    sid: str
    phone_number: str
    account_sid: str
    voice: Target
    voice_fallback: Target | None = None
    status_callback: StatusCallback | None = None
