"""Segments and offer rules kept as a TOML file in git (like the IVR flows), loaded into the database."""

from __future__ import annotations

import tomllib
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from ..errors import ValidationError
from ..segments import save_segment
from .rules import save_offer

DEMO_CATALOG = Path(__file__).with_name("demo.toml")
SEGMENT_FIELDS = {"name", "description", "conditions"}
OFFER_FIELDS = {"code", "name", "segment", "conditions", "texts", "priority", "valid_from", "valid_to", "active"}


@dataclass(frozen=True)
class LoadedCatalog:
    """How many segments and offers a catalog created or replaced."""

    segments: int
    offers: int


def load_catalog(session: Session, path: Path, *, now: datetime) -> LoadedCatalog:
    """Create or replace the catalog's segments (by name) and offers (by code); offers name their segment.
    All entries are validated; an error names the file, the entry and the field. Flushes."""
    try:
        catalog = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ValidationError(Path(path).name, f"not valid TOML: {error}") from None
    segments = {}
    for index, entry in enumerate(catalog.get("segments", [])):
        with _entry(path, "segments", index, entry, SEGMENT_FIELDS):
            segment = save_segment(session, name=entry.get("name"), description=entry.get("description"),
                                   conditions=entry.get("conditions", []), now=now)
            segments[segment.name] = segment
    offers = catalog.get("offers", [])
    for index, entry in enumerate(offers):
        with _entry(path, "offers", index, entry, OFFER_FIELDS):
            segment_name = entry.get("segment")
            if segment_name is not None and segment_name not in segments:
                raise ValidationError("segment", f"no segment named {segment_name!r} in this file")
            save_offer(session, code=entry.get("code"), name=entry.get("name"), texts=entry.get("texts"),
                       segment=segments.get(segment_name), conditions=entry.get("conditions", []),
                       priority=entry.get("priority", 0), valid_from=entry.get("valid_from"),
                       valid_to=entry.get("valid_to"), active=entry.get("active", True), now=now)
    return LoadedCatalog(len(segments), len(offers))


@contextmanager
def _entry(path: Path, table: str, index: int, entry: dict, fields: set[str]):
    """Refuse unknown fields, and say where the entry is in any validation error."""
    where = f"{Path(path).name}: {table}[{index}]"
    try:
        if unknown := sorted(set(entry) - fields):
            raise ValidationError(unknown[0], "unknown field")
        yield
    except ValidationError as error:
        raise ValidationError(f"{where}.{error.field}", error.message) from None
