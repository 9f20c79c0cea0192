"""Campaigns as far as lists and the gate need them: create one under a profile, find one by id or name."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from crm_core.errors import InvalidPhoneNumber, NotFound, ValidationError
from crm_core.models import CAMPAIGN_PURPOSES, DIALING_MODES, Campaign, ComplianceProfile
from crm_core.phones import normalize_phone

from .compliance.profiles import seed_shipped_profiles


def create_campaign(session: Session, *, name: str, profile_code: str, caller_id: str, purpose: str = "service",
                    mode: str = "progressive", default_region: str) -> Campaign:
    """Create a campaign under a compliance profile; its caller ID is required and stored in E.164. Flushes."""
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise ValidationError("name", "a campaign needs a name of at most 100 characters")
    if session.scalar(sa.select(Campaign.id).where(Campaign.name == name)) is not None:
        raise ValidationError("name", f"a campaign named {name!r} exists already")
    if purpose not in CAMPAIGN_PURPOSES:
        raise ValidationError("purpose", f"one of {', '.join(CAMPAIGN_PURPOSES)}")
    if mode not in DIALING_MODES:
        raise ValidationError("mode", f"one of {', '.join(DIALING_MODES)}")
    try:
        caller = normalize_phone(caller_id, default_region).e164
    except InvalidPhoneNumber as exc:
        raise InvalidPhoneNumber(caller_id, exc.message, field="caller_id") from exc
    seed_shipped_profiles(session)
    profile_id = session.scalar(sa.select(ComplianceProfile.id).where(ComplianceProfile.code == profile_code))
    if profile_id is None:
        raise ValidationError("profile", f"no compliance profile {profile_code!r}")
    campaign = Campaign(name=name, profile_id=profile_id, purpose=purpose, mode=mode, caller_id=caller)
    session.add(campaign)
    session.flush()
    return campaign


def find_campaign(session: Session, key: str | int) -> Campaign:
    """A campaign by id or by exact name."""
    campaign = None
    if isinstance(key, int) or str(key).isdigit():
        campaign = session.get(Campaign, int(key))
    if campaign is None:
        campaign = session.scalar(sa.select(Campaign).where(Campaign.name == str(key)))
    if campaign is None:
        raise NotFound("campaign", key)
    return campaign
