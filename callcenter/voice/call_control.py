"""Call handling webhooks: the caller and the agent's device in one conference per call, the TwiML a connected
call is redirected to when its agent holds, resumes or transfers it, what a customer called by an agent
(click-to-dial) hears on answering, and the end of a supervisor's monitoring leg.

The caller talks to the agent in the call's own conference (`call_room`): the caller's `<Dial><Conference>` and
the agent's device called into it over REST, either one leaving ends it (a supervisor may join it: see
`agent_console.monitoring`). Hold redirects the caller to a hold loop (message, music, message...), which ends
the room and so the agent's leg; resume puts the caller in a new room and rings the same device into it; a cold
transfer redirects the caller into a queue again, where the ACD offers them to the named agent or the queue's
agents.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import request
from twilio.twiml.voice_response import VoiceResponse

from agent_console.desk import QUEUE_NAME, DeskError, agent_identity
from agent_console.monitoring import AGENT_LABEL, call_room
from agent_console.routing import RoutingError
from crm_core import calls
from crm_core.models import Interaction

from ..console.wiring import current_desk, current_monitoring
from ..db import get_session
from ..telephony import provider
from ..telephony.provider import TelephonyError
from ..urls import webhook_url
from . import bp
from .security import twilio_webhook
from .twiml import AGENT_QUEUE, enqueue_for_agent, twiml
from .webhook_call import webhook_interaction

log = logging.getLogger(__name__)

VOICES = {"ru": "ru-RU", "en": "en-US"}
HOLD_MESSAGE = {
    "ru": "Пожалуйста, оставайтесь на линии: оператор поставил звонок на удержание и скоро вернётся.",
    "en": "Please stay on the line: your call is on hold and the agent will be back with you shortly.",
}
STILL_HOLDING = {
    "ru": "Спасибо, что ждёте. Оператор скоро вернётся.",
    "en": "Thank you for holding. The agent will be back with you shortly.",
}
BACK_FROM_HOLD = {"ru": "Спасибо за ожидание.", "en": "Thank you for holding."}
TRANSFERRING = {
    "ru": "Переводим ваш звонок. Пожалуйста, оставайтесь на линии.",
    "en": "Transferring your call. Please stay on the line.",
}
ANOTHER_AGENT = {"ru": "Соединяем с другим оператором.", "en": "Connecting you to another agent."}
AGENT_RING_SECONDS = 20
# Final statuses of the agent's leg that mean the device never took the call.
MISSED_STATUSES = ("no-answer", "busy", "failed", "canceled")


def _language(interaction) -> str:
    return interaction.language if interaction.language in VOICES else "ru"


def _agent() -> int:
    try:
        return int(request.args.get("agent", ""))
    except ValueError:
        raise ValueError("the agent is missing from the URL") from None


def bridge_to_agent(response: VoiceResponse, interaction: Interaction, agent_id: int) -> VoiceResponse:
    """Put the caller in their call's conference and ring the agent's device into it; when the caller leaves the
    room the agent wraps up. A device that cannot be rung sends the caller back to the queue at once."""
    room = call_room(interaction.call_sid)
    try:
        provider().add_to_conference(
            room, f"client:{agent_identity(agent_id)}", label=AGENT_LABEL, end_conference_on_exit=True,
            timeout=AGENT_RING_SECONDS,
            status_callback=webhook_url("voice.agent_leg_status", agent=agent_id, call=interaction.call_sid))
    except TelephonyError as exc:
        log.warning("could not ring agent %s for CallSid=%s: %s", agent_id, interaction.call_sid, exc)
        _agent_did_not_answer(interaction, agent_id, "failed")
        return _back_to_queue(response, interaction)
    dial = response.dial(action=webhook_url("voice.agent_leg_done", agent=agent_id))
    dial.conference(room, beep=False, start_conference_on_enter=True, end_conference_on_exit=True,
                    participant_label="customer")
    return response


def _agent_did_not_answer(interaction: Interaction, agent_id: int, status: str) -> None:
    """The agent's device did not take the call: the agent goes on a break (their device needs a look)."""
    calls.record_event(get_session(), interaction, "agent_leg_ended", {"agent_id": agent_id, "status": status})
    desk = current_desk()
    desk.agent_leg_ended(agent_id, interaction.call_sid)
    try:
        desk.set_state(agent_id, "break", "device did not answer")
    except DeskError as exc:  # signed out meanwhile
        log.warning("agent %s whose device missed CallSid=%s stays as they are: %s", agent_id,
                    interaction.call_sid, exc)


def _rings_for(agent_id: int, call_sid: str) -> bool:
    """Whether the caller still waits for this agent's device (not held, not on the way to someone else)."""
    try:
        status = current_desk().router.agent(agent_id)
    except RoutingError:
        return False
    return status.state == "on_call" and status.call_sid == call_sid and not status.held


def _back_to_queue(response: VoiceResponse, interaction: Interaction) -> VoiceResponse:
    language = _language(interaction)
    response.say(ANOTHER_AGENT[language], language=VOICES[language])
    return enqueue_for_agent(response, interaction.queue or AGENT_QUEUE)


@bp.post("/connect/agent-status")
@twilio_webhook(on_error="ignore")
def agent_leg_status():
    """The agent's leg into the call's room answered or ended: a device that never answered sends the caller
    back to the queue; one that answered after the caller hung up is hung up."""
    session = get_session()
    interaction = session.scalar(sa.select(Interaction).where(Interaction.call_sid == request.args.get("call", "")))
    status = request.form.get("CallStatus", "")
    if interaction is None or (status not in MISSED_STATUSES and status != "in-progress"):
        return twiml(VoiceResponse())
    caller_gone = interaction.status in calls.TERMINAL_STATUSES
    if status == "in-progress":
        if caller_gone:
            provider().hang_up(request.form["CallSid"])
        return twiml(VoiceResponse())
    if not caller_gone and _rings_for(_agent(), interaction.call_sid):
        _agent_did_not_answer(interaction, _agent(), status)
        session.commit()
        try:
            provider().redirect_call(interaction.call_sid, webhook_url("voice.agent_missed"))
        except TelephonyError as exc:
            log.warning("could not requeue CallSid=%s after agent %s missed it: %s", interaction.call_sid,
                        _agent(), exc)
    return twiml(VoiceResponse())


@bp.post("/connect/missed")
@twilio_webhook()
def agent_missed():
    """The agent's device did not answer: the caller waits for another agent."""
    return twiml(_back_to_queue(VoiceResponse(), webhook_interaction()))


@bp.post("/monitor/status")
@twilio_webhook(on_error="ignore")
def monitor_leg_status():
    """A supervisor's monitoring leg answered or ended; once it has ended, so has the monitoring."""
    if request.form.get("CallStatus") in calls.TERMINAL_STATUSES:
        current_monitoring().leg_ended(request.form["CallSid"])
        get_session().commit()
    return twiml(VoiceResponse())


@bp.post("/control/hold")
@twilio_webhook()
def hold_call():
    """The caller is on hold: a message, then music and a reminder in a loop until the agent resumes."""
    language = _language(webhook_interaction())
    response = VoiceResponse()
    music = webhook_url("console.hold_music")
    if request.args.get("loop"):
        response.say(STILL_HOLDING[language], language=VOICES[language])
        response.play(music, loop=2)
    else:
        response.say(HOLD_MESSAGE[language], language=VOICES[language])
        response.play(music)
    response.redirect(webhook_url("voice.hold_call", loop=1), method="POST")
    return twiml(response)


@bp.post("/control/resume")
@twilio_webhook()
def resume_call():
    """The agent took the caller off hold: ring the agent's device again."""
    session = get_session()
    interaction = webhook_interaction()
    agent_id = _agent()
    calls.record_event(session, interaction, "agent_connecting", {"agent_id": agent_id, "after": "hold"})
    session.commit()
    language = _language(interaction)
    response = VoiceResponse()
    response.say(BACK_FROM_HOLD[language], language=VOICES[language])
    response = bridge_to_agent(response, interaction, agent_id)
    session.commit()
    return twiml(response)


@bp.post("/control/transfer")
@twilio_webhook()
def transfer_call():
    """Cold transfer: the caller waits in the queue again; routing knows whom the call is meant for."""
    language = _language(webhook_interaction())
    queue = request.args.get("queue", "")
    response = VoiceResponse()
    response.say(TRANSFERRING[language], language=VOICES[language])
    return twiml(enqueue_for_agent(response, queue if QUEUE_NAME.fullmatch(queue) else AGENT_QUEUE))


@bp.post("/control/dialed")
@twilio_webhook(on_error="hangup")
def dialed_answered():
    """The customer an agent called (click-to-dial) answered: connect the agent's device."""
    session = get_session()
    interaction = webhook_interaction()
    agent_id = _agent()
    current_desk().outbound_answered(agent_id, interaction.call_sid)
    calls.record_event(session, interaction, "agent_connecting", {"agent_id": agent_id})
    session.commit()
    response = bridge_to_agent(VoiceResponse(), interaction, agent_id)
    session.commit()
    return twiml(response)
