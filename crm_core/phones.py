"""The one place where phone numbers are parsed, validated and classified."""

from __future__ import annotations

from dataclasses import dataclass

import phonenumbers
from phonenumbers import PhoneNumberType, number_type, timezone as pn_timezone

from .errors import InvalidPhoneNumber

MAX_RAW_LENGTH = 40

_KINDS = {
    PhoneNumberType.MOBILE: "mobile",
    PhoneNumberType.FIXED_LINE: "fixed",
    PhoneNumberType.FIXED_LINE_OR_MOBILE: "fixed_or_mobile",
    PhoneNumberType.TOLL_FREE: "toll_free",
    PhoneNumberType.VOIP: "voip",
}


@dataclass(frozen=True)
class NormalizedPhone:
    """A valid number in E.164 with what we can tell about it offline."""

    e164: str
    kind: str
    region: str | None
    time_zones: tuple[str, ...]

    @property
    def national(self) -> str:
        """The number formatted as a local caller would write it."""
        parsed = phonenumbers.parse(self.e164)
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)


def normalize_phone(raw: str, default_region: str) -> NormalizedPhone:
    """Parse any format callers use (`8 (912) 345-67-89`, `+7 912 345 6789`, `(415) 555-0100`) into E.164."""
    if not isinstance(raw, str) or not raw.strip():
        raise InvalidPhoneNumber(str(raw), "a phone number is required")
    if len(raw) > MAX_RAW_LENGTH:
        raise InvalidPhoneNumber(raw[:MAX_RAW_LENGTH] + "...", "too long to be a phone number")
    try:
        parsed = phonenumbers.parse(raw, default_region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhoneNumber(raw, f"cannot be parsed: {exc._msg}") from exc
    if not phonenumbers.is_valid_number(parsed):
        raise InvalidPhoneNumber(raw)
    zones = tuple(z for z in pn_timezone.time_zones_for_number(parsed) if z != "Etc/Unknown")
    return NormalizedPhone(
        e164=phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164),
        kind=_KINDS.get(number_type(parsed), "other"),
        region=phonenumbers.region_code_for_number(parsed),
        time_zones=zones,
    )


def is_supported_region(region: str) -> bool:
    """Whether phonenumbers knows the region code (used to validate DEFAULT_REGION)."""
    return region in phonenumbers.SUPPORTED_REGIONS


__all__ = ["NormalizedPhone", "normalize_phone", "is_supported_region"]
