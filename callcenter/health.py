"""`/healthz`: is the web process able to reach the database and Redis?"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import Blueprint, jsonify

from .db import get_session
from .redis_store import get_redis

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)


@bp.get("/healthz")
def healthz():
    """200 when both stores answer, 503 naming the one that does not."""
    checks = {"database": _check(lambda: get_session().execute(sa.text("SELECT 1"))),
              "redis": _check(lambda: get_redis().ping())}
    healthy = all(v == "ok" for v in checks.values())
    return jsonify(status="ok" if healthy else "unavailable", checks=checks), 200 if healthy else 503


def _check(probe) -> str:
    try:
        probe()
        return "ok"
    except Exception as exc:  # any failure means "not reachable"; the reason goes to the log and the body
        log.warning("health check failed: %s", exc)
        return f"error: {type(exc).__name__}"
