"""Socket.IO handlers as units of work: the acknowledgement every event answers, and its field readers."""

from __future__ import annotations

import logging
import re
from datetime import datetime
from functools import wraps

from flask_login import current_user

from agent_console.desk import DeskError
from agent_console.routing import RoutingError
from crm_core.db import MAX_RECORD_ID
from crm_core.errors import CrmError, ValidationError

from ..db import get_session

log = logging.getLogger(__name__)

WHOLE_NUMBER = re.compile(r"\s*[0-9]+\s*")


def acknowledged(handler):
    """Run a handler as one unit of work: commit on success, answer {ok: false, error, field?} on refusal. An
    event sent with something other than an object (or nothing) is refused before the handler runs."""

    @wraps(handler)
    def wrapper(self, data=None):
        if data is None:
            data = {}
        if not isinstance(data, dict):
            return {"ok": False, "error": "the event's data must be an object", "field": "data"}
        try:
            result = handler(self, data) or {}
            get_session().commit()
            return {"ok": True, **result}
        except (DeskError, RoutingError, CrmError) as exc:
            if getattr(exc, "keep_changes", False):
                get_session().commit()  # the refusal came after changes that must stand
            else:
                get_session().rollback()
            return {"ok": False, "error": getattr(exc, "message", str(exc)), "field": getattr(exc, "field", None)}
        except Exception:
            get_session().rollback()
            log.exception("desk event %s failed for user %s", handler.__name__, current_user.get_id())
            return {"ok": False, "error": "something went wrong; please try again"}

    return wrapper


def int_field(value, field: str) -> int:
    """An event's record id (a whole number, or one written as text), or a ValidationError naming it."""
    if isinstance(value, str) and WHOLE_NUMBER.fullmatch(value):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(field, "must be a whole number")
    if not 0 < value <= MAX_RECORD_ID:
        raise ValidationError(field, "is not the id of a record")
    return value


def text_field(value, field: str, *, max_length: int | None = None) -> str:
    """An event's text field (absent or null: empty), or a ValidationError naming it."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError(field, "must be text")
    if "\0" in value:  # PostgreSQL can neither store nor compare it
        raise ValidationError(field, "must not contain a NUL character")
    if max_length is not None and len(value) > max_length:
        raise ValidationError(field, f"at most {max_length} characters")
    return value


def datetime_field(value, field: str) -> datetime | None:
    """An event's optional ISO 8601 time with a zone, or a ValidationError naming it."""
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise ValidationError(field, "must be an ISO 8601 date and time")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValidationError(field, "must be an ISO 8601 date and time") from None
    if parsed.tzinfo is None:
        raise ValidationError(field, "must include a time zone")
    return parsed
