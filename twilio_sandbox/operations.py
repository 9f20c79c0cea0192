"""What the REST and control APIs can do to calls and queues: place, update, dequeue,
answer, hang up. Handlers parse and render; these functions act."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from .calls import ACTIVE_STATUSES, Call, Dequeue, StatusCallback, Target
from .conferences import Conference, Participant, dialed_participant
from .directory import Account
from .errors import Conflict, InvalidParameter, NotFound
from .params import geography
from .parties import Party
from .queues import Member, Queue
from .script import validate_script
from .sids import new_sid
from .state import Sandbox

if TYPE_CHECKING:
    from .engine import CallRunner

_ADDRESS = re.compile(r"^(\+[1-9]\d{6,14}|client:[\w.@-]+|sip:\S+)$")


def place_inbound_call(
    sandbox: Sandbox,
    from_: str,
    to: str,
    script: list[dict] | None = None,
    *,
    caller_name: str | None = None,
    forwarded_from: str | None = None,
    patience: float = 600.0,
    talk_for: float | None = None,
    places: dict[str, str] | None = None,
) -> Call:
    """A simulated customer dials one of our numbers."""
    number = sandbox.number(to)
    if number is None:
        raise NotFound(f"{to} is not a sandbox number: register it with POST /_sandbox/numbers")
    now = sandbox.clock.now()
    call = Call(
        sid=new_sid("CA"),
        account_sid=number.account_sid,
        from_=from_,
        to=to,
        direction="inbound",
        party=Party.caller(validate_script(script), patience, talk_for),
        date_created=now,
        date_updated=now,
        start_time=now,
        status="ringing",
        phone_number_sid=number.sid,
        caller_name=caller_name,
        forwarded_from=forwarded_from,
        geography=geography(from_, to, places),
        target=number.voice,
        fallback=number.voice_fallback,
        status_callback=number.status_callback,
    )
    call.log(now, "call", **{"from": from_}, to=to, direction="inbound")
    sandbox.add_call(call)
    sandbox.start(call)
    return call


def create_api_call(
    sandbox: Sandbox,
    account: Account,
    *,
    to: str,
    from_: str,
    target: Target,
    fallback: Target | None = None,
    status_callback: StatusCallback | None = None,
    ring_timeout: float = 60.0,
    machine_detection: str | None = None,
    async_amd_callback: Target | None = None,
    send_digits: str | None = None,
    record: bool = False,
    program: Callable[[CallRunner], None] | None = None,
) -> Call:
    """Place an outbound call (POST Calls.json); it waits for the account's CPS slot, then
    runs its TwiML, or ``program`` (e.g. joining a conference)."""
    if not _ADDRESS.match(to):
        raise InvalidParameter(f"The 'To' number {to} is not a valid phone number.", code=21211)
    if not _ADDRESS.match(from_):
        raise InvalidParameter(f"The 'From' number {from_} is not a valid phone number.", code=21212)
    with sandbox.lock:
        now = sandbox.clock.now()
        number = sandbox.numbers.get(from_)
        call = Call(
            sid=new_sid("CA"),
            account_sid=account.sid,
            from_=from_,
            to=to,
            direction="outbound-api",
            party=sandbox.far_end(to),
            date_created=now,
            date_updated=now,
            placed_at=account.take_slot(now),
            phone_number_sid=number.sid if number else None,
            geography=geography(from_, to),
            target=target,
            fallback=fallback,
            status_callback=status_callback,
            ring_timeout=ring_timeout,
            machine_detection=machine_detection,
            async_amd_callback=async_amd_callback,
            send_digits=send_digits,
            record=record,
        )
        call.log(now, "call", **{"from": from_}, to=to, direction="outbound-api")
        sandbox.add_call(call)
    sandbox.start(call, program)
    return call


def create_dial_leg(
    sandbox: Sandbox,
    parent: Call,
    *,
    to: str,
    from_: str,
    ring_timeout: float,
    whisper: Target | None,
    status_callback: StatusCallback | None,
) -> Call:
    """Create (not start) the child leg of a <Dial>; ``whisper`` is its <Number url> TwiML."""
    now = sandbox.clock.now()
    call = Call(
        sid=new_sid("CA"),
        account_sid=parent.account_sid,
        from_=from_,
        to=to,
        direction="outbound-dial",
        party=sandbox.far_end(to),
        date_created=now,
        date_updated=now,
        parent_call_sid=parent.sid,
        geography=geography(from_, to),
        target=whisper,
        status_callback=status_callback,
        ring_timeout=ring_timeout,
    )
    call.log(now, "call", **{"from": from_}, to=to, direction="outbound-dial", parent_call_sid=parent.sid)
    return sandbox.add_call(call)


def update_call(
    sandbox: Sandbox, account_sid: str, sid: str, *, target: Target | None = None, status: str | None = None
) -> Call:
    """Redirect a live call to new TwiML, or end it (POST Calls/{Sid}.json)."""
    with sandbox.lock:
        call = sandbox.call(sid, account_sid)
        if status not in (None, "completed", "canceled"):
            raise InvalidParameter(f"Status {status} is not one of completed, canceled", code=21218)
        if call.ended:
            raise Conflict("Call is not in-progress. Cannot redirect.")
        if status == "completed" or (status == "canceled" and call.status in ("queued", "ringing")):
            call.hangup_by = call.hangup_by or ("api" if call.status == "in-progress" else "canceled")
        elif target is not None:
            if call.status == "in-progress":
                call.redirect = target
            else:
                call.target = target  # used once the call is answered
        call.date_updated = sandbox.clock.now()
        sandbox.changed.notify_all()
        return call


def dequeue_member(
    sandbox: Sandbox, account_sid: str, queue_sid: str, call_sid: str, target: Target
) -> tuple[Queue, Member, int]:
    """Take a member ("Front" or a CallSid) out of its queue; its call continues at ``target``.
    Returns the queue, the member and its position, as they were."""
    with sandbox.lock:
        queue = sandbox.queue(queue_sid, account_sid)
        member = queue.member(call_sid)
        if member is None:
            if call_sid in sandbox.calls:
                raise Conflict(f"Call {call_sid} is not waiting in queue {queue_sid}", code=21220)
            raise NotFound(f"The requested resource Member {call_sid} was not found")
        position = queue.position(member.call_sid)
        call = sandbox.calls[member.call_sid]
        queue.remove(member.call_sid, sandbox.clock.now())
        call.dequeue = Dequeue("redirect", target=target)
        sandbox.changed.notify_all()
        return queue, member, position


def signal_answer(sandbox: Sandbox, sid: str, answer: bool) -> Call:
    """Answer or reject a ringing leg on behalf of its device."""
    with sandbox.lock:
        call = sandbox.call(sid)
        if call.status not in ("queued", "ringing"):
            raise Conflict(f"Call {sid} is {call.status}, not ringing")
        call.answer_signal = "answer" if answer else "reject"
        sandbox.changed.notify_all()
        return call


def far_end_hangs_up(sandbox: Sandbox, sid: str) -> Call:
    """The simulated party on a call hangs up now."""
    with sandbox.lock:
        call = sandbox.call(sid)
        if call.status in ACTIVE_STATUSES and call.hangup_by is None:
            call.hangup_by = call.party.role
            sandbox.changed.notify_all()
        return call


def give_live_input(sandbox: Sandbox, sid: str, action: dict) -> Call:
    """Press keys or speak on a call that is collecting input (<Gather> or <Record>)."""
    with sandbox.lock:
        call = sandbox.call(sid)
        if not call.gathering:
            raise Conflict(f"Call {sid} is not asking for input right now", status=409)
        call.party.live_input.append(action)
        sandbox.changed.notify_all()
        return call


def add_participant(
    sandbox: Sandbox,
    account: Account,
    conference: Conference,
    participant: Participant,
    *,
    to: str,
    from_: str,
    status_callback: StatusCallback | None,
    ring_timeout: float,
) -> Call:
    """Dial ``to`` and put the call in the conference once answered (POST Participants.json)."""
    _check_coaching(participant.coaching, participant.call_sid_to_coach)
    call = create_api_call(
        sandbox,
        account,
        to=to,
        from_=from_,
        target=Target(),
        status_callback=status_callback,
        ring_timeout=ring_timeout,
        program=partial(dialed_participant, name=conference.friendly_name, participant=participant),
    )
    with sandbox.lock:
        participant.call_sid = call.sid
        conference.participants.setdefault(call.sid, participant)
    return call


def update_participant(
    sandbox: Sandbox, conference: Conference, call_sid: str, changes: dict[str, object]
) -> Participant:
    """Mute, hold, coach or stop coaching a participant (POST Participants/{CallSid}.json)."""
    with sandbox.lock:
        participant = present_participant(conference, call_sid)
        coaching = participant.coaching if changes.get("coaching") is None else changes["coaching"]
        _check_coaching(bool(coaching), changes.get("call_sid_to_coach") or participant.call_sid_to_coach)
        for name, value in changes.items():
            if value is not None:
                setattr(participant, name, value)
        participant.date_updated = sandbox.clock.now()
        sandbox.changed.notify_all()
        return participant


def kick_participant(sandbox: Sandbox, conference: Conference, call_sid: str) -> None:
    """Remove a participant: a <Dial>ed call continues after its <Dial>, a call placed into
    the room by REST hangs up (DELETE Participants/{CallSid}.json)."""
    with sandbox.lock:
        participant = present_participant(conference, call_sid)
        participant.kicked = True
        sandbox.changed.notify_all()


def end_conference(sandbox: Sandbox, conference: Conference) -> None:
    """End a conference for everyone in it (POST Conferences/{Sid}.json Status=completed)."""
    with sandbox.lock:
        if conference.status != "completed":
            conference.end("conference-ended-via-api", None, sandbox.clock.now())
        sandbox.changed.notify_all()


def present_participant(conference: Conference, call_sid: str) -> Participant:
    """Return a participant still in (or on its way to) the room, or raise NotFound."""
    participant = conference.participants.get(call_sid)
    if participant is None or participant.status in ("complete", "failed"):
        raise NotFound(f"The requested resource Participant {call_sid} was not found")
    return participant


def _check_coaching(coaching: bool, call_sid_to_coach: object) -> None:
    """Refuse coaching without a call to coach, as Twilio does."""
    if coaching and not call_sid_to_coach:
        raise InvalidParameter("CallSidToCoach is required when Coaching is true", code=21235)
