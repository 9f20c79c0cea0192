"""Reading an uploaded call list: encoding and delimiter, header and column mapping, rows streamed with limits."""

from __future__ import annotations

import codecs
import csv
from dataclasses import dataclass
from typing import BinaryIO, Iterator

from .errors import ImportFailed

ENCODINGS = {"utf-8": "utf-8", "utf8": "utf-8", "cp1251": "cp1251", "windows-1251": "cp1251"}
DELIMITERS = (",", ";", "\t")
MAX_LINE_BYTES = 64 * 1024
BLOCK_BYTES = 512 * 1024
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

    def blocks(self, size: int = BLOCK_BYTES) -> Iterator[tuple[int, bytes]]:
        """(number of its first line, bytes) of consecutive pieces of the file after the header, each ending at a
        record boundary: a newline with an even number of quotes before it (CSV doubles quotes inside fields),
        so a quoted field spanning lines stays whole. Workers parse the pieces independently."""
        carry, line = b"", 2
        while True:
            data = self.stream.read(size)
            buffer = carry + data
            if not data:
                if buffer:
                    yield line, buffer
                return
            cut = _record_boundary(buffer)
            if cut == 0:
                if len(buffer) > MAX_LINE_BYTES:
                    raise ImportFailed(f"line {line} is longer than {MAX_LINE_BYTES // 1024} KiB")
                carry = buffer
                continue
            block, carry = buffer[:cut], buffer[cut:]
            yield line, block
            line += block.count(b"\n")


def open_csv(stream: BinaryIO, *, encoding: str = "auto", delimiter: str | None = None,
             mapping: dict[str, str] | None = None) -> CsvSource:
    """Check the start of the file (encoding, header, mapping) before a single row is imported."""
    head = stream.read(SNIFF_BYTES)
    if not head.strip():
        raise ImportFailed("the file is empty")
    chosen = _encoding(head, encoding)
    stream.seek(0)
    header_line = _header_line(stream, chosen)
    if delimiter is None:
        delimiter = max(DELIMITERS, key=header_line.count)
    elif delimiter not in DELIMITERS:
        raise ImportFailed(f"the delimiter must be one of {' '.join(map(repr, DELIMITERS))}", field="delimiter")
    try:
        header = tuple(h.strip() for h in next(csv.reader([header_line], delimiter=delimiter), []))
    except csv.Error as exc:  # e.g. a carriage return alone inside it: lines end with \n or \r\n
        raise ImportFailed(f"the header cannot be read as CSV: {exc}") from None
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


def _header_line(stream: BinaryIO, encoding: str) -> str:
    line = stream.readline(MAX_LINE_BYTES + 1)
    if len(line) > MAX_LINE_BYTES:
        raise ImportFailed(f"the header line is longer than {MAX_LINE_BYTES // 1024} KiB")
    if b"\0" in line:
        raise ImportFailed("the header holds a NUL byte: save the file as CSV text (not UTF-16 or .xlsx)")
    try:
        return line.decode(encoding).removeprefix("\ufeff")
    except UnicodeDecodeError:
        raise ImportFailed(f"the header is not valid {encoding}: choose the file's encoding (utf-8 or cp1251)"
                           ) from None


def _record_boundary(buffer: bytes) -> int:
    """Length of the longest prefix of `buffer` made of whole records (0 if none ends in it)."""
    end = buffer.rfind(b"\n")
    if b'"' not in buffer:
        return end + 1
    while end >= 0 and buffer.count(b'"', 0, end) % 2:
        end = buffer.rfind(b"\n", 0, end)
    return end + 1
