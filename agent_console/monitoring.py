"""A supervisor on an agent's live call: listen (muted), whisper (heard by the agent alone) or barge (heard by
both), then stop.

Every agent call lives in its own conference (`call_room`): the caller and the agent's device are its
participants. The supervisor's softphone is called into that room as a third participant; changing mode updates
that participant, stopping removes it. The agent gets no notice of any mode (in a whisper or a barge they hear the
supervisor speak). The room ends when the caller or the agent leaves it (hang-up, hold, transfer), which ends the
supervisor's leg: its final status callback closes the monitoring (`leg_ended`). Each stretch in one mode is a
`MonitoringSession` row: who monitored which call, how, from when to when.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Callable, Protocol

import sqlalchemy as sa
from sqlalchemy.orm import Session

from crm_core.db import utcnow
from crm_core.models import Interaction, User
from crm_core.models.monitoring import MONITORING_MODES, MonitoringSession

from .desk import DeskError, Notify
from .routing import Router, RoutingError

log = logging.getLogger(__name__)

AGENT_LABEL = "agent"
SUPERVISOR_LABEL = "supervisor"
SUPERVISOR_RING_SECONDS = 20
MONITORING_EVENT = "monitoring"


def call_room(call_sid: str) -> str:
    """The conference a caller and their agent talk in (named after the caller's call)."""
    return f"call-{call_sid}"


def supervisor_identity(user_id: int) -> str:
    """The softphone identity (`client:`) a supervisor monitors calls with."""
    return f"supervisor-{user_id}"


class Conferencing(Protocol):
    """What monitoring asks of the telephony provider."""

    def add_to_conference(self, room: str, to: str, *, label: str, muted: bool = False, coach: str | None = None,
                          end_conference_on_exit: bool = False, timeout: int = 30,
                          status_callback: str | None = None) -> str: ...

    def participants(self, room: str) -> list: ...

    def answer_for_browser(self, identity: str) -> None: ...

    def update_participant(self, room: str, call_sid: str, *, muted: bool, coach: str | None = None) -> None: ...

    def remove_participant(self, room: str, call_sid: str) -> None: ...


@dataclass
class Monitoring:
    """One supervisor action on the floor (or the end of a supervisor's leg). Methods flush; the caller commits."""

    session: Session
    router: Router
    telephony: Conferencing
    notify: Notify
    webhook_url: Callable[..., str]

    def monitor(self, supervisor_id: int, supervisor_name: str, agent_id: int, mode: str) -> MonitoringSession:
        """Listen to, whisper to or barge into the agent's current call; a supervisor already on it changes mode,
        one on another call leaves that one first."""
        if mode not in MONITORING_MODES:
            raise DeskError(f"choose how to monitor: {', '.join(MONITORING_MODES)}")
        call_sid = self._connected_call(agent_id)
        interaction = self.session.scalar(sa.select(Interaction).where(Interaction.call_sid == call_sid))
        if interaction is None:
            raise DeskError("this call is not known yet; try again in a moment")
        room = call_room(call_sid)
        in_room = self._ask(lambda: self.telephony.participants(room))
        agent_leg = next((p.call_sid for p in in_room if p.label == AGENT_LABEL), None)
        if agent_leg is None:
            raise DeskError("the agent's device has not joined the call yet; try again in a moment")
        coach = agent_leg if mode == "whisper" else None
        current = self._current(supervisor_id)
        if current is not None and current.leg_sid in {p.call_sid for p in in_room}:
            self._ask(lambda: self.telephony.update_participant(room, current.leg_sid, muted=mode == "listen",
                                                                coach=coach))
            leg_sid = current.leg_sid
            current.ended_at = utcnow()
        else:
            if current is not None:  # on another call (or a leg that is gone): leave it first
                self.stop(supervisor_id)
            softphone = supervisor_identity(supervisor_id)
            self._ask(lambda: self.telephony.answer_for_browser(softphone))  # the local sandbox's stand-in
            leg_sid = self._ask(lambda: self.telephony.add_to_conference(
                room, f"client:{softphone}", label=SUPERVISOR_LABEL,
                muted=mode == "listen", coach=coach, timeout=SUPERVISOR_RING_SECONDS,
                status_callback=self.webhook_url("voice.monitor_leg_status")))
        row = MonitoringSession(interaction_id=interaction.id, supervisor_id=supervisor_id, agent_id=agent_id,
                                mode=mode, leg_sid=leg_sid, started_at=utcnow())
        self.session.add(row)
        self.session.flush()
        self._changed(row, supervisor_name)
        return row

    def stop(self, supervisor_id: int) -> MonitoringSession | None:
        """The supervisor leaves the call they monitor (nothing to do if they monitor none)."""
        current = self._current(supervisor_id)
        if current is None:
            return None
        interaction = self.session.get(Interaction, current.interaction_id)
        try:
            self.telephony.remove_participant(call_room(interaction.call_sid), current.leg_sid)
        except Exception as exc:  # the room or the leg has ended already: the monitoring is over all the same
            log.warning("could not remove supervisor leg %s from CallSid=%s: %s", current.leg_sid,
                        interaction.call_sid, exc)
        self._close(current)
        return current

    def leg_ended(self, leg_sid: str) -> None:
        """The supervisor's leg is over (stopped, the call ended, or the softphone never answered)."""
        for row in self.session.scalars(sa.select(MonitoringSession).where(
                MonitoringSession.leg_sid == leg_sid, MonitoringSession.ended_at.is_(None))):
            self._close(row)

    def active(self) -> list[dict]:
        """Every call being monitored now, as the floor shows it."""
        rows = self.session.execute(
            sa.select(MonitoringSession, Interaction.call_sid, User.full_name)
            .join(Interaction, Interaction.id == MonitoringSession.interaction_id)
            .join(User, User.id == MonitoringSession.supervisor_id)
            .where(MonitoringSession.ended_at.is_(None)).order_by(MonitoringSession.id)).all()
        return [_payload(row, call_sid, name) for row, call_sid, name in rows]

    # -- internals --------------------------------------------------------------------------------------------

    def _connected_call(self, agent_id: int) -> str:
        """The agent's call, if they are talking on it now (not ringing out, not on hold)."""
        try:
            status = self.router.agent(agent_id)
        except RoutingError:
            raise DeskError("this agent is not signed in") from None
        if status.state != "on_call" or not status.call_sid:
            raise DeskError(f"{status.name or 'this agent'} is not on a call")
        routed = self.router.call(status.call_sid)
        if status.held or (routed is not None and routed.dialing):
            raise DeskError(f"{status.name or 'this agent'} is not talking to the caller now "
                            f"({'on hold' if status.held else 'still dialing'})")
        return status.call_sid

    def _current(self, supervisor_id: int) -> MonitoringSession | None:
        return self.session.scalar(sa.select(MonitoringSession).where(
            MonitoringSession.supervisor_id == supervisor_id, MonitoringSession.ended_at.is_(None))
            .order_by(MonitoringSession.id.desc()).limit(1))

    def _close(self, row: MonitoringSession) -> None:
        row.ended_at = utcnow()
        self.session.flush()
        self._changed(row, None)

    def _changed(self, row: MonitoringSession, supervisor_name: str | None) -> None:
        """Show the floor who monitors the call now (no mode: nobody); the agent is not told."""
        interaction = self.session.get(Interaction, row.interaction_id)
        payload = _payload(row, interaction.call_sid, supervisor_name)
        if row.ended_at is not None:
            payload["mode"] = None
        self.notify(MONITORING_EVENT, payload)

    @staticmethod
    def _ask(request):
        """A provider request; its failure is the supervisor's to read."""
        try:
            return request()
        except DeskError:
            raise
        except Exception as exc:
            log.warning("monitoring request failed: %s", exc)
            raise DeskError("the call could not be joined (has it just ended?)") from exc


def _payload(row: MonitoringSession, call_sid: str, supervisor_name: str | None) -> dict:
    return {"agent_id": row.agent_id, "call_sid": call_sid, "interaction_id": row.interaction_id,
            "supervisor_id": row.supervisor_id, "supervisor": supervisor_name, "mode": row.mode,
            "since": row.started_at.isoformat()}
