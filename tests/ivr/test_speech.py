"""Values said as people say them: Russian plural forms and genitive months, English ordinals and 12-hour
times, money, digits one by one, and a phrase for every order status."""

from datetime import date

import pytest

from crm_core.models import ORDER_STATUSES
from ivr_flows.speech import english, russian, say_value, spell_digits, spell_phone


@pytest.mark.parametrize("minor, said", [
    (100, "1 рубль"), (200, "2 рубля"), (400, "4 рубля"), (500, "5 рублей"), (1100, "11 рублей"),
    (1200, "12 рублей"), (1400, "14 рублей"), (2100, "21 рубль"), (2200, "22 рубля"), (2500, "25 рублей"),
    (10100, "101 рубль"), (11100, "111 рублей"), (250000, "2500 рублей"), (0, "0 рублей"),
    (101, "1 рубль 1 копейка"), (102, "1 рубль 2 копейки"), (150, "1 рубль 50 копеек"), (111, "1 рубль 11 копеек"),
])
def test_rubles_take_the_russian_plural_form_of_their_number(minor, said):
    assert say_value("amount", {"minor": minor, "currency": "RUB"}, "ru") == said


@pytest.mark.parametrize("minor, currency, said", [
    (350, "USD", "3 доллара 50 центов"), (2100, "USD", "21 доллар"), (500, "EUR", "5 евро"),
    (1250, "GBP", "12.50 GBP"),
])
def test_other_currencies_in_russian(minor, currency, said):
    assert say_value("amount", {"minor": minor, "currency": currency}, "ru") == said


@pytest.mark.parametrize("minor, currency, said", [
    (100, "USD", "1 dollar"), (250000, "USD", "2,500 dollars"), (101, "USD", "1 dollar and 1 cent"),
    (2550, "USD", "25 dollars and 50 cents"), (250000, "RUB", "2,500 rubles"), (100, "RUB", "1 ruble"),
    (105, "RUB", "1 ruble and 5 kopecks"), (200, "EUR", "2 euros"), (125000, "GBP", "1,250 GBP"),
])
def test_amounts_in_english(minor, currency, said):
    assert say_value("amount", {"minor": minor, "currency": currency}, "en") == said


@pytest.mark.parametrize("day, said", [
    (date(2026, 3, 15), "15 марта"), (date(2026, 1, 1), "1 января"), (date(2026, 5, 9), "9 мая"),
    (date(2026, 12, 31), "31 декабря"), (date(2027, 2, 3), "3 февраля 2027 года"),
])
def test_russian_dates_use_the_genitive_month_and_the_year_only_when_not_this_year(day, said):
    assert russian.date_phrase(day, today=date(2026, 6, 1)) == said


@pytest.mark.parametrize("day, said", [
    (date(2026, 3, 15), "March 15th"), (date(2026, 3, 1), "March 1st"), (date(2026, 3, 2), "March 2nd"),
    (date(2026, 3, 3), "March 3rd"), (date(2026, 3, 11), "March 11th"), (date(2026, 3, 12), "March 12th"),
    (date(2026, 3, 13), "March 13th"), (date(2026, 3, 21), "March 21st"), (date(2026, 3, 22), "March 22nd"),
    (date(2026, 3, 23), "March 23rd"), (date(2026, 3, 31), "March 31st"), (date(2025, 12, 24), "December 24th, 2025"),
])
def test_english_dates_use_ordinals(day, said):
    assert english.date_phrase(day, today=date(2026, 6, 1)) == said


@pytest.mark.parametrize("offset, ru, en", [
    (-1, "вчера, 31 мая", "yesterday, May 31st"), (0, "сегодня, 1 июня", "today, June 1st"),
    (1, "завтра, 2 июня", "tomorrow, June 2nd"),
])
def test_dates_next_to_today_are_said_as_today_tomorrow_or_yesterday(offset, ru, en):
    from datetime import timedelta

    today = date(2026, 6, 1)
    assert say_value("date", (today + timedelta(days=offset)).isoformat(), "ru", today=today) == ru
    assert say_value("date", (today + timedelta(days=offset)).isoformat(), "en", today=today) == en


@pytest.mark.parametrize("hour, minute, ru, en", [
    (14, 30, "14 часов 30 минут", "2:30 PM"), (21, 0, "21 час", "9 PM"), (1, 1, "1 час 1 минуту", "1:01 AM"),
    (2, 22, "2 часа 22 минуты", "2:22 AM"), (0, 5, "0 часов 5 минут", "12:05 AM"), (12, 0, "12 часов", "12 PM"),
    (23, 45, "23 часа 45 минут", "11:45 PM"),
])
def test_times(hour, minute, ru, en):
    assert russian.time_phrase(hour, minute) == ru
    assert english.time_phrase(hour, minute) == en


def test_a_time_is_said_in_the_offset_it_was_written_with():
    assert say_value("time", "2025-03-15T14:30:00+03:00", "ru") == "14 часов 30 минут"
    assert say_value("date", "2025-03-15T23:30:00-04:00", "en") == "March 15th"


def test_order_numbers_are_said_digit_by_digit():
    assert spell_digits("10045") == "1, 0, 0, 4, 5"
    assert say_value("digits", "AB-12", "en") == "A, B, 1, 2"


def test_phone_numbers_are_said_in_their_written_groups():
    assert spell_phone("8 (912) 345-67-89") == "8, 9 1 2, 3 4 5, 6 7, 8 9"
    assert say_value("phone", "(415) 555-0100", "en") == "4 1 5, 5 5 5, 0 1 0 0"


@pytest.mark.parametrize("speaker", [russian, english])
def test_every_order_status_has_a_phrase(speaker):
    assert set(speaker.STATUS_PHRASES) == set(ORDER_STATUSES)
    assert all(phrase.strip() for phrase in speaker.STATUS_PHRASES.values())
    assert say_value("status", "in_transit", "ru") == "в пути"
