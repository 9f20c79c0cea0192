"""SQLAlchemy base, column types and engine/session factories shared by every model."""

from __future__ import annotations

import time
from collections import namedtuple
from datetime import datetime, timezone

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# Connections an engine keeps open (the web process's concurrent requests), and how many more it may open briefly.
MAX_RECORD_ID = 2 ** 31 - 1  # ids are 32-bit integer columns: a larger one names no row (and overflows a query)
POOL_SIZE = 20
POOL_OVERFLOW = 30
# A PostgreSQL connection unused for this long is checked before a request gets it.
PING_AFTER_IDLE_SECONDS = 1.0
# Seconds to wait for a new PostgreSQL connection: an unreachable or stalled server fails a request instead of
# holding it (and the webhook Twilio waits 15 s for) indefinitely.
CONNECT_TIMEOUT_SECONDS = 5


class UTCDateTime(sa.TypeDecorator):
    """Store timestamps as naive UTC and hand them back timezone-aware, on SQLite and PostgreSQL alike."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; pass an aware UTC datetime")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    """Declarative base with constraint names that Alembic can diff and drop on every backend."""

    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


def make_engine(url: str, **kwargs) -> Engine:
    """Create an engine; SQLite gets foreign keys, WAL and a busy timeout so several processes can share the file."""
    url = postgres_with_psycopg(url)
    # A web process serves many requests at once, each with its own connection. Connections beyond pool_size are
    # closed as soon as they are returned, so a smaller pool opens and closes a PostgreSQL connection (a backend
    # process) for every request under load. The pool only grows on demand: a one-job worker keeps one connection.
    kwargs.setdefault("pool_size", POOL_SIZE)
    kwargs.setdefault("max_overflow", POOL_OVERFLOW)
    if url.startswith("postgresql"):
        kwargs.setdefault("connect_args", {"connect_timeout": CONNECT_TIMEOUT_SECONDS})
    if url.startswith("sqlite"):
        # isolation_level=None + an explicit BEGIN is SQLAlchemy's documented recipe for working SAVEPOINTs on pysqlite.
        kwargs.setdefault("connect_args", {"timeout": 30, "check_same_thread": False, "isolation_level": None})
    engine = sa.create_engine(url, **kwargs)
    if engine.dialect.name == "postgresql" and not kwargs.get("pool_pre_ping"):
        _ping_after_idle(engine)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        # IMMEDIATE: a transaction takes the write lock up front, so concurrent writers wait (busy timeout)
        # instead of failing with "database is locked" when a read lock cannot be upgraded.
        event.listen(engine, "begin", lambda connection: connection.exec_driver_sql("BEGIN IMMEDIATE"))
    return engine


def _ping_after_idle(engine: Engine) -> None:
    """Check a pooled connection before use when it sat idle for PING_AFTER_IDLE_SECONDS: a restarted server
    or a connection dropped while idle is replaced before a request fails on it (as pool_pre_ping does), without
    a round trip per request while a busy process reuses its connections within milliseconds."""

    def mark_idle(_dbapi_connection, record, *_proxy) -> None:
        record.info["idle_since"] = time.monotonic()

    def ping_if_idle(dbapi_connection, record, _proxy) -> None:
        if time.monotonic() - record.info.get("idle_since", 0.0) < PING_AFTER_IDLE_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as exc:
            raise sa.exc.DisconnectionError(str(exc)) from exc  # the pool replaces the connection and retries

    event.listen(engine, "connect", mark_idle)
    event.listen(engine, "checkin", mark_idle)
    event.listen(engine, "checkout", ping_if_idle)


def postgres_with_psycopg(url: str) -> str:
    """Plain `postgresql://` URLs use psycopg 3, the driver we install (SQLAlchemy would pick psycopg2)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
    # SQLite's own lower() folds ASCII only; name search must fold Cyrillic too, as PostgreSQL's does.
    dbapi_connection.create_function("lower", 1, _unicode_lower, deterministic=True)


def _unicode_lower(value):
    return value.lower() if isinstance(value, str) else value


def make_session_factory(engine: Engine) -> sessionmaker:
    """Sessions that keep loaded objects usable after commit (handlers render after committing)."""
    return sessionmaker(bind=engine, expire_on_commit=False)


class HotStatement:
    """A Core statement that every call's webhooks run, compiled once and, on PostgreSQL, executed straight on
    the driver's cursor inside the session's transaction. For such a statement SQLAlchemy's work per execution
    (cache key, execution context, result object) costs more than the round trip itself: ~440 us against ~165 us
    for a new call's INSERT. Bind and result values still go through the columns' types as SQLAlchemy would pass
    them, the engine's cursor events fire, a driver error is raised as SQLAlchemy's, and a connection the server
    dropped is invalidated. On other databases (SQLite) the statement runs through the session. Rows are named
    tuples (`row.id`, `row._asdict()`), as SQLAlchemy's are."""

    def __init__(self, statement: sa.Executable):
        self.statement = statement
        self._compiled: dict[type, _Compiled] = {}  # by PostgreSQL dialect (driver)

    def first(self, session: Session, parameters: dict):
        """The first row the statement returns, or None."""
        connection = session.connection()
        dialect = connection.dialect
        if dialect.name != "postgresql":
            return session.execute(self.statement, parameters).first()
        compiled = self._compiled.get(type(dialect))
        if compiled is None:
            compiled = self._compiled[type(dialect)] = _Compiled(self.statement, dialect)
        if session.autoflush:
            session.flush()  # as session.execute would: the statement sees the ORM's pending changes
        return compiled.first(connection, parameters)

    def execute(self, session: Session, parameters: dict) -> None:
        """Run a statement that returns no rows."""
        self.first(session, parameters)


class _Compiled:
    """A statement's SQL for one dialect with its parameters' and columns' type processing."""

    def __init__(self, statement: sa.Executable, dialect: Dialect):
        self.compiled = statement.compile(dialect=dialect)
        self.sql = self.compiled.string
        self.dialect = dialect
        self.bind_processors = {
            self.compiled.bind_names[bind]: processor for bind in self.compiled.binds.values()
            if (processor := bind.type.dialect_impl(dialect).bind_processor(dialect)) is not None}
        columns = list(statement.exported_columns)
        self.result_processors = [column.type.dialect_impl(dialect).result_processor(dialect, None)
                                  for column in columns]
        self.row_type = namedtuple("Row", [column.key for column in columns]) if columns else None

    def first(self, connection: sa.Connection, parameters: dict):
        values = self.compiled.construct_params(parameters)
        for name, processor in self.bind_processors.items():
            values[name] = processor(values[name])
        cursor = _reused_cursor(connection.connection)
        events = connection.dispatch  # the engine's listeners too: statement logging, tracing, tests' counters
        try:
            events.before_cursor_execute(connection, cursor, self.sql, values, None, False)
            cursor.execute(self.sql, values)
            events.after_cursor_execute(connection, cursor, self.sql, values, None, False)
            row = cursor.fetchone() if self.row_type is not None else None
        except self.dialect.loaded_dbapi.Error as exc:
            invalidated = self.dialect.is_disconnect(exc, cursor.connection, None)
            if invalidated:
                connection.invalidate(exc)
            raise sa.exc.DBAPIError.instance(self.sql, values, exc, self.dialect.loaded_dbapi.Error,
                                             connection_invalidated=invalidated, dialect=self.dialect) from exc
        if row is None:
            return None
        return self.row_type._make(value if processor is None else processor(value)
                                   for value, processor in zip(row, self.result_processors))


def _reused_cursor(pooled):
    """The cursor hot statements use on this pooled connection, made once (a new cursor per statement cost ~7 us
    more). Kept in the pool's record of the connection, which a reconnect empties."""
    cursor = pooled.info.get("hot_statement_cursor")
    if cursor is None or cursor.closed or cursor.connection is not pooled.driver_connection:
        cursor = pooled.info["hot_statement_cursor"] = pooled.driver_connection.cursor()
    return cursor
