"""Rendering TwiML responses and the absolute webhook URLs Twilio is told to call."""

from __future__ import annotations

import re

from flask import Response
from twilio.twiml.voice_response import VoiceResponse

from ..urls import webhook_url

AGENT_QUEUE = "support"
APOLOGY = {
    "ru-RU": "Извините, произошла техническая ошибка. Соединяем вас с оператором.",
    "en-US": "Sorry, something went wrong. Connecting you to an agent.",
}
# Characters XML 1.0 forbids: one in a <Say> (a name typed with a stray control key) would make the whole
# document unreadable to Twilio.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
GOODBYE = {
    "ru-RU": "Извините, произошла техническая ошибка. Пожалуйста, перезвоните позже.",
    "en-US": "Sorry, something went wrong. Please call again later.",
}


def twiml(response: VoiceResponse) -> Response:
    """Serve TwiML with the XML content type Twilio requires, without characters XML forbids."""
    return Response(NOT_XML.sub("", str(response)), mimetype="text/xml")


def enqueue_for_agent(response: VoiceResponse, queue: str = AGENT_QUEUE) -> VoiceResponse:
    """Put the caller in an agent queue with our hold prompts and a report when they leave it."""
    response.enqueue(
        queue,
        action=webhook_url("voice.queue_left", queue=queue),
        wait_url=webhook_url("voice.queue_wait", queue=queue),
        wait_url_method="POST",
    )
    return response


def apology(*, to_queue: bool) -> VoiceResponse:
    """What a caller hears when a webhook fails: a short apology, then an agent (or goodbye)."""
    response = VoiceResponse()
    messages = APOLOGY if to_queue else GOODBYE
    for language, text in messages.items():
        response.say(text, language=language)
    if to_queue:
        return enqueue_for_agent(response)
    response.hangup()
    return response
