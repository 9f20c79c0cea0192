"""<Enqueue>: a caller waits in a queue, hearing its wait music, until it is bridged,
redirected, leaves, or hangs up; then the Enqueue action learns the QueueResult."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from . import bridge
from .calls import Dequeue, Target
from .flow import CallEnded, Dequeued, LeaveQueue, Redirected
from .queues import Queue
from .twiml import TwimlError, Verb
from .verbs import resolve

if TYPE_CHECKING:
    from .engine import CallRunner

WAIT_VERBS = frozenset({"Say", "Play", "Pause", "Gather", "Leave", "Hangup", "Redirect"})
WHISPER_VERBS = frozenset({"Say", "Play", "Pause", "Redirect"})
HOLD_MUSIC = "http://com.twilio.sounds.music.s3.amazonaws.com/MARKOVICHAMP-Borghestral.mp3"
MIN_WAIT_LOOP_SECONDS = 1.0  # so an empty waitUrl document does not spin


def enqueue(runner: CallRunner, verb: Verb, document_url: str | None) -> Target | None:
    """Run an <Enqueue>; return its action with QueueResult, the dequeue URL, or None."""
    sandbox, call = runner.sandbox, runner.call
    name = verb.text
    action = resolve(document_url, verb.attr("action"))
    method = verb.attr("method", "POST") or "POST"
    wait_url = resolve(document_url, verb.attr("waitUrl"))
    wait = Target(wait_url, verb.attr("waitUrlMethod", "POST") or "POST") if wait_url else None
    with sandbox.lock:
        queue = sandbox.queue_named(call.account_sid, name) or sandbox.create_queue(call.account_sid, name)
        admitted = not queue.full
        if admitted:
            now = runner.clock.now()
            queue.add(call.sid, now)
            call.queue_sid, call.enqueued_at, call.dequeue = queue.sid, now, None
            sandbox.changed.notify_all()
    runner.note("enqueue", queue=name, queue_sid=queue.sid, **({} if admitted else {"result": "queue-full"}))
    if not admitted:
        return _action(action, method, "queue-full", queue, 0)
    try:
        result, dequeue = _wait_in_queue(runner, queue, wait)
    except (Redirected, CallEnded) as gone:
        result = "redirected" if isinstance(gone, Redirected) else "hangup"
        _inform(runner, action, method, result, queue, _leave(runner, queue, result))
        raise
    queue_time = _leave(runner, queue, result)
    if dequeue is not None and dequeue.kind == "redirect":
        _inform(runner, action, method, result, queue, queue_time)
        return dequeue.target
    if dequeue is not None:
        try:
            result = _bridge_to_dequeuer(runner, dequeue, queue, queue_time)
        except (Redirected, CallEnded) as gone:
            result = "redirected-from-bridged" if isinstance(gone, Redirected) else "bridged"
            _inform(runner, action, method, result, queue, queue_time)
            raise
    return _action(action, method, result, queue, queue_time)


def _wait_in_queue(runner: CallRunner, queue: Queue, wait: Target | None) -> tuple[str, Dequeue | None]:
    """Play the wait music in a loop until the caller leaves the queue; return the
    QueueResult and the dequeue request, if that is how it left."""
    try:
        while True:
            started = runner.clock.now()
            if wait is None:
                runner.note("play", url=HOLD_MUSIC, loop=0)
                runner.wait(None)  # only an interruption ends Twilio's default music
            try:
                runner.run_documents(
                    Target(wait.url, wait.method, params=_wait_params(runner, queue)), WAIT_VERBS, primary=False
                )
            except TwimlError:
                wait = None  # Twilio falls back to its default music
                continue
            runner.wait(MIN_WAIT_LOOP_SECONDS - (runner.clock.now() - started))
    except LeaveQueue:
        with runner.sandbox.lock:
            pending = runner.call.dequeue
        if pending is not None:  # a dequeue accepted while the wait URL answered <Leave> came first: it wins
            return ("redirected" if pending.kind == "redirect" else "bridged"), pending
        return "leave", None
    except Dequeued as dequeued:
        result = "redirected" if dequeued.dequeue.kind == "redirect" else "bridged"
        return result, dequeued.dequeue


def _bridge_to_dequeuer(runner: CallRunner, dequeue: Dequeue, queue: Queue, queue_time: int) -> str:
    """Play the dequeuer's <Queue url> whisper to the caller, connect the two, and stay
    until the bridge ends; return the QueueResult."""
    sandbox, call = runner.sandbox, runner.call
    with sandbox.lock:
        dequeuer = sandbox.calls.get(dequeue.by_call_sid or "")
    runner.note("dequeued", by=dequeue.by_call_sid)
    if dequeuer is None:
        return "error"
    try:
        whisper = dequeue.whisper
        if whisper is not None and whisper.url:
            params = (("QueueSid", queue.sid), ("QueueTime", str(queue_time)), ("DequeueingCallSid", dequeuer.sid))
            with contextlib.suppress(TwimlError):  # the failure is in the transcript; connect anyway
                runner.run_documents(Target(whisper.url, whisper.method, params=params), WHISPER_VERBS, primary=False)
        if not bridge.link(sandbox, dequeuer, call):
            return "error"
    finally:
        with sandbox.lock:  # a dequeuer still waiting here will not get this caller
            dequeuer.awaiting = dequeuer.awaiting - {call.sid}
            sandbox.changed.notify_all()
    runner.note("bridged", call_sid=dequeuer.sid, to=dequeuer.to)
    bridge.hold(runner, dequeuer)
    return "bridged"


def _leave(runner: CallRunner, queue: Queue, result: str) -> int:
    """Take the call out of the queue and release a dequeuer still waiting for it; return
    the whole seconds spent in the queue."""
    sandbox, call = runner.sandbox, runner.call
    with sandbox.lock:
        now = runner.clock.now()
        queue.remove(call.sid, now)
        call.queue_sid = None
        pending, call.dequeue = call.dequeue, None
        dequeuer = sandbox.calls.get(pending.by_call_sid or "") if pending is not None else None
        if dequeuer is not None and call.sid in dequeuer.awaiting:
            dequeuer.awaiting = dequeuer.awaiting - {call.sid}
        sandbox.changed.notify_all()
        queue_time = int(now - (call.enqueued_at or now))
    runner.note("left_queue", result=result, queue_time=queue_time)
    return queue_time


def _inform(runner: CallRunner, action: str | None, method: str, result: str, queue: Queue, queue_time: int) -> None:
    """Request the Enqueue action for a call that has moved on; its TwiML is ignored."""
    if action:
        runner.notify(Target(action, method, params=_result_params(result, queue, queue_time)))


def _wait_params(runner: CallRunner, queue: Queue) -> tuple[tuple[str, str], ...]:
    """Return the parameters Twilio sends to waitUrl, as of now."""
    with runner.sandbox.lock:
        now = runner.clock.now()
        call = runner.call
        return (
            ("QueueSid", queue.sid),
            ("QueuePosition", str(queue.position(call.sid) if queue.member(call.sid) else 0)),
            ("QueueTime", str(int(now - (call.enqueued_at or now)))),
            ("AvgQueueTime", str(queue.average_wait(now))),
            ("CurrentQueueSize", str(len(queue.members))),
            ("MaxQueueSize", str(queue.max_size)),
        )


def _result_params(result: str, queue: Queue, queue_time: int) -> tuple[tuple[str, str], ...]:
    """Return the parameters of the Enqueue action."""
    return (("QueueResult", result), ("QueueSid", queue.sid), ("QueueTime", str(queue_time)))


def _action(action: str | None, method: str, result: str, queue: Queue, queue_time: int) -> Target | None:
    """Return the Enqueue action to fetch next, or None to fall through to the next verb."""
    return Target(action, method, params=_result_params(result, queue, queue_time)) if action else None
