"""The IVR's webhooks: parse Twilio's parameters, run the flow engine on the call's stored state, keep the
session log on the call's Interaction, commit once, answer TwiML.

Every answer of every caller comes here: the call's IVR state is read and written through `crm_core.ivr`'s
plain statements (a read, then the turn and its step log written in one statement on PostgreSQL), not by
loading and flushing the ORM Interaction."""

from __future__ import annotations

import functools
from datetime import date
from zoneinfo import ZoneInfo

from flask import current_app, request
from sqlalchemy.orm import Session
from twilio.twiml.voice_response import VoiceResponse

from crm_core import orders, tasks
from crm_core.db import utcnow
from crm_core.errors import InvalidPhoneNumber
from crm_core.ivr import IvrCall, caller_profile, ivr_call, open_ivr_call, save_ivr_turn
from crm_core.phones import normalize_phone
from ivr_flows import DEFAULT_FLOW, Reply, Turn, Wiring, continue_session, shipped_catalog, start_session

from ..db import get_session
from ..urls import webhook_url
from . import bp
from .security import twilio_webhook
from .twiml import AGENT_QUEUE, enqueue_for_agent, twiml
from .webhook_call import call_parameters

# The crm_core services flows may name in `lookup`, `collect.check` and `callback` steps.
SERVICES = frozenset({"caller", "latest_order", "find_order", "verify_delivery_postal_code", "callback_number",
                      "schedule_callback"})


@bp.post("/ivr")
@twilio_webhook()
def ivr_start():
    """A call enters the IVR (a number's voice URL can point here directly)."""
    response = start_ivr(open_ivr_call(get_session(), **call_parameters()))
    get_session().commit()
    return twiml(response)


@bp.post("/ivr/input")
@twilio_webhook()
def ivr_input():
    """The caller answered an IVR step (keys, speech or a recording), or stayed silent."""
    session = get_session()
    form = request.form
    # As calls.call_record, reading only what the IVR needs: a call whose first webhook never reached us is opened.
    call = ivr_call(session, form["CallSid"]) or open_ivr_call(session, **call_parameters())
    reply = Reply(step=request.args.get("step"), digits=form.get("Digits", ""), speech=form.get("SpeechResult", ""),
                  recording_url=form.get("RecordingUrl", ""))
    response = continue_ivr(call, reply)
    session.commit()
    return twiml(response)


def start_ivr(call: IvrCall, flow: str = DEFAULT_FLOW) -> VoiceResponse:
    """Hand a call to the IVR and return the TwiML of its first step; a call already in the IVR (a retried
    webhook) hears its waiting step again. Writes; the caller commits."""
    if call.context.get("ivr"):
        return continue_ivr(call, Reply())
    caller = {"from": call.from_number, "customer_id": call.customer_id}
    turn = start_session(_catalog(), flow, caller, _wiring(get_session(), call))
    _keep(get_session(), call, turn, flow=flow)
    return turn.response


def continue_ivr(call: IvrCall, reply: Reply) -> VoiceResponse:
    """Apply the caller's answer to the call's IVR session and return what they hear next. Writes."""
    state = call.context.get("ivr")
    if not state:
        return start_ivr(call)
    entry_flow = call.ivr_flow or DEFAULT_FLOW
    turn = continue_session(_catalog(), state, reply, _wiring(get_session(), call), entry_flow)
    _keep(get_session(), call, turn)
    return turn.response


def _catalog():
    return shipped_catalog(SERVICES)


def _keep(session: Session, call: IvrCall, turn: Turn, *, flow: str | None = None) -> None:
    """Store the session's state and log: path and masked inputs, outcome, what an agent should see when
    the caller is handed over, and the flow with its version when a session starts."""
    context = call.context | {"ivr": turn.state()}
    if turn.handoff:
        context.update(turn.handoff["context"])
    save_ivr_turn(session, call, context=context, steps=[(visit.step, visit.detail) for visit in turn.visits],
                  language=turn.language or None, outcome=turn.outcome or None, flow=flow,
                  flow_version=_catalog()[flow].version if flow else None)


def _wiring(session: Session, call: IvrCall) -> Wiring:
    """The crm_core services bound to this request's session and call, our webhook URLs, today's date."""
    region = current_app.config["DEFAULT_REGION"]

    def found_order(status):
        return status.as_dict() if status is not None else None

    def callback_number(number):
        phone = tasks.callback_number(str(number or ""), default_region=region)
        return {"e164": phone.e164, "national": phone.national} if phone else None

    def schedule_callback(phone, note):
        task = tasks.create_callback(session, phone_e164=phone, due_at=utcnow(), customer_id=call.customer_id,
                                     source_interaction_id=call.id, note=note)
        return {"id": task.id}

    def caller(customer_id):
        # The caller's profile came with the call when it was just opened: no need to read it again.
        if call.caller is not None and customer_id == call.customer_id:
            return call.caller
        return caller_profile(session, customer_id)

    services = {
        "caller": caller,
        "latest_order": lambda customer_id: found_order(orders.latest_order(session, customer_id)),
        "find_order": lambda number, caller_customer_id: found_order(
            orders.find_order(session, number, caller_customer_id=caller_customer_id)),
        "verify_delivery_postal_code": lambda order_id, postal_code: (
            True if orders.verify_delivery_postal_code(session, order_id, postal_code) else None),
        "callback_number": callback_number,
        "schedule_callback": schedule_callback,
    }
    return Wiring(
        services=services,
        action_url=lambda step: webhook_url("voice.ivr_input", step=step),
        enqueue=lambda response, queue: enqueue_for_agent(response, queue or AGENT_QUEUE),
        today=_callers_today(call.from_number, region),
    )


def _callers_today(number: str | None, region: str) -> date:
    """Today where the caller is (by their number), so "tomorrow" means their tomorrow."""
    zone = _callers_zone(number or "", region)
    return utcnow().astimezone(zone).date() if zone else utcnow().date()


@functools.lru_cache(maxsize=4096)
def _callers_zone(number: str, region: str) -> ZoneInfo | None:
    """The time zone of a caller's number, None if it tells none; kept, as every answer of a call asks again."""
    try:
        zones = normalize_phone(number, region).time_zones
    except InvalidPhoneNumber:
        return None
    return ZoneInfo(zones[0]) if zones else None
