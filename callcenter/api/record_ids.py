"""Record ids in API paths: one beyond the database's id range names no record, so it is a 404 before any query
(PostgreSQL would refuse the number, SQLite's driver cannot even send it)."""

from __future__ import annotations

from crm_core.errors import NotFound

from . import bp

MAX_RECORD_ID = 2 ** 31 - 1  # ids are 32-bit integer columns


def is_record_id(value) -> bool:
    """Whether `value` is a whole number (not a boolean) an id column can hold."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_RECORD_ID


@bp.url_value_preprocessor
def _refuse_ids_beyond_range(endpoint, values) -> None:
    for name, value in (values or {}).items():
        if isinstance(value, int) and not is_record_id(value):
            raise NotFound(name.removesuffix("_id"), value)
