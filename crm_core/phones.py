"""The one place where phone numbers are parsed, validated and classified."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

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


# Zones of numbers that are not tied to a place (most mobiles) depend on the country code alone.
_COUNTRY_ZONES: dict[int, tuple[str, ...]] = {}


@dataclass(frozen=True)
class NormalizedPhone:
    """A valid number in E.164 with what we can tell about it offline. The number's type comes with
    validation at no extra cost; region and zones are worked out once, when asked (caller-ID lookups on every
    call need just the E.164 form; a million-row import needs all of it)."""

    e164: str
    parsed: phonenumbers.PhoneNumber = field(repr=False, compare=False)
    number_type: int = field(repr=False, compare=False)

    @property
    def kind(self) -> str:
        """mobile, fixed, fixed_or_mobile, toll_free, voip or other."""
        return _KINDS.get(self.number_type, "other")

    @cached_property
    def region(self) -> str | None:
        """The ISO region the number belongs to."""
        return phonenumbers.region_code_for_number(self.parsed)

    @cached_property
    def time_zones(self) -> tuple[str, ...]:
        """Every time zone the number may be in (several for large countries). Same answer as phonenumbers'
        `time_zones_for_number`, without working out the number's type again."""
        if phonenumbers.is_number_type_geographical(self.number_type, self.parsed.country_code):
            zones = pn_timezone.time_zones_for_geographical_number(self.parsed)
        else:
            country = self.parsed.country_code
            zones = _COUNTRY_ZONES.get(country)
            if zones is None:
                zones = _COUNTRY_ZONES[country] = tuple(pn_timezone.time_zones_for_number(self.parsed))
        return tuple(z for z in zones if z != "Etc/Unknown")

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
    kind = number_type(parsed)  # UNKNOWN exactly when phonenumbers.is_valid_number is false, for the same work
    if kind == PhoneNumberType.UNKNOWN:
        raise InvalidPhoneNumber(raw)
    return NormalizedPhone(e164=phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164),
                           parsed=parsed, number_type=kind)


def is_supported_region(region: str) -> bool:
    """Whether phonenumbers knows the region code (used to validate DEFAULT_REGION)."""
    return region in phonenumbers.SUPPORTED_REGIONS


__all__ = ["NormalizedPhone", "normalize_phone", "is_supported_region"]
