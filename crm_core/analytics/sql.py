"""SQL expressions the reports need that PostgreSQL and SQLite spell differently: seconds since the epoch
(durations, interval buckets) and the last element of a JSON array. Reports aggregate with these in the
database, so a month of a large center comes back as a few rows."""

from __future__ import annotations

from datetime import datetime, timezone

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement


class epoch_seconds(FunctionElement):
    """Seconds since 1970-01-01 UTC of a stored (naive UTC) timestamp, with its fraction."""

    type = sa.Float()
    inherit_cache = True
    name = "epoch_seconds"


@compiles(epoch_seconds, "postgresql")
def _epoch_postgresql(element, compiler, **kw):
    return f"EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)})"


@compiles(epoch_seconds, "sqlite")
def _epoch_sqlite(element, compiler, **kw):
    # strftime('%s') drops the fraction and julianday() arithmetic can land a hair below a boundary (which
    # would put a call in the wrong interval): whole seconds plus the fraction of '%f' are exact to the ms.
    value = compiler.process(element.clauses, **kw)
    return (f"(CAST(strftime('%s', {value}) AS INTEGER)"
            f" + CAST(strftime('%f', {value}) AS REAL) - CAST(strftime('%S', {value}) AS INTEGER))")


class json_last_element(FunctionElement):
    """The last element of a JSON array column, as text (NULL for an empty array)."""

    type = sa.String()
    inherit_cache = True
    name = "json_last_element"


@compiles(json_last_element, "postgresql")
def _last_postgresql(element, compiler, **kw):
    value = compiler.process(element.clauses, **kw)
    return f"(CAST({value} AS JSON) ->> (json_array_length(CAST({value} AS JSON)) - 1))"


@compiles(json_last_element, "sqlite")
def _last_sqlite(element, compiler, **kw):
    return f"json_extract({compiler.process(element.clauses, **kw)}, '$[#-1]')"


def seconds_between(start, end) -> sa.ColumnElement:
    """`end - start` in seconds, for two timestamp expressions."""
    return epoch_seconds(end) - epoch_seconds(start)


def interval_start(timestamp, width_seconds: int) -> sa.ColumnElement:
    """The epoch second at which the `width_seconds` interval holding `timestamp` starts (UTC-aligned)."""
    seconds = sa.cast(sa.func.floor(epoch_seconds(timestamp)), sa.BigInteger)
    return seconds - seconds % width_seconds


def from_epoch(seconds: float) -> datetime:
    """An interval key read back from the database, as an aware UTC datetime."""
    return datetime.fromtimestamp(int(seconds), timezone.utc)


def clamp(value, low, high) -> sa.ColumnElement:
    """`value` limited to [low, high], for numeric expressions (GREATEST/LEAST are not portable)."""
    above = sa.case((value < low, low), else_=value)
    return sa.case((above > high, high), else_=above)


def count_where(condition) -> sa.ColumnElement:
    """How many rows of the group meet `condition` (0, not NULL, for an empty group)."""
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def sum_where(condition, value) -> sa.ColumnElement:
    """The sum of `value` over rows meeting `condition` (0 for none)."""
    return sa.func.coalesce(sa.func.sum(sa.case((condition, value), else_=0)), 0)


def without_jit(session) -> None:
    """Turn PostgreSQL's JIT off for the rest of the transaction (elsewhere: nothing).

    The reports' correlated lookups make the planner's cost estimate of a raw-table statement huge, so JIT
    compiles it with every optimization: measured on 10 M calls, 4.4 s of compiling for 75 minutes of calls
    that take milliseconds to read. Report statements never run long enough to repay it."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("SET LOCAL jit = off"))
