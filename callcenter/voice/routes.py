"""Voice webhooks: parse Twilio's parameters, call one crm_core operation, answer TwiML."""

from __future__ import annotations

import logging

from flask import request
from redis.exceptions import RedisError
from twilio.twiml.voice_response import VoiceResponse

from crm_core import calls
from crm_core.ivr import close_ivr_session, open_ivr_call

from ..console.wiring import current_desk
from ..db import get_session
from . import bp
from .security import twilio_webhook
from .call_control import bridge_to_agent
from .ivr import start_ivr
from .twiml import AGENT_QUEUE, enqueue_for_agent, twiml
from .webhook_call import as_int, call_parameters, merge_status_callback, webhook_interaction

log = logging.getLogger(__name__)

# Enqueue results after which an agent has the caller: routing must not forget the call yet.
DEQUEUED_RESULTS = ("bridged", "bridging-in-process", "redirected", "redirected-from-bridged")
VOICES = {"ru": "ru-RU", "en": "en-US"}
QUEUE_PROMPT = {
    "ru": ("ru-RU", "Вы {position}-й в очереди. Пожалуйста, оставайтесь на линии."),
    "en": ("en-US", "You are number {position} in the queue. Please stay on the line."),
}


def _language(interaction) -> str:
    return interaction.language if interaction.language in VOICES else "ru"


@bp.post("/incoming")
@twilio_webhook()
def incoming():
    """A call arrives: open its interaction and hand the caller to the IVR's default flow."""
    response = start_ivr(open_ivr_call(get_session(), **call_parameters()))
    get_session().commit()
    return twiml(response)


@bp.post("/outbound")
@twilio_webhook()
def outbound_answered():
    """An outbound call was answered: a person waits for an agent; an answering machine is hung up on."""
    interaction = webhook_interaction()
    answered_by = request.form.get("AnsweredBy", "human")
    calls.record_event(get_session(), interaction, "answered", {"by": answered_by})
    get_session().commit()
    response = VoiceResponse()
    if answered_by.startswith("machine") or answered_by == "fax":
        response.hangup()
        return twiml(response)
    return twiml(enqueue_for_agent(response))


@bp.post("/queue/wait")
@twilio_webhook(on_error="hangup")
def queue_wait():
    """Hold prompt while the caller waits for an agent (Twilio refetches it in a loop); routes the call."""
    interaction = webhook_interaction()
    language = _language(interaction)
    get_session().commit()  # the call's record stands even if routing cannot take the call now
    desk = current_desk()
    try:
        desk.call_waiting(interaction, _queue_name())
        get_session().commit()
        position = desk.router.position(interaction.call_sid)
    except RedisError:
        # The ACD's store is unreachable: the caller keeps holding and the next prompt routes them again.
        log.warning("routing unavailable, the caller keeps holding", exc_info=True)
        get_session().rollback()
        position = None
    position = position or as_int(request.form.get("QueuePosition")) or 1
    voice_language, prompt = QUEUE_PROMPT[language]
    response = VoiceResponse()
    response.say(prompt.format(position=position), language=voice_language)
    response.pause(length=10)
    return twiml(response)


@bp.post("/queue/left")
@twilio_webhook(on_error="ignore")
def queue_left():
    """The caller left the queue: to an agent (dequeued), or by hanging up; note it on the timeline."""
    session = get_session()
    interaction = webhook_interaction()
    result = request.form.get("QueueResult", "")
    calls.record_event(session, interaction, "queue_left", {
        "result": result, "queue_time": request.form.get("QueueTime"),
    })
    session.commit()  # the timeline keeps it even if routing cannot be told
    if result not in DEQUEUED_RESULTS:
        current_desk().caller_left(interaction.call_sid)
    session.commit()
    return twiml(VoiceResponse())


@bp.post("/connect")
@twilio_webhook()
def connect_agent():
    """The caller was taken from the queue by an agent who accepted: the caller and the agent's device meet in
    the call's conference."""
    session = get_session()
    interaction = webhook_interaction()
    agent_id = as_int(request.args.get("agent"))
    calls.record_event(session, interaction, "agent_connecting", {"agent_id": agent_id})
    session.commit()
    response = bridge_to_agent(VoiceResponse(), interaction, agent_id)
    session.commit()
    return twiml(response)


@bp.post("/connect/done")
@twilio_webhook()
def agent_leg_done():
    """The caller left the conference with the agent: after a conversation the agent wraps up (a caller put on
    hold, transferred or sent back to the queue is not the end: the desk knows)."""
    session = get_session()
    interaction = webhook_interaction()
    agent_id = as_int(request.args.get("agent"))
    if not _leg_closed(interaction, agent_id):  # a device that never answered was dealt with already
        calls.record_event(session, interaction, "agent_leg_ended", {
            "agent_id": agent_id, "status": request.form.get("DialCallStatus", "")})
        current_desk().agent_leg_ended(agent_id, interaction.call_sid)
        session.commit()
    response = VoiceResponse()
    response.hangup()
    return twiml(response)


def _leg_closed(interaction, agent_id: int | None) -> bool:
    """Whether the agent's latest leg on this call has its end on the timeline already."""
    legs = [event.kind for event in interaction.events if event.kind in ("agent_connecting", "agent_leg_ended")
            and (event.detail or {}).get("agent_id") == agent_id]
    return bool(legs) and legs[-1] == "agent_leg_ended"


def _queue_name() -> str:
    name = request.args.get("queue", AGENT_QUEUE)
    return name if name.replace("_", "").replace("-", "").isalnum() and len(name) <= 64 else AGENT_QUEUE


@bp.post("/status")
@twilio_webhook(on_error="ignore")
def status():
    """A status callback: merge it into the call's interaction (idempotent, order-tolerant)."""
    form = request.form
    session = get_session()
    interaction = merge_status_callback()
    if form.get("CallStatus") in calls.TERMINAL_STATUSES:
        close_ivr_session(session, interaction)
        session.commit()  # the call's record stands even if routing cannot be told
        current_desk().call_finished(form["CallSid"])
    session.commit()
    return twiml(VoiceResponse())


@bp.post("/fallback")
@twilio_webhook()
def fallback():
    """Twilio could not use our primary answer (error, timeout, bad TwiML): apologise and reach an agent."""
    log.error("Twilio used the fallback URL CallSid=%s ErrorCode=%s ErrorUrl=%s",
              request.form.get("CallSid"), request.form.get("ErrorCode"), request.form.get("ErrorUrl"))
    session = get_session()
    interaction = webhook_interaction()
    calls.record_event(session, interaction, "webhook_error", {
        "code": request.form.get("ErrorCode"), "url": request.form.get("ErrorUrl"),
    })
    session.commit()
    language = _language(interaction)
    response = VoiceResponse()
    response.say("Извините, произошла ошибка." if language == "ru" else "Sorry, something went wrong.",
                 language=VOICES[language])
    return twiml(enqueue_for_agent(response))

