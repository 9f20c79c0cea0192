"""Who is calling the API: a personal bearer token (the console's login session joins later)."""

from __future__ import annotations

from functools import wraps

from flask import abort, g, request
from flask_login import current_user

from crm_core.models import User
from crm_core.users import user_for_token

from ..db import get_session
from ..extensions import csrf


def require_user(view):
    """Answer 401 unless the request carries a valid `Authorization: Bearer <token>` or comes from a
    logged-in console (whose changes must then carry its CSRF token)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if header:
            user = user_for_token(get_session(), token.strip()) if scheme.lower() == "bearer" and token else None
        elif current_user.is_authenticated:
            if request.method not in ("GET", "HEAD", "OPTIONS"):
                csrf.protect()
            user = get_session().get(User, current_user.id)
        else:
            user = None
        if user is None:
            abort(401, description="authentication required: send Authorization: Bearer <api token>")
        g.user = user
        return view(*args, **kwargs)

    return wrapper
