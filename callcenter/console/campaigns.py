"""Supervisor pages of campaigns: every campaign with its live progress, one campaign's dialing settings, and
start, pause and stop. The pacer pushes progress to the supervisors' floor room (`campaign_progress`) through
the Socket.IO message queue; a status change here pushes it at once."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import current_app, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import Session

from crm_core.db import utcnow
from crm_core.errors import ValidationError
from crm_core.models import DIALING_MODES, MACHINE_ACTIONS, Campaign
from crm_core.wrapup import active_dispositions
from dialer.campaigns import (
    STATUS_ACTIONS, DialingSettings, SettingsRejected, change_campaign_status, dialing_settings, find_campaign,
    save_dialing_settings,
)
from dialer.progress import campaign_progress, watched_campaigns
from dialer.recycle import RECYCLED_OUTCOMES

from ..db import get_session
from ..extensions import socketio
from . import bp
from .auth import supervisor_required
from .wiring import FLOOR_NAMESPACE, FLOOR_ROOM

PROGRESS_EVENT = "campaign_progress"
# What the page calls each recycled outcome, and each setting in its list of errors.
OUTCOME_LABELS = {"busy": "Busy", "no-answer": "No answer", "machine": "Answering machine",
                  "failed": "Failed", "abandoned": "Abandoned (heard the safe-harbor message)"}
FIELD_LABELS = {"mode": "Mode", "caller_id": "Caller ID", "script": "Script", "machine_action": "Answering machines",
                "voicemail_text": "Voicemail message", "safe_harbor_text": "Safe-harbor message",
                "callback_number": "Callback number", "dispositions": "Wrap-up dispositions"} | {
    f"recycle_rules.{outcome}": f"Recycle rule: {label}" for outcome, label in OUTCOME_LABELS.items()}


@bp.get("/supervisor/campaigns")
@supervisor_required
def campaigns_page():
    """Every campaign with its progress, kept live by the pacer's updates."""
    session, now = get_session(), utcnow()
    campaigns = session.scalars(sa.select(Campaign).order_by(Campaign.name)).all()
    return render_template("campaigns.html", user=current_user.as_dict(),
                           progress=[campaign_progress(session, c, now).as_dict() for c in campaigns])


@bp.get("/supervisor/campaigns/<int:campaign_id>")
@supervisor_required
def campaign_page(campaign_id: int):
    """One campaign: its live progress, start/pause/stop, and its dialing settings."""
    session = get_session()
    campaign = find_campaign(session, campaign_id)
    return _campaign_page(session, campaign)


@bp.post("/supervisor/campaigns/<int:campaign_id>/settings")
@supervisor_required
def save_campaign_settings_page(campaign_id: int):
    """Save the settings; every refused field is shown beside its input with why."""
    session = get_session()
    campaign = find_campaign(session, campaign_id)
    try:
        save_dialing_settings(session, campaign, _settings_from(request.form),
                              default_region=current_app.config["DEFAULT_REGION"])
    except SettingsRejected as exc:
        session.rollback()
        return _campaign_page(session, campaign, request.form, request.form.getlist("dispositions"),
                              errors=exc.errors, status=400)
    session.commit()
    return redirect(url_for("console.campaign_page", campaign_id=campaign.id, saved=1))


@bp.post("/supervisor/campaigns/<int:campaign_id>/status")
@supervisor_required
def campaign_status_page(campaign_id: int):
    """Start, pause or stop the campaign (the form's `action`); the pacer obeys at its next round."""
    session = get_session()
    campaign = find_campaign(session, campaign_id)
    try:
        change_campaign_status(session, campaign, request.form.get("action", ""))
    except ValidationError as exc:
        session.rollback()
        return _campaign_page(session, campaign, errors={"action": exc.message}, status=400)
    session.commit()
    publish_progress(session, [campaign], utcnow())
    return redirect(url_for("console.campaign_page", campaign_id=campaign.id))


def publish_progress(session: Session, campaigns, now: datetime) -> None:
    """Push each campaign's progress to the supervisors' floor room (from any process: the message queue
    carries it to the web processes)."""
    for campaign in campaigns:
        socketio.emit(PROGRESS_EVENT, campaign_progress(session, campaign, now).as_dict(), to=FLOOR_ROOM,
                      namespace=FLOOR_NAMESPACE)


def publish_watched_progress(session: Session, now: datetime) -> None:
    """Push the progress of every campaign whose figures can change now (the pacer calls this)."""
    publish_progress(session, watched_campaigns(session, now), now)


def _campaign_page(session: Session, campaign: Campaign, values=None, chosen=None, *, errors: dict | None = None,
                   status: int = 200):
    """The campaign's page with the form holding `values` and the `chosen` dispositions (default: as saved)."""
    if values is None:
        settings = dialing_settings(session, campaign)
        values, chosen = _form_values(settings), list(settings.dispositions)
    progress = campaign_progress(session, campaign, utcnow()).as_dict()
    actions = [action for action, (applies_to, _) in STATUS_ACTIONS.items() if campaign.status in applies_to]
    return render_template(
        "campaign.html", user=current_user.as_dict(), campaign=campaign, progress=progress, values=values,
        chosen=chosen, errors=errors or {}, field_labels=FIELD_LABELS, actions=actions,
        status_actions=STATUS_ACTIONS.items(), modes=DIALING_MODES, machine_actions=MACHINE_ACTIONS,
        outcomes=[(o, OUTCOME_LABELS[o]) for o in RECYCLED_OUTCOMES], dispositions=active_dispositions(session),
        saved=request.args.get("saved") == "1" and not errors,
    ), status


def _form_values(settings: DialingSettings) -> dict:
    """The settings as the form's fields hold them (waits in minutes)."""
    values = {name: getattr(settings, name) or "" for name in (
        "mode", "caller_id", "script", "machine_action", "voicemail_text", "safe_harbor_text", "callback_number")}
    for outcome, rule in settings.recycle_rules.items():
        values[f"{outcome}_delay_minutes"] = str(rule["delay_seconds"] // 60)
        values[f"{outcome}_max_tries"] = str(rule["max_tries"])
    return values


def _settings_from(form) -> DialingSettings:
    """The submitted form as settings; a wait or a number of tries that is not a whole number is passed on as
    None, for the domain's validation to name it."""
    return DialingSettings(
        mode=form.get("mode", ""), caller_id=form.get("caller_id", ""), script=form.get("script", ""),
        machine_action=form.get("machine_action", ""), voicemail_text=form.get("voicemail_text", ""),
        safe_harbor_text=form.get("safe_harbor_text", ""), callback_number=form.get("callback_number", ""),
        dispositions=tuple(form.getlist("dispositions")),
        recycle_rules={outcome: {"delay_seconds": _times(form.get(f"{outcome}_delay_minutes"), 60),
                                 "max_tries": _times(form.get(f"{outcome}_max_tries"), 1)}
                       for outcome in RECYCLED_OUTCOMES},
    )


def _times(raw: str | None, factor: int) -> int | None:
    try:
        return int((raw or "").strip()) * factor
    except ValueError:
        return None
