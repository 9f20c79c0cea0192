"""Running one call leg: its lifecycle, its interruptible waits, and the loop that fetches
TwiML documents and executes their verbs."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from . import callbacks, connect, dialing, queueing, twiml, verbs, webhooks
from .calls import ACTIVE_STATUSES, Call, Target
from .flow import CallEnded, Dequeued, Redirected
from .params import call_params
from .twiml import TwimlError, Verb

if TYPE_CHECKING:
    from .state import Sandbox

log = logging.getLogger(__name__)

APPLICATION_ERROR_MESSAGE = "We are sorry, an application error has occurred. Goodbye."
SANDBOX_FAILURE = 0  # no Twilio code: the sandbox itself failed; its log has the traceback

Handler = Callable[["CallRunner", Verb, "str | None"], "Target | None"]
HANDLERS: dict[str, Handler] = {**verbs.HANDLERS, "Dial": dialing.dial, "Enqueue": queueing.enqueue}

Program = Callable[["CallRunner"], None]


class CallRunner:
    """Drives one call leg in its own thread, from dialing to its final status callback."""

    def __init__(self, sandbox: Sandbox, call: Call, program: Program | None = None) -> None:
        self.sandbox = sandbox
        self.call = call
        self.clock = sandbox.clock
        self.program = program or run_twiml
        self.held_callbacks: list[callbacks.StatusDelivery] = []  # with callback faults: sent after the final one

    # -- lifecycle -------------------------------------------------------------------------

    def run(self) -> None:
        """Connect the call, run its program and finish it; no exception escapes the thread."""
        by = "twiml"
        try:
            connect.connect(self)
            self.run_program()
        except CallEnded as ended:
            by = ended.by
        except Exception as exc:  # a sandbox bug must end the call, not hang the caller
            log.exception("call %s failed inside the sandbox", self.call.sid)
            self.note("error", code=SANDBOX_FAILURE, message=f"sandbox failure: {exc!r}")
            by = "sandbox"
        finally:
            self.finish(by)

    def run_program(self) -> None:
        """Run the call's program; a REST redirect replaces it with the new TwiML."""
        try:
            self.program(self)
        except Redirected as redirect:
            self.note("redirect", url=redirect.target.url or "inline TwiML", by="api")
            self.execute(redirect.target)

    def execute(self, target: Target | None) -> None:
        """Run documents until one ends without pointing elsewhere, restarting at each REST
        redirect; then Twilio hangs up."""
        while target is not None:
            try:
                self.run_documents(target)
                target = None
            except Redirected as redirect:
                self.note("redirect", url=redirect.target.url or "inline TwiML", by="api")
                target = redirect.target
        raise CallEnded("twiml")

    def finish(self, by: str) -> None:
        """Give the call its final status, tell the status callback, and release waiters."""
        with self.sandbox.lock:
            call, now = self.call, self.clock.now()
            if call.status in ACTIVE_STATUSES:
                call.status = _final_status(call, by)
            call.end_time = now
            call.date_updated = now
            call.bridged_with = None
            call.awaiting = frozenset()
            if call.queue_sid in self.sandbox.queues:  # only if the sandbox itself failed mid-queue
                self.sandbox.queues[call.queue_sid].remove(call.sid, now)
            call.log(now, "hangup", by=by, status=call.status)
            self.sandbox.changed.notify_all()
        try:
            callbacks.send_status(self, "completed")
            callbacks.release_held(self)
        finally:
            with self.sandbox.lock:
                call.finished = True
                self.sandbox.changed.notify_all()

    def answer_inbound(self) -> None:
        """Answer a ringing inbound call, as Twilio does when it executes its first verb."""
        with self.sandbox.lock:
            if self.call.direction == "inbound" and self.call.status == "ringing":
                self.call.status = "in-progress"
                self.call.answered_at = self.call.talking_since = self.call.date_updated = self.clock.now()
                self.call.log(self.call.answered_at, "answered")

    # -- documents -------------------------------------------------------------------------

    def run_documents(self, target: Target, allowed: frozenset[str] | None = None, *, primary: bool = True) -> None:
        """Fetch and execute documents, following Redirects and actions, until one runs out
        of verbs. ``allowed`` restricts the verbs (wait music, whispers); a failed fetch of a
        primary document falls back as Twilio does, a secondary one raises TwimlError."""
        next_target: Target | None = target
        while next_target is not None:
            document_url, document = self.fetch_twiml(next_target) if primary else self.load(next_target)
            next_target = self.perform_all(document, document_url, allowed)

    def perform_all(
        self, document: list[Verb], document_url: str | None, allowed: frozenset[str] | None
    ) -> Target | None:
        """Execute verbs in order; return where the call goes next, if a verb says so."""
        for verb in document:
            if allowed is not None and verb.name not in allowed:
                self.note("error", code=twiml.SCHEMA_VALIDATION, message=f"<{verb.name}> is not allowed here; skipped")
                continue
            next_target = self.perform(verb, document_url)
            if next_target is not None:
                return next_target
        return None

    def perform(self, verb: Verb, document_url: str | None) -> Target | None:
        """Execute one verb."""
        if verb.name != "Reject" and not (verb.name == "Dial" and verb.flag("answerOnBridge")):
            self.answer_inbound()
        handler = HANDLERS.get(verb.name)
        if handler is None:
            self.note("unsupported", verb=verb.name)
            return None
        return handler(self, verb, document_url)

    def fetch_twiml(self, target: Target) -> tuple[str | None, list[Verb]]:
        """Load a document; on failure request the fallback URL with ErrorCode and ErrorUrl,
        and if that fails too, play Twilio's application error and end the call."""
        try:
            return self.load(target)
        except TwimlError as error:
            failure = error
        fallback = self.call.fallback
        if fallback is not None and fallback.url and target.url:
            params = (*target.params, ("ErrorCode", str(failure.code)), ("ErrorUrl", target.url))
            try:
                return self.load(Target(fallback.url, fallback.method, params=params))
            except TwimlError as error:
                failure = error
        self.application_error(failure)

    def load(self, target: Target) -> tuple[str | None, list[Verb]]:
        """Return a document's URL (for resolving relative URLs) and its verbs."""
        if target.twiml is not None:
            return None, twiml.parse(target.twiml)
        response = self.request(target.url or "", target.method, target.params)
        error = None
        document: list[Verb] = []
        try:
            if not response.ok:
                raise TwimlError(response.error_code or webhooks.HTTP_RETRIEVAL_FAILURE, response.error_message or "")
            twiml.check_content_type(response.content_type)
            document = twiml.parse(response.body)
        except TwimlError as exc:
            error = exc
        self.note(
            "fetch",
            method=response.method,
            url=response.url,
            status_code=response.status_code,
            **({"error_code": error.code} if error else {}),
        )
        if error is not None:
            self.note("error", code=error.code, message=error.message)
            raise error
        return target.url, document

    def application_error(self, error: TwimlError) -> None:
        """Tell the caller the application failed and hang up, as Twilio does."""
        self.answer_inbound()
        self.note("error", code=error.code, message=f"application error: {error.message}")
        verbs.speak(self, APPLICATION_ERROR_MESSAGE, language="en-US", voice="woman")
        raise CallEnded("application-error")

    def notify(self, target: Target) -> None:
        """Request an action URL whose TwiML Twilio ignores (the call is over or moved on)."""
        if target.url:
            response = self.request(target.url, target.method, target.params)
            self.note("fetch", method=response.method, url=response.url, status_code=response.status_code, ignored=True)

    # -- HTTP ------------------------------------------------------------------------------

    def request(self, url: str, method: str, extra: tuple[tuple[str, str], ...] = ()) -> webhooks.WebhookResponse:
        """Request a webhook with the call's standard parameters plus ``extra``."""
        with self.sandbox.lock:
            params = call_params(self.call)
            if self.call.hangup_by and self.call.status == "in-progress":  # hung up, not yet finished
                params = [(name, "completed" if name == "CallStatus" else value) for name, value in params]
        return self.post(url, method, params + list(extra))

    def post(self, url: str, method: str, params: list[tuple[str, str]]) -> webhooks.WebhookResponse:
        """Send exactly ``params`` to a webhook, signed with the account's auth token."""
        with self.sandbox.lock:
            token = self.sandbox.accounts[self.call.account_sid].auth_token
        return webhooks.send(url, method, params, token, self.sandbox.webhook_timeout)

    # -- time ------------------------------------------------------------------------------

    def wait(self, seconds: float | None, until: Callable[[], object] | None = None) -> bool:
        """Let ``seconds`` of simulated time pass (None: as long as it takes) or until
        ``until()`` holds, returning whether it did. Raises CallEnded, Redirected or Dequeued
        as soon as the call is hung up, redirected or taken out of its queue."""
        with self.sandbox.lock:
            deadline = None if seconds is None else self.clock.now() + seconds
            while True:
                interruption = self._interruption()
                if interruption is not None:
                    raise interruption
                if until is not None and until():
                    return True
                now = self.clock.now()
                if deadline is not None and now >= deadline:
                    return False
                wake = _earliest(deadline, self._party_leaves_at())
                self.clock.wait_for(self.sandbox.changed, lambda: self._interrupted() or (until and until()), wake)

    def _party_leaves_at(self) -> float | None:
        """Return when the far-end party hangs up on its own: talk time or queue patience."""
        call = self.call
        patience = call.enqueued_at + call.party.patience if call.queue_sid and call.enqueued_at else None
        return _earliest(call.party.leaves_at(call.talking_since), patience)

    def _interrupted(self) -> bool:
        """Return whether something is waiting to interrupt the call (lock held)."""
        call = self.call
        leaves_at = self._party_leaves_at()
        return bool(
            call.hangup_by
            or call.redirect
            or (call.dequeue and call.queue_sid)
            or (leaves_at is not None and self.clock.now() >= leaves_at)
        )

    def _interruption(self) -> Exception | None:
        """Consume and return the pending interruption, if any (lock held)."""
        call = self.call
        leaves_at = self._party_leaves_at()
        if call.hangup_by is None and leaves_at is not None and self.clock.now() >= leaves_at:
            call.hangup_by = call.party.role
            self.sandbox.changed.notify_all()
        if call.hangup_by:
            return CallEnded(call.hangup_by)
        if call.redirect is not None:
            target, call.redirect = call.redirect, None
            return Redirected(target)
        if call.dequeue is not None and call.queue_sid:
            dequeue, call.dequeue = call.dequeue, None
            return Dequeued(dequeue)
        return None

    # -- far end and transcript ------------------------------------------------------------

    def next_input(self, timeout: float) -> dict | None:
        """Return the far end's next action when asked for input, or None if an interactive
        party gave no live input within ``timeout``."""
        party = self.call.party
        with self.sandbox.lock:
            action = party.next_action()
        if action is not None:
            return action
        if not self.wait(timeout, until=lambda: party.live_input):
            return None
        with self.sandbox.lock:
            return party.live_input.popleft()

    def party_hangs_up(self) -> None:
        """End the call because the far-end party hung up."""
        with self.sandbox.lock:
            self.call.hangup_by = self.call.hangup_by or self.call.party.role
        raise CallEnded(self.call.party.role)

    def note(self, event: str, **details: object) -> None:
        """Append an event to the call's transcript."""
        with self.sandbox.lock:
            self.call.log(self.clock.now(), event, **details)


def run_twiml(runner: CallRunner) -> None:
    """The usual program of a call: fetch and execute its TwiML."""
    runner.execute(runner.call.target)


def _earliest(*times: float | None) -> float | None:
    """Return the earliest of the given times, ignoring None."""
    known = [t for t in times if t is not None]
    return min(known) if known else None


def _final_status(call: Call, by: str) -> str:
    """Return the status of a call that ends while still queued, ringing or in progress."""
    if call.answered_at is not None or (call.direction == "inbound" and by != "caller"):
        return "completed"
    if by == "timeout":
        return "no-answer"
    return "canceled"
