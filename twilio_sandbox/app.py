"""The sandbox's WSGI application factory."""

from __future__ import annotations

from flask import Flask, request

from . import control, rest
from .clock import Clock
from .state import Sandbox


def create_app(
    accounts: dict[str, str] | None = None,
    *,
    clock_speed: float = 1.0,
    webhook_timeout: float = 15.0,
    cps: float = 1.0,
) -> Flask:
    """Build a sandbox app. ``accounts`` maps AccountSid to AuthToken; ``clock_speed`` scales
    every simulated wait; ``webhook_timeout`` is in real seconds; ``cps`` is each account's
    default outbound calls per (simulated) second."""
    app = Flask(__name__)
    sandbox = Sandbox(Clock(clock_speed), webhook_timeout=webhook_timeout, default_cps=cps)
    for sid, token in (accounts or {}).items():
        sandbox.add_account(sid, token)
    app.extensions["sandbox"] = sandbox

    @app.before_request
    def remember_base_url() -> None:
        """Learn the sandbox's own address, for the URLs it hands out (RecordingUrl)."""
        sandbox.base_url = request.host_url.rstrip("/")

    rest.init_app(app)
    control.init_app(app)
    return app
