"""Conference rooms: <Dial><Conference> and the Participants REST API put calls in a named
room, where supervisors can mute, hold or coach them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .flow import CallEnded
from .twiml import Verb

if TYPE_CHECKING:
    from .dialing import DialOutcome
    from .engine import CallRunner


@dataclass
class Participant:
    """One call in a conference."""

    call_sid: str
    date_created: float
    label: str | None = None
    muted: bool = False
    hold: bool = False
    coaching: bool = False
    call_sid_to_coach: str | None = None
    start_conference_on_enter: bool = True
    end_conference_on_exit: bool = False
    status: str = "queued"  # queued, connecting, ringing, connected, complete, failed
    date_updated: float = 0.0
    kicked: bool = False


@dataclass
class Conference:
    """A named room. Mutated only under the Sandbox lock."""

    sid: str
    account_sid: str
    friendly_name: str
    date_created: float
    status: str = "init"  # init, in-progress, completed
    date_updated: float = 0.0
    participants: dict[str, Participant] = field(default_factory=dict)
    reason_conference_ended: str | None = None
    call_sid_ending_conference: str | None = None

    def connected(self) -> list[Participant]:
        """Return the participants currently in the room."""
        return [p for p in self.participants.values() if p.status == "connected"]

    def enter(self, participant: Participant, now: float) -> None:
        """Connect a participant; the first one allowed to start the conference starts it."""
        participant.status, participant.date_updated = "connected", now
        self.participants[participant.call_sid] = participant
        if self.status == "init" and participant.start_conference_on_enter:
            self.status = "in-progress"
        self.date_updated = now

    def leave(self, participant: Participant, now: float) -> None:
        """Disconnect a participant; the room ends with an endConferenceOnExit participant or
        with the last one."""
        participant.status, participant.date_updated = "complete", now
        self.date_updated = now
        if self.status == "completed":
            return
        how = "kicked" if participant.kicked else "left"
        if participant.end_conference_on_exit:
            self.end(f"participant-with-end-conference-on-exit-{how}", participant.call_sid, now)
        elif not self.connected():
            self.end(f"last-participant-{how}", participant.call_sid, now)

    def end(self, reason: str, call_sid: str | None, now: float) -> None:
        """Close the room; everyone still in it leaves."""
        self.status, self.date_updated = "completed", now
        self.reason_conference_ended, self.call_sid_ending_conference = reason, call_sid


def join(runner: CallRunner, noun: Verb, document_url: str | None, outcome: DialOutcome) -> None:
    """<Dial><Conference>: enter the named room and stay until leaving, being kicked, or the
    room ending."""
    enter_room(
        runner,
        noun.text,
        Participant(
            runner.call.sid,
            runner.clock.now(),
            muted=noun.flag("muted"),
            coaching=noun.flag("coach") or bool(noun.attr("coach")),
            call_sid_to_coach=noun.attr("coach") if (noun.attr("coach") or "").startswith("CA") else None,
            start_conference_on_enter=noun.flag("startConferenceOnEnter", True),
            end_conference_on_exit=noun.flag("endConferenceOnExit"),
        ),
        outcome,
    )


def enter_room(runner: CallRunner, name: str, participant: Participant, outcome: DialOutcome | None = None) -> None:
    """Put the runner's call in the room called ``name`` until it leaves."""
    sandbox, call = runner.sandbox, runner.call
    with sandbox.lock:
        now = runner.clock.now()
        participant.call_sid = call.sid
        conference = sandbox.conference_named(call.account_sid, name) or sandbox.create_conference(
            call.account_sid, name
        )
        conference.enter(participant, now)
        sandbox.changed.notify_all()
    runner.note("conference", name=name, conference_sid=conference.sid, status=conference.status)
    if outcome is not None:
        outcome.bridged(runner.clock.now())
    try:
        runner.wait(None, until=lambda: participant.kicked or conference.status == "completed")
    finally:
        with sandbox.lock:
            conference.leave(participant, runner.clock.now())
            sandbox.changed.notify_all()
        reason = "kicked" if participant.kicked else conference.reason_conference_ended or "left"
        runner.note("left_conference", name=name, reason=reason)
    if outcome is not None:
        outcome.ended("completed", runner.clock.now())


def dialed_participant(runner: CallRunner, name: str, participant: Participant) -> None:
    """The program of a call placed by POST Participants.json: the room, then hang up."""
    enter_room(runner, name, participant)
    raise CallEnded("conference")
