"""Russian: dates in the genitive ("15 марта"), times after "в", money with the right plural forms."""

from __future__ import annotations

from datetime import date

MONTHS = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября",
          "ноября", "декабря")
RELATIVE_DAYS = {-1: "вчера", 0: "сегодня", 1: "завтра"}
# Plural forms for 1, 2-4 and 5+ (11-14 take the last): рубль, рубля, рублей.
CURRENCIES = {
    "RUB": (("рубль", "рубля", "рублей"), ("копейка", "копейки", "копеек")),
    "USD": (("доллар", "доллара", "долларов"), ("цент", "цента", "центов")),
    "EUR": (("евро", "евро", "евро"), ("цент", "цента", "центов")),
}
# What "Заказ номер ... <phrase>." says for each order status.
STATUS_PHRASES = {
    "new": "оформлен и ожидает оплаты",
    "paid": "оплачен и готовится к отправке",
    "packed": "собран на складе и ждёт передачи в службу доставки",
    "shipped": "передан в службу доставки",
    "in_transit": "в пути",
    "out_for_delivery": "передан курьеру и будет доставлен сегодня",
    "delivered": "доставлен",
    "delayed": "задерживается в пути",
    "returned": "возвращён на склад",
    "cancelled": "отменён",
}


def plural(n: int, forms: tuple[str, str, str]) -> str:
    """The form of a noun that goes with the number n: 1 рубль, 2 рубля, 5 рублей, 11 рублей, 21 рубль."""
    n = abs(n) % 100
    if 11 <= n <= 14:
        return forms[2]
    n %= 10
    if n == 1:
        return forms[0]
    if 2 <= n <= 4:
        return forms[1]
    return forms[2]


def date_phrase(day: date, today: date | None = None) -> str:
    """ "15 марта", the year only when it is not this year, "завтра, 16 марта" next to today."""
    text = f"{day.day} {MONTHS[day.month - 1]}"
    if today is not None and day.year != today.year:
        text += f" {day.year} года"
    relative = RELATIVE_DAYS.get((day - today).days) if today is not None else None
    return f"{relative}, {text}" if relative else text


def time_phrase(hour: int, minute: int) -> str:
    """A time as said after "в": "14 часов 30 минут", "21 час", "1 час 1 минуту"."""
    text = f"{hour} {plural(hour, ('час', 'часа', 'часов'))}"
    if minute:
        text += f" {minute} {plural(minute, ('минуту', 'минуты', 'минут'))}"
    return text


def amount_phrase(minor: int, currency: str) -> str:
    """ "2500 рублей", "1 рубль 1 копейка", "3 доллара 50 центов"."""
    major, cents = divmod(abs(minor), 100)
    if currency not in CURRENCIES:
        return f"{major}.{cents:02d} {currency}" if cents else f"{major} {currency}"
    units, subunits = CURRENCIES[currency]
    text = f"{major} {plural(major, units)}"
    if cents:
        text += f" {cents} {plural(cents, subunits)}"
    return text

