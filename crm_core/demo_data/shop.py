"""The state of one demo load: the seeded random stream, the anchor time, the staff, id counters, the batch."""

from __future__ import annotations

import random
from bisect import bisect
from datetime import datetime, timezone

from .identifiers import mix64
from .staff import Staff

# Tables in the order their rows are written (every foreign key points to an earlier table or to users).
TABLES = (
    "customers", "phone_numbers", "orders", "order_events", "interactions", "interaction_events",
    "tickets", "tasks", "dnc_entries",
)
# Share of Russian-speaking customers by the platform's default region (the rest speak English).
RU_SHARE = {"RU": 0.75, "US": 0.25}
DAY = 86_400
HOUR = 3_600


class Weighted:
    """A fixed weighted choice, drawn with one random number."""

    __slots__ = ("cumulative", "total", "values")

    def __init__(self, *pairs):
        self.values = [value for value, _ in pairs]
        self.cumulative, total = [], 0
        for _, weight in pairs:
            total += weight
            self.cumulative.append(total)
        self.total = total

    def pick(self, rng: random.Random):
        """One value, with probability proportional to its weight."""
        return self.values[bisect(self.cumulative, rng.random() * self.total)]


def at(timestamp: int) -> datetime:
    """An aware UTC datetime from epoch seconds."""
    return datetime.fromtimestamp(timestamp, timezone.utc)


class DemoShop:
    """Everything the row generators share; all randomness comes from `rng`, all time from `now`."""

    def __init__(self, *, seed: int, anchor: datetime, default_region: str, staff: Staff, first_ids: dict[str, int]):
        self.rng = random.Random(seed)
        self.salt = mix64(seed)
        self.now = int(anchor.timestamp())
        self.ru_share = RU_SHARE.get(default_region, 0.5)
        self.staff = staff
        self._next_id = dict(first_ids)
        self.batch: dict[str, list[dict]] = {table: [] for table in TABLES}

    def new_id(self, table: str) -> int:
        """The next primary key of `table` (explicit keys: no RETURNING round-trips)."""
        value = self._next_id[table]
        self._next_id[table] = value + 1
        return value

    def add(self, table: str, row: dict) -> None:
        """Queue a row for writing."""
        self.batch[table].append(row)

    def take_batch(self) -> dict[str, list[dict]]:
        """The rows queued so far, emptying the queue."""
        batch, self.batch = self.batch, {table: [] for table in TABLES}
        return batch
