"""Turning raw CSV text into lead values: decode, parse, normalize every number. The CPU-bound part of an
import, run in worker processes; kept free of database imports so a spawned worker starts quickly."""

from __future__ import annotations

import csv
import io
import json

from crm_core.errors import InvalidPhoneNumber
from crm_core.phones import normalize_phone

from .csv_source import MAX_LINE_BYTES, Layout
from .errors import ImportFailed

MAX_NAME = 200
MAX_VALUE = 255
CONSENT_WORDS = frozenset({"1", "y", "yes", "true", "x", "+", "да", "д"})

# The same few zone sets come back for millions of numbers: serialize each once.
_ZONES_JSON: dict[tuple[str, ...], str] = {}
_to_json = json.JSONEncoder(ensure_ascii=False).encode


def normalize_one(raw: str, default_region: str) -> tuple:
    """(e164, kind, region, time zones as JSON) of a raw number, or (None, why it was rejected)."""
    raw = raw.strip()
    if not raw:
        return None, "no phone number"
    try:
        phone = normalize_phone(raw, default_region)
    except InvalidPhoneNumber as exc:
        return None, exc.message
    zones = phone.time_zones
    zones_json = _ZONES_JSON.get(zones)
    if zones_json is None:
        zones_json = _ZONES_JSON[zones] = json.dumps(list(zones))
    return phone.e164, phone.kind, phone.region, zones_json


def normalize_batch(default_region: str, raws: list[str]) -> list[tuple]:
    """normalize_one for each raw number."""
    return [normalize_one(raw, default_region) for raw in raws]


def parse_block(layout: Layout, encoding: str, delimiter: str, default_region: str, first_line: int,
                block: bytes) -> tuple[int, list[tuple]]:
    """Parse one block of whole records into (records read, results). A result is, for a data record at
    position n of the block (1-based, blank records count): (n, e164, kind, region, zones JSON, name,
    extra JSON or None, consent) or, when rejected, (n, None, value, reason).
    Raises ImportFailed naming the line for what makes the whole file unreadable."""
    lengths = list(map(len, block.split(b"\n")))
    if max(lengths) >= MAX_LINE_BYTES:
        index = next(i for i, n in enumerate(lengths) if n >= MAX_LINE_BYTES)
        raise ImportFailed(f"line {first_line + index} is longer than {MAX_LINE_BYTES // 1024} KiB")
    if b"\0" in block:
        line = first_line + block.count(b"\n", 0, block.index(b"\0"))
        raise ImportFailed(f"line {line} holds a NUL byte: save the file as CSV text (not UTF-16 or .xlsx)")
    try:
        text = block.decode(encoding)
    except UnicodeDecodeError as exc:
        line = first_line + block.count(b"\n", 0, exc.start)
        raise ImportFailed(f"line {line} is not valid {encoding}: choose the file's encoding (utf-8 or cp1251)"
                           ) from None
    width, extra_names = len(layout.header), [(i, layout.header[i]) for i in layout.extra]
    phone, name_at, consent_at = layout.phone, layout.name, layout.consent
    results, position = [], 0
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for fields in reader:
            position += 1
            if not fields:
                continue
            if len(fields) != width:
                results.append((position, None, " | ".join(fields)[:MAX_VALUE],
                                f"expected {width} columns, found {len(fields)}"))
                continue
            number = normalize_one(fields[phone], default_region)
            if number[0] is None:
                results.append((position, None, fields[phone].strip()[:MAX_VALUE], number[1][:MAX_VALUE]))
                continue
            name = fields[name_at].strip()[:MAX_NAME] or None if name_at is not None else None
            consent = consent_at is not None and fields[consent_at].strip().lower() in CONSENT_WORDS
            extra = {header: fields[i] for i, header in extra_names if fields[i]}
            results.append((position, *number, name, _to_json(extra) if extra else None,
                            consent))
    except csv.Error as exc:
        raise ImportFailed(f"line {first_line + reader.line_num - 1} cannot be read as CSV: {exc}") from None
    return position, results
