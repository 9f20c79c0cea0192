"""The subset of Twilio's 2010-04-01 REST API that the application calls: Calls, Queues,
Members (and Conferences, see conferences_api)."""

from __future__ import annotations

import hmac

from flask import Blueprint, Flask, Response, current_app, g, jsonify, request

from . import operations, resources
from .callbacks import EVENTS
from .calls import StatusCallback, Target
from .errors import InvalidParameter, NotFound, SandboxError, Unauthorized
from .state import Sandbox

bp = Blueprint("rest", __name__, url_prefix="/2010-04-01/Accounts/<account_sid>")


def sandbox() -> Sandbox:
    """Return the app's Sandbox."""
    return current_app.extensions["sandbox"]


@bp.url_value_preprocessor
def authenticate(endpoint: str | None, values: dict | None) -> None:
    """Require HTTP basic auth with the AccountSid of the path and its AuthToken."""
    account_sid = (values or {}).pop("account_sid", "")
    g.account_sid = account_sid
    g.auth_ok = False
    credentials = request.authorization
    account = sandbox().accounts.get(credentials.username if credentials else "")
    if (
        credentials is None
        or account is None
        or not hmac.compare_digest(credentials.password or "", account.auth_token)
    ):
        raise Unauthorized("Authentication Error - invalid username or password")
    if credentials.username != account_sid:
        raise Unauthorized(f"Authentication Error - credentials do not belong to account {account_sid}")
    g.auth_ok = True
    g.account = account


@bp.after_request
def log_request(response: Response) -> Response:
    """Record every REST request for GET /_sandbox/log."""
    with sandbox().lock:
        sandbox().request_log.append(
            {
                "method": request.method,
                "path": request.path,
                "params": {name: values if len(values) > 1 else values[0] for name, values in request.values.lists()},
                "account_sid": g.get("account_sid"),
                "auth_ok": g.get("auth_ok", False),
                "status": response.status_code,
            }
        )
    return response


@bp.errorhandler(SandboxError)
def refuse(error: SandboxError) -> tuple[Response, int]:
    """Answer with Twilio's JSON error body."""
    return jsonify(error.to_json()), error.status


def _required(name: str, code: int, message: str) -> str:
    """Return a form parameter or refuse the request with Twilio's code for its absence."""
    value = request.form.get(name, "").strip()
    if not value:
        raise InvalidParameter(message, code=code)
    return value


def _target(url_name: str = "Url", method_name: str = "Method") -> Target | None:
    """Return the TwiML target given as Url (+Method) or Twiml, if any."""
    if request.form.get("Twiml"):
        return Target(twiml=request.form["Twiml"])
    url = request.form.get(url_name)
    return Target(url, request.form.get(method_name, "POST").upper()) if url else None


def _page() -> tuple[int, int]:
    """Return the requested Page and PageSize."""
    try:
        return int(request.args.get("Page", 0)), min(int(request.args.get("PageSize", 50)), 1000)
    except ValueError as exc:
        raise InvalidParameter("Page and PageSize must be integers", code=20001) from exc


@bp.post("/Calls.json")
def create_call() -> tuple[Response, int]:
    """POST Calls.json: place an outbound call."""
    to = _required("To", 21201, "No 'To' number is specified")
    from_ = _required("From", 21213, "No 'From' number is specified")
    target = _target()
    if target is None:
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
        target=target,
        fallback=_target("FallbackUrl", "FallbackMethod") if request.form.get("FallbackUrl") else None,
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
    page, page_size = _page()
    with sandbox().lock:
        calls = [
            c
            for c in sandbox().calls.values()
            if c.account_sid == g.account_sid and all(getattr(c, fields[k]) == v for k, v in filters.items())
        ]
        items = [resources.call_json(c) for c in sorted(calls, key=lambda c: c.date_created, reverse=True)]
    return jsonify(resources.page_json("calls", items, request.path, page, page_size, filters))


@bp.get("/Calls/<sid>.json")
def fetch_call(sid: str) -> Response:
    """GET Calls/{Sid}.json."""
    with sandbox().lock:
        return jsonify(resources.call_json(sandbox().call(sid, g.account_sid)))


@bp.post("/Calls/<sid>.json")
def update_call(sid: str) -> Response:
    """POST Calls/{Sid}.json: Url/Twiml redirect a live call; Status=completed|canceled ends it."""
    call = operations.update_call(
        sandbox(), g.account_sid, sid, target=_target(), status=request.form.get("Status") or None
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


@bp.post("/Queues.json")
def create_queue() -> tuple[Response, int]:
    """POST Queues.json: create a queue by FriendlyName."""
    name = _required("FriendlyName", 20001, "Missing required parameter FriendlyName in the post body")
    if sandbox().queue_named(g.account_sid, name):
        raise InvalidParameter(f"A queue with friendly name {name} already exists", code=22003)
    queue = sandbox().create_queue(g.account_sid, name, int(request.form.get("MaxSize", 0)) or None)
    with sandbox().lock:
        return jsonify(resources.queue_json(queue, sandbox().clock.now())), 201


@bp.get("/Queues.json")
def list_queues() -> Response:
    """GET Queues.json."""
    page, page_size = _page()
    with sandbox().lock:
        now = sandbox().clock.now()
        queues = sorted(
            (q for q in sandbox().queues.values() if q.account_sid == g.account_sid), key=lambda q: q.date_created
        )
        items = [resources.queue_json(q, now) for q in queues]
    return jsonify(resources.page_json("queues", items, request.path, page, page_size))


@bp.get("/Queues/<queue_sid>.json")
def fetch_queue(queue_sid: str) -> Response:
    """GET Queues/{Sid}.json."""
    with sandbox().lock:
        return jsonify(resources.queue_json(sandbox().queue(queue_sid, g.account_sid), sandbox().clock.now()))


@bp.post("/Queues/<queue_sid>.json")
def update_queue(queue_sid: str) -> Response:
    """POST Queues/{Sid}.json: rename or resize a queue."""
    with sandbox().lock:
        queue = sandbox().queue(queue_sid, g.account_sid)
        queue.friendly_name = request.form.get("FriendlyName", queue.friendly_name)
        queue.max_size = int(request.form.get("MaxSize", queue.max_size))
        queue.date_updated = sandbox().clock.now()
        return jsonify(resources.queue_json(queue, queue.date_updated))


@bp.delete("/Queues/<queue_sid>.json")
def delete_queue(queue_sid: str) -> tuple[str, int]:
    """DELETE Queues/{Sid}.json: only an empty queue can go."""
    with sandbox().lock:
        queue = sandbox().queue(queue_sid, g.account_sid)
        if queue.members:
            raise InvalidParameter("Queue is not empty", code=22004)
        del sandbox().queues[queue_sid]
    return "", 204


@bp.get("/Queues/<queue_sid>/Members.json")
def list_members(queue_sid: str) -> Response:
    """GET Queues/{Sid}/Members.json: the waiting calls, front first."""
    page, page_size = _page()
    with sandbox().lock:
        queue = sandbox().queue(queue_sid, g.account_sid)
        now = sandbox().clock.now()
        items = [resources.member_json(queue, m, i, now) for i, m in enumerate(queue.members, 1)]
    return jsonify(resources.page_json("queue_members", items, request.path, page, page_size))


@bp.get("/Queues/<queue_sid>/Members/<call_sid>.json")
def fetch_member(queue_sid: str, call_sid: str) -> Response:
    """GET Queues/{Sid}/Members/{CallSid|Front}.json."""
    with sandbox().lock:
        queue = sandbox().queue(queue_sid, g.account_sid)
        member = queue.member(call_sid)
        if member is None:
            raise NotFound(f"The requested resource Member {call_sid} was not found")
        return jsonify(resources.member_json(queue, member, queue.position(member.call_sid), sandbox().clock.now()))


@bp.post("/Queues/<queue_sid>/Members/<call_sid>.json")
def dequeue_member(queue_sid: str, call_sid: str) -> Response:
    """POST Queues/{Sid}/Members/{CallSid|Front}.json Url=...: the member's call leaves the
    queue and continues at Url."""
    url = _required("Url", 21205, "Url parameter is required.")
    target = Target(url, request.form.get("Method", "POST").upper())
    queue, member, position = operations.dequeue_member(sandbox(), g.account_sid, queue_sid, call_sid, target)
    with sandbox().lock:
        return jsonify(resources.member_json(queue, member, position, sandbox().clock.now()))


def init_app(app: Flask) -> None:
    """Register the REST API and Twilio-style 404s for unknown REST paths."""
    app.register_blueprint(bp)

    @app.errorhandler(404)
    def not_found(error: Exception) -> tuple[Response, int]:
        """Answer unknown REST paths as Twilio does."""
        message = f"The requested resource {request.path} was not found"
        return jsonify(NotFound(message).to_json()), 404
