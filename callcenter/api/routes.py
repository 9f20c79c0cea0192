"""CRM API routes: parse, check access, call one crm_core operation, render JSON."""

from __future__ import annotations

from flask import current_app, g, jsonify, request

from crm_core import customers, history
from crm_core.errors import ValidationError
from crm_core.serialize import customer_dict, interaction_dict, phone_dict

from ..db import get_session
from . import bp
from .auth import require_user

MAX_BODY_BYTES = 64 * 1024


def _json_body() -> dict:
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        raise ValidationError("body", f"larger than {MAX_BODY_BYTES} bytes")
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ValidationError("body", "expected a JSON object (Content-Type: application/json)")
    return body


def _region() -> str:
    return current_app.config["DEFAULT_REGION"]


def _int_arg(name: str, default: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ValidationError(name, "must be a whole number") from None


@bp.get("/customers")
@require_user
def search_customers():
    """Search by name, phone or order number: `?q=...`."""
    found = customers.search_customers(get_session(), request.args.get("q", ""), default_region=_region())
    return jsonify(customers=[customer_dict(c) | {"phones": [phone_dict(p) for p in c.phones]} for c in found])


@bp.get("/customers/<int:customer_id>/history")
@require_user
def customer_history_by_id(customer_id: int):
    """The screen-pop payload of a customer."""
    result = history.customer_history(
        get_session(), customer_id=customer_id, default_region=_region(),
        page_size=_int_arg("page_size", history.DEFAULT_PAGE_SIZE), before=request.args.get("before"),
    )
    return jsonify(result.as_dict())


@bp.get("/history")
@require_user
def customer_history_by_phone():
    """The screen-pop payload for a phone number in any format: `?phone=...`."""
    result = history.customer_history(
        get_session(), phone=request.args.get("phone", ""), default_region=_region(),
        page_size=_int_arg("page_size", history.DEFAULT_PAGE_SIZE), before=request.args.get("before"),
    )
    return jsonify(result.as_dict())


@bp.post("/customers")
@require_user
def create_customer():
    """Create a customer; 400 names the first invalid field."""
    session = get_session()
    customer = customers.create_customer(session, _json_body(), default_region=_region())
    session.commit()
    return jsonify(customer_dict(customer) | {"phones": [phone_dict(p) for p in customer.phones]}), 201


@bp.patch("/customers/<int:customer_id>")
@require_user
def update_customer(customer_id: int):
    """Change some fields of a customer."""
    session = get_session()
    customer = customers.update_customer(session, customer_id, _json_body(), default_region=_region())
    session.commit()
    return jsonify(customer_dict(customer) | {"phones": [phone_dict(p) for p in customer.phones]})


@bp.post("/customers/<int:customer_id>/notes")
@require_user
def add_note(customer_id: int):
    """Log a note on the customer's timeline."""
    session = get_session()
    note = customers.add_note(session, customer_id, _json_body().get("text"), author_id=g.user.id)
    session.commit()
    return jsonify(interaction_dict(note, g.user.full_name)), 201
