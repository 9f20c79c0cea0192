"""The Sandbox: all shared state behind one lock, and the threads that run calls."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from .calls import ACTIVE_STATUSES, Call
from .clock import Clock
from .conferences import Conference
from .directory import Account, IncomingNumber
from .errors import NotFound
from .parties import Callee, Device, Party
from .queues import Queue
from .sids import new_sid

if TYPE_CHECKING:
    from .engine import CallRunner


class Sandbox:
    """Everything the sandbox knows. Read and write it only while holding ``lock``;
    notify ``changed`` after every write that a waiting call thread might care about."""

    def __init__(self, clock: Clock, *, webhook_timeout: float = 15.0, default_cps: float = 1.0) -> None:
        self.lock = threading.RLock()
        self.changed = threading.Condition(self.lock)
        self.clock = clock
        self.webhook_timeout = webhook_timeout
        self.default_cps = default_cps
        self.base_url = "http://127.0.0.1"  # updated from incoming requests; used in RecordingUrl
        self.accounts: dict[str, Account] = {}
        self.numbers: dict[str, IncomingNumber] = {}
        self.callees: dict[str, Callee] = {}
        self.devices: dict[str, Device] = {}
        self.calls: dict[str, Call] = {}
        self.queues: dict[str, Queue] = {}
        self.conferences: dict[str, Conference] = {}
        self.request_log: list[dict] = []
        self._threads: list[threading.Thread] = []

    def set_speed(self, speed: float) -> None:
        """Change the clock speed and let waiting threads recompute their deadlines."""
        with self.lock:
            self.clock.set_speed(speed)
            self.changed.notify_all()

    def add_account(self, sid: str, auth_token: str, cps: float | None = None) -> Account:
        """Create or replace an account."""
        with self.lock:
            account = Account(sid, auth_token, cps or self.default_cps)
            self.accounts[sid] = account
            return account

    def account(self, sid: str) -> Account:
        """Return an account or raise NotFound."""
        with self.lock:
            if sid not in self.accounts:
                raise NotFound(f"Account {sid} not found")
            return self.accounts[sid]

    def add_number(self, number: IncomingNumber) -> None:
        """Register one of our incoming numbers."""
        with self.lock:
            self.account(number.account_sid)
            self.numbers[number.phone_number] = number

    def number(self, phone_number: str) -> IncomingNumber | None:
        """Return our incoming number with that E.164 value, if any."""
        with self.lock:
            return self.numbers.get(phone_number)

    def far_end(self, to: str) -> Party:
        """Return who answers an outbound leg to ``to``: a device, a registered callee or,
        for unknown numbers, a human who answers after 1 s and talks for 5 s."""
        with self.lock:
            if to in self.devices:
                return Party.from_device(self.devices[to])
            if to.startswith("client:"):
                return Party.unreachable()
            return Party.from_callee(self.callees.get(to, Callee(to)))

    def add_call(self, call: Call) -> Call:
        """Register a new call."""
        with self.lock:
            self.calls[call.sid] = call
            self.changed.notify_all()
            return call

    def call(self, sid: str, account_sid: str | None = None) -> Call:
        """Return a call (of that account, if given) or raise NotFound."""
        with self.lock:
            call = self.calls.get(sid)
            if call is None or (account_sid is not None and call.account_sid != account_sid):
                raise NotFound(f"The requested resource Call {sid} was not found")
            return call

    def queue(self, sid: str, account_sid: str) -> Queue:
        """Return a queue of that account or raise NotFound."""
        with self.lock:
            queue = self.queues.get(sid)
            if queue is None or queue.account_sid != account_sid:
                raise NotFound(f"The requested resource Queue {sid} was not found")
            return queue

    def queue_named(self, account_sid: str, name: str) -> Queue | None:
        """Return the account's queue with that friendly name, if any."""
        with self.lock:
            return next(
                (q for q in self.queues.values() if q.account_sid == account_sid and q.friendly_name == name),
                None,
            )

    def create_queue(self, account_sid: str, name: str, max_size: int | None = None) -> Queue:
        """Create a queue, as POST Queues.json or the first <Enqueue> of that name does."""
        with self.lock:
            now = self.clock.now()
            queue = Queue(new_sid("QU"), account_sid, name, now, date_updated=now)
            if max_size:
                queue.max_size = max_size
            self.queues[queue.sid] = queue
            return queue

    def conference(self, sid: str, account_sid: str) -> Conference:
        """Return a conference of that account or raise NotFound."""
        with self.lock:
            conference = self.conferences.get(sid)
            if conference is None or conference.account_sid != account_sid:
                raise NotFound(f"The requested resource Conference {sid} was not found")
            return conference

    def conference_named(self, account_sid: str, name: str) -> Conference | None:
        """Return the account's room of that name that has not ended yet, if any."""
        with self.lock:
            return next(
                (
                    c
                    for c in self.conferences.values()
                    if c.account_sid == account_sid and c.friendly_name == name and c.status != "completed"
                ),
                None,
            )

    def create_conference(self, account_sid: str, name: str) -> Conference:
        """Open a room, as the first participant to dial into it does."""
        with self.lock:
            now = self.clock.now()
            conference = Conference(new_sid("CF"), account_sid, name, now, date_updated=now)
            self.conferences[conference.sid] = conference
            return conference

    def start(self, call: Call, program: Callable[[CallRunner], None] | None = None) -> None:
        """Run the call in its own thread: its TwiML, or ``program`` (e.g. a dialed leg's bridge)."""
        from .engine import CallRunner  # the engine uses the Sandbox; import late to avoid a cycle

        runner = CallRunner(self, call, program)
        thread = threading.Thread(target=runner.run, name=f"call-{call.sid}", daemon=True)
        with self.lock:
            self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        thread.start()

    def hang_up_everything(self, by: str) -> None:
        """End every live call, e.g. before a reset or shutdown."""
        with self.lock:
            for call in self.calls.values():
                if call.status in ACTIVE_STATUSES and call.hangup_by is None:
                    call.hangup_by = by
            self.changed.notify_all()

    def join_threads(self, timeout: float = 5.0) -> None:
        """Wait (real seconds) for call threads to finish."""
        with self.lock:
            threads = list(self._threads)
        for thread in threads:
            thread.join(timeout)

    def reset(self) -> None:
        """Forget calls, queues, conferences, the request log, callees and devices; keep accounts
        and numbers."""
        self.hang_up_everything("sandbox")
        with self.lock:
            self.calls.clear()
            self.queues.clear()
            self.conferences.clear()
            self.request_log.clear()
            self.callees.clear()
            self.devices.clear()
            for account in self.accounts.values():
                account.next_slot = 0.0
            self.changed.notify_all()
