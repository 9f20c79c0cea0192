"""Dialer API: campaigns, call-list upload and reports, do-not-call lists, compliance profiles and the
"why can't I call this number now?" lookup. Supervisors and admins only; profile edits admins only."""

from __future__ import annotations

from datetime import date, datetime, timezone
from functools import wraps

import sqlalchemy as sa
from flask import Response, abort, current_app, g, jsonify, request, stream_with_context

from crm_core.db import utcnow
from crm_core.errors import NotFound, ValidationError
from crm_core.models import Campaign, ComplianceProfile, DncRegistryImport
from dialer import dnc
from dialer.campaigns import create_campaign, find_campaign
from dialer.compliance import ComplianceGate, abandon_rate, seed_shipped_profiles
from dialer.compliance.profiles import save_profile
from dialer.imports import import_call_list, rejections_csv
from dialer.lists import build_list_from_segment, list_report

from ..db import get_session
from . import bp
from .auth import require_user
from .request_checks import is_record_id

SUPERVISOR_ROLES = ("supervisor", "admin")
MAPPED_FIELDS = ("phone", "name", "consent")
MOMENT_YEARS = (1970, 2999)


def supervisors_only(view):
    """403 unless the authenticated user is a supervisor or an admin (put under require_user)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if g.user.role not in SUPERVISOR_ROLES:
            abort(403, description="supervisors and admins only")
        return view(*args, **kwargs)

    return wrapper


def _region() -> str:
    return current_app.config["DEFAULT_REGION"]


def _body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ValidationError("body", "expected a JSON object (Content-Type: application/json)")
    return body


def _text(body: dict, name: str, default: str | None = None) -> str | None:
    """A text field of the body (absent or null: `default`), or a ValidationError naming it."""
    value = body.get(name)
    if value is None:
        return default
    if not isinstance(value, str):
        raise ValidationError(name, "must be text")
    return value


def _campaign(session, key, field: str) -> Campaign:
    """The campaign a body or query names by id or by name; an id no campaign can have is not found."""
    if isinstance(key, bool) or not isinstance(key, (int, str)):
        raise ValidationError(field, "a campaign's id or name")
    if (isinstance(key, int) or key.isdecimal()) and not is_record_id(int(key)):
        raise NotFound("campaign", key)
    return find_campaign(session, key)


def _moment(value: str | None) -> datetime:
    """`at` as ISO 8601 (UTC without an offset); default: now. Years far from ours are refused: calling windows
    and abandon windows are worked out around the moment, in every zone, and must stay within the calendar."""
    if not value:
        return utcnow()
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValidationError("at", "an ISO 8601 time, e.g. 2026-06-01T18:30+03:00") from None
    if not MOMENT_YEARS[0] <= moment.year <= MOMENT_YEARS[1]:
        raise ValidationError("at", f"a moment between the years {MOMENT_YEARS[0]} and {MOMENT_YEARS[1]}")
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _campaign_dict(campaign: Campaign, profile_code: str) -> dict:
    return {"id": campaign.id, "name": campaign.name, "profile": profile_code, "purpose": campaign.purpose,
            "mode": campaign.mode, "caller_id": campaign.caller_id, "status": campaign.status}


def _profile_dict(profile: ComplianceProfile) -> dict:
    return {"code": profile.code, "name": profile.name, "shipped": profile.shipped, "rules": profile.rules,
            "updated_at": profile.updated_at.isoformat()}


@bp.get("/campaigns")
@require_user
@supervisors_only
def list_campaigns():
    """Every campaign with its profile."""
    rows = get_session().execute(sa.select(Campaign, ComplianceProfile.code).join(ComplianceProfile)
                                 .order_by(Campaign.id))
    return jsonify(campaigns=[_campaign_dict(c, code) for c, code in rows])


@bp.post("/campaigns")
@require_user
@supervisors_only
def create_campaign_route():
    """Create a campaign: name, profile, caller_id, purpose (service|advertising), mode."""
    body, session = _body(), get_session()
    campaign = create_campaign(session, name=_text(body, "name"), profile_code=_text(body, "profile"),
                               caller_id=_text(body, "caller_id"), purpose=_text(body, "purpose", "service"),
                               mode=_text(body, "mode", "progressive"), default_region=_region())
    session.commit()
    return jsonify(_campaign_dict(campaign, _text(body, "profile"))), 201


@bp.post("/campaigns/<int:campaign_id>/lists")
@require_user
@supervisors_only
def upload_list(campaign_id: int):
    """Upload a CSV (multipart `file`; optional name, encoding, delimiter, map_phone, map_name, map_consent)."""
    session = get_session()
    campaign = find_campaign(session, campaign_id)
    upload = request.files.get("file")
    if upload is None:
        raise ValidationError("file", "send the list as a multipart field named file")
    form = request.form
    mapping = {field: form[f"map_{field}"] for field in MAPPED_FIELDS if form.get(f"map_{field}")}
    call_list = import_call_list(
        session, upload.stream, campaign=campaign, name=form.get("name") or upload.filename,
        file_name=upload.filename, default_region=_region(), now=utcnow(), encoding=form.get("encoding", "auto"),
        delimiter=form.get("delimiter") or None, mapping=mapping, created_by=g.user.id)
    session.commit()
    return jsonify(list_report(session, call_list.id)), 201


@bp.post("/campaigns/<int:campaign_id>/lists/segment")
@require_user
@supervisors_only
def segment_list(campaign_id: int):
    """Build a list from customers: name, ordered_within_days, not_contacted_days, segment."""
    body, session = _body(), get_session()
    call_list = build_list_from_segment(
        session, find_campaign(session, campaign_id), name=_text(body, "name"), default_region=_region(), now=utcnow(),
        ordered_within_days=body.get("ordered_within_days"), not_contacted_days=body.get("not_contacted_days"),
        segment=_text(body, "segment"), created_by=g.user.id)
    session.commit()
    return jsonify(list_report(session, call_list.id)), 201


@bp.get("/lists/<int:list_id>")
@require_user
@supervisors_only
def show_list(list_id: int):
    """A list's import report."""
    return jsonify(list_report(get_session(), list_id))


@bp.get("/lists/<int:list_id>/rejected.csv")
@require_user
@supervisors_only
def rejected_rows(list_id: int):
    """The rows that did not become leads, with row number and reason, as CSV."""
    list_report(get_session(), list_id)  # 404 for an unknown list

    @stream_with_context
    def rows():
        # The request's session is closed once the view returns; the stream opens its own, closed at teardown.
        yield from rejections_csv(get_session(), list_id)

    return Response(rows(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="list-{list_id}-rejected.csv"'})


@bp.get("/dnc")
@require_user
@supervisors_only
def dnc_status():
    """The lists a number is on and its change history: `?number=...`."""
    return jsonify(dnc.number_status(get_session(), request.args.get("number", ""), default_region=_region()))


@bp.post("/dnc")
@require_user
@supervisors_only
def dnc_add():
    """Add a number: number, reason, optional campaign_id."""
    body, session = _body(), get_session()
    entry = dnc.add_number(session, _text(body, "number", ""), reason=_text(body, "reason"),
                           default_region=_region(), now=utcnow(), campaign_id=_campaign_id(session, body),
                           user_id=g.user.id)
    session.commit()
    return jsonify(dnc.number_status(session, entry.e164, default_region=_region())), 201


@bp.delete("/dnc")
@require_user
@supervisors_only
def dnc_remove():
    """Remove a number: number, reason (required, audited), optional campaign_id."""
    body, session = _body(), get_session()
    entry = dnc.remove_number(session, _text(body, "number", ""), reason=_text(body, "reason"),
                              default_region=_region(), now=utcnow(), campaign_id=_campaign_id(session, body),
                              user_id=g.user.id)
    session.commit()
    return jsonify(dnc.number_status(session, entry.e164, default_region=_region()))


@bp.get("/dnc/registries")
@require_user
@supervisors_only
def registry_copies():
    """The imported registry copies, newest first."""
    copies = get_session().scalars(sa.select(DncRegistryImport).order_by(DncRegistryImport.registry_date.desc(),
                                                                         DncRegistryImport.id.desc()))
    return jsonify(registries=[{"id": c.id, "registry": c.registry_code, "registry_date": c.registry_date.isoformat(),
                                "entries": c.entries_count, "skipped": c.rejected_count, "file_name": c.file_name,
                                "imported_at": c.imported_at.isoformat()} for c in copies])


@bp.post("/dnc/registries")
@require_user
@supervisors_only
def registry_import():
    """Import a registry copy: multipart file, registry, registry_date (YYYY-MM-DD), optional region."""
    upload = request.files.get("file")
    if upload is None:
        raise ValidationError("file", "send the registry as a multipart field named file")
    try:
        registry_date = date.fromisoformat(request.form.get("registry_date", ""))
    except ValueError:
        raise ValidationError("registry_date", "the copy's date as YYYY-MM-DD") from None
    session = get_session()
    copy = dnc.import_registry(session, upload.stream, registry_code=request.form.get("registry", ""),
                               registry_date=registry_date, region=request.form.get("region") or _region(),
                               now=utcnow(), file_name=upload.filename,
                               user_id=g.user.id)
    session.commit()
    return jsonify(id=copy.id, registry=copy.registry_code, registry_date=copy.registry_date.isoformat(),
                   entries=copy.entries_count, skipped=copy.rejected_count), 201


@bp.get("/profiles")
@require_user
@supervisors_only
def list_profiles():
    """Every compliance profile with its rules (shipped ones stored on first use)."""
    session = get_session()
    seed_shipped_profiles(session)
    session.commit()
    return jsonify(profiles=[_profile_dict(p) for p in session.scalars(
        sa.select(ComplianceProfile).order_by(ComplianceProfile.code))])


@bp.get("/profiles/<code>")
@require_user
@supervisors_only
def show_profile(code: str):
    """One profile."""
    session = get_session()
    seed_shipped_profiles(session)
    session.commit()
    profile = session.scalar(sa.select(ComplianceProfile).where(ComplianceProfile.code == code))
    if profile is None:
        raise NotFound("compliance profile", code)
    return jsonify(_profile_dict(profile))


@bp.put("/profiles/<code>")
@require_user
def save_profile_route(code: str):
    """Create or replace a profile: name and rules, validated (admins only)."""
    if g.user.role != "admin":
        abort(403, description="only admins define compliance profiles")
    body, session = _body(), get_session()
    profile = save_profile(session, code, _text(body, "name") or "", body.get("rules"))
    session.commit()
    return jsonify(_profile_dict(profile))


@bp.put("/campaigns/<int:campaign_id>/profile")
@require_user
@supervisors_only
def assign_profile(campaign_id: int):
    """Put a campaign under another profile: {"profile": "FR"}."""
    session = get_session()
    campaign = find_campaign(session, campaign_id)
    code = _text(_body(), "profile")
    seed_shipped_profiles(session)
    profile_id = session.scalar(sa.select(ComplianceProfile.id).where(ComplianceProfile.code == code))
    if profile_id is None:
        raise ValidationError("profile", f"no compliance profile {code!r}")
    campaign.profile_id = profile_id
    session.commit()
    return jsonify(_campaign_dict(campaign, code))


@bp.get("/gate")
@require_user
@supervisors_only
def gate_lookup():
    """Why can't I call this number now? `?number=...&campaign=...&at=ISO&mode=...` (nothing is recorded)."""
    session = get_session()
    campaign = _campaign(session, request.args.get("campaign", ""), "campaign")
    decision = ComplianceGate(session, default_region=_region()).check(
        campaign, number=request.args.get("number", ""), now=_moment(request.args.get("at")),
        mode=request.args.get("mode") or None, record=False)
    return jsonify(decision.as_dict())


@bp.get("/campaigns/<int:campaign_id>/abandon-rate")
@require_user
@supervisors_only
def campaign_abandon_rate(campaign_id: int):
    """The campaign's abandoned-call rate over its profile's window ending `?at=` (default now)."""
    session = get_session()
    rate = abandon_rate(session, find_campaign(session, campaign_id), _moment(request.args.get("at")))
    return jsonify(rate.as_dict())


def _campaign_id(session, body: dict) -> int | None:
    key = body.get("campaign_id")
    return None if key is None else _campaign(session, key, "campaign_id").id
