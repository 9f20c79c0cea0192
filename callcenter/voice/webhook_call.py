"""The call a voice webhook is about, from Twilio's parameters: parsed in one place for every voice route."""

from __future__ import annotations

from email.utils import parsedate_to_datetime

from flask import current_app, request

from crm_core import calls
from crm_core.models import Interaction

from ..db import get_session


def call_parameters(*, direction: str | None = None) -> dict:
    """The request's call, as `crm_core.calls.open_call`, `new_call` and `call_record` take it (`direction` when
    the route knows it: a campaign's calls are outbound)."""
    form = request.form
    if direction is None:
        direction = "inbound" if form.get("Direction", "inbound") == "inbound" else "outbound"
    return {"call_sid": form["CallSid"], "from_number": form.get("From"), "to_number": form.get("To"),
            "direction": direction, "default_region": current_app.config["DEFAULT_REGION"]}


def webhook_interaction(*, direction: str | None = None) -> Interaction:
    """The interaction of the request's CallSid (opened if none exists yet)."""
    return calls.call_record(get_session(), **call_parameters(direction=direction))


def merge_status_callback(*, direction: str | None = None) -> Interaction:
    """Merge the request's status callback into its call's interaction (idempotent, order-tolerant)."""
    form = request.form
    call = call_parameters(direction=direction)
    update = calls.StatusUpdate(
        call_sid=call.pop("call_sid"), status=form.get("CallStatus", ""),
        sequence=as_int(form.get("SequenceNumber")), timestamp=_rfc2822(form.get("Timestamp")),
        call_duration=as_int(form.get("CallDuration")), answered_by=form.get("AnsweredBy"),
    )
    return calls.apply_status(get_session(), update, **call)


def as_int(value: str | None) -> int | None:
    """A whole number Twilio (or our own URL) gave, or None when absent or not a number."""
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


def _rfc2822(value: str | None):
    if not value:
        return None
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
