"""The agent desk: what happens when calls wait, agents answer, hang up and wrap up.

Framework-free: the shell passes in the database session, the router, the telephony provider, a `notify`
function (Socket.IO in the app) and a `webhook_url` builder. Methods flush; the caller commits once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Callable, Protocol

import sqlalchemy as sa
from sqlalchemy.orm import Session

from crm_core.agents import log_agent_state
from crm_core.models import Customer, Interaction
from crm_core.wrapup import Outcome, WrapUpResult, flag_for_review, record_outcome

from .routing import AgentStatus, Offer, QueuedCall, Router, RoutingError
from .screenpop import screen_pop

log = logging.getLogger(__name__)

AGENT_DISCONNECTED = "agent disconnected"


class Telephony(Protocol):
    """What the desk asks of the telephony provider."""

    def dequeue(self, queue_name: str, url: str, call_sid: str = "Front") -> None: ...

    def hang_up(self, call_sid: str) -> None: ...


class Notify(Protocol):
    """Deliver an event to one agent's consoles (agent_id) or to the supervisors."""

    def __call__(self, event: str, payload: dict, *, agent_id: int | None = None) -> None: ...


class DeskError(Exception):
    """An agent action that cannot be done now; the message is for the agent."""


def agent_identity(agent_id: int) -> str:
    """The softphone identity (`<Client>`) of an agent's device."""
    return f"agent-{agent_id}"


@dataclass
class Desk:
    """One unit of desk work (a webhook, a Socket.IO event, a sweep)."""

    session: Session
    router: Router
    telephony: Telephony
    notify: Notify
    webhook_url: Callable[..., str]
    default_region: str = "RU"
    disconnect_grace: float = 30.0

    # -- calls arriving and leaving ---------------------------------------------------------------------------

    def call_waiting(self, interaction: Interaction, queue: str) -> None:
        """A caller is in `queue`: route them (a repeated notice of the same call keeps its place)."""
        context = interaction.context or {}
        interaction.queue = queue
        offers = self.router.enqueue(QueuedCall(
            call_sid=interaction.call_sid, interaction_id=interaction.id, queue=queue,
            skill=context.get("skill", ""), language=interaction.language or "",
        ))
        self._queue_changed(queue)
        self._deliver(offers)

    def caller_left(self, call_sid: str) -> None:
        """The caller hung up or left the queue before an agent took them."""
        call = self.router.call(call_sid)
        withdrawn, offers = self.router.leave(call_sid)
        if withdrawn is not None:
            self._agent_changed(self.router.agent(withdrawn))
            self.notify("offer_withdrawn", {"call_sid": call_sid}, agent_id=withdrawn)
        if call is not None:
            self._queue_changed(call.queue)
        self._deliver(offers)

    def call_finished(self, call_sid: str) -> None:
        """The call is over (final status): its agent wraps up, or, if no agent had it yet, it leaves routing."""
        call = self.router.call(call_sid)
        if call is not None and call.agent_id is not None:
            self.agent_leg_ended(call.agent_id, call_sid)
        else:
            self.caller_left(call_sid)

    def agent_leg_ended(self, agent_id: int, call_sid: str) -> None:
        """The conversation is over: the agent goes to wrap-up."""
        try:
            status = self.router.call_ended(agent_id)
        except RoutingError:
            return  # already ended (a repeated webhook)
        self._agent_changed(status, call_sid=call_sid)
        interaction = self._interaction(call_sid)
        self.notify("call_ended", {"call_sid": call_sid, "interaction_id": interaction.id if interaction else None},
                    agent_id=agent_id)

    # -- agent actions ----------------------------------------------------------------------------------------

    def set_state(self, agent_id: int, state: str, reason: str = "") -> AgentStatus:
        """The agent chooses available, break or offline."""
        try:
            status, offers = self.router.set_state(agent_id, state, reason)
        except RoutingError as exc:
            raise DeskError(str(exc)) from exc
        self._agent_changed(status)
        self._deliver(offers)
        return status

    def accept(self, agent_id: int, call_sid: str) -> Interaction:
        """The agent takes the offered call: the caller leaves the queue for the agent's device."""
        try:
            call = self.router.accept(agent_id, call_sid)
        except RoutingError as exc:
            raise DeskError("this call is no longer offered to you") from exc
        interaction = self.session.get(Interaction, call.interaction_id)
        interaction.agent_id = agent_id
        self._agent_changed(self.router.agent(agent_id), call_sid=call_sid)
        self.notify("call_connected", {"call_sid": call_sid, "interaction_id": interaction.id}, agent_id=agent_id)
        try:
            self.telephony.dequeue(call.queue, self.webhook_url("voice.connect_agent", agent=agent_id), call_sid)
        except Exception as exc:  # the caller may have hung up in the meantime
            log.warning("could not connect CallSid=%s to agent %s: %s", call_sid, agent_id, exc)
            self.router.call_ended(agent_id)
            self.router.set_state(agent_id, "available")
            self._agent_changed(self.router.agent(agent_id))
            self.caller_left(call_sid)
            raise DeskError("the caller is no longer waiting") from exc
        return interaction

    def decline(self, agent_id: int, call_sid: str) -> None:
        """The agent refuses the offer; the call goes to the next agent."""
        try:
            offers = self.router.decline(agent_id, call_sid)
        except RoutingError as exc:
            raise DeskError("this call is no longer offered to you") from exc
        self._agent_changed(self.router.agent(agent_id))
        self._deliver(offers)

    def hang_up(self, agent_id: int) -> None:
        """The agent ends the current call."""
        status = self.router.agent(agent_id)
        if status.state != "on_call" or not status.call_sid:
            raise DeskError("you are not on a call")
        self.telephony.hang_up(status.call_sid)

    def wrap_up(self, agent_id: int, interaction_id: int, outcome: Outcome) -> WrapUpResult:
        """Store the outcome; the agent is available for the next call."""
        result = record_outcome(self.session, interaction_id, agent_id, outcome)
        self.notify("wrapped_up", {"interaction_id": interaction_id, "disposition": result.interaction.disposition},
                    agent_id=agent_id)
        if self.router.agent(agent_id).state == "wrap_up":
            self.set_state(agent_id, "available")
        return result

    def link_customer(self, agent_id: int, interaction_id: int, customer_id: int) -> Interaction:
        """Attach an unknown caller's call to an existing (or just created) customer."""
        interaction = self.session.get(Interaction, interaction_id)
        if interaction is None or interaction.agent_id not in (None, agent_id):
            raise DeskError("this is not your call")
        if self.session.get(Customer, customer_id) is None:
            raise DeskError("no such customer")
        interaction.customer_id = customer_id
        self.session.flush()
        return interaction

    # -- housekeeping -----------------------------------------------------------------------------------------

    def sweep(self) -> None:
        """Expire unanswered offers and sign out agents whose consoles vanished."""
        expired, offers = self.router.expire_offers()
        for offer in expired:
            self._agent_changed(self.router.agent(offer.agent_id))
            self.notify("offer_expired", {"call_sid": offer.call_sid}, agent_id=offer.agent_id)
        self._deliver(offers)
        for gone in self.router.vanished(self.disconnect_grace):
            before, offers = self.router.sign_out(gone.agent_id, AGENT_DISCONNECTED)
            if before.state in ("on_call", "wrap_up") and before.call_sid:
                flag_for_review(self.session, before.call_sid, AGENT_DISCONNECTED)
            self._agent_changed(self.router.agent(gone.agent_id))
            self._deliver(offers)

    # -- what consoles are told -------------------------------------------------------------------------------

    def agent_state(self, status: AgentStatus) -> dict:
        """An agent's state with the interaction of their current call (a reloaded console can resume it)."""
        interaction = self._interaction(status.call_sid) if status.call_sid else None
        return agent_payload(status) | {"interaction_id": interaction.id if interaction else None}

    def offer_payload(self, call_sid: str) -> dict | None:
        """The screen-pop of a call being offered, with the seconds left to accept it."""
        interaction = self._interaction(call_sid)
        if interaction is None:
            return None
        pop = screen_pop(self.session, interaction, default_region=self.default_region)
        return pop | {"expires_in": self.router.offer_seconds_left(call_sid)}

    # -- internals --------------------------------------------------------------------------------------------

    def _deliver(self, offers: list[Offer]) -> None:
        queues = set()
        for offer in offers:
            payload = self.offer_payload(offer.call_sid)
            if payload is None:
                continue
            queues.add(payload["call"]["queue"])
            self._agent_changed(self.router.agent(offer.agent_id), call_sid=offer.call_sid)
            self.notify("offer", payload, agent_id=offer.agent_id)
        for queue in queues:
            self._queue_changed(queue)

    def _queue_changed(self, queue: str | None) -> None:
        if queue:
            self.notify("queue", {"name": queue, "call_sids": self.router.waiting(queue)})

    def _agent_changed(self, status: AgentStatus, call_sid: str | None = None) -> None:
        log_agent_state(self.session, status.agent_id, status.state, reason=status.reason,
                        call_sid=call_sid or status.call_sid)
        self.notify("agent_state", self.agent_state(status), agent_id=status.agent_id)

    def _interaction(self, call_sid: str) -> Interaction | None:
        return self.session.scalar(sa.select(Interaction).where(Interaction.call_sid == call_sid))


def agent_payload(status: AgentStatus) -> dict:
    """An agent's state as the consoles show it."""
    return {"agent_id": status.agent_id, "name": status.name, "state": status.state, "since": status.since,
            "reason": status.reason, "call_sid": status.call_sid}
