"""The call a voice webhook is about, from Twilio's parameters: parsed in one place for every voice route."""

from __future__ import annotations

from flask import current_app, request

from crm_core import calls
from crm_core.models import Interaction

from ..db import get_session


def call_parameters() -> dict:
    """The request's call, as `crm_core.calls.open_call`, `new_call` and `call_record` take it."""
    form = request.form
    return {"call_sid": form["CallSid"], "from_number": form.get("From"), "to_number": form.get("To"),
            "direction": "inbound" if form.get("Direction", "inbound") == "inbound" else "outbound",
            "default_region": current_app.config["DEFAULT_REGION"]}


def webhook_interaction() -> Interaction:
    """The interaction of the request's CallSid (opened if none exists yet)."""
    return calls.call_record(get_session(), **call_parameters())
