"""The application shell: `create_app()` wires configuration, database, Redis and the blueprints."""

from __future__ import annotations

from typing import Mapping

from flask import Flask

from .config import Config, ConfigError

__all__ = ["create_app", "Config", "ConfigError"]


def create_app(config: Mapping | None = None, *, environ: Mapping[str, str] | None = None) -> Flask:
    """Build the app from the environment; `config` overrides individual settings (tests use it)."""
    app = Flask(__name__, instance_relative_config=True)
    settings = Config.from_env(environ, **dict(config or {}))
    app.config.update(settings.flask_settings(app.instance_path))
    app.json.ensure_ascii = False

    from . import call_logging, db, errors, health, http_security, metrics, redis_store, telephony
    from .api import bp as api_bp
    from .console import bp as console_bp, events as console_events
    from .extensions import csrf, login_manager, socketio
    from .voice import bp as voice_bp

    metrics.init_app(app)
    call_logging.init_app(app)
    db.init_app(app)
    redis_store.init_app(app)
    telephony.init_app(app)
    errors.init_app(app)
    http_security.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "console.login"
    csrf.init_app(app)
    csrf.exempt(voice_bp)  # Twilio signs its requests instead
    csrf.exempt(api_bp)  # token requests need none; session requests are checked in api.auth
    socketio.init_app(app, **_socketio_delivery(app), async_mode="threading",
                      cors_allowed_origins=[app.config["PUBLIC_BASE_URL"]])
    console_events.init_app(socketio)
    app.register_blueprint(health.bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(voice_bp)
    app.register_blueprint(console_bp)
    return app


def _socketio_delivery(app: Flask) -> dict:
    """Web processes and workers share Socket.IO events through Redis when Redis is configured; otherwise
    events stay in this process (an explicit in-memory manager, so no earlier app's queue lingers)."""
    import socketio as python_socketio

    queue = app.config["SOCKETIO_MESSAGE_QUEUE"] or app.config["REDIS_URL"]
    if queue in ("", "off"):
        return {"client_manager": python_socketio.Manager()}
    return {"message_queue": queue, "channel": socketio_channel(queue)}


def socketio_channel(queue_url: str) -> str:
    """The Pub/Sub channel of our Socket.IO events. Pub/Sub ignores Redis database numbers, so two platforms on
    one Redis server (each in its own database) would hear each other's events on the default channel."""
    from urllib.parse import urlparse

    database = urlparse(queue_url).path.strip("/") or "0"
    return f"callcenter-socketio-db{database}"
