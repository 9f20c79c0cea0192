"""Calls: place outbound calls, fetch and list them, redirect or end live ones."""

from __future__ import annotations

from flask import Response, g, jsonify, request

from .. import operations, resources
from ..callbacks import EVENTS
from ..calls import StatusCallback, Target
from ..errors import InvalidParameter
from .blueprints import rest_blueprint, sandbox
from .forms import page, required, target

bp = rest_blueprint("rest_calls")


@bp.post("/Calls.json")
def create_call() -> tuple[Response, int]:
    """POST Calls.json: place an outbound call."""
    to = required("To", 21201, "No 'To' number is specified")
    from_ = required("From", 21213, "No 'From' number is specified")
    document = target()
    if document is None:
        if request.form.get("ApplicationSid"):
            raise InvalidParameter("ApplicationSid is not supported by the sandbox; use Url or Twiml", code=21205)
        raise InvalidParameter("Url parameter is required.", code=21205)
    events = [e for value in request.form.getlist("StatusCallbackEvent") for e in value.split()] or ["completed"]
    unknown = sorted(set(events) - set(EVENTS))
    if unknown:
        raise InvalidParameter(f"StatusCallbackEvent {unknown[0]} is not valid", code=21626)
    callback_url = request.form.get("StatusCallback")
    amd_callback = request.form.get("AsyncAmdStatusCallback")
    try:
        timeout = float(request.form.get("Timeout", 60))
    except ValueError as exc:
        raise InvalidParameter("Timeout must be a number of seconds", code=21216) from exc
    call = operations.create_api_call(
        sandbox(),
        g.account,
        to=to,
        from_=from_,
        target=document,
        fallback=target("FallbackUrl", "FallbackMethod") if request.form.get("FallbackUrl") else None,
        status_callback=StatusCallback(
            callback_url, request.form.get("StatusCallbackMethod", "POST").upper(), frozenset(events)
        )
        if callback_url
        else None,
        ring_timeout=min(max(timeout, 5.0), 600.0),
        machine_detection=request.form.get("MachineDetection") or None,
        async_amd_callback=Target(amd_callback, request.form.get("AsyncAmdStatusCallbackMethod", "POST").upper())
        if amd_callback and request.form.get("AsyncAmd", "").lower() == "true"
        else None,
        send_digits=request.form.get("SendDigits") or None,
        record=request.form.get("Record", "").lower() == "true",
    )
    with sandbox().lock:
        return jsonify(resources.call_json(call)), 201


@bp.get("/Calls.json")
def list_calls() -> Response:
    """GET Calls.json: calls of the account, newest first, filtered by To/From/Status/ParentCallSid."""
    filters = {name: request.args[name] for name in ("To", "From", "Status", "ParentCallSid") if request.args.get(name)}
    fields = {"To": "to", "From": "from_", "Status": "status", "ParentCallSid": "parent_call_sid"}
    number, size = page()
    with sandbox().lock:
        calls = [
            c
            for c in sandbox().calls.values()
            if c.account_sid == g.account_sid and all(getattr(c, fields[k]) == v for k, v in filters.items())
        ]
        items = [resources.call_json(c) for c in sorted(calls, key=lambda c: c.date_created, reverse=True)]
    return jsonify(resources.page_json("calls", items, request.path, number, size, filters))


@bp.get("/Calls/<sid>.json")
def fetch_call(sid: str) -> Response:
    """GET Calls/{Sid}.json."""
    with sandbox().lock:
        return jsonify(resources.call_json(sandbox().call(sid, g.account_sid)))


@bp.post("/Calls/<sid>.json")
def update_call(sid: str) -> Response:
    """POST Calls/{Sid}.json: Url/Twiml redirect a live call; Status=completed|canceled ends it."""
    call = operations.update_call(
        sandbox(), g.account_sid, sid, target=target(), status=request.form.get("Status") or None
    )
    with sandbox().lock:
        return jsonify(resources.call_json(call))


@bp.delete("/Calls/<sid>.json")
def delete_call(sid: str) -> tuple[str, int]:
    """DELETE Calls/{Sid}.json: forget an ended call."""
    with sandbox().lock:
        call = sandbox().call(sid, g.account_sid)
        if not call.ended:
            raise InvalidParameter("Cannot delete a call that is in progress", code=20009)
        del sandbox().calls[sid]
    return "", 204
