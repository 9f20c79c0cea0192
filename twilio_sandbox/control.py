"""The control API under /_sandbox/: set the scene (accounts, numbers, callees, devices),
play the far end of calls, and read what happened. JSON, no auth: a test and demo harness."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, current_app, jsonify, request

from . import operations
from .calls import Call, StatusCallback, Target
from .clock import rfc2822
from .directory import CallbackFaults, IncomingNumber
from .errors import InvalidParameter, SandboxError
from .parties import BEHAVIOURS, Callee, Device
from .script import validate_script
from .sids import new_sid
from .state import Sandbox

bp = Blueprint("control", __name__, url_prefix="/_sandbox")

# Optional geography of a placed call: {"from_city": "MOSCOW"} becomes FromCity/CallerCity.
_PLACE_FIELDS = {
    f"{side}_{place}": f"{side.capitalize()}{place.capitalize()}"
    for side in ("from", "to")
    for place in ("city", "state", "zip", "country")
}


def sandbox() -> Sandbox:
    """Return the app's Sandbox."""
    return current_app.extensions["sandbox"]


@bp.errorhandler(SandboxError)
def refuse(error: SandboxError) -> tuple[Response, int]:
    """Answer with the error as JSON."""
    return jsonify({"error": error.message, "code": error.code}), error.status


def _body() -> dict:
    """Return the JSON body, refusing anything else."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidParameter("expected a JSON object body")
    return body


def _field(body: dict, name: str) -> str:
    """Return a required string field."""
    value = body.get(name)
    if not isinstance(value, str) or not value:
        raise InvalidParameter(f"{name} is required")
    return value


def _number(body: dict, name: str, default: float | None) -> float | None:
    """Return an optional number of seconds (or a confidence); null keeps None."""
    value = body.get(name, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise InvalidParameter(f"{name} must be a non-negative number")
    return float(value)


@bp.post("/accounts")
def add_account() -> tuple[Response, int]:
    """Create an account (AccountSid, AuthToken, optional CPS)."""
    body = _body()
    account = sandbox().add_account(_field(body, "account_sid"), _field(body, "auth_token"), body.get("cps"))
    return jsonify({"account_sid": account.sid, "cps": account.cps}), 201


@bp.put("/accounts/<sid>/callback-faults")
def set_callback_faults(sid: str) -> Response:
    """Make the account's status callbacks arrive twice (`duplicate`) and/or late and out of order
    (`late_by` real seconds); an empty object restores faithful delivery."""
    body = _body()
    duplicate = body.get("duplicate", False)
    if not isinstance(duplicate, bool):
        raise InvalidParameter("duplicate must be true or false")
    faults = CallbackFaults(duplicate=duplicate, late_by=_number(body, "late_by", 0.0))
    with sandbox().lock:
        sandbox().account(sid).callback_faults = faults
    return jsonify({"account_sid": sid, "duplicate": faults.duplicate, "late_by": faults.late_by})


@bp.post("/numbers")
def add_number() -> tuple[Response, int]:
    """Register one of our phone numbers and the webhooks its calls fetch."""
    body = _body()
    fallback = body.get("voice_fallback_url")
    status_callback = body.get("status_callback")
    number = IncomingNumber(
        sid=new_sid("PN"),
        phone_number=_field(body, "phone_number"),
        account_sid=_field(body, "account_sid"),
        voice=Target(_field(body, "voice_url"), body.get("voice_method", "POST").upper()),
        voice_fallback=Target(fallback, body.get("voice_fallback_method", "POST").upper()) if fallback else None,
        status_callback=StatusCallback(status_callback, body.get("status_callback_method", "POST").upper())
        if status_callback
        else None,
    )
    sandbox().add_number(number)
    return jsonify({"sid": number.sid, "phone_number": number.phone_number}), 201


@bp.post("/calls")
def place_call() -> tuple[Response, int]:
    """A simulated customer dials one of our numbers."""
    body = _body()
    places = {key: str(body[field]) for field, key in _PLACE_FIELDS.items() if body.get(field)}
    call = operations.place_inbound_call(
        sandbox(),
        _field(body, "from"),
        _field(body, "to"),
        body.get("script"),
        caller_name=body.get("caller_name"),
        forwarded_from=body.get("forwarded_from"),
        patience=_number(body, "patience", 600.0),
        talk_for=_number(body, "talk_for", None),
        places=places,
    )
    return jsonify({"sid": call.sid}), 201


@bp.get("/calls")
def list_calls() -> Response:
    """Return summaries of all calls, oldest first."""
    with sandbox().lock:
        calls = sorted(sandbox().calls.values(), key=lambda c: c.date_created)
        return jsonify([_summary(call) for call in calls])


@bp.get("/calls/<sid>")
def get_call(sid: str) -> Response:
    """Return a call with its transcript."""
    with sandbox().lock:
        return jsonify(_details(sandbox().call(sid)))


@bp.get("/calls/<sid>/wait")
def wait_for_call(sid: str) -> tuple[Response, int]:
    """Block until the call has ended (its final status callback sent), up to ``timeout`` real seconds."""
    timeout = float(request.args.get("timeout", 30))
    with sandbox().lock:
        call = sandbox().call(sid)
        finished = sandbox().changed.wait_for(lambda: call.finished, timeout)
        return jsonify(_details(call)), 200 if finished else 408


@bp.post("/calls/<sid>/answer")
def answer(sid: str) -> Response:
    """The device of a ringing leg answers."""
    return _reply(operations.signal_answer(sandbox(), sid, answer=True))


@bp.post("/calls/<sid>/reject")
def reject(sid: str) -> Response:
    """The device of a ringing leg declines."""
    return _reply(operations.signal_answer(sandbox(), sid, answer=False))


@bp.post("/calls/<sid>/hangup")
def hangup(sid: str) -> Response:
    """The simulated party on the call hangs up now."""
    return _reply(operations.far_end_hangs_up(sandbox(), sid))


@bp.post("/calls/<sid>/press")
def press(sid: str) -> Response:
    """Press keys on a call that is collecting input."""
    digits = _field(_body(), "digits")
    validate_script([{"press": digits}])
    return _reply(operations.give_live_input(sandbox(), sid, {"press": digits}))


@bp.post("/calls/<sid>/say")
def say(sid: str) -> Response:
    """Speak on a call that is collecting input."""
    body = _body()
    action = {"say": _field(body, "text"), "confidence": _number(body, "confidence", 0.9)}
    return _reply(operations.give_live_input(sandbox(), sid, action))


@bp.post("/callees")
def add_callee() -> tuple[Response, int]:
    """Say how a number we call out to behaves."""
    body = _body()
    behaviour = body.get("behaviour", "human")
    if behaviour not in BEHAVIOURS:
        raise InvalidParameter(f"behaviour must be one of {', '.join(BEHAVIOURS)}")
    callee = Callee(
        number=_field(body, "number"),
        behaviour=behaviour,
        answer_after=_number(body, "answer_after", 1.0),
        talk_for=_number(body, "talk_for", 5.0),
        script=validate_script(body.get("script")),
    )
    with sandbox().lock:
        sandbox().callees[callee.number] = callee
    return jsonify({"number": callee.number, "behaviour": callee.behaviour}), 201


@bp.post("/devices")
def add_device() -> tuple[Response, int]:
    """Register an agent device ("client:alice" or a phone number)."""
    body = _body()
    device = Device(
        identity=_field(body, "identity"),
        auto_answer=bool(body.get("auto_answer", True)),
        answer_after=_number(body, "answer_after", 1.0),
        talk_for=_number(body, "talk_for", None),
    )
    with sandbox().lock:
        sandbox().devices[device.identity] = device
    return jsonify({"identity": device.identity}), 201


@bp.post("/clock")
def set_clock() -> Response:
    """Change the clock speed."""
    try:
        speed = float(_body().get("speed", 0))
        sandbox().set_speed(speed)
    except (TypeError, ValueError) as exc:
        raise InvalidParameter("speed must be a positive number") from exc
    return jsonify({"speed": sandbox().clock.speed, "now": rfc2822(sandbox().clock.now())})


@bp.get("/log")
def request_log() -> Response:
    """Return the REST requests received."""
    with sandbox().lock:
        return jsonify(list(sandbox().request_log))


@bp.post("/reset")
def reset() -> Response:
    """Forget calls, queues, the log, callees and devices; keep accounts and numbers."""
    sandbox().reset()
    return jsonify({"reset": True})


def _reply(call: Call) -> Response:
    """Answer a call action with the call's summary."""
    with sandbox().lock:
        return jsonify(_summary(call))


def _summary(call: Call) -> dict:
    """Return the control API's view of a call, without its transcript."""
    queue = sandbox().queues.get(call.queue_sid or "")
    return {
        "sid": call.sid,
        "account_sid": call.account_sid,
        "from": call.from_,
        "to": call.to,
        "direction": call.direction,
        "status": call.status,
        "answered_by": call.answered_by,
        "parent_call_sid": call.parent_call_sid,
        "queue": queue.friendly_name if queue else None,
        "bridged_with": call.bridged_with,
        "gathering": call.gathering,
        "created_at": call.date_created,  # simulated epoch seconds; transcript "t" counts from here
        "start_time": None if call.start_time is None else rfc2822(call.start_time),
        "end_time": None if call.end_time is None else rfc2822(call.end_time),
        "duration": call.duration,
        "ended": call.finished,
    }


def _details(call: Call) -> dict:
    """Return the control API's view of a call with its transcript."""
    return {**_summary(call), "transcript": [dict(event) for event in call.transcript]}


def init_app(app: Flask) -> None:
    """Register the control API."""
    app.register_blueprint(bp)
