"""The ACD: calls waiting in queues meet the longest-idle available agent with the right skill and language.

An agent with no skills (or no languages) configured is not restricted by them.

Routing state lives in Redis so that every web process, worker and the pacer see the same queues and agents;
each decision is one Lua script, so two processes can never offer one call twice or one agent two calls.
The clock is injected: offers expire by it.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Callable

import redis

AGENT_STATES = ("offline", "available", "ringing", "preview", "on_call", "wrap_up", "break")
# States an agent may choose; the others are entered by routing (ringing, preview, on_call, wrap_up).
CHOSEN_STATES = ("offline", "available", "break")
MISSED_OFFER = "missed offer"

# Offer every waiting call that has a matching available agent; returns {sid, agent, sid, agent, ...}.
_DISPATCH_FUNCTION = """
local function dispatch(prefix, now, timeout)
local agents = redis.call('ZRANGE', prefix .. ':available', 0, -1)
if #agents == 0 then return {} end  -- callers poll while everyone is busy: don't sort the queues for nothing
local calls = {}
for _, queue in ipairs(redis.call('SMEMBERS', prefix .. ':queues')) do
  local members = redis.call('ZRANGE', prefix .. ':queue:' .. queue, 0, -1, 'WITHSCORES')
  for i = 1, #members, 2 do
    table.insert(calls, {sid = members[i], queue = queue, at = tonumber(members[i + 1])})
  end
end
table.sort(calls, function(a, b) return a.at < b.at end)
local offers = {}
for _, call in ipairs(calls) do
  if #agents == 0 then break end
  local key = prefix .. ':call:' .. call.sid
  local info = redis.call('HMGET', key, 'skill', 'language', 'declined_by', 'for_agent', 'for_until')
  local declined = cjson.decode(info[3] or '[]')
  -- a call transferred to a named agent waits for that agent alone until `for_until`
  local target = info[4] or ''
  if target ~= '' and (tonumber(info[5] or '0') or 0) < now then target = '' end
  for index, agent in ipairs(agents) do
    local ok = true
    if target ~= '' then
      ok = agent == target
    else
      local a = redis.call('HMGET', prefix .. ':agent:' .. agent, 'skills', 'languages')
      local skills, languages = cjson.decode(a[1] or '[]'), cjson.decode(a[2] or '[]')
      if info[1] and info[1] ~= '' and #skills > 0 then
        ok = false
        for _, s in ipairs(skills) do if s == info[1] then ok = true end end
      end
      if ok and info[2] and info[2] ~= '' and #languages > 0 then
        ok = false
        for _, l in ipairs(languages) do if l == info[2] then ok = true end end
      end
      for _, d in ipairs(declined) do if tostring(d) == agent then ok = false end end
    end
    if ok then
      redis.call('ZREM', prefix .. ':available', agent)
      redis.call('ZREM', prefix .. ':queue:' .. call.queue, call.sid)
      redis.call('HSET', prefix .. ':agent:' .. agent, 'state', 'ringing', 'since', now, 'call_sid', call.sid, 'reason', '')
      redis.call('HSET', key, 'offered_to', agent, 'offer_expires', now + timeout)
      redis.call('ZADD', prefix .. ':offers', now + timeout, call.sid)
      table.insert(offers, call.sid)
      table.insert(offers, agent)
      table.remove(agents, index)
      break
    end
  end
end
return offers
end
"""

_DISPATCH = _DISPATCH_FUNCTION + """
return dispatch(ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]))
"""

# A caller starts waiting, then dispatch, in one round trip (the screen-pop waits for it). A call already known
# (the hold prompt's repeated notice, a transfer's pending record) keeps its fields and its place.
_ENQUEUE = _DISPATCH_FUNCTION + """
local prefix, sid, now, timeout = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local key = prefix .. ':call:' .. sid
local joined = redis.call('HSETNX', key, 'enqueued_at', ARGV[5])
if joined == 1 then
  redis.call('HSETNX', key, 'interaction_id', ARGV[6])
  redis.call('HSETNX', key, 'queue', ARGV[7])
  redis.call('HSETNX', key, 'skill', ARGV[8])
  redis.call('HSETNX', key, 'language', ARGV[9])
  local queue = redis.call('HGET', key, 'queue')
  redis.call('SADD', prefix .. ':queues', queue)
  redis.call('ZADD', prefix .. ':queue:' .. queue, ARGV[5], sid)
end
return {joined, dispatch(prefix, now, timeout)}
"""

# Take back an offer: the call returns to its queue at its original place, the agent goes to `agent_state`.
_WITHDRAW = """
local prefix, sid, agent, now, agent_state, reason, decline = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[5], ARGV[6], ARGV[7]
local key = prefix .. ':call:' .. sid
if redis.call('HGET', key, 'offered_to') ~= agent then return 0 end
local call = redis.call('HMGET', key, 'queue', 'enqueued_at', 'declined_by')
redis.call('HDEL', key, 'offered_to', 'offer_expires')
redis.call('ZREM', prefix .. ':offers', sid)
if redis.call('HGET', key, 'for_agent') == agent then
  redis.call('HDEL', key, 'for_agent', 'for_until')  -- the named agent did not take it: anyone may
end
if decline == '1' then
  local declined = cjson.decode(call[3] or '[]')
  table.insert(declined, agent)
  redis.call('HSET', key, 'declined_by', cjson.encode(declined))
end
redis.call('ZADD', prefix .. ':queue:' .. call[1], tonumber(call[2]), sid)
redis.call('HSET', prefix .. ':agent:' .. agent, 'state', agent_state, 'since', now, 'call_sid', '', 'reason', reason)
if agent_state == 'available' then
  redis.call('HSET', prefix .. ':agent:' .. agent, 'idle_since', now)
  redis.call('ZADD', prefix .. ':available', now, agent)
end
return 1
"""

_ACCEPT = """
local prefix, sid, agent, now = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local key = prefix .. ':call:' .. sid
if redis.call('HGET', key, 'offered_to') ~= agent then return 0 end
if tonumber(redis.call('HGET', key, 'offer_expires')) < now then return 0 end
redis.call('ZREM', prefix .. ':offers', sid)
redis.call('HSET', key, 'agent', agent)
redis.call('HDEL', key, 'offered_to', 'offer_expires')
redis.call('HSET', prefix .. ':agent:' .. agent, 'state', 'on_call', 'since', now, 'call_sid', sid)
return 1
"""

# A connected call leaves its agent for another queue or agent (cold transfer): the call's record is replaced by
# a pending one that the caller's next queue notice enqueues; the transferring agent keeps the call until the
# provider has redirected the caller (then `release`).
_TRANSFER = """
local prefix, agent, sid = ARGV[1], ARGV[2], ARGV[3]
local queue, skill, language, for_agent, for_until, transfer = ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[9]
local a = redis.call('HMGET', prefix .. ':agent:' .. agent, 'state', 'call_sid')
if a[1] ~= 'on_call' or a[2] ~= sid then return 0 end
local key = prefix .. ':call:' .. sid
local c = redis.call('HMGET', key, 'interaction_id', 'agent', 'dialing')
if not c[1] or c[2] ~= agent or c[3] == '1' then return 0 end
redis.call('DEL', key)
redis.call('HSET', key, 'interaction_id', c[1], 'queue', queue, 'skill', skill, 'language', language,
           'declined_by', cjson.encode({agent}), 'transfer', transfer)
if for_agent ~= '' then redis.call('HSET', key, 'for_agent', for_agent, 'for_until', for_until) end
return 1
"""

# The agent's call left them without a wrap-up of theirs (transferred): they go to `state`.
_RELEASE = """
local prefix, agent, sid, now, state, reason = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[5], ARGV[6]
local key = prefix .. ':agent:' .. agent
local a = redis.call('HMGET', key, 'state', 'call_sid')
if a[1] ~= 'on_call' or a[2] ~= sid then return 0 end
redis.call('HSET', key, 'state', state, 'since', now, 'call_sid', '', 'reason', reason, 'held', '0')
if state == 'available' then
  redis.call('HSET', key, 'idle_since', now)
  redis.call('ZADD', prefix .. ':available', now, agent)
end
return 1
"""

# An agent places a call themselves (click-to-dial, or the lead they preview): only when available, on a break or
# previewing, never twice.
_START_OUTBOUND = """
local prefix, agent, now = ARGV[1], ARGV[2], tonumber(ARGV[3])
local key = prefix .. ':agent:' .. agent
local a = redis.call('HMGET', key, 'state', 'reason')
if a[1] ~= 'available' and a[1] ~= 'break' and a[1] ~= 'preview' then return {a[1] or 'offline', ''} end
redis.call('ZREM', prefix .. ':available', agent)
redis.call('HSET', key, 'state', 'on_call', 'since', now, 'call_sid', '', 'reason', '', 'held', '0')
redis.call('HDEL', key, 'preview')
return {'ok', a[1], a[2] or ''}
"""

# An available agent is given a campaign's lead to preview: no call is offered to them meanwhile.
_START_PREVIEW = """
local prefix, agent, now, preview = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]
local key = prefix .. ':agent:' .. agent
if redis.call('HGET', key, 'state') ~= 'available' then return 0 end
redis.call('ZREM', prefix .. ':available', agent)
redis.call('HSET', key, 'state', 'preview', 'since', now, 'call_sid', '', 'reason', '', 'preview', preview)
return 1
"""
# How long routing remembers which agent a preview dial is for (longer than any call lasts).
PREVIEW_DIAL_TTL = 24 * 3600


class RoutingError(Exception):
    """A routing request that does not fit the current state (no such offer, wrong agent, bad state)."""


@dataclass(frozen=True)
class Offer:
    """A call offered to an agent, to be accepted before `expires_at`."""

    call_sid: str
    agent_id: int


@dataclass(frozen=True)
class Enqueued:
    """What enqueueing a caller did: whether the call joined its queue now (not a repeated notice) and the
    offers it made possible."""

    joined: bool
    offers: list[Offer]


@dataclass
class QueuedCall:
    """A caller waiting for an agent, with what routing needs to match them."""

    call_sid: str
    interaction_id: int
    queue: str = "support"
    skill: str = ""
    language: str = ""
    enqueued_at: float = 0.0
    agent_id: int | None = None
    declined_by: list[int] = field(default_factory=list)
    for_agent: int | None = None  # transferred to this agent by name
    transfer: dict | None = None  # who transferred the call, to whom, with what note
    dialing: bool = False  # placed by its agent (click-to-dial), not answered yet


@dataclass
class AgentStatus:
    """An agent's routing state."""

    agent_id: int
    state: str
    since: float
    reason: str = ""
    call_sid: str = ""
    idle_since: float | None = None
    name: str = ""
    skills: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    held: bool = False  # on_call with the caller on hold
    preview: dict | None = None  # the campaign lead the agent is previewing ({"campaign_id", "lead_id"})


def _agent_status(agent_id: int, data: dict[bytes, bytes]) -> AgentStatus | None:
    """An agent's routing state from their hash (None when they are not signed in)."""
    if not data:
        return None
    d = {k.decode(): v.decode() for k, v in data.items()}
    return AgentStatus(
        agent_id=agent_id, state=d.get("state", "offline"), since=float(d.get("since", 0)),
        reason=d.get("reason", ""), call_sid=d.get("call_sid", ""),
        idle_since=float(d["idle_since"]) if d.get("idle_since") else None, name=d.get("name", ""),
        skills=json.loads(d.get("skills", "[]")), languages=json.loads(d.get("languages", "[]")),
        held=d.get("held") == "1", preview=json.loads(d["preview"]) if d.get("preview") else None,
    )


def _offers(flat: list[bytes]) -> list[Offer]:
    """The offers a dispatch made, from the script's flat {sid, agent, ...} answer."""
    return [Offer(flat[i].decode(), int(flat[i + 1])) for i in range(0, len(flat), 2)]


class Router:
    """Queues and agents in Redis under `prefix`; every method is safe from any number of processes."""

    def __init__(self, connection: redis.Redis, *, offer_timeout: float = 15.0,
                 clock: Callable[[], float] = time.time, prefix: str = "acd"):
        self.redis = connection
        self.offer_timeout = offer_timeout
        self.clock = clock
        self.prefix = prefix
        self._dispatch = connection.register_script(_DISPATCH)
        self._enqueue = connection.register_script(_ENQUEUE)
        self._withdraw = connection.register_script(_WITHDRAW)
        self._accept = connection.register_script(_ACCEPT)
        self._transfer = connection.register_script(_TRANSFER)
        self._release = connection.register_script(_RELEASE)
        self._start_outbound = connection.register_script(_START_OUTBOUND)
        self._start_preview = connection.register_script(_START_PREVIEW)

    # -- agents ---------------------------------------------------------------------------------------------

    def sign_in(self, agent_id: int, *, name: str, skills: list[str], languages: list[str]) -> AgentStatus:
        """Make an agent known to routing (offline until they choose to be available)."""
        key = self._agent_key(agent_id)
        self.redis.hset(key, mapping={"name": name, "skills": json.dumps(skills), "languages": json.dumps(languages)})
        self.redis.hsetnx(key, "state", "offline")
        self.redis.hsetnx(key, "since", self.clock())
        self.redis.sadd(f"{self.prefix}:agents", agent_id)
        return self.agent(agent_id)

    def set_state(self, agent_id: int, state: str, reason: str = "") -> tuple[AgentStatus, list[Offer]]:
        """An agent chooses available, break (with a reason) or offline; busy agents cannot."""
        if state not in CHOSEN_STATES:
            raise RoutingError(f"an agent cannot choose the state {state!r}")
        current = self.agent(agent_id)
        if current.state in ("ringing", "on_call"):
            raise RoutingError(f"cannot change to {state} while {current.state}")
        now = self.clock()
        key = self._agent_key(agent_id)
        with self.redis.pipeline() as pipe:
            pipe.hset(key, mapping={"state": state, "since": now, "reason": reason if state == "break" else "",
                                    "call_sid": "", "held": 0})
            pipe.hdel(key, "preview")
            if state == "available":
                pipe.hset(key, "idle_since", now)
                pipe.zadd(f"{self.prefix}:available", {agent_id: now})
            else:
                pipe.zrem(f"{self.prefix}:available", agent_id)
            pipe.execute()
        offers = self.dispatch() if state == "available" else []
        return self.agent(agent_id), offers

    def agent(self, agent_id: int) -> AgentStatus:
        """The routing state of one agent."""
        status = _agent_status(agent_id, self.redis.hgetall(self._agent_key(agent_id)))
        if status is None:
            raise RoutingError(f"agent {agent_id} is not signed in")
        return status

    def agents(self) -> list[AgentStatus]:
        """Every agent routing knows (one round trip: every console event of a preview campaign asks)."""
        ids = sorted(int(i) for i in self.redis.smembers(f"{self.prefix}:agents"))
        with self.redis.pipeline(transaction=False) as pipe:
            for agent_id in ids:
                pipe.hgetall(self._agent_key(agent_id))
            found = pipe.execute()
        return [status for status in map(_agent_status, ids, found) if status is not None]

    # -- calls ----------------------------------------------------------------------------------------------

    def enqueue(self, call: QueuedCall) -> Enqueued:
        """A caller starts waiting (again, if already known: the original place is kept); offer if possible.

        A call being transferred already has its record (queue, skill, target agent): that record wins."""
        now = self.clock()
        joined, flat = self._enqueue(args=[
            self.prefix, call.call_sid, now, self.offer_timeout, repr(float(call.enqueued_at or now)),
            call.interaction_id, call.queue, call.skill, call.language])
        return Enqueued(bool(joined), _offers(flat))

    def dispatch(self) -> list[Offer]:
        """Offer every waiting call that has a matching available agent, oldest call and longest-idle agent first."""
        return _offers(self._dispatch(args=[self.prefix, self.clock(), self.offer_timeout]))

    def call(self, call_sid: str) -> QueuedCall | None:
        """What routing knows of a call, or None once it has left routing."""
        data = self.redis.hgetall(self._call_key(call_sid))
        if not data or b"queue" not in data:
            return None
        d = {k.decode(): v.decode() for k, v in data.items()}
        return QueuedCall(
            call_sid=call_sid, interaction_id=int(d["interaction_id"]), queue=d["queue"], skill=d.get("skill", ""),
            language=d.get("language", ""), enqueued_at=float(d.get("enqueued_at") or 0),
            agent_id=int(d["agent"]) if d.get("agent") else None,
            declined_by=[int(a) for a in json.loads(d.get("declined_by", "[]"))],
            for_agent=int(d["for_agent"]) if d.get("for_agent") else None,
            transfer=json.loads(d["transfer"]) if d.get("transfer") else None,
            dialing=d.get("dialing") == "1",
        )

    def position(self, call_sid: str) -> int | None:
        """1-based place of a waiting call in its queue (None if it is not waiting)."""
        call = self.call(call_sid)
        if call is None:
            return None
        rank = self.redis.zrank(f"{self.prefix}:queue:{call.queue}", call_sid)
        return None if rank is None else rank + 1

    def offer_seconds_left(self, call_sid: str) -> float:
        """Seconds until the pending offer of a call expires (0 when none is pending)."""
        expires = self.redis.hget(self._call_key(call_sid), "offer_expires")
        return max(0.0, round(float(expires) - self.clock(), 1)) if expires else 0.0

    def offer_info(self, call_sid: str) -> tuple[float, dict | None]:
        """`offer_seconds_left` and the call's transfer details (if it is being transferred), in one round trip."""
        expires, transfer = self.redis.hmget(self._call_key(call_sid), "offer_expires", "transfer")
        seconds = max(0.0, round(float(expires) - self.clock(), 1)) if expires else 0.0
        return seconds, json.loads(transfer) if transfer else None

    def waiting(self, queue: str) -> list[str]:
        """Call SIDs waiting in `queue`, first in line first."""
        return [s.decode() for s in self.redis.zrange(f"{self.prefix}:queue:{queue}", 0, -1)]

    def longest_wait(self, queue: str, now: float | None = None) -> float:
        """Seconds the first caller in line has waited in `queue` (0 when nobody waits)."""
        first_in_line = self.redis.zrange(f"{self.prefix}:queue:{queue}", 0, 0)
        call = self.call(first_in_line[0].decode()) if first_in_line else None
        return max(0.0, (self.clock() if now is None else now) - call.enqueued_at) if call else 0.0

    def queues(self) -> list[str]:
        """Every queue a call has waited in."""
        return sorted(q.decode() for q in self.redis.smembers(f"{self.prefix}:queues"))

    def accept(self, agent_id: int, call_sid: str) -> QueuedCall:
        """The agent takes the call offered to them (before the offer expires)."""
        if not self._accept(args=[self.prefix, call_sid, agent_id, self.clock()]):
            raise RoutingError(f"call {call_sid} is not offered to agent {agent_id}")
        return self.call(call_sid)

    def decline(self, agent_id: int, call_sid: str) -> list[Offer]:
        """The agent refuses the offer: the call goes to someone else, the agent stays available."""
        if not self._withdraw(args=[self.prefix, call_sid, agent_id, self.clock(), "available", "", "1"]):
            raise RoutingError(f"call {call_sid} is not offered to agent {agent_id}")
        return self.dispatch()

    def expire_offers(self) -> tuple[list[Offer], list[Offer]]:
        """Offers not accepted in time go back to the queue and their agents become unavailable.

        Returns (expired offers, new offers made after them).
        """
        now = self.clock()
        expired = []
        for sid in self.redis.zrangebyscore(f"{self.prefix}:offers", "-inf", now):
            sid = sid.decode()
            agent = self.redis.hget(self._call_key(sid), "offered_to")
            if agent and self._withdraw(args=[self.prefix, sid, int(agent), now, "break", MISSED_OFFER, "0"]):
                expired.append(Offer(sid, int(agent)))
        return expired, (self.dispatch() if expired else [])

    def leave(self, call_sid: str) -> tuple[int | None, list[Offer]]:
        """The caller left routing (hung up, bridged elsewhere): forget the call.

        Returns the agent whose pending offer was withdrawn (now available again), if any, and new offers.
        """
        call = self.call(call_sid)
        if call is None:
            return None, []
        offered_to = self.redis.hget(self._call_key(call_sid), "offered_to")
        withdrawn = None
        if offered_to and self._withdraw(args=[self.prefix, call_sid, int(offered_to), self.clock(), "available", "", "0"]):
            withdrawn = int(offered_to)
        with self.redis.pipeline() as pipe:
            pipe.zrem(f"{self.prefix}:queue:{call.queue}", call_sid)
            pipe.zrem(f"{self.prefix}:offers", call_sid)
            pipe.delete(self._call_key(call_sid))
            pipe.execute()
        return withdrawn, (self.dispatch() if withdrawn else [])

    def call_ended(self, agent_id: int, call_sid: str | None = None) -> AgentStatus:
        """The agent's call (`call_sid`, if given) is over: wrap-up time before the next call."""
        status = self.agent(agent_id)
        if status.state != "on_call" or (call_sid is not None and status.call_sid != call_sid):
            raise RoutingError(f"agent {agent_id} is not on call {call_sid or ''}".rstrip())
        self.redis.hset(self._agent_key(agent_id), mapping={"state": "wrap_up", "since": self.clock(), "held": 0})
        key = self._call_key(status.call_sid)
        if self.redis.hget(key, "agent") == str(agent_id).encode():
            self.redis.delete(key)  # (a call on its way to someone else keeps its record)
        return self.agent(agent_id)

    # -- call handling ----------------------------------------------------------------------------------------

    def set_held(self, agent_id: int, call_sid: str, held: bool) -> AgentStatus:
        """Mark the agent's call as on hold (or back)."""
        status = self.agent(agent_id)
        if status.state != "on_call" or status.call_sid != call_sid:
            raise RoutingError(f"agent {agent_id} is not on call {call_sid}")
        self.redis.hset(self._agent_key(agent_id), "held", int(held))
        return self.agent(agent_id)

    def transfer(self, agent_id: int, call_sid: str, *, queue: str, skill: str = "", language: str = "",
                 for_agent: int | None = None, info: dict | None = None) -> QueuedCall:
        """Hand the agent's connected call to `queue` (and to `for_agent` alone for a while, if given): its record
        waits for the caller's next queue notice. The agent keeps the call until `release`."""
        for_until = self.clock() + 2 * self.offer_timeout
        if not self._transfer(args=[self.prefix, agent_id, call_sid, queue, skill, language,
                                    for_agent if for_agent is not None else "", for_until,
                                    json.dumps(info or {}, ensure_ascii=False)]):
            raise RoutingError(f"agent {agent_id} has no connected call {call_sid} to transfer")
        return self.call(call_sid)

    def release(self, agent_id: int, call_sid: str, state: str = "available", reason: str = "") -> list[Offer]:
        """The agent's call went elsewhere: the agent goes to `state` (available or break) with no wrap-up."""
        if not self._release(args=[self.prefix, agent_id, call_sid, self.clock(), state, reason]):
            raise RoutingError(f"agent {agent_id} is not on call {call_sid}")
        return self.dispatch() if state == "available" else []

    def start_outbound(self, agent_id: int) -> AgentStatus:
        """The agent starts placing a call: on_call at once, so no offer reaches them meanwhile.

        Returns their status before (for `cancel_outbound`)."""
        before = self.agent(agent_id)
        result = [r.decode() for r in self._start_outbound(args=[self.prefix, agent_id, self.clock()])]
        if result[0] != "ok":
            raise RoutingError(f"cannot place a call while {result[0]}")
        before.state, before.reason = result[1], result[2]
        return before

    def cancel_outbound(self, agent_id: int, before: AgentStatus) -> AgentStatus:
        """The call could not be placed: the agent goes back to what they were doing."""
        self._release(args=[self.prefix, agent_id, "", self.clock(), before.state, before.reason])
        return self.agent(agent_id)

    def outbound_placed(self, agent_id: int, call_sid: str, interaction_id: int) -> AgentStatus:
        """The agent's call was placed: it belongs to the agent (no queue) until it ends."""
        now = self.clock()
        with self.redis.pipeline() as pipe:
            pipe.hset(self._call_key(call_sid), mapping={"interaction_id": interaction_id, "queue": "",
                                                         "agent": agent_id, "enqueued_at": now, "dialing": 1})
            pipe.hset(self._agent_key(agent_id), "call_sid", call_sid)
            pipe.execute()
        return self.agent(agent_id)

    def outbound_answered(self, call_sid: str) -> QueuedCall | None:
        """The callee answered the agent's call."""
        self.redis.hdel(self._call_key(call_sid), "dialing")
        return self.call(call_sid)

    def start_preview(self, agent_id: int, lead: dict) -> bool:
        """Give an available agent a campaign lead to preview (False if they are no longer available)."""
        return bool(self._start_preview(args=[self.prefix, agent_id, self.clock(), json.dumps(lead)]))

    def preview_dialed(self, attempt_id: int, agent_id: int) -> None:
        """Remember that a dial attempt is the preview call of an agent: answered, it goes to them alone."""
        self.redis.set(f"{self.prefix}:preview-dial:{attempt_id}", agent_id, ex=PREVIEW_DIAL_TTL)

    def preview_agent(self, attempt_id: int) -> int | None:
        """The agent a preview dial attempt is for, if any."""
        agent = self.redis.get(f"{self.prefix}:preview-dial:{attempt_id}")
        return int(agent) if agent else None

    def overdue_wrap_ups(self, limit: float) -> list[AgentStatus]:
        """Agents in wrap-up for longer than `limit` seconds."""
        now = self.clock()
        overdue = []
        for agent_id in self.redis.smembers(f"{self.prefix}:agents"):
            state, since = self.redis.hmget(self._agent_key(int(agent_id)), "state", "since")
            if state == b"wrap_up" and since and float(since) + limit <= now:
                overdue.append(self.agent(int(agent_id)))
        return overdue

    # -- presence -------------------------------------------------------------------------------------------

    def connection_opened(self, agent_id: int) -> None:
        """A console of this agent connected (an agent may have several tabs)."""
        key = self._agent_key(agent_id)
        self.redis.hincrby(key, "connections", 1)
        self.redis.hdel(key, "disconnected_at")

    def connection_closed(self, agent_id: int) -> None:
        """A console closed; with none left, the grace period starts."""
        key = self._agent_key(agent_id)
        if self.redis.hincrby(key, "connections", -1) <= 0:
            self.redis.hset(key, mapping={"connections": 0, "disconnected_at": self.clock()})

    def vanished(self, grace: float) -> list[AgentStatus]:
        """Agents with no console for longer than `grace` seconds who are not already offline."""
        now = self.clock()
        gone = []
        for agent_id in self.redis.smembers(f"{self.prefix}:agents"):
            key = self._agent_key(int(agent_id))
            disconnected_at, state = self.redis.hmget(key, "disconnected_at", "state")
            if disconnected_at and float(disconnected_at) + grace <= now and state != b"offline":
                gone.append(self.agent(int(agent_id)))
        return gone

    def sign_out(self, agent_id: int, reason: str = "") -> tuple[AgentStatus, list[Offer]]:
        """Take an agent out of routing whatever they were doing; an offer they held goes to someone else.

        Returns their status before and the offers made in their place.
        """
        before = self.agent(agent_id)
        offers: list[Offer] = []
        if before.state == "ringing" and before.call_sid:
            self._withdraw(args=[self.prefix, before.call_sid, agent_id, self.clock(), "offline", reason, "0"])
            offers = self.dispatch()
        now = self.clock()
        with self.redis.pipeline() as pipe:
            pipe.zrem(f"{self.prefix}:available", agent_id)
            pipe.hset(self._agent_key(agent_id), mapping={"state": "offline", "since": now, "reason": reason,
                                                          "call_sid": "", "held": 0})
            pipe.hdel(self._agent_key(agent_id), "preview")
            pipe.execute()
        return before, offers

    def _agent_key(self, agent_id: int) -> str:
        return f"{self.prefix}:agent:{agent_id}"

    def _call_key(self, call_sid: str) -> str:
        return f"{self.prefix}:call:{call_sid}"
