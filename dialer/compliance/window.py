"""Calling windows: weekdays, hours and holidays, judged in the callee's local time."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..errors import InvalidProfile
from .reasons import Reason

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HOLIDAY = re.compile(r"^(?:(\d{4})-)?(\d{2})-(\d{2})$|^easter([+-]\d{1,2})?$")


@dataclass(frozen=True)
class Window:
    """When calls may be placed: `hours` are [start, end) intervals of local time on allowed `days`."""

    days: frozenset[int]
    hours: tuple[tuple[time, time], ...]
    holidays: tuple[str, ...] = ()

    @classmethod
    def from_rules(cls, rules: dict) -> "Window":
        """Validate the `window` table of a profile."""
        if not isinstance(rules, dict):
            raise InvalidProfile("window", "must be a table")
        unknown = set(rules) - {"days", "hours", "holidays"}
        if unknown:
            raise InvalidProfile(f"window.{sorted(unknown)[0]}", "unknown key")
        days = rules.get("days")
        if not isinstance(days, list) or not days or any(d not in DAY_NAMES for d in days):
            raise InvalidProfile("window.days", f"a non-empty list of {', '.join(DAY_NAMES)}")
        hours = rules.get("hours")
        if not isinstance(hours, list) or not hours:
            raise InvalidProfile("window.hours", 'a non-empty list of ["HH:MM", "HH:MM"] intervals')
        intervals = tuple(_interval(i, pair) for i, pair in enumerate(hours))
        holidays = rules.get("holidays", [])
        if not isinstance(holidays, list) or any(not isinstance(h, str) or not _HOLIDAY.match(h) for h in holidays):
            raise InvalidProfile("window.holidays", 'a list of "MM-DD", "YYYY-MM-DD" or "easter+N" dates')
        return cls(frozenset(DAY_NAMES.index(d) for d in days), intervals, tuple(holidays))

    def is_holiday(self, day: date) -> bool:
        """Whether `day` is one of the profile's holidays (fixed dates or days counted from Easter)."""
        for spec in self.holidays:
            year, month, dom, offset = _HOLIDAY.match(spec).groups()
            if month is not None:
                if (int(month), int(dom)) == (day.month, day.day) and (year is None or int(year) == day.year):
                    return True
            elif day == easter_sunday(day.year) + timedelta(days=int(offset or 0)):
                return True
        return False

    def refusal(self, zone: str, now: datetime) -> Reason | None:
        """Why `now` is outside the window in `zone`, or None when a call is allowed there."""
        local = now.astimezone(zone_info(zone))
        detail = {"zone": zone, "local_time": local.strftime("%a %Y-%m-%d %H:%M")}
        if self.is_holiday(local.date()):
            return Reason("holiday", detail)
        clock = local.time().replace(tzinfo=None)
        if local.weekday() not in self.days or not any(start <= clock < end for start, end in self.hours):
            return Reason("outside_window", detail)
        return None


@lru_cache(maxsize=None)
def zone_info(name: str) -> ZoneInfo:
    """The tz database entry of a zone name (cached: the gate asks for the same few zones all day)."""
    return ZoneInfo(name)


def usable_zone(name: str | None) -> bool:
    """Whether the tz database knows `name`."""
    if not name:
        return False
    try:
        zone_info(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


@lru_cache(maxsize=64)
def easter_sunday(year: int) -> date:
    """Western Easter Sunday (the anonymous Gregorian algorithm); movable holidays count from it."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l = (32 + 2 * e + 2 * i - h - k) % 7  # noqa: E741  (the algorithm's own name)
    m = (a + 11 * h + 22 * l) // 451
    month, day = divmod(h + l - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _interval(index: int, pair) -> tuple[time, time]:
    try:
        start, end = (time.fromisoformat(p) for p in pair)
    except (TypeError, ValueError):
        raise InvalidProfile(f"window.hours[{index}]", 'must be ["HH:MM", "HH:MM"]') from None
    if not start < end:
        raise InvalidProfile(f"window.hours[{index}]", "must start before it ends (same day)")
    return start, end
