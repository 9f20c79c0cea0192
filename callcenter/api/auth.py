"""Who is calling the API: a personal bearer token (the console's login session joins later)."""

from __future__ import annotations

from functools import wraps

from flask import abort, g, request

from crm_core.users import user_for_token

from ..db import get_session


def require_user(view):
    """Answer 401 unless the request carries a valid `Authorization: Bearer <token>`."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        user = user_for_token(get_session(), token.strip()) if scheme.lower() == "bearer" and token else None
        if user is None:
            abort(401, description="authentication required: send Authorization: Bearer <api token>")
        g.user = user
        return view(*args, **kwargs)

    return wrapper
