"""The parameters Twilio sends with every webhook request about a call."""

from __future__ import annotations

import phonenumbers

from .calls import Call

API_VERSION = "2010-04-01"
_PLACES = ("City", "State", "Zip", "Country")


def call_params(call: Call) -> list[tuple[str, str]]:
    """Return the standard request parameters for a call, as of now."""
    params = [
        ("AccountSid", call.account_sid),
        ("ApiVersion", API_VERSION),
        ("CallSid", call.sid),
        ("CallStatus", call.status),
        ("Called", call.to),
        ("Caller", call.from_),
        ("Direction", call.direction),
        ("From", call.from_),
        ("To", call.to),
    ]
    params += sorted(call.geography.items())
    optional = {
        "CallerName": call.caller_name,
        "ForwardedFrom": call.forwarded_from,
        "ParentCallSid": call.parent_call_sid,
        "AnsweredBy": call.answered_by,
    }
    params += [(name, value) for name, value in optional.items() if value]
    return params


def geography(from_: str, to: str, overrides: dict[str, str] | None = None) -> dict[str, str]:
    """Return FromCity..ToCountry and their Caller*/Called* twins; countries come from the
    numbers themselves, anything else from ``overrides`` (e.g. {"FromCity": "MOSCOW"})."""
    overrides = overrides or {}
    result: dict[str, str] = {}
    for side, twin, number in (("From", "Caller", from_), ("To", "Called", to)):
        for place in _PLACES:
            value = overrides.get(side + place, country_of(number) if place == "Country" else "")
            result[side + place] = result[twin + place] = value
    return result


def country_of(number: str) -> str:
    """Return the ISO country of an E.164 number, or "" for client identities and unknowns."""
    parsed = _parse(number)
    return (phonenumbers.region_code_for_number(parsed) or "") if parsed else ""


def formatted(number: str) -> str:
    """Format a number for display as Twilio does: North American numbers nationally, others E.164."""
    parsed = _parse(number)
    if parsed is None or parsed.country_code != 1:
        return number
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)


def _parse(number: str) -> phonenumbers.PhoneNumber | None:
    """Parse an E.164 string, or return None for anything else."""
    if not number.startswith("+"):
        return None
    try:
        return phonenumbers.parse(number)
    except phonenumbers.NumberParseException:
        return None
