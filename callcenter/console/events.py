"""The agents' Socket.IO namespace: thin handlers that check who is asking, call the desk, commit once,
acknowledge. The supervisors' namespace is in floor_events.py."""

from __future__ import annotations

from flask_login import current_user
from flask_socketio import Namespace, emit, join_room

from crm_core.db import utcnow
from crm_core.wrapup import Outcome
from dialer import preview
from dialer.jobs import app_enqueue

from .acks import acknowledged, datetime_field, int_field, text_field
from .floor_events import FloorNamespace
from .wiring import agent_room, current_desk, current_router


class DeskNamespace(Namespace):
    """`/desk`: an agent's console. Each agent hears only their own room."""

    def on_connect(self, auth=None):
        if not current_user.is_authenticated:
            return False
        router = current_router()
        status = router.sign_in(current_user.id, name=current_user.full_name, skills=current_user.skills,
                                languages=current_user.languages)
        router.connection_opened(current_user.id)
        join_room(agent_room(current_user.id))
        emit("agent_state", current_desk().agent_state(status))
        if status.state == "ringing":  # a reload or a new tab while a call is offered: offer it again
            offer = current_desk().offer_payload(status.call_sid)
            if offer is not None:
                emit("offer", offer)
        if status.state == "preview":  # the same for a lead being previewed
            lead = preview.current_preview(current_desk(), current_user.id)
            if lead is not None:
                emit("preview", lead)

    def on_disconnect(self, reason=None):
        if current_user.is_authenticated:
            current_router().connection_closed(current_user.id)

    @acknowledged
    def on_set_state(self, data):
        desk = current_desk()
        status = desk.set_state(current_user.id, text_field(data.get("state"), "state"),
                                text_field(data.get("reason"), "reason")[:64])
        preview.offer_previews(desk, now=utcnow(), agent_ids=[current_user.id])
        return {"state": status.state}

    @acknowledged
    def on_accept(self, data):
        interaction = current_desk().accept(current_user.id, text_field(data.get("call_sid"), "call_sid"))
        return {"interaction_id": interaction.id}

    @acknowledged
    def on_decline(self, data):
        current_desk().decline(current_user.id, text_field(data.get("call_sid"), "call_sid"))

    @acknowledged
    def on_hangup(self, data):
        current_desk().hang_up(current_user.id)

    @acknowledged
    def on_hold(self, data):
        current_desk().hold(current_user.id)
        return {"held": True}

    @acknowledged
    def on_resume(self, data):
        current_desk().resume(current_user.id)
        return {"held": False}

    @acknowledged
    def on_transfer_targets(self, data):
        return current_desk().transfer_targets(current_user.id)

    @acknowledged
    def on_transfer(self, data):
        to_agent = data.get("to_agent")
        queue = data.get("queue")
        return current_desk().transfer(
            current_user.id, to_agent=None if to_agent in (None, "") else int_field(to_agent, "to_agent"),
            queue=text_field(queue, "queue") or None, note=text_field(data.get("note"), "note"))

    @acknowledged
    def on_dial(self, data):
        customer_id = data.get("customer_id")
        interaction = current_desk().dial(
            current_user.id, text_field(data.get("number"), "number")[:64],
            customer_id=None if customer_id in (None, "") else int_field(customer_id, "customer_id"))
        return {"call_sid": interaction.call_sid, "interaction_id": interaction.id}

    @acknowledged
    def on_wrap_up(self, data):
        outcome = Outcome(
            disposition=text_field(data.get("disposition"), "disposition"),
            notes=text_field(data.get("notes"), "notes"),
            callback_at=datetime_field(data.get("callback_at"), "callback_at"),
            ticket_subject=text_field(data.get("ticket_subject"), "ticket_subject") or None,
        )
        desk = current_desk()
        result = desk.wrap_up(current_user.id, int_field(data.get("interaction_id"), "interaction_id"), outcome)
        preview.offer_previews(desk, now=utcnow(), agent_ids=[current_user.id])
        return {"interaction_id": result.interaction.id}

    @acknowledged
    def on_preview_call(self, data):
        attempt = preview.call_preview(current_desk(), current_user.id, enqueue=app_enqueue(), now=utcnow())
        return {"attempt_id": attempt.id}

    @acknowledged
    def on_preview_skip(self, data):
        desk = current_desk()
        lead = preview.skip_preview(desk, current_user.id, now=utcnow())
        preview.offer_previews(desk, now=utcnow(), agent_ids=[current_user.id])
        return {"lead_id": lead.id}

    @acknowledged
    def on_offer_response(self, data):
        logged = current_desk().offer_response(
            current_user.id, int_field(data.get("interaction_id"), "interaction_id"),
            int_field(data.get("offer_id"), "offer_id"), text_field(data.get("response"), "response"))
        return {"offer_id": logged.offer_id, "response": logged.response}

    @acknowledged
    def on_link_customer(self, data):
        interaction = current_desk().link_customer(current_user.id, int_field(data.get("interaction_id"), "interaction_id"),
                                                   int_field(data.get("customer_id"), "customer_id"))
        return {"customer_id": interaction.customer_id}


def init_app(socketio) -> None:
    """Register the namespaces on the app's Socket.IO server."""
    socketio.on_namespace(DeskNamespace("/desk"))
    socketio.on_namespace(FloorNamespace("/floor"))
