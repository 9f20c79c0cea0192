"""How batches of generated rows reach the database: Core executemany anywhere, COPY on PostgreSQL."""

from __future__ import annotations

import queue
import threading
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.engine import Connection


class RowWriter(Protocol):
    """Writes rows (dicts with the same keys, columns of the table) inside the caller's transaction."""

    def write(self, table: sa.Table, rows: list[dict]) -> None: ...


class InsertWriter:
    """SQLAlchemy Core `insert(table)` executemany: works on every backend."""

    def __init__(self, connection: Connection):
        self.connection = connection

    def write(self, table: sa.Table, rows: list[dict]) -> None:
        """Insert the rows in one executemany."""
        if rows:
            self.connection.execute(sa.insert(table), rows)


class CopyWriter:
    """PostgreSQL `COPY ... FROM STDIN` through psycopg 3, several times faster than executemany.

    Values go through the same bind processing SQLAlchemy applies to an INSERT (UTC timestamps, JSON), so
    both writers store identical rows.
    """

    def __init__(self, connection: Connection):
        self.connection = connection
        self.dbapi = connection.connection.driver_connection
        self._plans: dict[tuple, tuple[str, tuple[str, ...], list]] = {}

    def write(self, table: sa.Table, rows: list[dict]) -> None:
        """Stream the rows into the table with one COPY."""
        if not rows:
            return
        statement, names, processors = self._plan(table, tuple(rows[0]))
        with self.dbapi.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row([row[n] if p is None else p(row[n]) for n, p in zip(names, processors)])

    def _plan(self, table: sa.Table, names: tuple[str, ...]):
        """COPY the columns the rows have (like an INSERT, columns left out get their database default)."""
        plan = self._plans.get((table.name, names))
        if plan is None:
            dialect = self.connection.dialect
            preparer = dialect.identifier_preparer
            statement = (f"COPY {preparer.format_table(table)} ({', '.join(preparer.quote(n) for n in names)}) "
                         "FROM STDIN")
            processors = [table.c[n].type.dialect_impl(dialect).bind_processor(dialect) for n in names]
            plan = self._plans[(table.name, names)] = (statement, names, processors)
        return plan


def writer_for(connection: Connection, method: str = "auto") -> RowWriter:
    """COPY on PostgreSQL with psycopg 3 (`auto` or `copy`), executemany otherwise (`auto` or `insert`)."""
    copy_capable = connection.dialect.name == "postgresql" and connection.dialect.driver == "psycopg"
    if method == "copy" and not copy_capable:
        raise ValueError("COPY needs PostgreSQL through psycopg 3")
    if method not in ("auto", "copy", "insert"):
        raise ValueError(f"unknown write method {method!r}")
    if method == "copy" or (method == "auto" and copy_capable):
        return CopyWriter(connection)
    return InsertWriter(connection)


class BackgroundWriter:
    """Writes batches on a second thread while the caller generates the next one, so the database works while
    Python does. At most one batch waits (memory stays bounded); the writer's error is raised to the caller.

    The connection is used by the writer thread only, from the first `submit` until `close` returns. With
    `threaded=False` (SQLite connections may be bound to their thread) batches are written on submit.
    """

    def __init__(self, writer: RowWriter, tables: dict[str, sa.Table], *, threaded: bool = True):
        self.writer = writer
        self.tables = tables
        self._error: Exception | None = None
        self._thread = None
        if threaded:
            self._queue: queue.Queue = queue.Queue(maxsize=1)
            self._thread = threading.Thread(target=self._run, name="demo-data-writer", daemon=True)
            self._thread.start()

    def submit(self, batch: dict[str, list[dict]]) -> None:
        """Queue a batch (table name -> rows, written in that order); waits while the previous one is pending."""
        if self._thread is None:
            self._write(batch)
            return
        self._raise_if_failed()
        self._queue.put(batch)

    def close(self) -> None:
        """Wait until every batch is written."""
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._raise_if_failed()

    def _write(self, batch: dict[str, list[dict]]) -> None:
        for name, rows in batch.items():
            self.writer.write(self.tables[name], rows)

    def _run(self) -> None:
        while (batch := self._queue.get()) is not None:
            if self._error is not None:
                continue  # drain, so a blocked submit() wakes up and sees the error
            try:
                self._write(batch)
            except Exception as exc:  # handed to the caller's thread
                self._error = exc

    def _raise_if_failed(self) -> None:
        if self._error is not None:
            raise self._error
