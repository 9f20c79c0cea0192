"""Simulated time: every wait inside the sandbox goes through one Clock."""

from __future__ import annotations

import datetime
import email.utils
import threading
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class Clock:
    """Wall-clock-anchored simulated time that runs ``speed`` times faster than real time."""

    def __init__(self, speed: float = 1.0) -> None:
        self._lock = threading.Lock()
        self._speed = _checked(speed)
        self._real_anchor = time.monotonic()
        self._sim_anchor = time.time()

    @property
    def speed(self) -> float:
        """Return how many simulated seconds pass per real second."""
        return self._speed

    def now(self) -> float:
        """Return simulated time as seconds since the epoch."""
        with self._lock:
            return self._sim_anchor + (time.monotonic() - self._real_anchor) * self._speed

    def set_speed(self, speed: float) -> None:
        """Change the speed from now on without making simulated time jump."""
        speed = _checked(speed)
        with self._lock:
            real = time.monotonic()
            self._sim_anchor += (real - self._real_anchor) * self._speed
            self._real_anchor = real
            self._speed = speed

    def real_seconds(self, sim_seconds: float) -> float:
        """Convert a simulated duration to the real duration it takes at the current speed."""
        return max(0.0, sim_seconds) / self._speed

    def sleep(self, sim_seconds: float) -> None:
        """Block for ``sim_seconds`` of simulated time."""
        time.sleep(self.real_seconds(sim_seconds))

    def wait_for(
        self,
        condition: threading.Condition,
        predicate: Callable[[], T],
        deadline: float | None,
    ) -> T:
        """Wait on ``condition`` (held by the caller) until ``predicate()`` is truthy or the
        simulated ``deadline`` passes; speed changes take effect at the next notification."""
        while True:
            result = predicate()
            if result:
                return result
            if deadline is None:
                condition.wait()
                continue
            remaining = deadline - self.now()
            if remaining <= 0:
                return result
            condition.wait(self.real_seconds(remaining))


def _checked(speed: float) -> float:
    """Reject speeds that would stop or reverse time."""
    speed = float(speed)
    if speed <= 0:
        raise ValueError("clock speed must be positive")
    return speed


def rfc2822(timestamp: float) -> str:
    """Format a (simulated) epoch timestamp the way Twilio writes dates: RFC 2822 in UTC."""
    return email.utils.format_datetime(datetime.datetime.fromtimestamp(timestamp, tz=datetime.UTC))
