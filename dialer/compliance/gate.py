"""ComplianceGate.check: gather the facts about one dial, apply the campaign's profile, record the decision."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from crm_core.errors import InvalidPhoneNumber, ValidationError
from crm_core.models import (
    DIALING_MODES, Campaign, Customer, DialAttempt, DncRegistryEntry, DncRegistryImport, DoNotCallEntry, GateDecision,
    Lead, PhoneNumber,
)
from crm_core.phones import normalize_phone

from ..errors import DialRefused
from .profiles import Profile, load_profile
from .reasons import Reason
from .rules import AttemptHistory, DialFacts, evaluate
from .window import usable_zone, zone_info


@dataclass(frozen=True)
class Decision:
    """The gate's answer: allowed or not, every reason, and what the dialer must apply when it dials."""

    allowed: bool
    reasons: tuple[Reason, ...]
    e164: str
    campaign_id: int
    mode: str
    profile_code: str
    zones: tuple[str, ...]
    decided_at: datetime
    caller_id: str
    min_ring_seconds: int
    audit_id: int | None = None

    def raise_if_refused(self) -> None:
        """Raise DialRefused with the reasons unless the dial is allowed."""
        if not self.allowed:
            raise DialRefused(self.reasons)

    def as_dict(self) -> dict:
        """JSON form, with the callee's local time in each candidate zone."""
        return {
            "allowed": self.allowed, "reasons": [r.as_dict() for r in self.reasons], "e164": self.e164,
            "campaign_id": self.campaign_id, "mode": self.mode, "profile": self.profile_code,
            "decided_at": self.decided_at.isoformat(), "caller_id": self.caller_id,
            "min_ring_seconds": self.min_ring_seconds, "audit_id": self.audit_id,
            "local_times": {z: self.decided_at.astimezone(zone_info(z)).isoformat() for z in self.zones},
        }


class ComplianceGate:
    """Decides whether a number may be dialed now for a campaign; the dialer asks at the moment it dials."""

    def __init__(self, session: Session, *, default_region: str):
        self.session = session
        self.default_region = default_region

    def check(self, campaign: Campaign, *, now: datetime, lead: Lead | None = None, number: str | None = None,
              mode: str | None = None, attempt_id: int | None = None, record: bool = True) -> Decision:
        """Apply the campaign's profile to a lead (or a bare number) at `now`. `mode` defaults to the campaign's;
        `attempt_id` is the attempt being placed (not counted against the limits). With `record`, the decision is
        stored in the audit log (flushed, not committed); what-if lookups pass record=False."""
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        mode = mode or campaign.mode
        if mode not in DIALING_MODES:
            raise ValidationError("mode", f"one of {', '.join(DIALING_MODES)}")
        profile = load_profile(self.session, campaign.profile_id)
        facts = self._facts(campaign, profile, lead, number, mode, attempt_id, now)
        reasons = evaluate(profile, facts, now)
        decision = Decision(not reasons, reasons, facts.e164, campaign.id, mode, profile.code, facts.zones, now,
                            campaign.caller_id, profile.min_ring_seconds)
        if not record:
            return decision
        row = GateDecision(campaign_id=campaign.id, lead_id=lead.id if lead is not None else None,
                           attempt_id=attempt_id, e164=facts.e164, mode=mode, profile_code=profile.code,
                           allowed=decision.allowed, reasons=[r.as_dict() for r in reasons], decided_at=now)
        self.session.add(row)
        self.session.flush()
        return replace(decision, audit_id=row.id)

    def _facts(self, campaign: Campaign, profile: Profile, lead: Lead | None, number: str | None, mode: str,
               attempt_id: int | None, now: datetime) -> DialFacts:
        if lead is not None:
            e164, kind, zones, customer_id = lead.e164, lead.kind, tuple(lead.time_zones or ()), lead.customer_id
        elif number is not None:
            normalized = normalize_phone(number, self.default_region)
            e164, kind, zones = normalized.e164, normalized.kind, normalized.time_zones
            customer_id = self.session.scalar(sa.select(PhoneNumber.customer_id).where(PhoneNumber.e164 == e164))
            lead = self.session.scalar(sa.select(Lead).where(Lead.campaign_id == campaign.id, Lead.e164 == e164)
                                       .order_by(Lead.id.desc()).limit(1))
        else:
            raise ValidationError("number", "a lead or a number is required")
        customer = self.session.get(Customer, customer_id) if customer_id is not None else None
        if customer is not None and usable_zone(customer.time_zone):
            zones = (customer.time_zone,)  # what the customer told us beats the numbering plan's guess
        dnc_campaigns = set(self.session.scalars(sa.select(DoNotCallEntry.campaign_id).where(
            DoNotCallEntry.e164 == e164,
            sa.or_(DoNotCallEntry.campaign_id.is_(None), DoNotCallEntry.campaign_id == campaign.id))))
        return DialFacts(
            e164=e164, kind=kind, zones=tuple(z for z in zones if usable_zone(z)), purpose=campaign.purpose,
            mode=mode, caller_id_ok=self._caller_id_ok(campaign.caller_id),
            on_global_dnc=None in dnc_campaigns, on_campaign_dnc=campaign.id in dnc_campaigns,
            registry_status=self._registry_status(profile, campaign.purpose, e164, now),
            has_consent=_has_consent(lead, customer, campaign.purpose, now),
            history=self._history(e164, attempt_id, now),
        )

    def _caller_id_ok(self, caller_id: str | None) -> bool:
        try:
            return bool(caller_id) and normalize_phone(caller_id, self.default_region).e164 == caller_id
        except InvalidPhoneNumber:
            return False

    def _registry_status(self, profile: Profile, purpose: str, e164: str, now: datetime) -> str | None:
        rule = profile.registry
        if rule is None or purpose not in rule.purposes:
            return None
        latest = self.session.execute(
            sa.select(DncRegistryImport.id, DncRegistryImport.registry_date)
            .where(DncRegistryImport.registry_code == rule.code, DncRegistryImport.registry_date <= now.date())
            .order_by(DncRegistryImport.registry_date.desc(), DncRegistryImport.id.desc()).limit(1)
        ).first()
        if latest is None:
            return "missing"
        if rule.max_age_days is not None and (now.date() - latest.registry_date).days > rule.max_age_days:
            return "stale"
        listed = self.session.scalar(sa.select(sa.literal(True)).where(
            DncRegistryEntry.import_id == latest.id, DncRegistryEntry.e164 == e164))
        return "listed" if listed else "clear"

    def _history(self, e164: str, attempt_id: int | None, now: datetime) -> AttemptHistory:
        placed = DialAttempt.placed_at
        conditions = [DialAttempt.e164 == e164, placed.is_not(None), placed <= now]
        if attempt_id is not None:
            conditions.append(DialAttempt.id != attempt_id)
        row = self.session.execute(sa.select(
            sa.func.count(),
            sa.func.coalesce(sa.func.sum(sa.case((placed > now - timedelta(days=1), 1), else_=0)), 0),
            sa.func.coalesce(sa.func.sum(sa.case((placed > now - timedelta(days=30), 1), else_=0)), 0),
            sa.func.max(sa.case((DialAttempt.refused, placed))),
            sa.func.max(sa.case((DialAttempt.abandoned, placed))),
            sa.func.max(sa.case((DialAttempt.answered_by == "machine", placed))),
        ).where(*conditions)).one()
        return AttemptHistory(int(row[0]), int(row[1]), int(row[2]), row[3], row[4], row[5])


def _has_consent(lead: Lead | None, customer: Customer | None, purpose: str, now: datetime) -> bool:
    """Consent recorded on the lead (from the list) or on the customer (marketing for advertising)."""
    if lead is not None and lead.consent_at is not None and lead.consent_at <= now:
        return True
    if customer is None:
        return False
    return customer.consent_marketing if purpose == "advertising" else customer.consent_calls
