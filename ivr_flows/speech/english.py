"""English: "March 15th", "2:30 PM", "25 dollars and 50 cents"."""

from __future__ import annotations

from datetime import date

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
RELATIVE_DAYS = {-1: "yesterday", 0: "today", 1: "tomorrow"}
CURRENCIES = {
    "RUB": (("ruble", "rubles"), ("kopeck", "kopecks")),
    "USD": (("dollar", "dollars"), ("cent", "cents")),
    "EUR": (("euro", "euros"), ("cent", "cents")),
}
# What "Order number ... <phrase>." says for each order status.
STATUS_PHRASES = {
    "new": "has been placed and is waiting for payment",
    "paid": "is paid and being prepared for shipping",
    "packed": "is packed and waiting for the carrier",
    "shipped": "has been handed to the carrier",
    "in_transit": "is on its way",
    "out_for_delivery": "is out for delivery today",
    "delivered": "has been delivered",
    "delayed": "is delayed in transit",
    "returned": "has been returned to our warehouse",
    "cancelled": "has been cancelled",
}


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st, 22nd, 23rd."""
    suffix = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def date_phrase(day: date, today: date | None = None) -> str:
    """ "March 15th", with the year when it is not this year, "tomorrow, March 16th" next to today."""
    text = f"{MONTHS[day.month - 1]} {ordinal(day.day)}"
    if today is not None and day.year != today.year:
        text += f", {day.year}"
    relative = RELATIVE_DAYS.get((day - today).days) if today is not None else None
    return f"{relative}, {text}" if relative else text


def time_phrase(hour: int, minute: int) -> str:
    """A 12-hour clock time: "2:30 PM", "9 AM", "12:05 AM"."""
    suffix = "AM" if hour < 12 else "PM"
    hour12 = hour % 12 or 12
    return f"{hour12}:{minute:02d} {suffix}" if minute else f"{hour12} {suffix}"


def amount_phrase(minor: int, currency: str) -> str:
    """ "2,500 rubles", "1 dollar and 1 cent", "25 dollars and 50 cents"."""
    major, cents = divmod(abs(minor), 100)
    if currency not in CURRENCIES:
        return f"{major:,}.{cents:02d} {currency}" if cents else f"{major:,} {currency}"
    units, subunits = CURRENCIES[currency]
    text = f"{major:,} {units[major != 1]}"
    if cents:
        text += f" and {cents} {subunits[cents != 1]}"
    return text
