"""Webhooks of outbound campaign calls (`/voice/dialer/...?attempt=<id>`): answered by a person (to an agent
within the profile's connect window, else the safe-harbor message with an opt-out; a preview call straight to the
agent who placed it) or by a machine (voicemail or hang up), and the status callbacks that close the attempt and
recycle its lead."""

from __future__ import annotations

from flask import request
from twilio.twiml.voice_response import VoiceResponse

from crm_core import calls
from crm_core.db import utcnow
from crm_core.models import Campaign, CampaignDialing, DialAttempt
from dialer import outcomes, preview
from dialer.engine import campaign_queue
from dialer.jobs import describe_call

from ..console.wiring import current_desk
from ..db import get_session
from ..urls import webhook_url
from . import bp
from .routes import DEQUEUED_RESULTS
from .security import twilio_webhook
from .twiml import twiml
from .webhook_call import as_int, merge_status_callback, webhook_interaction

OPT_OUT_KEY = "1"
SAFE_HARBOR = ("This call was made on behalf of {business}. We are sorry we could not connect you. "
               "To call us back, dial {number}. To stop further calls, press 1 now.")
OPTED_OUT = "You will not be called again. Goodbye."


def _attempt() -> DialAttempt | None:
    attempt_id = as_int(request.args.get("attempt"))
    return outcomes.locked_attempt(get_session(), attempt_id) if attempt_id is not None else None


def _interaction(attempt: DialAttempt):
    session = get_session()
    interaction = webhook_interaction(direction="outbound")
    describe_call(session, interaction, attempt)
    return interaction


@bp.post("/dialer/answered")
@twilio_webhook(on_error="hangup")
def dialer_answered():
    """A campaign call was answered: a person waits for an agent; a machine gets the voicemail or a hang-up."""
    session, response = get_session(), VoiceResponse()
    attempt = _attempt()
    if attempt is None:
        response.hangup()
        return twiml(response)
    outcomes.adopt_call(attempt, request.form["CallSid"])
    interaction = _interaction(attempt)
    verdict = outcomes.answered(session, attempt, request.form.get("AnsweredBy"), now=utcnow())
    calls.record_event(session, interaction, "answered", {"by": verdict, "attempt_id": attempt.id})
    settings = session.get(CampaignDialing, attempt.campaign_id)
    if verdict == "machine":
        if settings is not None and settings.machine_action == "voicemail" and settings.voicemail_text:
            response.say(settings.voicemail_text, language=settings.language)
        response.hangup()
    elif (agent_id := preview.preview_agent(current_desk(), attempt)) is not None:
        # A preview call: its agent is waiting for it, so it goes straight to them and is never abandoned.
        outcomes.connected(session, attempt, now=utcnow())
        response.redirect(webhook_url("voice.dialed_answered", agent=agent_id))
    else:
        queue = campaign_queue(settings, attempt.campaign_id)
        response.enqueue(queue, action=webhook_url("voice.dialer_left", attempt=attempt.id),
                         wait_url=webhook_url("voice.dialer_wait", attempt=attempt.id), wait_url_method="POST")
    session.commit()
    return twiml(response)


@bp.post("/dialer/wait")
@twilio_webhook(on_error="hangup")
def dialer_wait():
    """While the person waits: offer the call to an agent, and leave the queue once the profile's connect window
    is over. The timer runs on the call's own clock (Twilio's QueueTime), not ours."""
    session, response = get_session(), VoiceResponse()
    attempt = _attempt()
    waited = as_int(request.form.get("QueueTime")) or 0
    window = outcomes.connect_window_seconds(session, attempt) if attempt is not None else 0
    if attempt is None or waited >= window or attempt.abandoned:
        response.leave()
        return twiml(response)
    interaction = _interaction(attempt)
    current_desk().call_waiting(interaction, campaign_queue(session.get(CampaignDialing, attempt.campaign_id),
                                                            attempt.campaign_id))
    session.commit()
    response.pause(length=window - waited)
    return twiml(response)


@bp.post("/dialer/left")
@twilio_webhook(on_error="hangup")
def dialer_left():
    """The person left the queue: to an agent (connected), or abandoned: the safe-harbor message and opt-out."""
    session, response = get_session(), VoiceResponse()
    attempt = _attempt()
    if attempt is None:
        response.hangup()
        return twiml(response)
    interaction = _interaction(attempt)
    result = request.form.get("QueueResult", "")
    calls.record_event(session, interaction, "queue_left", {"result": result, "attempt_id": attempt.id})
    if result in DEQUEUED_RESULTS:
        outcomes.connected(session, attempt, now=utcnow())
        session.commit()
        return twiml(response)
    current_desk().caller_left(interaction.call_sid)
    if result == "leave" and outcomes.abandoned(session, attempt, now=utcnow()):
        settings = session.get(CampaignDialing, attempt.campaign_id)
        campaign = session.get(Campaign, attempt.campaign_id)
        gather = response.gather(num_digits=1, timeout=5, input="dtmf",
                                 action=webhook_url("voice.dialer_opt_out", attempt=attempt.id))
        gather.say(safe_harbor_text(campaign, settings), language=settings.language if settings else "en-US")
        response.hangup()
    session.commit()
    return twiml(response)


def safe_harbor_text(campaign: Campaign, settings: CampaignDialing | None) -> str:
    """The campaign's safe-harbor message, or the standard one naming the campaign and its callback number."""
    if settings is not None and settings.safe_harbor_text:
        return settings.safe_harbor_text
    number = (settings.callback_number if settings is not None else None) or campaign.caller_id
    return SAFE_HARBOR.format(business=campaign.name, number=" ".join(number))


@bp.post("/dialer/opt-out")
@twilio_webhook(on_error="hangup")
def dialer_opt_out():
    """A key pressed after the safe-harbor message: 1 puts the number on the do-not-call list."""
    session, response = get_session(), VoiceResponse()
    attempt = _attempt()
    if attempt is not None and request.form.get("Digits") == OPT_OUT_KEY:
        outcomes.opted_out(session, attempt, now=utcnow())
        calls.record_event(session, _interaction(attempt), "opted_out", {"attempt_id": attempt.id})
        response.say(OPTED_OUT)
    session.commit()
    response.hangup()
    return twiml(response)


@bp.post("/dialer/status")
@twilio_webhook(on_error="ignore")
def dialer_status():
    """A status callback of a campaign call: merge it into the call, and on the final one close the attempt
    and apply the recycle rules (once, however often and in whatever order callbacks come)."""
    form, session = request.form, get_session()
    attempt = _attempt()
    interaction = merge_status_callback(direction="outbound")
    if attempt is not None:
        outcomes.adopt_call(attempt, form["CallSid"])
        if form.get("AnsweredBy"):
            outcomes.answered(session, attempt, form.get("AnsweredBy"), now=utcnow())
        if form.get("CallStatus") in calls.TERMINAL_STATUSES:
            outcomes.ended(session, attempt, form["CallStatus"], now=utcnow())
    if form.get("CallStatus") in calls.TERMINAL_STATUSES:
        session.commit()  # the call and its attempt's outcome stand even if routing cannot be told
        current_desk().call_finished(interaction.call_sid)
    session.commit()
    return twiml(VoiceResponse())
