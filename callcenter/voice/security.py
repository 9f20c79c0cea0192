"""The gate of every voice route: a valid X-Twilio-Signature, and TwiML even when the handler fails."""

from __future__ import annotations

import hmac
import logging
from functools import wraps

from flask import abort, current_app, request
from twilio.request_validator import RequestValidator
from twilio.twiml.voice_response import VoiceResponse

from crm_core.errors import ValidationError

from ..db import get_session
from .twiml import apology, twiml

log = logging.getLogger(__name__)


def signed_request_url() -> str:
    """The URL Twilio requested, rebuilt from VOICE_BASE_URL so it matches behind a proxy or tunnel."""
    query = request.query_string.decode()
    return current_app.config["VOICE_BASE_URL"] + request.path + (f"?{query}" if query else "")


def has_valid_signature() -> bool:
    """Whether the request was signed by the holder of our Twilio auth token for this exact URL and body (or of
    the previous token, while a rotation is under way)."""
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature:
        return False
    params = request.form if request.method == "POST" else {}
    url = signed_request_url()
    tokens = (current_app.config["TWILIO_AUTH_TOKEN"], current_app.config["TWILIO_PREVIOUS_AUTH_TOKEN"])
    for validator in (RequestValidator(token) for token in tokens if token):
        # Twilio signs the URL as we gave it: one HMAC settles nearly every request. validate() computes two, as
        # it also accepts the URL with its default port added or removed.
        if (hmac.compare_digest(validator.compute_signature(url, params), signature)
                or validator.validate(url, params, signature)):
            return True
    return False


def twilio_webhook(*, on_error: str = "enqueue"):
    """Mark a view as a Twilio webhook: 403 unless signed; an exception is logged with the CallSid (input the
    domain refuses, as a warning naming the field) and answered with safe TwiML: an apology then an agent
    queue ("enqueue"), an apology then goodbye ("hangup"), or an empty response for callbacks that play
    nothing ("ignore")."""

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not has_valid_signature():
                log.warning("rejected unsigned or wrongly signed webhook %s", request.path)
                abort(403)
            try:
                return view(*args, **kwargs)
            except ValidationError as exc:
                log.warning("voice webhook %s refused: %s", request.path, exc)
                return _safe_answer(on_error)
            except Exception:
                log.exception("voice webhook %s failed", request.path)
                return _safe_answer(on_error)

        wrapper.twilio_webhook = True
        return wrapper

    return decorate


def _safe_answer(on_error: str):
    """Undo what the failed request wrote and answer the TwiML `on_error` names."""
    get_session().rollback()
    if on_error == "ignore":
        return twiml(VoiceResponse())
    return twiml(apology(to_queue=on_error == "enqueue"))
