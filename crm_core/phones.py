"""The one place where phone numbers are parsed, validated and classified."""

from __future__ import annotations

from dataclasses import dataclass, field

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
    """A valid number in E.164 with what we can tell about it offline (worked out only when asked:
    caller-ID lookups on every call need just the E.164 form)."""

    e164: str
    parsed: phonenumbers.PhoneNumber = field(repr=False, compare=False)

    @property
    def kind(self) -> str:
        """mobile, fixed, fixed_or_mobile, toll_free, voip or other."""
        return _KINDS.get(number_type(self.parsed), "other")

    @property
    def region(self) -> str | None:
        """The ISO region the number belongs to."""
        return phonenumbers.region_code_for_number(self.parsed)

    @property
    def time_zones(self) -> tuple[str, ...]:
        """Every time zone the number may be in (several for large countries)."""
        return tuple(z for z in pn_timezone.time_zones_for_number(self.parsed) if z != "Etc/Unknown")

    @property
    def national(self) -> str:
        """The number formatted as a local caller would write it."""
        return phonenumbers.format_number(self.parsed, phonenumbers.PhoneNumberFormat.NATIONAL)


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
    return NormalizedPhone(e164=phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164), parsed=parsed)


def is_supported_region(region: str) -> bool:
    """Whether phonenumbers knows the region code (used to validate DEFAULT_REGION)."""
    return region in phonenumbers.SUPPORTED_REGIONS


__all__ = ["NormalizedPhone", "normalize_phone", "is_supported_region"]
