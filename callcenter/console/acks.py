"""Socket.IO handlers as units of work: the acknowledgement every event answers, and its field readers."""

from __future__ import annotations

import logging
from datetime import datetime
from functools import wraps

from flask_login import current_user

from agent_console.desk import DeskError
from agent_console.routing import RoutingError
from crm_core.errors import CrmError, ValidationError

from ..db import get_session

log = logging.getLogger(__name__)


def acknowledged(handler):
    """Run a handler as one unit of work: commit on success, answer {ok: false, error, field?} on refusal."""

    @wraps(handler)
    def wrapper(self, data=None):
        if not isinstance(data, dict):
            data = {}
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
    """An event's whole-number field, or a ValidationError naming it."""
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValidationError(field, "must be a whole number") from None


def datetime_field(value, field: str) -> datetime | None:
    """An event's optional ISO 8601 time with a zone, or a ValidationError naming it."""
    if value in (None, ""):
        return None
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        raise ValidationError(field, "must be an ISO 8601 date and time") from None
    if parsed.tzinfo is None:
        raise ValidationError(field, "must include a time zone")
    return parsed
