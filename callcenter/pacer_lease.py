"""One pacer at a time: the pacer that does the rounds holds a lease in Redis and renews it every round; any other
pacer stands by and takes over once the lease runs out (its holder stopped, died or hung). Two pacers pacing
together would each launch the calls a campaign needs: twice the dials, and abandoned calls."""

from __future__ import annotations

import redis

LEASE_KEY = "pacer:lease"

# Take the lease if nobody holds it, or renew it if we do; 1 when we hold it now.
_HOLD = """
local key, holder, ttl = KEYS[1], ARGV[1], ARGV[2]
local current = redis.call('GET', key)
if current == holder then
  redis.call('PEXPIRE', key, ttl)
  return 1
end
if not current then
  redis.call('SET', key, holder, 'PX', ttl)
  return 1
end
return 0
"""

# Give the lease back, only if it is still ours.
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class PacerLease:
    """The lease of `holder` (say host:pid), valid `seconds` after each renewal."""

    def __init__(self, connection: redis.Redis, holder: str, seconds: float):
        self.connection = connection
        self.holder = holder
        self.milliseconds = int(seconds * 1000)
        self._hold = connection.register_script(_HOLD)
        self._release = connection.register_script(_RELEASE)

    def hold(self) -> bool:
        """Take or renew the lease; False while another pacer holds it."""
        return bool(self._hold(keys=[LEASE_KEY], args=[self.holder, self.milliseconds]))

    def holder_now(self) -> str | None:
        """Who holds the lease now, if anyone."""
        holder = self.connection.get(LEASE_KEY)
        return holder.decode() if holder is not None else None

    def release(self) -> None:
        """Give the lease up at once (a standby takes over at its next try), if it is still ours."""
        self._release(keys=[LEASE_KEY], args=[self.holder])
