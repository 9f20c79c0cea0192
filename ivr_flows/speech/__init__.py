"""Values said the way a person says them: dates, times, money, digits and order statuses, per language."""

from __future__ import annotations

import re
from datetime import date, datetime

from . import english, russian

LOCALES = {"ru": "ru-RU", "en": "en-US"}
SPEAKERS = {"ru": russian, "en": english}
KINDS = ("text", "digits", "phone", "date", "time", "amount", "status")

__all__ = ["KINDS", "LOCALES", "say_value", "spell_digits", "spell_phone"]


def say_value(kind: str, value, language: str, *, today: date | None = None) -> str:
    """The words for `value` rendered as `kind` ("date", "amount"...) in `language`."""
    speaker = SPEAKERS[language]
    if kind == "digits":
        return spell_digits(str(value))
    if kind == "phone":
        return spell_phone(str(value))
    if kind == "date":
        return speaker.date_phrase(_as_date(value), today)
    if kind == "time":
        return speaker.time_phrase(_as_datetime(value).hour, _as_datetime(value).minute)
    if kind == "amount":
        return speaker.amount_phrase(int(value["minor"]), str(value["currency"]))
    if kind == "status":
        return speaker.STATUS_PHRASES.get(str(value), str(value).replace("_", " "))
    return str(value)


def spell_digits(text: str) -> str:
    """One character at a time, commas between them so the voice pauses: "10045" -> "1, 0, 0, 4, 5"."""
    return ", ".join(ch for ch in text if ch.isalnum())


def spell_phone(text: str) -> str:
    """A phone number in the groups it is written in: "8 (912) 345-67-89" -> "8, 9 1 2, 3 4 5, 6 7, 8 9"."""
    return ", ".join(" ".join(group) for group in re.findall(r"\d+", text))


def _as_date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return datetime.fromisoformat(str(value)).date()


def _as_datetime(value) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
