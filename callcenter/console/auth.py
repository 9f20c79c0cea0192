"""Logins for the console: Flask-Login sessions over crm_core users, and role checks."""

from __future__ import annotations

from functools import wraps

from flask import abort, jsonify, redirect, request, url_for
from flask_login import UserMixin, current_user

from crm_core.models import User

from ..db import get_session
from ..extensions import login_manager

SUPERVISOR_ROLES = ("supervisor", "admin")


class ConsoleUser(UserMixin):
    """The logged-in user as Flask-Login sees them (crm_core's User stays free of Flask)."""

    def __init__(self, user: User):
        self.id = user.id
        self.username = user.username
        self.full_name = user.full_name
        self.role = user.role
        self.skills = list(user.skills or [])
        self.languages = list(user.languages or [])

    @property
    def is_supervisor(self) -> bool:
        return self.role in SUPERVISOR_ROLES

    def as_dict(self) -> dict:
        return {"id": self.id, "username": self.username, "full_name": self.full_name, "role": self.role,
                "skills": self.skills, "languages": self.languages}


@login_manager.user_loader
def load_user(user_id: str) -> ConsoleUser | None:
    """Reload the session's user; a deactivated account is logged out at once."""
    user = get_session().get(User, int(user_id))
    return ConsoleUser(user) if user is not None and user.is_active else None


@login_manager.unauthorized_handler
def send_to_login():
    """A signed-out visitor of a page goes to the login; a page's script asking for JSON gets a 401 it can show."""
    if request.accept_mimetypes.best == "application/json":
        return jsonify(error="unauthorized", message="your session has ended: log in again"), 401
    return redirect(url_for("console.login"))


def supervisor_required(view):
    """403 unless the logged-in user is a supervisor or an admin."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not current_user.is_supervisor:
            abort(403)
        return view(*args, **kwargs)

    return wrapper
