"""Normalizing a batch of raw numbers: the CPU-bound part of an import, run in worker processes.

Kept free of database imports so a spawned worker starts quickly.
"""

from __future__ import annotations

import json

from crm_core.errors import InvalidPhoneNumber
from crm_core.phones import normalize_phone

# The same few zone sets come back for millions of numbers: serialize each once.
_ZONES_JSON: dict[tuple[str, ...], str] = {}


def normalize_batch(default_region: str, raws: list[str]) -> list[tuple]:
    """For each raw number: (e164, kind, region, time zones as JSON), or (None, why it was rejected)."""
    out = []
    for raw in raws:
        raw = raw.strip()
        if not raw:
            out.append((None, "no phone number"))
            continue
        try:
            phone = normalize_phone(raw, default_region)
        except InvalidPhoneNumber as exc:
            out.append((None, exc.message))
            continue
        zones = phone.time_zones
        zones_json = _ZONES_JSON.get(zones)
        if zones_json is None:
            zones_json = _ZONES_JSON[zones] = json.dumps(list(zones))
        out.append((phone.e164, phone.kind, phone.region, zones_json))
    return out
