"""Turn domain errors and HTTP errors into clear JSON bodies for the API."""

from __future__ import annotations

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException

from crm_core.errors import NotFound, ValidationError


def init_app(app: Flask) -> None:
    """Register the error handlers."""
    app.register_error_handler(ValidationError, _validation_error)
    app.register_error_handler(NotFound, _not_found)
    app.register_error_handler(HTTPException, _http_error)


def _validation_error(exc: ValidationError):
    return jsonify(error="validation_error", field=exc.field, message=exc.message), 400


def _not_found(exc: NotFound):
    return jsonify(error="not_found", message=str(exc)), 404


def _http_error(exc: HTTPException):
    return jsonify(error=exc.name.lower().replace(" ", "_"), message=exc.description), exc.code
