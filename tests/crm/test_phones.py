"""Phone numbers in the formats callers really use normalize to one E.164 form."""

import pytest

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
