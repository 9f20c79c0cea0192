"""What every REST resource shares: HTTP basic auth, the request log, Twilio's error body."""

from __future__ import annotations

import hmac

from flask import Blueprint, Response, current_app, g, jsonify, request

from ..errors import SandboxError, Unauthorized
from ..state import Sandbox

URL_PREFIX = "/2010-04-01/Accounts/<account_sid>"


def sandbox() -> Sandbox:
    """Return the app's Sandbox."""
    return current_app.extensions["sandbox"]


def rest_blueprint(name: str) -> Blueprint:
    """Return a blueprint under /2010-04-01/Accounts/{AccountSid} that authenticates, logs
    and renders errors as Twilio does."""
    bp = Blueprint(name, __name__, url_prefix=URL_PREFIX)
    bp.url_value_preprocessor(_authenticate)
    bp.after_request(_log_request)
    bp.register_error_handler(SandboxError, _refuse)
    return bp


def _authenticate(endpoint: str | None, values: dict | None) -> None:
    """Require HTTP basic auth with the AccountSid of the path and its AuthToken."""
    g.account_sid = (values or {}).pop("account_sid", "")
    g.auth_ok = False
    credentials = request.authorization
    account = sandbox().accounts.get(credentials.username if credentials else "")
    if (
        credentials is None
        or account is None
        or not hmac.compare_digest(credentials.password or "", account.auth_token)
    ):
        raise Unauthorized("Authentication Error - invalid username or password")
    if credentials.username != g.account_sid:
        raise Unauthorized(f"Authentication Error - credentials do not belong to account {g.account_sid}")
    g.auth_ok = True
    g.account = account


def _log_request(response: Response) -> Response:
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


def _refuse(error: SandboxError) -> tuple[Response, int]:
    """Answer with Twilio's JSON error body."""
    return jsonify(error.to_json()), error.status
