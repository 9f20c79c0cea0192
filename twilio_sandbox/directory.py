"""Who exists in the sandbox: accounts and the phone numbers they own."""

from __future__ import annotations

from dataclasses import dataclass, field

from .calls import StatusCallback, Target


@dataclass(frozen=True)
class CallbackFaults:
    """How the network between Twilio and the application mistreats an account's status callbacks: Twilio
    warns that they can arrive twice, late or out of order. No faults by default."""

    duplicate: bool = False  # every status callback is delivered twice
    late_by: float = 0.0  # real seconds: the callbacks before a call's final one are held back and delivered
    # this long after the final one, newest first (late AND out of order)


@dataclass
class Account:
    """A Twilio account: credentials, its outbound calls-per-second budget and its callback faults."""

    sid: str
    auth_token: str
    cps: float
    next_slot: float = 0.0  # simulated time at which the next outbound call may be placed
    callback_faults: CallbackFaults = field(default_factory=CallbackFaults)

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
