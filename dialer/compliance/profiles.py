"""Compliance profiles: one jurisdiction's rules as validated data, shipped as TOML and stored for admins to edit."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from crm_core.errors import NotFound
from crm_core.models import CAMPAIGN_PURPOSES, DIALING_MODES, ComplianceProfile

from ..errors import InvalidProfile
from .window import Window

SHIPPED_DIR = Path(__file__).resolve().parent.parent / "profiles"
CONSENT_SCOPES = ("all", "wireless", "advertising")
# phonenumbers cannot tell mobile from fixed for many NANP numbers: treat "maybe mobile" as wireless.
WIRELESS_KINDS = ("mobile", "fixed_or_mobile")
ATTEMPT_LIMITS = ("max_per_day", "max_per_30_days", "max_total", "refusal_cooloff_days", "abandon_redial_hours",
                  "machine_redial_hours")
_CODE = re.compile(r"^[A-Z][A-Z0-9_-]{1,15}$")
_TOP_KEYS = {"window", "consent", "auto_dial", "attempts", "abandon", "dnc_registry", "min_ring_seconds"}


@dataclass(frozen=True)
class ConsentRule:
    """Calls in `scope` (all, wireless numbers, advertising campaigns) dialed in `modes` need recorded consent."""

    scope: str
    modes: frozenset[str]
    since: date | None = None

    def applies(self, *, kind: str, purpose: str, mode: str, today: date) -> bool:
        """Whether this rule covers a call of this number kind, campaign purpose and mode on `today`."""
        if mode not in self.modes or (self.since is not None and today < self.since):
            return False
        return self.scope == "all" or (self.scope == "wireless" and kind in WIRELESS_KINDS) or (
            self.scope == "advertising" and purpose == "advertising")


@dataclass(frozen=True)
class AttemptLimits:
    """Per-number limits; None means the profile sets none."""

    max_per_day: int | None = None
    max_per_30_days: int | None = None
    max_total: int | None = None
    refusal_cooloff_days: int | None = None
    abandon_redial_hours: int | None = None
    machine_redial_hours: int | None = None


@dataclass(frozen=True)
class AbandonLimit:
    """At most `max_rate` abandoned of live-answered calls over `window_hours`, optionally with Ofcom's AMD
    false-positive adjustment; a live person must reach an agent within `connect_within_seconds`."""

    max_rate: float
    window_hours: int
    amd_adjustment: bool = False
    connect_within_seconds: int = 2


@dataclass(frozen=True)
class RegistryRule:
    """Numbers listed in the national registry `code` are not called for `purposes`, and its newest imported
    copy must be at most `max_age_days` old."""

    code: str
    max_age_days: int | None
    purposes: frozenset[str]


@dataclass(frozen=True)
class Profile:
    """Everything the gate and the dialer need to know about one jurisdiction."""

    code: str
    name: str
    window: Window
    consent: tuple[ConsentRule, ...]
    auto_dial_forbidden_for: frozenset[str]
    attempts: AttemptLimits
    abandon: AbandonLimit
    min_ring_seconds: int
    registry: RegistryRule | None

    @classmethod
    def from_rules(cls, code: str, name: str, rules: dict) -> "Profile":
        """Validate stored or submitted rules; InvalidProfile names the first bad key."""
        if not isinstance(code, str) or not _CODE.match(code):
            raise InvalidProfile("", f"profile code {code!r}: 2-16 capitals, digits, - or _")
        if not isinstance(name, str) or not name.strip() or len(name) > 100:
            raise InvalidProfile("", "a profile needs a name of at most 100 characters")
        if not isinstance(rules, dict):
            raise InvalidProfile("", "must be an object")
        unknown = set(rules) - _TOP_KEYS
        if unknown:
            raise InvalidProfile(sorted(unknown)[0], "unknown key")
        return cls(
            code=code, name=name.strip(), window=Window.from_rules(rules.get("window")),
            consent=tuple(_consent(i, r) for i, r in enumerate(_list(rules, "consent"))),
            auto_dial_forbidden_for=_purposes("auto_dial.forbidden_for",
                                              _table(rules, "auto_dial", {"forbidden_for"}).get("forbidden_for", [])),
            attempts=_attempts(_table(rules, "attempts", set(ATTEMPT_LIMITS))),
            abandon=_abandon(rules.get("abandon")),
            min_ring_seconds=_int("min_ring_seconds", rules.get("min_ring_seconds"), minimum=1),
            registry=_registry(rules.get("dnc_registry")),
        )


def shipped_profiles() -> dict[str, tuple[str, dict]]:
    """The profiles shipped in dialer/profiles/*.toml: code -> (name, rules)."""
    shipped = {}
    for path in sorted(SHIPPED_DIR.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        code, name = data.pop("code"), data.pop("name")
        Profile.from_rules(code, name, data)
        shipped[code] = (name, data)
    return shipped


def seed_shipped_profiles(session: Session) -> list[ComplianceProfile]:
    """Store every shipped profile that is not in the database yet (an admin's edits are kept). Flushes."""
    existing = set(session.scalars(sa.select(ComplianceProfile.code)))
    added = [ComplianceProfile(code=code, name=name, rules=rules, shipped=True)
             for code, (name, rules) in shipped_profiles().items() if code not in existing]
    session.add_all(added)
    session.flush()
    return added


def save_profile(session: Session, code: str, name: str, rules: dict) -> ComplianceProfile:
    """Create or replace a profile's rules after validating them. Flushes."""
    Profile.from_rules(code, name, rules)
    row = session.scalar(sa.select(ComplianceProfile).where(ComplianceProfile.code == code))
    if row is None:
        row = ComplianceProfile(code=code, shipped=False)
        session.add(row)
    row.name, row.rules = name.strip(), rules
    session.flush()
    return row


def load_profile(session: Session, profile_id: int) -> Profile:
    """The validated profile stored under `profile_id`."""
    row = session.get(ComplianceProfile, profile_id)
    if row is None:
        raise NotFound("compliance profile", profile_id)
    return Profile.from_rules(row.code, row.name, row.rules)


def _table(rules: dict, key: str, allowed: set[str]) -> dict:
    value = rules.get(key, {})
    if not isinstance(value, dict):
        raise InvalidProfile(key, "must be a table")
    unknown = set(value) - allowed
    if unknown:
        raise InvalidProfile(f"{key}.{sorted(unknown)[0]}", "unknown key")
    return value


def _list(rules: dict, key: str) -> list:
    value = rules.get(key, [])
    if not isinstance(value, list):
        raise InvalidProfile(key, "must be a list of tables")
    return value


def _int(key: str, value, *, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise InvalidProfile(key, f"must be a whole number of at least {minimum}")
    return value


def _purposes(key: str, value) -> frozenset[str]:
    if not isinstance(value, list) or any(p not in CAMPAIGN_PURPOSES for p in value):
        raise InvalidProfile(key, f"a list of {', '.join(CAMPAIGN_PURPOSES)}")
    return frozenset(value)


def _consent(index: int, rule) -> ConsentRule:
    key = f"consent[{index}]"
    if not isinstance(rule, dict) or set(rule) - {"scope", "modes", "since"}:
        raise InvalidProfile(key, "a table of scope, modes and since")
    if rule.get("scope") not in CONSENT_SCOPES:
        raise InvalidProfile(f"{key}.scope", f"one of {', '.join(CONSENT_SCOPES)}")
    modes = rule.get("modes", list(DIALING_MODES))
    if not isinstance(modes, list) or not modes or any(m not in DIALING_MODES for m in modes):
        raise InvalidProfile(f"{key}.modes", f"a list of {', '.join(DIALING_MODES)}")
    since = rule.get("since")
    if since is not None:
        try:
            since = since if isinstance(since, date) else date.fromisoformat(since)
        except (TypeError, ValueError):
            raise InvalidProfile(f"{key}.since", "a date as YYYY-MM-DD") from None
    return ConsentRule(rule["scope"], frozenset(modes), since)


def _attempts(table: dict) -> AttemptLimits:
    return AttemptLimits(**{k: _int(f"attempts.{k}", v, minimum=1) for k, v in table.items()})


def _abandon(table) -> AbandonLimit:
    if not isinstance(table, dict) or set(table) - {"max_rate", "window_hours", "amd_adjustment",
                                                     "connect_within_seconds"}:
        raise InvalidProfile("abandon", "a table of max_rate, window_hours, amd_adjustment, connect_within_seconds")
    rate = table.get("max_rate")
    if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 <= rate <= 1:
        raise InvalidProfile("abandon.max_rate", "a fraction between 0 and 1 (0.03 is 3%)")
    adjustment = table.get("amd_adjustment", False)
    if not isinstance(adjustment, bool):
        raise InvalidProfile("abandon.amd_adjustment", "must be true or false")
    return AbandonLimit(float(rate), _int("abandon.window_hours", table.get("window_hours"), minimum=1), adjustment,
                        _int("abandon.connect_within_seconds", table.get("connect_within_seconds", 2), minimum=1))


def _registry(table) -> RegistryRule | None:
    if table is None:
        return None
    if not isinstance(table, dict) or set(table) - {"code", "max_age_days", "purposes"}:
        raise InvalidProfile("dnc_registry", "a table of code, max_age_days and purposes")
    code = table.get("code")
    if not isinstance(code, str) or not 0 < len(code) <= 32:
        raise InvalidProfile("dnc_registry.code", "the registry's name, at most 32 characters")
    max_age = table.get("max_age_days")
    return RegistryRule(code, None if max_age is None else _int("dnc_registry.max_age_days", max_age, minimum=1),
                        _purposes("dnc_registry.purposes", table.get("purposes", list(CAMPAIGN_PURPOSES))))
