"""Where demo customers live: cities with their time zone, postal codes and telephone area codes."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class City:
    """A city customers live in; `area_codes` all accept any 7-digit subscriber number."""

    name: str
    time_zone: str
    postal_prefixes: tuple[str, ...]
    area_codes: tuple[str, ...]
    weight: int


RU_CITIES = (
    City("Москва", "Europe/Moscow", ("101", "105", "107", "109", "115", "117", "119", "121", "123", "125", "127"),
         ("495", "499"), 30),
    City("Санкт-Петербург", "Europe/Moscow", ("190", "191", "192", "193", "194", "195", "196", "197", "198"),
         ("812",), 14),
    City("Екатеринбург", "Asia/Yekaterinburg", ("620",), ("343",), 7),
    City("Новосибирск", "Asia/Novosibirsk", ("630",), ("383",), 7),
    City("Казань", "Europe/Moscow", ("420",), ("843",), 6),
    City("Самара", "Europe/Samara", ("443",), ("846",), 5),
    City("Красноярск", "Asia/Krasnoyarsk", ("660",), ("391",), 4),
    City("Владивосток", "Asia/Vladivostok", ("690",), ("423",), 3),
    City("Краснодар", "Europe/Moscow", ("350",), ("861",), 5),
    City("Ростов-на-Дону", "Europe/Moscow", ("344",), ("863",), 5),
)
US_CITIES = (
    City("New York, NY", "America/New_York", ("100", "101", "102", "103", "104"), ("212", "718", "917", "646"), 20),
    City("Boston, MA", "America/New_York", ("021",), ("617",), 6),
    City("Miami, FL", "America/New_York", ("331",), ("305",), 6),
    City("Atlanta, GA", "America/New_York", ("303",), ("404",), 6),
    City("Chicago, IL", "America/Chicago", ("606",), ("312", "773"), 10),
    City("Dallas, TX", "America/Chicago", ("752",), ("214",), 6),
    City("Houston, TX", "America/Chicago", ("770",), ("713",), 6),
    City("Austin, TX", "America/Chicago", ("787",), ("512",), 4),
    City("Denver, CO", "America/Denver", ("802",), ("303", "720"), 5),
    City("Phoenix, AZ", "America/Phoenix", ("850",), ("602",), 5),
    City("Las Vegas, NV", "America/Los_Angeles", ("891",), ("702",), 4),
    City("Los Angeles, CA", "America/Los_Angeles", ("900",), ("213", "310"), 12),
    City("San Francisco, CA", "America/Los_Angeles", ("941",), ("415",), 6),
    City("Seattle, WA", "America/Los_Angeles", ("981",), ("206",), 6),
)

# Mobile prefixes (DEF codes) of Russian operators; any 7 digits after them make a valid number.
RU_MOBILE_CODES = (
    "903", "905", "906", "909", "912", "915", "916", "917", "919", "921", "925", "926", "929", "950", "953",
    "960", "961", "965", "977", "985", "999",
)

# The shop's own hotlines: what inbound calls dial and outbound calls show.
RU_HOTLINE = "+78001004545"
US_HOTLINE = "+18885550142"

RU_WAREHOUSE = "Подольск, склад интернет-магазина"
RU_HUBS = ("Москва, сортировочный центр", "Екатеринбург, магистральный сортировочный центр",
           "Новосибирск, сортировочный центр", "Казань, сортировочный центр")
US_WAREHOUSE = "Columbus, OH fulfillment center"
US_HUBS = ("Memphis, TN hub", "Louisville, KY hub", "Indianapolis, IN hub", "Ontario, CA hub")
