"""Call handling webhooks: the TwiML a connected call is redirected to when its agent holds, resumes or
transfers it, and what a customer called by an agent (click-to-dial) hears on answering.

The caller's call is the parent of a `<Dial><Client>` to the agent's device. Hold redirects the caller to a
hold loop (message, music, message...), which drops the agent's leg; resume redirects the caller to a new
`<Dial>` of the same device; a cold transfer redirects the caller into a queue again, where the ACD offers
them to the named agent or the queue's agents.
"""

from __future__ import annotations

from flask import current_app, request
from twilio.twiml.voice_response import VoiceResponse

from agent_console.desk import QUEUE_NAME, agent_identity
from crm_core import calls

from ..console.wiring import current_desk
from ..db import get_session
from ..urls import webhook_url
from . import bp
from .security import twilio_webhook
from .twiml import AGENT_QUEUE, enqueue_for_agent, twiml

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
AGENT_RING_SECONDS = 20


def _call():
    return calls.call_record(
        get_session(), call_sid=request.form["CallSid"], from_number=request.form.get("From"),
        to_number=request.form.get("To"),
        direction="inbound" if request.form.get("Direction", "inbound") == "inbound" else "outbound",
        default_region=current_app.config["DEFAULT_REGION"],
    )


def _language(interaction) -> str:
    return interaction.language if interaction.language in VOICES else "ru"


def _agent() -> int:
    try:
        return int(request.args.get("agent", ""))
    except ValueError:
        raise ValueError("the agent is missing from the URL") from None


def _dial_agent(response: VoiceResponse, agent_id: int) -> VoiceResponse:
    """Ring the agent's device; when that leg ends the agent wraps up (or the caller is queued again)."""
    dial = response.dial(action=webhook_url("voice.agent_leg_done", agent=agent_id), timeout=AGENT_RING_SECONDS)
    dial.client(agent_identity(agent_id))
    return response


@bp.post("/control/hold")
@twilio_webhook()
def hold_call():
    """The caller is on hold: a message, then music and a reminder in a loop until the agent resumes."""
    language = _language(_call())
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
    interaction = _call()
    agent_id = _agent()
    calls.record_event(session, interaction, "agent_connecting", {"agent_id": agent_id, "after": "hold"})
    session.commit()
    language = _language(interaction)
    response = VoiceResponse()
    response.say(BACK_FROM_HOLD[language], language=VOICES[language])
    return twiml(_dial_agent(response, agent_id))


@bp.post("/control/transfer")
@twilio_webhook()
def transfer_call():
    """Cold transfer: the caller waits in the queue again; routing knows whom the call is meant for."""
    language = _language(_call())
    queue = request.args.get("queue", "")
    response = VoiceResponse()
    response.say(TRANSFERRING[language], language=VOICES[language])
    return twiml(enqueue_for_agent(response, queue if QUEUE_NAME.fullmatch(queue) else AGENT_QUEUE))


@bp.post("/control/dialed")
@twilio_webhook(on_error="hangup")
def dialed_answered():
    """The customer an agent called (click-to-dial) answered: connect the agent's device."""
    session = get_session()
    interaction = _call()
    agent_id = _agent()
    current_desk().outbound_answered(agent_id, interaction.call_sid)
    calls.record_event(session, interaction, "agent_connecting", {"agent_id": agent_id})
    session.commit()
    return twiml(_dial_agent(VoiceResponse(), agent_id))
