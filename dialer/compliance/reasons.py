"""The gate's reason codes: stable identifiers for code and audits, with a sentence for people."""

from __future__ import annotations

from dataclasses import dataclass, field

MESSAGES = {
    "no_caller_id": "the campaign has no valid caller ID",
    "dnc": "the number is on the global do-not-call list",
    "dnc_campaign": "the number is on this campaign's do-not-call list",
    "dnc_registry": "the number is listed in the national do-not-call registry",
    "dnc_registry_missing": "no copy of the required do-not-call registry was imported",
    "dnc_registry_stale": "the imported do-not-call registry copy is too old",
    "no_time_zone": "the callee's time zone is unknown, so the number is not dialed automatically",
    "outside_window": "outside the calling window in the callee's local time",
    "holiday": "a public holiday in the callee's local time",
    "consent_missing": "the profile requires recorded consent for this call",
    "auto_dial_forbidden": "automatic dialing is forbidden for this campaign type; preview only",
    "daily_limit": "the attempt limit per 24 hours is reached",
    "limit_30_days": "the attempt limit per 30 days is reached",
    "total_limit": "the total attempt limit is reached",
    "refusal_cooloff": "the callee refused recently; the cool-off period is running",
    "abandon_redial": "an abandoned call to this number is too recent",
    "machine_redial": "an answering machine took a call to this number too recently",
}


@dataclass(frozen=True)
class Reason:
    """Why a dial is refused: a code from MESSAGES and the specifics (zone, local time, counts)."""

    code: str
    detail: dict = field(default_factory=dict, compare=False)

    @property
    def message(self) -> str:
        """The code as a sentence, with its specifics."""
        specifics = ", ".join(f"{k} {v}" for k, v in self.detail.items())
        return MESSAGES[self.code] + (f" ({specifics})" if specifics else "")

    def as_dict(self) -> dict:
        """JSON form, as stored in the audit log."""
        return {"code": self.code, "message": self.message, "detail": self.detail}
