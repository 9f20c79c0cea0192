"""Absolute public URLs, as Twilio must request them (and as it will sign them)."""

from flask import current_app, url_for


def webhook_url(endpoint: str, **values) -> str:
    """PUBLIC_BASE_URL + the endpoint's path: correct behind a proxy or tunnel."""
    return current_app.config["PUBLIC_BASE_URL"] + url_for(endpoint, **values)
