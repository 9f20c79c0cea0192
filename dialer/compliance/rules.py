"""The gate's rules as one pure function: facts about a dial and a profile in, every refusal reason out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from .profiles import Profile
from .reasons import Reason


@dataclass(frozen=True)
class AttemptHistory:
    """What earlier placed attempts to the number (any campaign) tell the limits, as of `now`."""

    total: int = 0
    last_24_hours: int = 0
    last_30_days: int = 0
    last_refusal_at: datetime | None = None
    last_abandon_at: datetime | None = None
    last_machine_at: datetime | None = None


@dataclass(frozen=True)
class DialFacts:
    """Everything the rules look at for one dial; the gate gathers it from the database."""

    e164: str
    kind: str
    zones: tuple[str, ...]
    purpose: str
    mode: str
    caller_id_ok: bool
    on_global_dnc: bool
    on_campaign_dnc: bool
    # None when the profile names no registry for this purpose; else listed, clear, missing or stale.
    registry_status: str | None
    has_consent: bool
    history: AttemptHistory


def evaluate(profile: Profile, facts: DialFacts, now: datetime) -> tuple[Reason, ...]:
    """Every reason the profile forbids this dial at `now` (empty: allowed). All rules run, so the audit is
    complete rather than stopping at the first refusal."""
    reasons: list[Reason] = []
    automatic = facts.mode != "preview"
    if not facts.caller_id_ok:
        reasons.append(Reason("no_caller_id"))
    if facts.on_global_dnc:
        reasons.append(Reason("dnc"))
    if facts.on_campaign_dnc:
        reasons.append(Reason("dnc_campaign"))
    if facts.registry_status in ("listed", "missing", "stale"):
        code = "dnc_registry" if facts.registry_status == "listed" else f"dnc_registry_{facts.registry_status}"
        reasons.append(Reason(code, {"registry": profile.registry.code}))
    if not facts.zones:
        if automatic:
            reasons.append(Reason("no_time_zone"))
    else:
        reasons.extend(r for r in (profile.window.refusal(zone, now) for zone in facts.zones) if r is not None)
    if automatic and facts.purpose in profile.auto_dial_forbidden_for:
        reasons.append(Reason("auto_dial_forbidden", {"purpose": facts.purpose, "mode": facts.mode}))
    if not facts.has_consent and any(
            rule.applies(kind=facts.kind, purpose=facts.purpose, mode=facts.mode, today=now.date())
            for rule in profile.consent):
        reasons.append(Reason("consent_missing", {"kind": facts.kind, "purpose": facts.purpose}))
    reasons.extend(_attempt_reasons(profile, facts.history, now, automatic))
    return tuple(reasons)


def _attempt_reasons(profile: Profile, history: AttemptHistory, now: datetime, automatic: bool) -> list[Reason]:
    limits, reasons = profile.attempts, []
    for code, limit, count in (("daily_limit", limits.max_per_day, history.last_24_hours),
                               ("limit_30_days", limits.max_per_30_days, history.last_30_days),
                               ("total_limit", limits.max_total, history.total)):
        if limit is not None and count >= limit:
            reasons.append(Reason(code, {"attempts": count, "limit": limit}))
    for code, span, last, applies in (
            ("refusal_cooloff", _days(limits.refusal_cooloff_days), history.last_refusal_at, True),
            ("abandon_redial", _hours(limits.abandon_redial_hours), history.last_abandon_at, automatic),
            ("machine_redial", _hours(limits.machine_redial_hours), history.last_machine_at, automatic)):
        if applies and span is not None and last is not None and last > now - span:
            reasons.append(Reason(code, {"last": last.isoformat(), "until": (last + span).isoformat()}))
    return reasons


def _days(n: int | None) -> timedelta | None:
    return None if n is None else timedelta(days=n)


def _hours(n: int | None) -> timedelta | None:
    return None if n is None else timedelta(hours=n)
