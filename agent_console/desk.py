"""The agent desk: what happens when calls wait, agents answer, hang up and wrap up.

Framework-free: the shell passes in the database session, the router, the telephony provider, a `notify`
function (Socket.IO in the app) and a `webhook_url` builder. Methods flush; the caller commits once.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Callable, Iterable, Protocol

import sqlalchemy as sa
from sqlalchemy.orm import Session

from crm_core import calls
from crm_core.agents import log_agent_state
from crm_core.db import utcnow
from crm_core.errors import InvalidPhoneNumber, ValidationError
from crm_core.models import Customer, DoNotCallEntry, Interaction, OfferResponse, User
from crm_core.offers import record_response
from crm_core.phones import normalize_phone
from crm_core.wrapup import Outcome, WrapUpResult, flag_for_review, record_outcome

from .routing import AgentStatus, Offer, QueuedCall, Router, RoutingError
from .screenpop import screen_pop

log = logging.getLogger(__name__)
# held -> (the webhook the caller is redirected to, the call event logged, what failed, for the agent)
HOLD_STEPS = {True: ("voice.hold_call", "held", "put on hold"),
              False: ("voice.resume_call", "resumed", "taken off hold")}

AGENT_DISCONNECTED = "agent disconnected"
OUTCOME_MISSING = "outcome missing: wrap-up time ran out"
TRANSFER_ABANDONED = "caller hung up while being transferred"
DEFAULT_QUEUE = "support"
QUEUE_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
MAX_TRANSFER_NOTE = 500
DIAL_TIMEOUT_SECONDS = 30


class PlacedCall(Protocol):
    sid: str


class Telephony(Protocol):
    """What the desk asks of the telephony provider."""

    caller_id: str

    def dequeue(self, queue_name: str, url: str, call_sid: str = "Front") -> None: ...

    def hang_up(self, call_sid: str) -> None: ...

    def redirect_call(self, call_sid: str, url: str) -> None: ...

    def place_call(self, to: str, *, url: str, status_callback: str, timeout: int = 30) -> PlacedCall: ...


class Notify(Protocol):
    """Deliver an event to one agent's consoles (agent_id) or to the supervisors: once the unit of work commits,
    or `at_once` for what routing has already decided (Redis holds it whatever the database does)."""

    def __call__(self, event: str, payload: dict, *, agent_id: int | None = None, at_once: bool = False) -> None: ...


class DeskError(Exception):
    """An agent action that cannot be done now; the message is for the agent.

    With `keep_changes`, what the desk did before failing stands (it must be committed, not rolled back)."""

    def __init__(self, message: str, *, keep_changes: bool = False):
        super().__init__(message)
        self.keep_changes = keep_changes


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
    wrap_up_limit: float = 120.0
    default_queue: str = DEFAULT_QUEUE
    # Interactions by CallSid, read once per unit of work (an offer's screen-pop and the agent's state both need it)
    _interactions: dict[str, Interaction] = field(default_factory=dict, init=False, repr=False)

    # -- calls arriving and leaving ---------------------------------------------------------------------------

    def call_waiting(self, interaction: Interaction, queue: str) -> None:
        """A caller is in `queue`: route them. A repeated notice of the same call (the hold prompt asks every
        few seconds) keeps its place and does not change the queue the floor sees."""
        context = interaction.context or {}
        interaction.queue = queue
        self._interactions[interaction.call_sid] = interaction
        enqueued = self.router.enqueue(QueuedCall(
            call_sid=interaction.call_sid, interaction_id=interaction.id, queue=queue,
            skill=context.get("skill", ""), language=interaction.language or "",
        ))
        self._deliver(enqueued.offers, queues_changed=[queue] if enqueued.joined else [])

    def caller_left(self, call_sid: str) -> None:
        """The caller hung up or left the queue. Before an agent took them, the call leaves routing; after an
        agent accepted it (the caller left on their way to the agent), that agent's call is over: forgetting it
        would keep the agent on a call that never comes."""
        call = self.router.call(call_sid)
        if call is not None and call.agent_id is not None:
            self.agent_leg_ended(call.agent_id, call_sid, call_over=True)
            return
        withdrawn, offers = self.router.leave(call_sid)
        if withdrawn is not None:
            self.agent_changed(self.router.agent(withdrawn))
            self.notify("offer_withdrawn", {"call_sid": call_sid}, agent_id=withdrawn)
        self._deliver(offers, queues_changed=[call.queue] if call is not None else [])

    def call_finished(self, call_sid: str) -> None:
        """The call is over (final status): its agent wraps up, or, if no agent had it yet, it leaves routing
        (a call that was being transferred is flagged: its conversation so far has no outcome)."""
        call = self.router.call(call_sid)
        if call is not None and call.agent_id is None and call.transfer:
            self._flag(call_sid, TRANSFER_ABANDONED)
        self.caller_left(call_sid)

    def agent_leg_ended(self, agent_id: int, call_sid: str, *, call_over: bool = False) -> None:
        """The conversation is over: the agent goes to wrap-up. The agent's leg also drops when the caller is put
        on hold or transferred: unless the whole call is over (`call_over`), that is not the end."""
        try:
            status = self.router.agent(agent_id)
        except RoutingError:
            return
        routed = self.router.call(call_sid)
        if not call_over and (status.held or (routed is not None and routed.agent_id != agent_id)):
            return  # the caller is on hold, or on the way to someone else
        try:
            status = self.router.call_ended(agent_id, call_sid)
        except RoutingError:
            # already ended (a repeated webhook), or the agent was signed out meanwhile: forget the call
            if routed is not None and routed.agent_id == agent_id:
                self.router.leave(call_sid)
            return
        self.agent_changed(status, call_sid=call_sid)
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
        self.agent_changed(status)
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
        self.agent_changed(self.router.agent(agent_id), call_sid=call_sid)
        self.notify("call_connected", {"call_sid": call_sid, "interaction_id": interaction.id}, agent_id=agent_id)
        try:
            self.telephony.dequeue(call.queue, self.webhook_url("voice.connect_agent", agent=agent_id), call_sid)
        except Exception as exc:  # the caller may have hung up in the meantime
            log.warning("could not connect CallSid=%s to agent %s: %s", call_sid, agent_id, exc)
            self._free_after_failed_connect(agent_id, call_sid)
            raise DeskError("the caller is no longer waiting") from exc
        return interaction

    def _free_after_failed_connect(self, agent_id: int, call_sid: str) -> None:
        """The caller never reached the agent who accepted: the agent is available again. If the caller's
        hang-up was handled first, it already sent the agent to wrap up this call, and that stands."""
        try:
            self.router.call_ended(agent_id, call_sid)
        except RoutingError:
            return
        self.caller_left(call_sid)
        self.set_state(agent_id, "available")  # (and offered the next caller waiting, if any)

    def decline(self, agent_id: int, call_sid: str) -> None:
        """The agent refuses the offer; the call goes to the next agent."""
        try:
            offers = self.router.decline(agent_id, call_sid)
        except RoutingError as exc:
            raise DeskError("this call is no longer offered to you") from exc
        self.agent_changed(self.router.agent(agent_id))
        self._deliver(offers)

    def hang_up(self, agent_id: int) -> None:
        """The agent ends the current call."""
        status = self._on_call(agent_id)
        self.telephony.hang_up(status.call_sid)

    def hold(self, agent_id: int) -> AgentStatus:
        """Put the caller on hold: they hear the hold message and music; the agent's leg is free meanwhile."""
        return self._set_held(agent_id, self._on_call(agent_id, connected=True), held=True)

    def resume(self, agent_id: int) -> AgentStatus:
        """Take the caller off hold: the agent's device is rung again and the conversation goes on."""
        return self._set_held(agent_id, self._on_call(agent_id), held=False)

    def _set_held(self, agent_id: int, status: AgentStatus, *, held: bool) -> AgentStatus:
        """Mark the call held or not in routing, then redirect the caller; the mark is undone if that fails."""
        endpoint, event, change = HOLD_STEPS[held]
        if status.held == held:
            raise DeskError("the call is already on hold" if held else "the call is not on hold")
        status = self.router.set_held(agent_id, status.call_sid, held)
        try:
            self.telephony.redirect_call(status.call_sid, self.webhook_url(endpoint, agent=agent_id))
        except Exception as exc:
            log.warning("CallSid=%s of agent %s could not be %s: %s", status.call_sid, agent_id, change, exc)
            self.router.set_held(agent_id, status.call_sid, not held)
            raise DeskError(f"the call could not be {change} (has the caller hung up?)") from exc
        self._call_event(status.call_sid, event, {"agent_id": agent_id})
        self.notify("agent_state", self.agent_state(status), agent_id=agent_id)
        return status

    def transfer(self, agent_id: int, *, to_agent: int | None = None, queue: str | None = None,
                 note: str = "") -> dict:
        """Cold transfer: the caller goes back through the ACD, to a named available agent or to a queue, with
        who transferred them (and a note) in the next agent's screen-pop; this agent is free at once."""
        status = self._on_call(agent_id, connected=True)
        routed = self.router.call(status.call_sid)
        interaction = self._interaction(status.call_sid)
        if routed is None or interaction is None:
            raise DeskError("this call can no longer be transferred")
        note = " ".join(str(note or "").split())[:MAX_TRANSFER_NOTE]
        if (to_agent is None) == (queue is None):
            raise ValidationError("to", "choose an agent or a queue")
        if to_agent is not None:
            if to_agent == agent_id:
                raise ValidationError("to_agent", "you cannot transfer a call to yourself")
            try:
                target = self.router.agent(to_agent)
            except RoutingError:
                raise ValidationError("to_agent", "this agent is not signed in") from None
            if target.state != "available":
                raise DeskError(f"{target.name or 'this agent'} is not available ({target.state.replace('_', ' ')})")
            queue = routed.queue or interaction.queue or self.default_queue
            skill, label = routed.skill, target.name
        else:
            if not QUEUE_NAME.fullmatch(queue or ""):
                raise ValidationError("queue", "a queue name: letters, digits, - and _")
            # a queue named after a skill needs that skill; any other queue takes any agent
            skill, label = (queue if queue in self._skills() else ""), queue
        info = {"by_agent_id": agent_id, "by": status.name, "to_agent_id": to_agent, "to": label, "queue": queue,
                "note": note, "at": utcnow().isoformat()}
        return self._transfer(status, interaction, queue=queue, skill=skill, language=routed.language,
                              for_agent=to_agent, info=info)

    def transfer_targets(self, agent_id: int) -> dict:
        """Who and where the agent can transfer a call to: other signed-in agents (with their state) and queues."""
        agents = [{"agent_id": a.agent_id, "name": a.name, "state": a.state}
                  for a in self.router.agents() if a.agent_id != agent_id and a.state != "offline"]
        queues = sorted({self.default_queue, *self.router.queues(), *self._skills()} - {""})
        return {"agents": sorted(agents, key=lambda a: (a["state"] != "available", a["name"])), "queues": queues}

    def dial(self, agent_id: int, number: str, *, customer_id: int | None = None) -> Interaction:
        """Click-to-dial: call a customer's number for the agent through the provider. The number must not be on
        the do-not-call list; the call gets its interaction at once and is wrapped up like any other."""
        try:
            e164 = normalize_phone(str(number or ""), self.default_region).e164
        except InvalidPhoneNumber as exc:
            raise ValidationError("number", f"not a phone number that can be dialled: {exc}") from None
        if on_do_not_call(self.session, e164):
            raise DeskError(f"{e164} is on the do-not-call list: it must not be called")
        customer = None
        if customer_id is not None and (customer := self.session.get(Customer, customer_id)) is None:
            raise ValidationError("customer_id", "no such customer")
        try:
            before = self.router.start_outbound(agent_id)
        except RoutingError as exc:
            raise DeskError("you can place a call only when available or on a break") from exc
        try:
            placed = self.telephony.place_call(
                e164, url=self.webhook_url("voice.dialed_answered", agent=agent_id),
                status_callback=self.webhook_url("voice.status"), timeout=DIAL_TIMEOUT_SECONDS)
        except Exception as exc:
            log.warning("could not place a call to %s for agent %s: %s", e164, agent_id, exc)
            self.router.cancel_outbound(agent_id, before)
            raise DeskError(f"the call could not be placed: {getattr(exc, 'args', [''])[0] or exc}") from exc
        interaction = calls.open_call(
            self.session, call_sid=placed.sid, from_number=self.telephony.caller_id, to_number=e164,
            direction="outbound", default_region=self.default_region, status="queued",
            context={"dialed_by": before.name},
        )
        if customer is not None:
            interaction.customer_id = customer.id
        calls.record_event(self.session, interaction, "dialed", {"agent_id": agent_id, "to": e164})
        self.outbound_dialed(agent_id, interaction)
        return interaction

    def outbound_dialed(self, agent_id: int, interaction: Interaction) -> None:
        """A call placed for the agent rings: it is theirs (in no queue) until it ends, shown on their console."""
        interaction.agent_id = agent_id
        status = self.router.outbound_placed(agent_id, interaction.call_sid, interaction.id)
        self.notify("outbound_call", screen_pop(self.session, interaction, default_region=self.default_region),
                    agent_id=agent_id)
        self.agent_changed(status, call_sid=interaction.call_sid)

    def outbound_not_placed(self, agent_id: int, event: str, payload: dict) -> None:
        """A call the agent chose to place never became a call: they are available again and told why (`event`)."""
        try:
            status = self.router.cancel_outbound(agent_id, AgentStatus(agent_id, "available", 0.0))
        except RoutingError:
            return  # signed out meanwhile
        self.agent_changed(status)
        self.notify(event, payload, agent_id=agent_id)
        self._deliver(self.router.dispatch())

    def outbound_answered(self, agent_id: int, call_sid: str) -> None:
        """The customer the agent called answered: the agent's device is rung next."""
        call = self.router.outbound_answered(call_sid)
        if call is not None and call.agent_id == agent_id:
            interaction = self._interaction(call_sid)
            self.notify("call_connected", {"call_sid": call_sid, "interaction_id": interaction.id if interaction
                                           else None}, agent_id=agent_id)

    def wrap_up(self, agent_id: int, interaction_id: int, outcome: Outcome) -> WrapUpResult:
        """Store the outcome; the agent is available for the next call."""
        result = record_outcome(self.session, interaction_id, agent_id, outcome)
        self.notify("wrapped_up", {"interaction_id": interaction_id, "disposition": result.interaction.disposition},
                    agent_id=agent_id)
        if self.router.agent(agent_id).state == "wrap_up":
            self.set_state(agent_id, "available")
        return result

    def offer_response(self, agent_id: int, interaction_id: int, offer_id: int, response: str) -> OfferResponse:
        """Log what the customer said to an offer the screen-pop suggested (accepted, declined, not offered): only
        the agent who holds the call may answer for it; answering again the same way changes nothing."""
        interaction = self.session.get(Interaction, interaction_id)
        if interaction is None or interaction.agent_id != agent_id:
            raise DeskError("this is not your call")
        if interaction.customer_id is None:
            raise DeskError("this call is not linked to a customer: there is nobody to make an offer to")
        return record_response(self.session, offer_id=offer_id, customer_id=interaction.customer_id,
                               interaction_id=interaction_id, agent_id=agent_id, response=response, now=utcnow())

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
        """Expire unanswered offers, sign out agents whose consoles vanished (their calls are flagged for
        supervisor review, a held caller goes back to the queue), end wrap-ups past their time limit (the call
        is flagged: its outcome is missing), and route calls whose transfer target did not take them in time."""
        expired, offers = self.router.expire_offers()
        for offer in expired:
            self.agent_changed(self.router.agent(offer.agent_id))
            self.notify("offer_expired", {"call_sid": offer.call_sid}, agent_id=offer.agent_id)
        self._deliver(offers)
        for gone in self.router.vanished(self.disconnect_grace):
            if gone.state == "on_call" and gone.held:
                self._requeue_held_call(gone)
            before, offers = self.router.sign_out(gone.agent_id, AGENT_DISCONNECTED)
            if before.state in ("on_call", "wrap_up") and before.call_sid:
                self._flag(before.call_sid, AGENT_DISCONNECTED)
            self.agent_changed(self.router.agent(gone.agent_id))
            self._deliver(offers)
        for late in self.router.overdue_wrap_ups(self.wrap_up_limit):
            interaction = self._flag(late.call_sid, OUTCOME_MISSING) if late.call_sid else None
            status, offers = self.router.set_state(late.agent_id, "available")
            self.notify("wrap_up_expired", {"call_sid": late.call_sid,
                                            "interaction_id": interaction.id if interaction else None},
                        agent_id=late.agent_id)
            self.agent_changed(status)
            self._deliver(offers)
        self._deliver(self.router.dispatch())

    # -- what consoles are told -------------------------------------------------------------------------------

    def agent_state(self, status: AgentStatus) -> dict:
        """An agent's state with the interaction of their current call (a reloaded console can resume it)."""
        interaction = self._interaction(status.call_sid) if status.call_sid else None
        payload = agent_payload(status) | {"interaction_id": interaction.id if interaction else None}
        if status.state == "on_call" and status.call_sid:  # a call the agent placed may still be ringing
            routed = self.router.call(status.call_sid)
            payload["dialing"] = bool(routed and routed.dialing)
        return payload

    def offer_payload(self, call_sid: str) -> dict | None:
        """The screen-pop of a call being offered, with the seconds left to accept it (and, for a transferred
        call, who transferred it: routing has it even before the transfer's transaction is visible here)."""
        interaction = self._interaction(call_sid)
        if interaction is None:
            return None
        pop = screen_pop(self.session, interaction, default_region=self.default_region)
        seconds_left, transfer = self.router.offer_info(call_sid)
        transfer = transfer or (interaction.context or {}).get("transfer")
        if transfer:
            pop["call"]["transfer"] = transfer
        return pop | {"expires_in": seconds_left}

    # -- internals --------------------------------------------------------------------------------------------

    def _on_call(self, agent_id: int, *, connected: bool = False) -> AgentStatus:
        """The agent's status, if they are on a call (`connected`: one whose other party has answered)."""
        try:
            status = self.router.agent(agent_id)
        except RoutingError as exc:
            raise DeskError("you are not on a call") from exc
        if status.state != "on_call" or not status.call_sid:
            raise DeskError("you are not on a call")
        if connected:
            routed = self.router.call(status.call_sid)
            if routed is not None and routed.dialing:
                raise DeskError("the customer has not answered yet")
        return status

    def _transfer(self, status: AgentStatus, interaction: Interaction, *, queue: str, skill: str, language: str,
                  for_agent: int | None, info: dict) -> dict:
        """Send the agent's connected call to `queue` (for `for_agent` first) and free the agent."""
        call_sid, agent_id = status.call_sid, status.agent_id
        try:
            self.router.transfer(agent_id, call_sid, queue=queue, skill=skill, language=language,
                                 for_agent=for_agent, info=info)
        except RoutingError as exc:
            raise DeskError("this call can no longer be transferred") from exc
        try:
            self.telephony.redirect_call(call_sid, self.webhook_url("voice.transfer_call", queue=queue))
        except Exception as exc:
            # The caller is gone (or the provider refused): the call stays this agent's, who wraps it up.
            log.warning("could not transfer CallSid=%s from agent %s: %s", call_sid, agent_id, exc)
            self.router.leave(call_sid)
            self.agent_leg_ended(agent_id, call_sid, call_over=True)
            raise DeskError("the call could not be transferred (it has ended?): record its outcome",
                            keep_changes=True) from exc
        interaction.context = {**(interaction.context or {}), "transfer": info}
        interaction.agent_id = None  # whoever takes it next
        interaction.queue = queue
        calls.record_event(self.session, interaction, "transferred", {
            "from_agent_id": agent_id, "to_agent_id": for_agent, "queue": queue, "note": info.get("note") or None})
        offers = self.router.release(agent_id, call_sid)
        self.notify("call_transferred", {"call_sid": call_sid, "interaction_id": interaction.id, "to": info["to"]},
                    agent_id=agent_id)
        self.agent_changed(self.router.agent(agent_id))
        self._deliver(offers)
        return {"call_sid": call_sid, "queue": queue, "to": info["to"]}

    def _requeue_held_call(self, gone: AgentStatus) -> None:
        """A vanished agent left a caller on hold: the caller goes back to their queue, to the next agent."""
        routed = self.router.call(gone.call_sid)
        interaction = self._interaction(gone.call_sid)
        if routed is None or interaction is None:
            return
        queue = routed.queue or interaction.queue or self.default_queue
        info = {"by_agent_id": gone.agent_id, "by": gone.name, "to_agent_id": None, "to": queue, "queue": queue,
                "note": AGENT_DISCONNECTED, "at": utcnow().isoformat()}
        try:
            self._transfer(gone, interaction, queue=queue, skill=routed.skill, language=routed.language,
                           for_agent=None, info=info)
        except DeskError as exc:
            log.warning("could not requeue held CallSid=%s of vanished agent %s: %s", gone.call_sid,
                        gone.agent_id, exc)

    def _flag(self, call_sid: str, reason: str) -> Interaction | None:
        """Flag a call without an outcome for supervisor review, and tell the supervisors."""
        interaction = flag_for_review(self.session, call_sid, reason)
        if interaction is not None and interaction.disposition is None:
            self.notify("call_flagged", {"call_sid": call_sid, "interaction_id": interaction.id, "reason": reason,
                                         "agent_id": interaction.agent_id})
        return interaction

    def _call_event(self, call_sid: str, kind: str, detail: dict) -> None:
        interaction = self._interaction(call_sid)
        if interaction is not None:
            calls.record_event(self.session, interaction, kind, detail)

    def _skills(self) -> set[str]:
        """Every skill an active agent has (a queue named after one routes by it)."""
        rows = self.session.scalars(sa.select(User.skills).where(User.role == "agent", User.is_active))
        return {skill for skills in rows for skill in (skills or []) if isinstance(skill, str)}

    def _deliver(self, offers: list[Offer], queues_changed: Iterable[str] = ()) -> None:
        """Send each offer to its agent at once: the offer stands in routing already, and the agent should not wait
        for this transaction's commit to see the caller. The agent's new state follows, then the floor sees each
        changed queue once."""
        queues = set(queues_changed)
        for offer in offers:
            payload = self.offer_payload(offer.call_sid)
            if payload is None:
                continue
            queues.add(payload["call"]["queue"])
            self.notify("offer", payload, agent_id=offer.agent_id, at_once=True)
            self.agent_changed(self.router.agent(offer.agent_id), call_sid=offer.call_sid)
        for queue in queues:
            self._queue_changed(queue)

    def _queue_changed(self, queue: str | None) -> None:
        if queue:
            self.notify("queue", {"name": queue, "call_sids": self.router.waiting(queue)})

    def agent_changed(self, status: AgentStatus, call_sid: str | None = None) -> None:
        """Log the agent's new state and show it on their console (and the floor)."""
        log_agent_state(self.session, status.agent_id, status.state, reason=status.reason,
                        call_sid=call_sid or status.call_sid)
        self.notify("agent_state", self.agent_state(status), agent_id=status.agent_id)

    def _interaction(self, call_sid: str) -> Interaction | None:
        interaction = self._interactions.get(call_sid)
        if interaction is None:
            interaction = self.session.scalar(sa.select(Interaction).where(Interaction.call_sid == call_sid))
            if interaction is not None:
                self._interactions[call_sid] = interaction
        return interaction


def agent_payload(status: AgentStatus) -> dict:
    """An agent's state as the consoles show it."""
    return {"agent_id": status.agent_id, "name": status.name, "state": status.state, "since": status.since,
            "reason": status.reason, "call_sid": status.call_sid, "held": status.held, "preview": status.preview}


def on_do_not_call(session: Session, e164: str) -> bool:
    """Whether the number is on the global do-not-call list (an agent's own calls are not a campaign's)."""
    return session.scalar(sa.select(sa.literal(True)).where(
        DoNotCallEntry.e164 == e164, DoNotCallEntry.campaign_id.is_(None))) is not None
