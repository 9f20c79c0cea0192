"""The CRM's JSON API (`/api/...`), for the console and integrations; every route requires a user."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api")

from . import lists, request_checks, routes  # noqa: E402,F401  (routes register themselves on bp)
