"""CSV export of any report: the rows the page shows, one column per key, in the same order."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime


def report_csv(rows: list[dict], columns: list[str] | None = None) -> str:
    """The rows as CSV text with a header (`columns` names them when there are no rows, or picks some).

    Rates stay fractions and durations seconds, unrounded, so a spreadsheet recomputes the page's figures;
    empty cells are KPIs with nothing to divide by; times are ISO 8601 UTC."""
    columns = columns or (list(rows[0]) if rows else [])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(column)) for column in columns])
    return out.getvalue()


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
