"""The CRM's JSON API (`/api/...`), for the console and integrations; every route requires a user."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api")

from . import lists, record_ids, routes  # noqa: E402,F401  (routes register themselves on bp)
