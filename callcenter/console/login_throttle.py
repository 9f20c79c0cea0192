"""Login throttling: too many failed logins for one username, or from one client address, within a window lock
further attempts out for a while, even with the right password.

Counters live in Redis, so every web process sees the same ones, and expire on their own. Keys hold a hash
of the username or address, never the text typed: a flood of invented usernames costs a fixed-size key each,
expiring after the window, and no key reveals what was typed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import redis

KEY_PREFIX = "login:"

# Count one failure and, on reaching the limit, lock the subject out; atomic so that concurrent attempts from
# several processes cannot slip past the limit. KEYS: failures counter, lock. ARGV: max, window, lockout.
_RECORD_FAILURE = """
local failures = redis.call('INCR', KEYS[1])
if failures == 1 then redis.call('EXPIRE', KEYS[1], ARGV[2]) end
if failures >= tonumber(ARGV[1]) then
  redis.call('SET', KEYS[2], '1', 'EX', ARGV[3])
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
"""


@dataclass(frozen=True)
class Lockout:
    """Who is locked out (`username` or `address`) and for how many more seconds."""

    subject: str
    retry_after: int


class LoginThrottle:
    """Failed-login counters per username and per client address, on the given Redis."""

    def __init__(self, client: redis.Redis, *, max_per_username: int, max_per_address: int, window_seconds: int,
                 lockout_seconds: int):
        self.redis = client
        self.max_failures = {"username": max_per_username, "address": max_per_address}
        self.window_seconds = window_seconds
        self.lockout_seconds = lockout_seconds
        self._record_failure = client.register_script(_RECORD_FAILURE)

    def lockout(self, username: str, address: str) -> Lockout | None:
        """The lockout standing against this username or address, if any."""
        for subject, value in (("username", username), ("address", address)):
            remaining = self.redis.ttl(_key("locked", subject, value))
            if remaining > 0:
                return Lockout(subject, remaining)
        return None

    def record_failure(self, username: str, address: str) -> Lockout | None:
        """Count a failed login; the lockout it starts, if it reached the limit."""
        started = None
        for subject, value in (("username", username), ("address", address)):
            keys = [_key("failures", subject, value), _key("locked", subject, value)]
            limits = [self.max_failures[subject], self.window_seconds, self.lockout_seconds]
            if self._record_failure(keys=keys, args=limits):
                started = started or Lockout(subject, self.lockout_seconds)
        return started

    def record_success(self, username: str) -> None:
        """A right password forgives the username's earlier failures (the address keeps its count: one
        address guessing many usernames is still guessing)."""
        self.redis.delete(_key("failures", "username", username))


def _key(kind: str, subject: str, value: str) -> str:
    digest = hashlib.sha256(value.casefold().encode()).hexdigest()[:32]
    return f"{KEY_PREFIX}{kind}:{subject}:{digest}"
