"""Managing do-not-call lists: supervisors add and remove numbers (with a reason, audited) and import dated
copies of national registries. The entries themselves live in crm_core.dnc, where opt-outs write them too."""

from __future__ import annotations

from datetime import date, datetime
from functools import partial
from typing import BinaryIO

import sqlalchemy as sa
from sqlalchemy.orm import Session

from crm_core.dnc import add_do_not_call
from crm_core.errors import InvalidPhoneNumber, NotFound, ValidationError
from crm_core.models import DncChange, DncRegistryEntry, DncRegistryImport, DoNotCallEntry
from crm_core.phones import normalize_phone

from .errors import ImportFailed
from .imports import BulkWriter
from .numbers import normalize_batch

FILE_NAME_LENGTH = DncRegistryImport.__table__.c.file_name.type.length

MAX_REGISTRY_LINE = 256
REGISTRY_BATCH = 10_000


def add_number(session: Session, number: str, *, reason: str, default_region: str, now: datetime,
               campaign_id: int | None = None, user_id: int | None = None) -> DoNotCallEntry:
    """Put a number on the global list (or one campaign's) and record who did it and why. Flushes."""
    e164, reason = _e164(number, default_region), _reason(reason)
    entry = add_do_not_call(session, e164, source="supervisor", reason=reason, campaign_id=campaign_id, now=now)
    session.add(DncChange(e164=e164, campaign_id=campaign_id, action="add", reason=reason, user_id=user_id,
                          changed_at=now))
    session.flush()
    return entry


def remove_number(session: Session, number: str, *, reason: str, default_region: str, now: datetime,
                  campaign_id: int | None = None, user_id: int | None = None) -> DoNotCallEntry:
    """Take a number off the global list (or one campaign's); the reason is required and audited. Flushes."""
    e164, reason = _e164(number, default_region), _reason(reason)
    scope = DoNotCallEntry.campaign_id.is_(None) if campaign_id is None else DoNotCallEntry.campaign_id == campaign_id
    entry = session.scalar(sa.select(DoNotCallEntry).where(DoNotCallEntry.e164 == e164, scope))
    if entry is None:
        raise NotFound("do-not-call entry", e164)
    session.delete(entry)
    session.add(DncChange(e164=e164, campaign_id=campaign_id, action="remove", reason=reason, user_id=user_id,
                          changed_at=now))
    session.flush()
    return entry


def number_status(session: Session, number: str, *, default_region: str) -> dict:
    """Every list a number is on (global, campaigns, newest registry copies) and its change history."""
    e164 = _e164(number, default_region)
    entries = session.scalars(sa.select(DoNotCallEntry).where(DoNotCallEntry.e164 == e164)
                              .order_by(DoNotCallEntry.added_at)).all()
    registries = session.execute(
        sa.select(DncRegistryImport.registry_code, DncRegistryImport.registry_date)
        .join(DncRegistryEntry, DncRegistryEntry.import_id == DncRegistryImport.id)
        .where(DncRegistryEntry.e164 == e164)).all()
    changes = session.scalars(sa.select(DncChange).where(DncChange.e164 == e164).order_by(DncChange.changed_at)).all()
    return {
        "e164": e164,
        "entries": [{"campaign_id": e.campaign_id, "source": e.source, "reason": e.reason,
                     "added_at": e.added_at.isoformat()} for e in entries],
        "registries": [{"registry": code, "registry_date": day.isoformat()} for code, day in registries],
        "changes": [{"action": c.action, "campaign_id": c.campaign_id, "reason": c.reason, "user_id": c.user_id,
                     "changed_at": c.changed_at.isoformat()} for c in changes],
    }


def import_registry(session: Session, stream: BinaryIO, *, registry_code: str, registry_date: date, region: str,
                    now: datetime, file_name: str | None = None, user_id: int | None = None) -> DncRegistryImport:
    """Store a dated copy of a national registry (one number per line, any punctuation, e.g. the FTC's
    `212,5550143`). The gate consults only the newest copy, so older copies' entries are dropped. Flushes."""
    code = (registry_code or "").strip()
    if not code or len(code) > 32:
        raise ValidationError("registry", "the registry's code, at most 32 characters (US-DNC, TPS...)")
    if registry_date > now.date():
        raise ValidationError("registry_date", "cannot be in the future")
    copy = DncRegistryImport(registry_code=code, registry_date=registry_date,
                             file_name=(file_name or "")[:FILE_NAME_LENGTH] or None,
                             imported_by=user_id, imported_at=now)
    session.add(copy)
    session.flush()
    writer, seen, batch, lines = BulkWriter(session), set(), [], 0
    for number, line in enumerate(iter(partial(stream.readline, MAX_REGISTRY_LINE + 1), b""), start=1):
        if len(line) > MAX_REGISTRY_LINE:
            raise ImportFailed(f"line {number} is longer than {MAX_REGISTRY_LINE} bytes: not a registry file")
        digits = "".join(ch for ch in line.decode("latin-1") if ch.isdigit() or ch == "+")
        lines += 1
        if digits:
            batch.append(digits)
        if len(batch) >= REGISTRY_BATCH:
            _store_registry_batch(writer, copy, batch, region, seen)
            batch = []
    _store_registry_batch(writer, copy, batch, region, seen)
    if lines == 0:
        raise ImportFailed("the file is empty")
    copy.entries_count = len(seen)
    copy.rejected_count = lines - len(seen)
    newest = session.scalar(sa.select(DncRegistryImport.id).where(DncRegistryImport.registry_code == code)
                            .order_by(DncRegistryImport.registry_date.desc(), DncRegistryImport.id.desc()).limit(1))
    older = sa.select(DncRegistryImport.id).where(DncRegistryImport.registry_code == code,
                                                  DncRegistryImport.id != newest)
    session.execute(sa.delete(DncRegistryEntry).where(DncRegistryEntry.import_id.in_(older)))
    session.flush()
    return copy


def _store_registry_batch(writer: BulkWriter, copy: DncRegistryImport, batch: list[str], region: str,
                          seen: set[str]) -> None:
    rows = []
    for result in normalize_batch(region, batch):
        if result[0] is not None and result[0] not in seen:
            seen.add(result[0])
            rows.append((copy.id, result[0]))
    writer.write(DncRegistryEntry.__tablename__, ("import_id", "e164"), rows)


def _e164(number: str, default_region: str) -> str:
    try:
        return normalize_phone(number, default_region).e164
    except InvalidPhoneNumber as exc:
        raise InvalidPhoneNumber(number, exc.message, field="number") from exc


def _reason(reason: str | None) -> str:
    reason = (reason if isinstance(reason, str) else "").strip()
    if not reason or len(reason) > 255:
        raise ValidationError("reason", "say why, in at most 255 characters")
    return reason
