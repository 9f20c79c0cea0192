"""The subset of Twilio's 2010-04-01 REST API that the application calls."""

from __future__ import annotations

from flask import Flask, Response, jsonify, request

from ..errors import NotFound
from . import calls, conferences, queues


def init_app(app: Flask) -> None:
    """Register the REST resources and answer unknown paths with Twilio's 404 body."""
    for module in (calls, queues, conferences):
        app.register_blueprint(module.bp)

    @app.errorhandler(404)
    def not_found(error: Exception) -> tuple[Response, int]:
        """Answer unknown paths as Twilio does."""
        return jsonify(NotFound(f"The requested resource {request.path} was not found").to_json()), 404
