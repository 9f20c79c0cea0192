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

    from . import db, errors, health, redis_store, telephony
    from .api import bp as api_bp
    from .voice import bp as voice_bp

    db.init_app(app)
    redis_store.init_app(app)
    telephony.init_app(app)
    errors.init_app(app)
    app.register_blueprint(health.bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(voice_bp)
    return app
