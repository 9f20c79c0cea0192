"""The telephony provider boundary: everything we ask of Twilio (or the sandbox) goes through here."""

from flask import Flask, current_app

from .provider import TwilioProvider

__all__ = ["TwilioProvider", "init_app", "provider"]


def init_app(app: Flask) -> None:
    """Build the app's provider from its configuration (no network until a call is made)."""
    app.extensions["telephony"] = TwilioProvider.from_config(app.config)


def provider() -> TwilioProvider:
    """The current app's provider."""
    return current_app.extensions["telephony"]
