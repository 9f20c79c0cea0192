"""Supervisor pages for outbound work: call lists and their reports, do-not-call lists, compliance profiles and
the "why can't I call this number now?" lookup. Forms post back here; the JSON API serves the same operations."""

from __future__ import annotations

import json
import re
import time
from datetime import date, datetime, timezone

import sqlalchemy as sa
from flask import current_app, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from crm_core.db import utcnow
from crm_core.errors import CrmError, ValidationError
from crm_core.models import (
    CAMPAIGN_PURPOSES, DIALING_MODES, CallList, Campaign, ComplianceProfile, DncRegistryImport, ImportRejection,
    User,
)
from dialer import dnc
from dialer.campaigns import create_campaign, find_campaign
from dialer.compliance import ComplianceGate, seed_shipped_profiles
from dialer.compliance.profiles import save_profile
from dialer.imports import ImportProgress, import_call_list
from dialer.lists import list_report

from ..db import get_session
from ..extensions import socketio
from . import bp
from .auth import supervisor_required
from .wiring import FLOOR_NAMESPACE, FLOOR_ROOM

REJECTED_SHOWN = 100
UPLOAD_ID = re.compile(r"[A-Za-z0-9-]{8,64}")
# An upload's progress reaches the page at most this often, unless the file moved on by PROGRESS_STEP.
PROGRESS_INTERVAL_SECONDS = 0.25
PROGRESS_STEP = 0.01


def _region() -> str:
    return current_app.config["DEFAULT_REGION"]


def _page(template: str, status: int = 200, **context):
    return render_template(template, user=current_user.as_dict(), **context), status


def _campaigns():
    return get_session().execute(sa.select(Campaign, ComplianceProfile.code).join(ComplianceProfile)
                                 .order_by(Campaign.name)).all()


@bp.get("/supervisor/lists")
@supervisor_required
def lists_page(error: str | None = None, status: int = 200):
    """Upload a call list, create a campaign, see the latest lists."""
    session = get_session()
    seed_shipped_profiles(session)
    session.commit()
    recent = session.scalars(sa.select(CallList).order_by(CallList.id.desc()).limit(50)).all()
    profiles = session.scalars(sa.select(ComplianceProfile.code).order_by(ComplianceProfile.code)).all()
    return _page("lists.html", status, campaigns=_campaigns(), lists=recent, profiles=profiles, error=error,
                 default_profile=_region(), purposes=CAMPAIGN_PURPOSES, modes=DIALING_MODES, form=request.form)


@bp.post("/supervisor/lists")
@supervisor_required
def upload_list_page():
    """Import the uploaded file into the chosen campaign, then show its report. The page's script asks for JSON
    and names the upload (`upload_id`), so the floor namespace can stream its progress to the page."""
    session, form = get_session(), request.form
    upload = request.files.get("file")
    wants_json = request.accept_mimetypes.best == "application/json"
    upload_id = form.get("upload_id", "")
    try:
        if upload is None or not upload.filename:
            raise ValidationError("file", "choose a CSV file")
        mapping = {f: form[f"map_{f}"].strip() for f in ("phone", "name", "consent")
                   if form.get(f"map_{f}", "").strip()}
        call_list = import_call_list(
            session, upload.stream, campaign=find_campaign(session, form.get("campaign", "")),
            name=form.get("name") or upload.filename, file_name=upload.filename, default_region=_region(),
            now=utcnow(), encoding=form.get("encoding", "auto"), delimiter=form.get("delimiter") or None,
            mapping=mapping, created_by=current_user.id,
            progress=UploadProgress(upload_id) if UPLOAD_ID.fullmatch(upload_id) else None)
    except CrmError as exc:
        session.rollback()
        if wants_json:
            return jsonify(message=str(exc), field=getattr(exc, "field", None)), 400
        return lists_page(error=str(exc), status=400)
    session.commit()
    report_url = url_for("console.list_report_page", list_id=call_list.id)
    return jsonify(report_url=report_url) if wants_json else redirect(report_url)


class UploadProgress:
    """Send an upload's progress to the supervisors' floor room as `import_progress`, throttled: a
    million-row file must not send an event per block to every supervisor."""

    def __init__(self, upload_id: str):
        self.upload_id = upload_id
        self.sent_at = float("-inf")
        self.sent_fraction = 0.0

    def __call__(self, progress: ImportProgress) -> None:
        now = time.monotonic()
        fraction = progress.bytes_read / progress.total_bytes if progress.total_bytes else 1.0
        if (fraction < 1.0 and now - self.sent_at < PROGRESS_INTERVAL_SECONDS
                and fraction - self.sent_fraction < PROGRESS_STEP):
            return
        self.sent_at, self.sent_fraction = now, fraction
        socketio.emit("import_progress", {
            "upload_id": self.upload_id, "bytes_read": progress.bytes_read, "total_bytes": progress.total_bytes,
            "rows_imported": progress.leads, "rows_rejected": progress.rejected,
        }, to=FLOOR_ROOM, namespace=FLOOR_NAMESPACE)


@bp.post("/supervisor/campaigns")
@supervisor_required
def create_campaign_page():
    """Create a campaign from the lists page."""
    session, form = get_session(), request.form
    try:
        create_campaign(session, name=form.get("campaign_name", ""), profile_code=form.get("profile", ""),
                        caller_id=form.get("caller_id", ""), purpose=form.get("purpose", "service"),
                        mode=form.get("mode", "progressive"), default_region=_region())
    except CrmError as exc:
        session.rollback()
        return lists_page(error=str(exc), status=400)
    session.commit()
    return redirect(url_for("console.lists_page"))


@bp.get("/supervisor/lists/<int:list_id>")
@supervisor_required
def list_report_page(list_id: int):
    """A list's import report with its first rejected rows."""
    session = get_session()
    report = list_report(session, list_id)
    rejected = session.scalars(sa.select(ImportRejection).where(ImportRejection.list_id == list_id)
                               .order_by(ImportRejection.row_number).limit(REJECTED_SHOWN)).all()
    return _page("lists_report.html", report=report, rejected=rejected, shown=REJECTED_SHOWN)


@bp.get("/supervisor/dnc")
@supervisor_required
def dnc_page(error: str | None = None, status: int = 200, number: str | None = None):
    """Look a number up on the do-not-call lists; add, remove (with a reason) or import a registry copy."""
    session = get_session()
    number = number or request.args.get("number", "").strip()
    found = None
    if number and error is None:
        try:
            found = dnc.number_status(session, number, default_region=_region())
        except CrmError as exc:
            error, status = str(exc), 400
    registries = session.scalars(sa.select(DncRegistryImport).order_by(
        DncRegistryImport.registry_date.desc(), DncRegistryImport.id.desc()).limit(20)).all()
    changed_by = {c["user_id"] for c in found["changes"] if c["user_id"]} if found else set()
    people = dict(session.execute(sa.select(User.id, User.full_name).where(User.id.in_(changed_by))).all())
    campaigns = _campaigns()
    return _page("dnc.html", status, number=number, found=found, error=error, campaigns=campaigns,
                 campaign_names={c.id: c.name for c, _ in campaigns}, registries=registries, people=people)


@bp.post("/supervisor/dnc")
@supervisor_required
def dnc_change_page():
    """Add or remove a number (the form's `action`), with its reason."""
    session, form = get_session(), request.form
    number = form.get("number", "")
    try:
        campaign_id = find_campaign(session, form["campaign"]).id if form.get("campaign") else None
        change = dnc.add_number if form.get("action") == "add" else dnc.remove_number
        entry = change(session, number, reason=form.get("reason", ""), default_region=_region(), now=utcnow(),
                       campaign_id=campaign_id, user_id=current_user.id)
    except CrmError as exc:
        session.rollback()
        return dnc_page(error=str(exc), status=400, number=number)
    session.commit()
    return redirect(url_for("console.dnc_page", number=entry.e164))


@bp.post("/supervisor/dnc/registry")
@supervisor_required
def dnc_registry_page():
    """Import a dated registry copy."""
    session, form = get_session(), request.form
    upload = request.files.get("file")
    try:
        if upload is None or not upload.filename:
            raise ValidationError("file", "choose the registry file")
        try:
            registry_date = date.fromisoformat(form.get("registry_date", ""))
        except ValueError:
            raise ValidationError("registry_date", "the copy's date as YYYY-MM-DD") from None
        dnc.import_registry(session, upload.stream, registry_code=form.get("registry", ""),
                            registry_date=registry_date, region=form.get("region") or _region(), now=utcnow(),
                            file_name=upload.filename, user_id=current_user.id)
    except CrmError as exc:
        session.rollback()
        return dnc_page(error=str(exc), status=400)
    session.commit()
    return redirect(url_for("console.dnc_page"))


@bp.get("/supervisor/profiles")
@supervisor_required
def profiles_page(error: str | None = None, status: int = 200, edited: str | None = None):
    """The compliance profiles (admins edit their rules or define new ones) and which campaign uses which.
    After a refused edit, the `edited` profile's form shows what was typed."""
    session = get_session()
    seed_shipped_profiles(session)
    session.commit()
    profiles = session.scalars(sa.select(ComplianceProfile).order_by(ComplianceProfile.code)).all()
    rules_text = {p.code: json.dumps(p.rules, indent=2, ensure_ascii=False) for p in profiles}
    if edited in rules_text:
        rules_text[edited] = request.form.get("rules", "")
    return _page("profiles.html", status, profiles=profiles, campaigns=_campaigns(), error=error,
                 is_admin=current_user.role == "admin", rules_text=rules_text, edited=edited, form=request.form)


@bp.post("/supervisor/profiles")
@supervisor_required
def new_profile_page():
    """Define a profile under a new code (admins only)."""
    return _save_profile(request.form.get("code", "").strip(), new=True)


@bp.post("/supervisor/profiles/<code>")
@supervisor_required
def save_profile_page(code: str):
    """Change a profile's name and rules (admins only)."""
    return _save_profile(code, new=False)


def _save_profile(code: str, *, new: bool):
    """Validate and store the posted rules under `code`; a new code must not be taken yet."""
    if current_user.role != "admin":
        return profiles_page(error="only admins define compliance profiles", status=403)
    session = get_session()
    try:
        if new and session.scalar(sa.select(ComplianceProfile.id).where(ComplianceProfile.code == code)):
            raise ValidationError("code", f"a profile {code} exists already: change it below")
        try:
            rules = json.loads(request.form.get("rules", ""))
        except ValueError as exc:
            raise ValidationError("rules", f"not valid JSON: {exc}") from None
        save_profile(session, code, request.form.get("name", ""), rules)
    except CrmError as exc:
        session.rollback()
        return profiles_page(error=str(exc), status=400, edited="" if new else code)
    session.commit()
    return redirect(url_for("console.profiles_page"))


@bp.post("/supervisor/campaigns/<int:campaign_id>/profile")
@supervisor_required
def assign_profile_page(campaign_id: int):
    """Put a campaign under another profile."""
    session = get_session()
    campaign = find_campaign(session, campaign_id)
    profile_id = session.scalar(sa.select(ComplianceProfile.id).where(
        ComplianceProfile.code == request.form.get("profile", "")))
    if profile_id is None:
        return profiles_page(error="choose a profile", status=400)
    campaign.profile_id = profile_id
    session.commit()
    return redirect(url_for("console.profiles_page"))


@bp.get("/supervisor/gate")
@supervisor_required
def gate_page():
    """Why can't I call this number now? The gate's answer for a number, campaign, time and mode."""
    session, args = get_session(), request.args
    decision, error = None, None
    if args.get("number") and args.get("campaign"):
        try:
            moment = _moment(args.get("at"))
            decision = ComplianceGate(session, default_region=_region()).check(
                find_campaign(session, args["campaign"]), number=args["number"], now=moment,
                mode=args.get("mode") or None, record=False)
        except CrmError as exc:
            error = str(exc)
    return _page("gate.html", 400 if error else 200, decision=decision, error=error, campaigns=_campaigns(),
                 modes=DIALING_MODES, args=args)


def _moment(value: str | None) -> datetime:
    """A datetime-local field (or ISO 8601); without an offset it is UTC. Empty: now."""
    if not value:
        return utcnow()
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValidationError("at", "a time such as 2026-06-01T18:30+03:00") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
