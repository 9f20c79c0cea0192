"""Phone numbers in the formats callers really use normalize to one E.164 form."""

import phonenumbers
import pytest
from phonenumbers import timezone as pn_timezone

from crm_core.errors import InvalidPhoneNumber
from crm_core.phones import normalize_phone


@pytest.mark.parametrize(
    "raw, region, e164",
    [
        ("8 (912) 345-67-89", "RU", "+79123456789"),
        ("+7 912 345 6789", "RU", "+79123456789"),
        ("+7 912 345 6789", "US", "+79123456789"),
        ("89123456789", "RU", "+79123456789"),
        ("(415) 555-0100", "US", "+14155550100"),
        ("+1 415-555-0100", "RU", "+14155550100"),
        ("1-415-555-0100", "US", "+14155550100"),
    ],
)
def test_caller_formats_normalize_to_e164(raw, region, e164):
    assert normalize_phone(raw, region).e164 == e164


def test_number_is_classified_with_its_time_zones():
    moscow_landline = normalize_phone("+7 495 123-45-67", "RU")
    assert (moscow_landline.kind, moscow_landline.region, moscow_landline.time_zones) == (
        "fixed", "RU", ("Europe/Moscow",)
    )
    assert normalize_phone("8 912 345 67 89", "RU").kind == "mobile"


@pytest.mark.parametrize("raw", ["", "   ", "hello", "123", "+7 912", "8" * 41, "+999 123 456 789"])
def test_unusable_numbers_are_refused_with_a_reason(raw):
    with pytest.raises(InvalidPhoneNumber) as error:
        normalize_phone(raw, "RU")
    assert error.value.field == "phone"
    assert error.value.message


@pytest.mark.parametrize("raw, region", [
    ("+1 212 555 0123", "US"), ("+1 907 555 0123", "US"), ("+1 800 555 0199", "US"), ("+1 416 555 0123", "CA"),
    ("8 912 345 67 89", "RU"), ("+7 423 222 33 44", "RU"), ("+7 800 555 35 35", "RU"), ("+44 7911 123456", "GB"),
    ("+44 20 7946 0018", "GB"), ("+33 6 12 34 56 78", "FR"), ("+33 1 42 68 53 00", "FR"), ("+49 30 901820", "DE"),
    ("+49 1512 3456789", "DE"), ("+61 2 9374 4000", "AU"), ("+55 11 91234 5678", "BR"),
])
def test_classification_agrees_with_phonenumbers_own_answers(raw, region):
    """The one-pass classification gives what phonenumbers' separate calls give."""
    phone = normalize_phone(raw, region)
    parsed = phonenumbers.parse(raw, region)
    assert phonenumbers.is_valid_number(parsed)
    assert phone.number_type == phonenumbers.number_type(parsed)
    assert phone.region == phonenumbers.region_code_for_number(parsed)
    assert phone.time_zones == tuple(z for z in pn_timezone.time_zones_for_number(parsed) if z != "Etc/Unknown")


def _every_regions_numbers():
    """Each region's example number of each type, and variants one digit longer, shorter or changed: valid and
    invalid numbers of every country code, including those shared by several regions (+1, +7, +44, ...)."""
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for kind in range(phonenumbers.PhoneNumberType.UNKNOWN):
            example = phonenumbers.example_number_for_type(region, kind)
            if example is None:
                continue
            e164 = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164)
            yield from (e164, e164 + "5", e164[:-1], e164[:-1] + str((int(e164[-1]) + 3) % 10))


def test_every_regions_numbers_are_validated_and_classified_as_phonenumbers_does():
    checked = valid = 0
    for raw in _every_regions_numbers():
        parsed = phonenumbers.parse(raw)
        checked += 1
        if not phonenumbers.is_valid_number(parsed):
            with pytest.raises(InvalidPhoneNumber):
                normalize_phone(raw, "ZZ")
            continue
        valid += 1
        phone = normalize_phone(raw, "ZZ")
        assert (phone.number_type, phone.region) == (
            phonenumbers.number_type(parsed), phonenumbers.region_code_for_number(parsed)), raw
    assert checked > 4000 and valid > 1500  # every region took part, valid and invalid numbers alike
