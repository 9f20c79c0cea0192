"""Campaigns: create one under a profile, find one by id or name, set how it dials, start, pause or stop it."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from crm_core.db import MAX_RECORD_ID
from crm_core.errors import InvalidPhoneNumber, NotFound, ValidationError
from crm_core.models import (
    CAMPAIGN_PURPOSES, DIALING_MODES, MACHINE_ACTIONS, Campaign, CampaignDialing, ComplianceProfile, Disposition, Lead,
)
from crm_core.phones import normalize_phone

from .compliance.profiles import seed_shipped_profiles
from .recycle import DEFAULT_RULES, RECYCLED_OUTCOMES, parse_rules

# Twilio reads at most 4,096 characters in one <Say>; a message longer than a minute or so loses its listener.
MAX_MESSAGE_CHARS = 1000
MAX_SCRIPT_CHARS = 10000
# What each action does: the statuses it applies to and the status it leads to. A stopped campaign is over.
STATUS_ACTIONS = {
    "start": (("draft", "paused"), "running"),
    "pause": (("running",), "paused"),
    "stop": (("draft", "running", "paused"), "stopped"),
}


def create_campaign(session: Session, *, name: str, profile_code: str, caller_id: str, purpose: str = "service",
                    mode: str = "progressive", default_region: str) -> Campaign:
    """Create a campaign under a compliance profile; its caller ID is required and stored in E.164. Flushes."""
    name = (name if isinstance(name, str) else "").strip()
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
    """A campaign by id or by exact name (an id no campaign can have, or a key that is not text or a whole
    number, is simply not found)."""
    if isinstance(key, bool) or not isinstance(key, (int, str)):
        raise NotFound("campaign", key)
    campaign = None
    if isinstance(key, int) or key.isascii() and key.isdigit():
        if not 1 <= int(key) <= MAX_RECORD_ID:
            raise NotFound("campaign", key)
        campaign = session.get(Campaign, int(key))
    if campaign is None:
        campaign = session.scalar(sa.select(Campaign).where(Campaign.name == str(key)))
    if campaign is None:
        raise NotFound("campaign", key)
    return campaign


@dataclass(frozen=True)
class DialingSettings:
    """What a supervisor sets on a campaign: its mode, caller ID and script, what to do with answering machines,
    the safe-harbor message's wording and callback number, the wrap-up dispositions offered to agents (none:
    every active one) and the recycle rules per outcome ({"busy": {"delay_seconds": 600, "max_tries": 4}, ...})."""

    mode: str
    caller_id: str
    script: str = ""
    machine_action: str = "hangup"
    voicemail_text: str = ""
    safe_harbor_text: str = ""
    callback_number: str = ""
    dispositions: tuple[str, ...] = ()
    recycle_rules: dict = field(default_factory=lambda: dict(DEFAULT_RULES))


class SettingsRejected(ValidationError):
    """Settings refused, with one message per field (`errors`); the first is the exception's own."""

    def __init__(self, errors: dict[str, str]):
        field_name, message = next(iter(errors.items()))
        super().__init__(field_name, message)
        self.errors = errors


def dialing_settings(session: Session, campaign: Campaign) -> DialingSettings:
    """The campaign's settings as they apply now (defaults where it has none)."""
    row = session.get(CampaignDialing, campaign.id)
    if row is None:
        return DialingSettings(mode=campaign.mode, caller_id=campaign.caller_id)
    rules = {outcome: {"delay_seconds": rule.delay_seconds, "max_tries": rule.max_tries}
             for outcome, rule in parse_rules(row.recycle_rules).items()}
    return DialingSettings(
        mode=campaign.mode, caller_id=campaign.caller_id, script=row.script or "", machine_action=row.machine_action,
        voicemail_text=row.voicemail_text or "", safe_harbor_text=row.safe_harbor_text or "",
        callback_number=row.callback_number or "", dispositions=tuple(row.dispositions or ()), recycle_rules=rules)


def save_dialing_settings(session: Session, campaign: Campaign, settings: DialingSettings, *,
                          default_region: str) -> CampaignDialing:
    """Validate every setting (SettingsRejected names each bad one) and store them; a running campaign dials
    by them from the pacer's next round. Flushes."""
    errors: dict[str, str] = {}
    if settings.mode not in DIALING_MODES:
        errors["mode"] = f"one of {', '.join(DIALING_MODES)}"
    caller_id = _e164(settings.caller_id, default_region, "caller_id", errors, required=True)
    callback_number = _e164(settings.callback_number, default_region, "callback_number", errors, required=False)
    if settings.machine_action not in MACHINE_ACTIONS:
        errors["machine_action"] = f"one of {', '.join(MACHINE_ACTIONS)}"
    elif settings.machine_action == "voicemail" and not settings.voicemail_text.strip():
        errors["voicemail_text"] = "write the message to leave on answering machines"
    for name in ("voicemail_text", "safe_harbor_text"):
        if len(getattr(settings, name)) > MAX_MESSAGE_CHARS:
            errors[name] = f"at most {MAX_MESSAGE_CHARS} characters"
    if len(settings.script) > MAX_SCRIPT_CHARS:
        errors["script"] = f"at most {MAX_SCRIPT_CHARS} characters"
    known = set(session.scalars(sa.select(Disposition.code).where(Disposition.active)))
    unknown = [code for code in settings.dispositions if code not in known]
    if unknown:
        errors["dispositions"] = f"no such disposition: {', '.join(unknown)}"
    for outcome in RECYCLED_OUTCOMES:
        try:
            parse_rules({outcome: settings.recycle_rules.get(outcome, DEFAULT_RULES[outcome])})
        except ValidationError as exc:
            errors[exc.field] = exc.message
    if errors:
        raise SettingsRejected(errors)

    row = session.get(CampaignDialing, campaign.id)
    if row is None:
        row = CampaignDialing(campaign_id=campaign.id)
        session.add(row)
    campaign.mode, campaign.caller_id = settings.mode, caller_id
    row.script = settings.script.strip() or None
    row.machine_action = settings.machine_action
    row.voicemail_text = settings.voicemail_text.strip() or None
    row.safe_harbor_text = settings.safe_harbor_text.strip() or None
    row.callback_number = callback_number
    row.dispositions = list(dict.fromkeys(settings.dispositions))
    row.recycle_rules = {outcome: {"delay_seconds": rule.delay_seconds, "max_tries": rule.max_tries}
                         for outcome, rule in parse_rules(settings.recycle_rules).items()}
    session.flush()
    return row


def _e164(raw: str, default_region: str, name: str, errors: dict, *, required: bool) -> str | None:
    """The number in E.164, or None when it may be left empty; a bad one is added to `errors`."""
    if not raw.strip():
        if required:
            errors[name] = "a number is required"
        return None
    try:
        return normalize_phone(raw, default_region).e164
    except InvalidPhoneNumber as exc:
        errors[name] = exc.message
        return None


def lead_context(session: Session, campaign_id: int, lead: Lead | None) -> dict:
    """What an agent is shown of a campaign's lead: the campaign, the lead's name and the extra columns of its
    list, the script, and the wrap-up dispositions the campaign allows (empty: any)."""
    settings = session.get(CampaignDialing, campaign_id)
    return {
        "campaign_id": campaign_id, "campaign": session.get(Campaign, campaign_id).name,
        "lead_id": lead.id if lead is not None else None, "lead": lead.name if lead is not None else None,
        "lead_fields": dict(lead.extra or {}) if lead is not None else {},
        "script": settings.script if settings is not None else None,
        "dispositions": list(settings.dispositions or []) if settings is not None else [],
    }


def change_campaign_status(session: Session, campaign: Campaign, action: str) -> Campaign:
    """Start, pause or stop a campaign. The pacer obeys at its next round: no new calls once paused or stopped
    (launched ones not yet placed are withdrawn), while calls in progress finish. Asking again for the status
    it has changes nothing. Flushes."""
    if action not in STATUS_ACTIONS:
        raise ValidationError("action", f"one of {', '.join(STATUS_ACTIONS)}")
    applies_to, target = STATUS_ACTIONS[action]
    if campaign.status == target:
        return campaign
    if campaign.status not in applies_to:
        done = {"start": "started again", "pause": "paused"}[action]  # stop applies to every other status
        raise ValidationError("action", f"a {campaign.status} campaign cannot be {done}")
    campaign.status = target
    session.flush()
    return campaign
