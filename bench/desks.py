"""Simulated agents for a load run: each a logged-in Socket.IO console on `/desk` that goes available, accepts
every call offered, and after the conversation (played by the sandbox's agent device) records an outcome.

Screen-pop latency is measured from the moment routing made the offer (the `offer_expires` it stored in Redis,
minus the offer timeout) to the moment the console received the screen-pop: building it (the customer's
history), the Socket.IO emit through the Redis message queue and the delivery, whichever process made the offer."""

from __future__ import annotations

import queue
import threading
import time
from dataclasses import dataclass, field

import socketio

from agent_console.routing import Router

DESK = "/desk"
# A call that is already gone when the agent acts on it: a race the console shows, not a failure.
GONE = ("this call is no longer offered to you", "the caller is no longer waiting")


@dataclass
class DeskRecord:
    """What one simulated agent saw and did."""

    screen_pops: list[float] = field(default_factory=list)  # seconds from offer made to received
    offer_waits: list[float] = field(default_factory=list)  # seconds from entering routing to the offer
    offers: int = 0
    accepted: set[str] = field(default_factory=set)
    wrapped_up: dict[str, int] = field(default_factory=dict)  # call SID -> interaction id
    gone: int = 0
    expired: int = 0
    errors: list[str] = field(default_factory=list)


class SimulatedDesk:
    """One agent's console (`cookie`: the Cookie header of their session); `start()` connects and goes available,
    `close()` disconnects."""

    def __init__(self, url: str, agent_id: int, cookie: str, router: Router, *, wrap_up_seconds: float,
                 dispositions: dict[str, str], origin: str):
        self.url, self.agent_id, self.cookie = url, agent_id, cookie
        self.router = router
        self.wrap_up_seconds = wrap_up_seconds
        self.dispositions = dispositions  # "inbound" and "campaign" -> the disposition recorded
        self.record = DeskRecord()
        # The Origin a browser sends: the page's (the public URL), which the platform's Socket.IO accepts.
        self.client = socketio.Client(reconnection=False, websocket_extra_options={"origin": origin})
        self.inbox: queue.Queue = queue.Queue()
        self.campaign_calls: set[str] = set()
        for event in ("offer", "call_ended", "offer_expired", "wrap_up_expired"):
            self.client.on(event, self._receiver(event), namespace=DESK)
        self.client.on("disconnect", lambda *_: self.inbox.put(("disconnect", None, time.time())), namespace=DESK)
        self.thread = threading.Thread(target=self._work, name=f"desk-{agent_id}", daemon=True)
        self.closing = False

    def start(self) -> None:
        """Connect with the agent's session and go available."""
        self.client.connect(self.url, namespaces=[DESK], transports=["websocket"],
                            headers={"Cookie": self.cookie}, wait_timeout=30)
        self.thread.start()
        self._act("set_state", {"state": "available"})

    def close(self) -> None:
        """Leave: disconnect the console."""
        self.closing = True
        self.inbox.put(("stop", None, time.time()))
        self.thread.join(5)
        self.client.disconnect()

    def _receiver(self, event: str):
        def receive(data=None):
            self.inbox.put((event, data, time.time()))
        return receive

    def _work(self) -> None:
        while True:
            event, data, received = self.inbox.get()
            if event == "stop":
                return
            try:
                self._handle(event, data, received)
            except Exception as exc:  # a failed action is counted, and the agent goes on with the next event
                self.record.errors.append(f"agent {self.agent_id} {event}: {exc!r}")

    def _handle(self, event: str, data, received: float) -> None:
        if event == "offer":
            self._take(data, received)
        elif event == "call_ended":
            time.sleep(self.wrap_up_seconds)
            kind = "campaign" if data["call_sid"] in self.campaign_calls else "inbound"
            if self._act("wrap_up", {"interaction_id": data["interaction_id"], "disposition": self.dispositions[kind]},
                         about=data["call_sid"]) is not None:
                self.record.wrapped_up[data["call_sid"]] = data["interaction_id"]
        elif event in ("offer_expired", "wrap_up_expired"):
            self.record.expired += 1
        elif event == "disconnect" and not self.closing:
            self.record.errors.append(f"agent {self.agent_id}: the console was disconnected")

    def _take(self, offer: dict, received: float) -> None:
        """Measure the screen-pop, then accept the call."""
        sid = offer["call"]["call_sid"]
        self.record.offers += 1
        expires, enqueued = self.router.redis.hmget(f"{self.router.prefix}:call:{sid}", "offer_expires",
                                                    "enqueued_at")
        if expires is not None:
            offered = float(expires) - self.router.offer_timeout
            self.record.screen_pops.append(received - offered)
            if enqueued is not None:
                self.record.offer_waits.append(offered - float(enqueued))
        if (offer["call"].get("context") or {}).get("attempt_id"):
            self.campaign_calls.add(sid)
        if self._act("accept", {"call_sid": sid}) is not None:
            self.record.accepted.add(sid)

    def _act(self, event: str, data: dict, about: str = "") -> dict | None:
        """Send a desk event; a refusal because the call is gone is a race, any other refusal an error."""
        answer = self.client.call(event, data, namespace=DESK, timeout=30)
        if answer.get("ok"):
            return answer
        if answer.get("error") in GONE:
            self.record.gone += 1
        else:
            self.record.errors.append(f"agent {self.agent_id} {event} {about} {data}: {answer.get('error')}")
        return None


def connect_desks(url: str, agents: dict[int, str], router: Router, *, wrap_up_seconds: float,
                  dispositions: dict[str, str], origin: str | None = None) -> list[SimulatedDesk]:
    """Connect one simulated console per agent (id -> Cookie header of their session), all available; `router`
    reads when each offer was made. `origin`: the platform's public URL, when the consoles' process is reached at
    another address (a browser sends the origin it loaded the console from)."""
    desks = [SimulatedDesk(url, agent_id, cookie, router, wrap_up_seconds=wrap_up_seconds,
                           dispositions=dispositions, origin=origin or url) for agent_id, cookie in agents.items()]
    for desk in desks:
        desk.start()
    return desks
