"""Conferences and participants: list rooms, dial people in, mute, hold, coach and kick them."""

from __future__ import annotations

from flask import Response, g, jsonify, request

from .. import operations, resources
from ..callbacks import EVENTS
from ..calls import StatusCallback
from ..conferences import Conference, Participant
from .blueprints import rest_blueprint, sandbox
from .forms import flag, page, required

bp = rest_blueprint("rest_conferences")


@bp.get("/Conferences.json")
def list_conferences() -> Response:
    """GET Conferences.json, filtered by FriendlyName and Status."""
    filters = {name: request.args[name] for name in ("FriendlyName", "Status") if request.args.get(name)}
    number, size = page()
    with sandbox().lock:
        rooms = [
            c
            for c in sorted(sandbox().conferences.values(), key=lambda c: c.date_created, reverse=True)
            if c.account_sid == g.account_sid
            and filters.get("FriendlyName", c.friendly_name) == c.friendly_name
            and filters.get("Status", c.status) == c.status
        ]
        items = [resources.conference_json(c) for c in rooms]
    return jsonify(resources.page_json("conferences", items, request.path, number, size, filters))


@bp.get("/Conferences/<sid>.json")
def fetch_conference(sid: str) -> Response:
    """GET Conferences/{Sid}.json."""
    with sandbox().lock:
        return jsonify(resources.conference_json(sandbox().conference(sid, g.account_sid)))


@bp.post("/Conferences/<sid>.json")
def update_conference(sid: str) -> Response:
    """POST Conferences/{Sid}.json Status=completed: end the room for everyone."""
    conference = sandbox().conference(sid, g.account_sid)
    if request.form.get("Status") == "completed":
        operations.end_conference(sandbox(), conference)
    with sandbox().lock:
        return jsonify(resources.conference_json(conference))


@bp.get("/Conferences/<sid>/Participants.json")
def list_participants(sid: str) -> Response:
    """GET Participants.json: who is in the room or on the way in."""
    number, size = page()
    with sandbox().lock:
        conference = sandbox().conference(sid, g.account_sid)
        present = [p for p in conference.participants.values() if p.status not in ("complete", "failed")]
        items = [resources.participant_json(conference, p) for p in present]
    return jsonify(resources.page_json("participants", items, request.path, number, size))


@bp.post("/Conferences/<sid>/Participants.json")
def add_participant(sid: str) -> tuple[Response, int]:
    """POST Participants.json: dial To and put the call in the room (by SID or FriendlyName)."""
    to = required("To", 21201, "No 'To' number is specified")
    from_ = required("From", 21213, "No 'From' number is specified")
    conference = _room(sid)
    callback_url = request.form.get("StatusCallback")
    events = [e for value in request.form.getlist("StatusCallbackEvent") for e in value.split()] or ["completed"]
    participant = Participant(
        "",
        sandbox().clock.now(),
        label=request.form.get("Label"),
        muted=flag("Muted") or False,
        coaching=flag("Coaching") or False,
        call_sid_to_coach=request.form.get("CallSidToCoach"),
        start_conference_on_enter=flag("StartConferenceOnEnter") is not False,
        end_conference_on_exit=flag("EndConferenceOnExit") or False,
    )
    call = operations.add_participant(
        sandbox(),
        g.account,
        conference,
        participant,
        to=to,
        from_=from_,
        status_callback=StatusCallback(
            callback_url,
            request.form.get("StatusCallbackMethod", "POST").upper(),
            frozenset(e for e in events if e in EVENTS),
        )
        if callback_url
        else None,
        ring_timeout=float(request.form.get("Timeout", 60)),
    )
    with sandbox().lock:
        return jsonify(resources.participant_json(conference, conference.participants[call.sid])), 201


@bp.get("/Conferences/<sid>/Participants/<call_sid>.json")
def fetch_participant(sid: str, call_sid: str) -> Response:
    """GET Participants/{CallSid}.json."""
    with sandbox().lock:
        conference = sandbox().conference(sid, g.account_sid)
        return jsonify(resources.participant_json(conference, operations.present_participant(conference, call_sid)))


@bp.post("/Conferences/<sid>/Participants/<call_sid>.json")
def update_participant(sid: str, call_sid: str) -> Response:
    """POST Participants/{CallSid}.json: Muted, Hold, Coaching, CallSidToCoach, EndConferenceOnExit."""
    conference = sandbox().conference(sid, g.account_sid)
    changes = {
        "muted": flag("Muted"),
        "hold": flag("Hold"),
        "coaching": flag("Coaching"),
        "call_sid_to_coach": request.form.get("CallSidToCoach"),
        "end_conference_on_exit": flag("EndConferenceOnExit"),
    }
    participant = operations.update_participant(sandbox(), conference, call_sid, changes)
    with sandbox().lock:
        return jsonify(resources.participant_json(conference, participant))


@bp.delete("/Conferences/<sid>/Participants/<call_sid>.json")
def kick_participant(sid: str, call_sid: str) -> tuple[str, int]:
    """DELETE Participants/{CallSid}.json: remove the participant from the room."""
    operations.kick_participant(sandbox(), sandbox().conference(sid, g.account_sid), call_sid)
    return "", 204


def _room(sid_or_name: str) -> Conference:
    """Return the room addressed by SID, or by FriendlyName (opened on first use, as Twilio does)."""
    if sid_or_name.startswith("CF"):
        return sandbox().conference(sid_or_name, g.account_sid)
    return sandbox().conference_named(g.account_sid, sid_or_name) or sandbox().create_conference(
        g.account_sid, sid_or_name
    )
