"""What every API request must satisfy before a route reads it: record ids an id column can hold, and text without
NUL characters (PostgreSQL cannot store or even compare them). Refused before any query, naming the field."""

from __future__ import annotations

from flask import request

from crm_core.db import MAX_RECORD_ID
from crm_core.errors import NotFound, ValidationError

from . import bp



def is_record_id(value) -> bool:
    """Whether `value` is a whole number (not a boolean) an id column can hold."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_RECORD_ID


@bp.url_value_preprocessor
def _refuse_impossible_path_values(endpoint, values) -> None:
    """An id beyond the id range names no record (404); a path part with a NUL names nothing (400)."""
    for name, value in (values or {}).items():
        if isinstance(value, int) and not is_record_id(value):
            raise NotFound(name.removesuffix("_id"), value)
        _refuse_nul(name, value)


@bp.before_request
def _refuse_nul_characters() -> None:
    for name, value in (*request.args.items(multi=True), *request.form.items(multi=True)):
        _refuse_nul(name, value)
    if request.is_json:
        try:
            body = request.get_json(silent=True)
        except RecursionError:
            raise ValidationError("body", "JSON nested too deeply") from None
        for name, value in (body.items() if isinstance(body, dict) else [("body", body)]):
            _refuse_nul(name, value)


def _refuse_nul(field: str, value) -> None:
    """Raise a ValidationError naming `field` if `value` (or any key or text inside it) holds a NUL character."""
    pending = [field, value]
    while pending:
        item = pending.pop()
        if isinstance(item, str) and "\0" in item:
            raise ValidationError(field if "\0" not in field else "body", "must not contain a NUL character")
        if isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
