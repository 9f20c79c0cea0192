"""Dialer fixtures: campaigns under a shipped profile, leads, dial attempts, registry copies, the gate."""

from __future__ import annotations

import itertools
from datetime import date, datetime

import pytest

from crm_core import models
from crm_core.users import issue_api_token
from crm_core.phones import normalize_phone
from dialer.campaigns import create_campaign
from dialer.compliance import ComplianceGate

_names = itertools.count(1)
CALLER_IDS = {"US": "+12025550199", "UK": "+442071234000", "FR": "+33142685300", "DE": "+4930123456",
              "RU": "+74950000000"}


@pytest.fixture
def gate(db_session) -> ComplianceGate:
    """The compliance gate on the test session (numbers without a country code are Russian)."""
    return ComplianceGate(db_session, default_region="RU")


@pytest.fixture
def make_campaign(db_session):
    """Create a campaign under a shipped profile; returns the Campaign."""

    def make(profile="RU", purpose="service", mode="progressive", **fields):
        fields.setdefault("caller_id", CALLER_IDS.get(profile, "+74950000000"))
        return create_campaign(db_session, name=f"Campaign {next(_names)}", profile_code=profile, purpose=purpose,
                               mode=mode, default_region="RU", **fields)

    return make


@pytest.fixture
def make_lead(db_session):
    """Create a lead for a campaign (in a one-lead list); kind and zones come from the number unless given."""

    def make(campaign, e164, *, zones=None, kind=None, consent_at=None, customer=None):
        normalized = normalize_phone(e164, "RU")
        call_list = models.CallList(campaign_id=campaign.id, name=f"list {next(_names)}", source="file")
        db_session.add(call_list)
        db_session.flush()
        lead = models.Lead(list_id=call_list.id, campaign_id=campaign.id, e164=normalized.e164,
                           kind=kind or normalized.kind, region=normalized.region,
                           time_zones=list(normalized.time_zones if zones is None else zones),
                           consent_at=consent_at, customer_id=customer.id if customer is not None else None)
        db_session.add(lead)
        db_session.flush()
        return lead

    return make


@pytest.fixture
def make_attempt(db_session):
    """Record a placed dial attempt to a number; returns the DialAttempt."""

    def make(campaign, e164, placed_at: datetime, **fields):
        fields.setdefault("mode", campaign.mode)
        fields.setdefault("status", "completed")
        attempt = models.DialAttempt(campaign_id=campaign.id, e164=e164, placed_at=placed_at, **fields)
        db_session.add(attempt)
        db_session.flush()
        return attempt

    return make


@pytest.fixture
def make_registry(db_session):
    """Store a registry copy of a given date listing some numbers; returns the DncRegistryImport."""

    def make(code: str, registry_date: date, numbers=()):
        copy = models.DncRegistryImport(registry_code=code, registry_date=registry_date,
                                        entries_count=len(numbers))
        db_session.add(copy)
        db_session.flush()
        db_session.add_all(models.DncRegistryEntry(import_id=copy.id, e164=n) for n in numbers)
        db_session.flush()
        return copy

    return make


@pytest.fixture
def headers_for(db_session, make_user):
    """Authorization headers of a fresh user with the given role."""

    def make(role: str) -> dict:
        token = issue_api_token(db_session, make_user(role), "tests")
        db_session.commit()
        return {"Authorization": f"Bearer {token}"}

    return make
