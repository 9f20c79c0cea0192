"""Reading Twilio's form-encoded request parameters."""

from __future__ import annotations

from flask import request

from ..calls import Target
from ..errors import InvalidParameter


def required(name: str, code: int, message: str) -> str:
    """Return a form parameter or refuse the request with Twilio's code for its absence."""
    value = request.form.get(name, "").strip()
    if not value:
        raise InvalidParameter(message, code=code)
    return value


def flag(name: str) -> bool | None:
    """Return a "true"/"false" form parameter, or None when absent."""
    value = request.form.get(name)
    return None if value is None else value.lower() == "true"


def target(url_name: str = "Url", method_name: str = "Method") -> Target | None:
    """Return the TwiML target given as Url (+Method) or Twiml, if any."""
    if url_name == "Url" and request.form.get("Twiml"):
        return Target(twiml=request.form["Twiml"])
    url = request.form.get(url_name)
    return Target(url, request.form.get(method_name, "POST").upper()) if url else None


def page() -> tuple[int, int]:
    """Return the requested Page and PageSize."""
    try:
        return int(request.args.get("Page", 0)), min(int(request.args.get("PageSize", 50)), 1000)
    except ValueError as exc:
        raise InvalidParameter("Page and PageSize must be integers", code=20001) from exc
