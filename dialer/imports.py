"""Importing a call list from CSV: stream the file, normalize numbers on every core, and write leads and
rejected rows in the caller's transaction, so a file that fails half-way leaves nothing behind."""

from __future__ import annotations

import csv
import io
import multiprocessing
import os
import re
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import BinaryIO, Callable, Iterable, Iterator

import sqlalchemy as sa
from sqlalchemy.orm import Session

from crm_core.models import CallList, Campaign, ImportRejection, Lead, PhoneNumber

from .csv_source import open_csv
from .errors import ImportFailed
from .numbers import parse_block

# Below this size starting worker processes costs more than it saves.
POOL_MIN_BYTES = 2 * 1024 * 1024
SQLITE_CACHE_KIB = -64 * 1024  # negative: KiB, as SQLite's cache_size pragma reads it
LEAD_COLUMNS = ("list_id", "campaign_id", "row_number", "e164", "kind", "region", "time_zones", "name", "extra",
                "customer_id", "consent_at", "status")
REJECTION_COLUMNS = ("list_id", "row_number", "value", "reason")
# A spreadsheet evaluates a cell starting with one of these (OWASP's "CSV injection"). Those starting with = or @
# are always formulas; after + - tab or CR, only a function call, a reference to another sheet or program (!),
# a comparison or a string can do harm: "+7 912 345-67-89" or "+79031234567 | extra | column" stay as typed.
FORMULA_STARTS = ("=", "@", "+", "-", "\t", "\r")
FORMULA_SYNTAX = re.compile(r"""^[=@]|[(!="']""")

@dataclass(frozen=True)
class ImportProgress:
    """How far an import has got: bytes of the file read, and what became of the rows read so far."""

    bytes_read: int
    total_bytes: int
    rows: int
    leads: int
    rejected: int


def import_call_list(session: Session, stream: BinaryIO, *, campaign: Campaign, name: str, default_region: str,
                     now: datetime, file_name: str | None = None, encoding: str = "auto",
                     delimiter: str | None = None, mapping: dict[str, str] | None = None,
                     created_by: int | None = None,
                     progress: Callable[[ImportProgress], None] | None = None,
                     workers: int | None = None) -> CallList:
    """Import a CSV file (UTF-8 or Windows-1251, comma, semicolon or tab) into a new list of `campaign`.

    Every number goes through crm_core.phones.normalize_phone; duplicates within the list and invalid rows are
    kept as rejections with their spreadsheet row number. After each block, `progress(ImportProgress)` is called
    with the bytes read and the row counts so far.
    Raises ImportFailed (and writes nothing the caller would keep) on a file it cannot read. Flushes; the caller
    commits.
    """
    total_bytes = _size(stream)
    source = open_csv(stream, encoding=encoding, delimiter=delimiter, mapping=mapping)
    call_list = CallList(
        campaign_id=campaign.id, name=(name or file_name or "call list")[:200], source="file",
        file_name=file_name[:255] if file_name else None, created_by=created_by, created_at=now,
        settings={"encoding": source.encoding, "delimiter": source.delimiter, "header": list(source.layout.header),
                  "phone": source.layout.header[source.layout.phone]},
    )
    session.add(call_list)
    session.flush()
    if workers is None:
        workers = (os.cpu_count() or 1) if total_bytes >= POOL_MIN_BYTES else 0
    parse = partial(parse_block, source.layout, source.encoding, source.delimiter, default_region)
    done = total_bytes - _remaining(stream, total_bytes)
    with BulkWriter(session) as writer:
        store = _ListStore(session, writer, call_list, campaign.id, now)
        for (_, block), (records, results) in _in_order(parse, source.blocks(), workers):
            store.add(results, records)
            done += len(block)
            if progress is not None:
                progress(ImportProgress(done, total_bytes, call_list.rows_total, call_list.leads_count,
                                        call_list.rejected_count))
    if call_list.rows_total == 0:
        raise ImportFailed("the file has no rows below its header")
    store.link_customers()
    session.flush()
    return call_list


def rejections_csv(session: Session, list_id: int) -> Iterator[str]:
    """The rejected rows of a list as CSV text (row, value, reason), streamed in row order; a cell a spreadsheet
    would run as a formula is written with a leading apostrophe, so opening the report runs nothing."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(("row", "value", "reason"))
    rows = session.execute(
        sa.select(ImportRejection.row_number, ImportRejection.value, ImportRejection.reason)
        .where(ImportRejection.list_id == list_id).order_by(ImportRejection.row_number)
        .execution_options(yield_per=1000))
    for number, value, reason in rows:
        writer.writerow((number, spreadsheet_text(value), spreadsheet_text(reason)))
        if buffer.tell() > 64 * 1024:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def spreadsheet_text(cell: str | None) -> str | None:
    """The cell as text a spreadsheet shows rather than evaluates: a formula gets a leading apostrophe."""
    if cell and cell.startswith(FORMULA_STARTS) and FORMULA_SYNTAX.search(cell):
        return "'" + cell
    return cell


class _ListStore:
    """Numbers the parsed rows, drops duplicates, writes each block's leads and rejections, and finally links
    the leads to known customers."""

    def __init__(self, session: Session, writer: BulkWriter, call_list: CallList, campaign_id: int, now: datetime):
        self.session, self.writer, self.call_list, self.campaign_id = session, writer, call_list, campaign_id
        consent_type = Lead.__table__.c.consent_at.type.dialect_impl(self.writer.dialect)
        processor = consent_type.bind_processor(self.writer.dialect)
        self.consent_value = processor(now) if processor else now
        self.first_row: dict[int, int] = {}  # E.164 digits -> the row that brought the number first
        self.rows_before = 1  # the header is row 1

    def add(self, results: list[tuple], records: int) -> None:
        list_id, campaign_id, offset, leads, rejections = (self.call_list.id, self.campaign_id, self.rows_before,
                                                           [], [])
        duplicates = 0
        for position, e164, *rest in results:
            row = offset + position
            if e164 is None:
                rejections.append((list_id, row, *rest))
                continue
            first = self.first_row.setdefault(int(e164[1:]), row)
            if first != row:
                duplicates += 1
                rejections.append((list_id, row, e164, f"duplicate of row {first}"))
                continue
            kind, region, zones, name, extra, consent = rest
            leads.append((list_id, campaign_id, row, e164, kind, region, zones, name, extra, None,
                          self.consent_value if consent else None, "new"))
        self.writer.write(Lead.__tablename__, LEAD_COLUMNS, leads)
        self.writer.write(ImportRejection.__tablename__, REJECTION_COLUMNS, rejections)
        self.rows_before += records
        c = self.call_list
        c.rows_total += len(results)
        c.leads_count += len(leads)
        c.rejected_count += len(rejections)
        c.duplicates_count += duplicates

    def link_customers(self) -> None:
        """Point every lead whose number a customer has at that customer, in one statement for the whole list."""
        linked = self.session.execute(
            sa.update(Lead).where(Lead.list_id == self.call_list.id, Lead.e164 == PhoneNumber.e164)
            .values(customer_id=PhoneNumber.customer_id).execution_options(synchronize_session=False))
        self.call_list.linked_count = linked.rowcount


class BulkWriter:
    """Rows straight to the driver inside the session's transaction: COPY on PostgreSQL, executemany on SQLite
    (the ORM would spend more time per row than normalizing the number)."""

    def __init__(self, session: Session):
        self.connection = session.connection()
        self.dialect = self.connection.dialect
        self._sqlite_cache = None

    def __enter__(self) -> "BulkWriter":
        if self.dialect.name == "sqlite":
            # A large page cache keeps the unique (list, number) index in memory: a third less CPU per row.
            self._sqlite_cache = self.connection.exec_driver_sql("PRAGMA cache_size").scalar()
            self.connection.exec_driver_sql(f"PRAGMA cache_size = {SQLITE_CACHE_KIB}")
        return self

    def __exit__(self, *_) -> None:
        if self._sqlite_cache is not None:
            self.connection.exec_driver_sql(f"PRAGMA cache_size = {int(self._sqlite_cache)}")

    def write(self, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
        """Insert `rows` (values in `columns` order, already in the database's representation)."""
        if not rows:
            return
        names = ", ".join(columns)
        if self.dialect.name == "postgresql":
            with self.connection.connection.driver_connection.cursor() as cursor:
                with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
        else:
            marks = ", ".join("?" for _ in columns)
            self.connection.exec_driver_sql(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)


def _in_order(function, items: Iterable[tuple], workers: int) -> Iterator[tuple[tuple, object]]:
    """(item, function(*item)) for each item, in order; with workers, in that many processes with a bounded
    number of items in flight, so memory stays flat however long the file."""
    if not workers:
        for item in items:
            yield item, function(*item)
        return
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        pending = deque()
        try:
            for item in items:
                pending.append((item, pool.submit(function, *item)))
                if len(pending) > 2 * workers:
                    item, future = pending.popleft()
                    yield item, future.result()
            while pending:
                item, future = pending.popleft()
                yield item, future.result()
        except BrokenProcessPool as exc:
            raise ImportFailed("a worker process died while reading the file; nothing was imported") from exc
        finally:
            for _, future in pending:
                future.cancel()


def _size(stream: BinaryIO) -> int:
    try:
        return os.fstat(stream.fileno()).st_size
    except (AttributeError, OSError, io.UnsupportedOperation):
        position = stream.seek(0, io.SEEK_END)
        stream.seek(0)
        return position


def _remaining(stream: BinaryIO, total: int) -> int:
    try:
        return total - stream.tell()
    except (OSError, ValueError):
        return total
