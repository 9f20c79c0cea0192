"""Twilio voice webhooks (`/voice/...`): every route is signature-checked and always answers TwiML."""

from flask import Blueprint

bp = Blueprint("voice", __name__, url_prefix="/voice")

from . import call_control, dialer_routes, ivr, routes  # noqa: E402,F401  (routes register themselves on bp)
