"""Queues and their members: list waiting callers and dequeue them to new TwiML."""

from __future__ import annotations

from flask import Response, g, jsonify, request

from .. import operations, resources
from ..calls import Target
from ..errors import InvalidParameter, NotFound
from .blueprints import rest_blueprint, sandbox
from .forms import page, required

bp = rest_blueprint("rest_queues")


@bp.post("/Queues.json")
def create_queue() -> tuple[Response, int]:
    """POST Queues.json: create a queue by FriendlyName."""
    name = required("FriendlyName", 20001, "Missing required parameter FriendlyName in the post body")
    if sandbox().queue_named(g.account_sid, name):
        raise InvalidParameter(f"A queue with friendly name {name} already exists", code=22003)
    queue = sandbox().create_queue(g.account_sid, name, int(request.form.get("MaxSize", 0)) or None)
    with sandbox().lock:
        return jsonify(resources.queue_json(queue, sandbox().clock.now())), 201


@bp.get("/Queues.json")
def list_queues() -> Response:
    """GET Queues.json."""
    number, size = page()
    with sandbox().lock:
        now = sandbox().clock.now()
        queues = sorted(
            (q for q in sandbox().queues.values() if q.account_sid == g.account_sid), key=lambda q: q.date_created
        )
        items = [resources.queue_json(q, now) for q in queues]
    return jsonify(resources.page_json("queues", items, request.path, number, size))


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
    number, size = page()
    with sandbox().lock:
        queue = sandbox().queue(queue_sid, g.account_sid)
        now = sandbox().clock.now()
        items = [resources.member_json(queue, m, i, now) for i, m in enumerate(queue.members, 1)]
    return jsonify(resources.page_json("queue_members", items, request.path, number, size))


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
    url = required("Url", 21205, "Url parameter is required.")
    target = Target(url, request.form.get("Method", "POST").upper())
    queue, member, position = operations.dequeue_member(sandbox(), g.account_sid, queue_sid, call_sid, target)
    with sandbox().lock:
        return jsonify(resources.member_json(queue, member, position, sandbox().clock.now()))
