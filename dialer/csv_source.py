"""Reading an uploaded call list: encoding and delimiter, header and column mapping, rows streamed with limits."""

from __future__ import annotations

import codecs
import csv
from dataclasses import dataclass
from functools import partial
from typing import BinaryIO, Iterator

from .errors import ImportFailed

ENCODINGS = {"utf-8": "utf-8", "utf8": "utf-8", "cp1251": "cp1251", "windows-1251": "cp1251"}
DELIMITERS = (",", ";", "\t")
MAX_LINE_BYTES = 64 * 1024
SNIFF_BYTES = 64 * 1024
FIELDS = ("phone", "name", "consent")
# Headers recognised without an explicit mapping (lower case).
GUESSES = {
    "phone": ("phone", "phone_number", "телефон", "номер", "номер телефона", "number", "tel", "mobile", "msisdn"),
    "name": ("name", "full_name", "имя", "фио", "клиент", "customer"),
    "consent": ("consent", "согласие"),
}


@dataclass(frozen=True)
class Layout:
    """Where each field sits in a row; the columns not mapped are kept as extra fields for the agent."""

    header: tuple[str, ...]
    phone: int
    name: int | None
    consent: int | None
    extra: tuple[int, ...]


@dataclass(frozen=True)
class CsvSource:
    """An opened file positioned after its header: encoding, delimiter and the column layout."""

    stream: BinaryIO
    encoding: str
    delimiter: str
    layout: Layout

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(spreadsheet row number, fields) for every data row; the header is row 1."""
        reader = csv.reader(_lines(self.stream, self.encoding, first_line=2), delimiter=self.delimiter)
        number = 1
        try:
            for fields in reader:
                number += 1
                if fields:
                    yield number, fields
        except csv.Error as exc:
            raise ImportFailed(f"row {number + 1} cannot be read as CSV: {exc}") from None


def open_csv(stream: BinaryIO, *, encoding: str = "auto", delimiter: str | None = None,
             mapping: dict[str, str] | None = None) -> CsvSource:
    """Check the start of the file (encoding, header, mapping) before a single row is imported."""
    head = stream.read(SNIFF_BYTES)
    if not head.strip():
        raise ImportFailed("the file is empty")
    chosen = _encoding(head, encoding)
    stream.seek(0)
    header_line = next(_lines(stream, chosen, first_line=1)).removeprefix("\ufeff")
    if delimiter is None:
        delimiter = max(DELIMITERS, key=header_line.count)
    elif delimiter not in DELIMITERS:
        raise ImportFailed(f"the delimiter must be one of {' '.join(map(repr, DELIMITERS))}", field="delimiter")
    header = tuple(h.strip() for h in next(csv.reader([header_line], delimiter=delimiter), []))
    return CsvSource(stream, chosen, delimiter, _layout(header, mapping or {}))


def _encoding(head: bytes, requested: str) -> str:
    if requested != "auto":
        if requested.lower() not in ENCODINGS:
            raise ImportFailed("the encoding must be auto, utf-8 or cp1251", field="encoding")
        return ENCODINGS[requested.lower()]
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "cp1251"  # the Russian Excel's "CSV" encoding
    return "utf-8"


def _layout(header: tuple[str, ...], mapping: dict[str, str]) -> Layout:
    if not any(header):
        raise ImportFailed("the first line must be a header naming the columns")
    lowered = [h.lower() for h in header]
    if len(set(lowered)) != len(lowered):
        raise ImportFailed("the header names a column twice")
    unknown = set(mapping) - set(FIELDS)
    if unknown:
        raise ImportFailed(f"cannot map {sorted(unknown)[0]!r}: the fields are {', '.join(FIELDS)}", field="mapping")
    found = {}
    for field in FIELDS:
        if field in mapping:
            if mapping[field].strip().lower() not in lowered:
                raise ImportFailed(f"no column {mapping[field]!r} for {field}; the header has "
                                   f"{', '.join(header)}", field="mapping")
            found[field] = lowered.index(mapping[field].strip().lower())
        else:
            found[field] = next((i for i, h in enumerate(lowered) if h in GUESSES[field]), None)
    if found["phone"] is None:
        raise ImportFailed(f"no phone column: map one (phone=...) among {', '.join(header)}", field="mapping")
    mapped = {i for i in found.values() if i is not None}
    return Layout(header, found["phone"], found["name"], found["consent"],
                  tuple(i for i in range(len(header)) if i not in mapped and header[i]))


def _lines(stream: BinaryIO, encoding: str, *, first_line: int) -> Iterator[str]:
    """The file's lines decoded one by one (so an error names its line), refusing any longer than
    MAX_LINE_BYTES: a runaway line is not a call list."""
    number = first_line - 1
    for line in iter(partial(stream.readline, MAX_LINE_BYTES + 1), b""):
        number += 1
        if len(line) > MAX_LINE_BYTES:
            raise ImportFailed(f"line {number} is longer than {MAX_LINE_BYTES // 1024} KiB")
        if b"\0" in line:
            raise ImportFailed(f"line {number} holds a NUL byte: save the file as CSV text (not UTF-16 or .xlsx)")
        try:
            yield line.decode(encoding)
        except UnicodeDecodeError:
            raise ImportFailed(f"line {number} is not valid {encoding}: choose the file's encoding "
                               f"(utf-8 or cp1251)") from None
