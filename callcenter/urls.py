"""Absolute URLs of the voice webhooks, as Twilio must request them (and as it will sign them)."""

from flask import current_app, url_for


def webhook_url(endpoint: str, **values) -> str:
    """VOICE_BASE_URL + the endpoint's path: correct behind a proxy or tunnel, and served by the voice process."""
    return current_app.config["VOICE_BASE_URL"] + url_for(endpoint, **values)
