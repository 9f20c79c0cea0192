"""Calls we place through the REST API: who answers, status callbacks, machine detection,
live updates, and the calls-per-second throttle."""

from __future__ import annotations

import itertools

import pytest
from twilio.base.exceptions import TwilioRestException

from twilio_sandbox import SandboxClient

from .conftest import ACCOUNT_SID, AUTH_TOKEN, OUR_NUMBER, SandboxHttpClient, eventually, hangup_event

LEAD = "+79990001122"
ALL_EVENTS = ["initiated", "ringing", "answered", "completed"]


def _create(client, customer, to: str = LEAD, **kwargs):
    kwargs.setdefault("url", customer.url("/outbound"))
    kwargs.setdefault("status_callback", customer.url("/progress"))
    kwargs.setdefault("status_callback_event", ALL_EVENTS)
    return client.calls.create(to=to, from_=OUR_NUMBER, **kwargs)


def test_a_human_answers_runs_our_twiml_and_progress_arrives_in_sequence(control, customer, twilio_client):
    control.add_callee(LEAD, "human", answer_after=2, talk_for=120, script=[{"press": "1"}])
    customer.twiml(
        "/outbound", lambda r, p: r.gather(num_digits=1, action="/confirm").say("Press 1 to confirm delivery")
    )
    customer.twiml("/confirm", lambda r, p: r.say("Confirmed, goodbye"))

    created = _create(twilio_client, customer)
    call = control.wait(created.sid)
    fetched = twilio_client.calls(created.sid).fetch()

    assert (created.status, created.direction, created.to, created._from) == (
        "queued",
        "outbound-api",
        LEAD,
        OUR_NUMBER,
    )
    progress = customer.requests_to("/progress")
    assert [p["CallStatus"] for p in progress] == ["initiated", "ringing", "in-progress", "completed"]
    assert [p["SequenceNumber"] for p in progress] == ["0", "1", "2", "3"]
    assert all(p["CallbackSource"] == "call-progress-events" and p["Direction"] == "outbound-api" for p in progress)
    assert "CallDuration" in progress[-1] and "CallDuration" not in progress[0]
    (first_fetch,) = customer.requests_to("/outbound")
    assert first_fetch["CallStatus"] == "in-progress" and "AnsweredBy" not in first_fetch
    assert customer.requests_to("/confirm")[0]["Digits"] == "1"
    assert fetched.status == "completed" and fetched.answered_by is None
    assert int(fetched.duration) == int(progress[-1]["CallDuration"]) == call["duration"]
    assert fetched.start_time is not None and fetched.end_time >= fetched.start_time


@pytest.mark.parametrize(
    ("behaviour", "timeout", "status", "events"),
    [
        ("busy", 30, "busy", ["initiated", "busy"]),
        ("failed", 30, "failed", ["initiated", "failed"]),
        ("no-answer", 10, "no-answer", ["initiated", "ringing", "no-answer"]),
        ("human", 5, "no-answer", ["initiated", "ringing", "no-answer"]),  # answers too late
    ],
)
def test_unanswered_outbound_calls_end_with_their_status(
    control, customer, twilio_client, behaviour, timeout, status, events
):
    control.add_callee(LEAD, behaviour, answer_after=8)

    created = _create(twilio_client, customer, timeout=timeout)
    call = control.wait(created.sid)

    assert call["status"] == twilio_client.calls(created.sid).fetch().status == status
    assert [p["CallStatus"] for p in customer.requests_to("/progress")] == events
    assert customer.requests_to("/outbound") == []
    assert call["duration"] == 0
    if behaviour == "no-answer":
        ringing = next(e["t"] for e in call["transcript"] if e["event"] == "ringing")
        assert hangup_event(call)["t"] - ringing >= timeout


@pytest.mark.parametrize(
    ("behaviour", "mode", "answered_by"),
    [
        ("machine", "DetectMessageEnd", "machine_end_beep"),
        ("machine", "Enable", "machine_start"),
        ("human", "Enable", "human"),
    ],
)
def test_machine_detection_tells_who_answered(control, customer, twilio_client, behaviour, mode, answered_by):
    control.add_callee(LEAD, behaviour, talk_for=60)
    customer.twiml("/outbound", lambda r, p: r.say("Hello, this is a reminder about your order"))

    created = _create(twilio_client, customer, machine_detection=mode)
    control.wait(created.sid)

    assert customer.requests_to("/outbound")[0]["AnsweredBy"] == answered_by
    answered = next(p for p in customer.requests_to("/progress") if p["CallStatus"] == "in-progress")
    assert answered["AnsweredBy"] == answered_by
    assert twilio_client.calls(created.sid).fetch().answered_by == answered_by


def test_asynchronous_machine_detection_posts_its_result_separately(control, customer, twilio_client):
    control.add_callee(LEAD, "machine", talk_for=60)
    customer.twiml("/outbound", lambda r, p: r.pause(length=15))

    created = _create(
        twilio_client,
        customer,
        machine_detection="DetectMessageEnd",
        async_amd=True,
        async_amd_status_callback=customer.url("/amd"),
    )
    control.wait(created.sid)

    assert "AnsweredBy" not in customer.requests_to("/outbound")[0]
    (amd,) = customer.requests_to("/amd")
    assert (amd["CallSid"], amd["AccountSid"], amd["AnsweredBy"]) == (created.sid, ACCOUNT_SID, "machine_end_beep")
    assert int(amd["MachineDetectionDuration"]) > 0


def test_a_live_call_can_be_redirected_to_inline_twiml_and_hung_up(control, customer, twilio_client):
    control.add_callee(LEAD, "human", talk_for=None)
    customer.twiml("/outbound", lambda r, p: r.pause(length=600))
    created = _create(twilio_client, customer)
    customer.wait_for("/outbound")

    twilio_client.calls(created.sid).update(
        twiml='<Response><Say>Your order has shipped</Say><Pause length="600"/></Response>'
    )
    _wait_for_event(control, created.sid, "say")
    ended = twilio_client.calls(created.sid).update(status="completed")
    call = control.wait(created.sid)

    assert ended.sid == created.sid
    assert "Your order has shipped" in [e.get("text") for e in call["transcript"]]
    assert hangup_event(call)["by"] == "api"
    assert call["status"] == "completed"
    with pytest.raises(TwilioRestException) as refused:
        twilio_client.calls(created.sid).update(url=customer.url("/outbound"))
    assert (refused.value.status, refused.value.code) == (400, 21220)


def test_redirect_by_url_fetches_the_new_document(control, customer, twilio_client):
    control.add_callee(LEAD, "human", talk_for=60)
    customer.twiml("/outbound", lambda r, p: r.pause(length=600))
    customer.twiml("/moved", lambda r, p: r.hangup())
    created = _create(twilio_client, customer)
    customer.wait_for("/outbound")

    twilio_client.calls(created.sid).update(url=customer.url("/moved"), method="POST")
    control.wait(created.sid)

    assert customer.requests_to("/moved")[0]["CallSid"] == created.sid


def test_a_ringing_call_can_be_canceled(control, customer, twilio_client):
    control.add_callee(LEAD, "no-answer")
    created = _create(twilio_client, customer, timeout=600)
    _wait_for_event(control, created.sid, "ringing")

    twilio_client.calls(created.sid).update(status="canceled")
    call = control.wait(created.sid)

    assert call["status"] == "canceled"
    assert customer.requests_to("/progress")[-1]["CallStatus"] == "canceled"


def test_dial_client_bridges_the_caller_to_an_agent_device(control, customer, our_number):
    control.add_device("client:alice", answer_after=2, talk_for=20)

    def connect(response, params):
        dial = response.dial(action="/dialed", timeout=20)
        dial.client("alice", status_callback="/agent-leg", status_callback_event="ringing answered completed")

    customer.twiml("/voice", connect)
    customer.twiml("/dialed", lambda r, p: r.say(f"Dial {p['DialCallStatus']}"))

    call = control.wait(control.place_call("+79161234567", our_number, script=[]))

    (dialed,) = customer.requests_to("/dialed")
    leg = control.wait(dialed["DialCallSid"])
    assert dialed["DialCallStatus"] == "completed" and int(dialed["DialCallDuration"]) >= 10
    assert (leg["direction"], leg["parent_call_sid"], leg["to"]) == ("outbound-dial", call["sid"], "client:alice")
    assert hangup_event(leg)["by"] == "device"
    leg_progress = customer.requests_to("/agent-leg")
    assert [p["CallStatus"] for p in leg_progress] == ["ringing", "in-progress", "completed"]
    assert all(p["ParentCallSid"] == call["sid"] and p["Direction"] == "outbound-dial" for p in leg_progress)
    assert "Dial completed" in [e.get("text") for e in call["transcript"]]


def test_a_device_without_auto_answer_rings_until_answered_through_the_control_api(control, customer, our_number):
    control.add_device("client:bob", auto_answer=False)

    def connect(response, params):
        response.dial(timeout=600).client("bob")
        response.say("The agent has left")

    customer.twiml("/voice", connect)
    sid = control.place_call("+79161234567", our_number, script=[])
    leg = _wait_for_leg(control, sid, status="ringing")

    control.answer(leg)
    _wait_for_event(control, sid, "bridged")
    control.hangup(leg)
    call = control.wait(sid)

    assert "The agent has left" in [e.get("text") for e in call["transcript"]]
    assert control.wait(leg)["status"] == "completed"


@pytest.mark.parametrize(
    ("behaviour", "dial_status"), [("busy", "busy"), ("no-answer", "no-answer"), ("failed", "failed")]
)
def test_dial_number_reports_why_nobody_answered(control, customer, our_number, behaviour, dial_status):
    control.add_callee(LEAD, behaviour)
    customer.twiml("/voice", lambda r, p: r.dial(LEAD, action="/dialed", timeout=10))

    control.wait(control.place_call("+79161234567", our_number, script=[]))

    assert customer.requests_to("/dialed")[0]["DialCallStatus"] == dial_status


def test_simultaneous_dial_connects_the_first_to_answer_and_cancels_the_rest(control, customer, our_number):
    control.add_device("client:slow", answer_after=10, talk_for=5)
    control.add_device("client:fast", answer_after=1, talk_for=5)

    def connect(response, params):
        dial = response.dial(action="/dialed")
        dial.client("slow")
        dial.client("fast")

    customer.twiml("/voice", connect)

    call = control.wait(control.place_call("+79161234567", our_number, script=[]))

    legs = {c["to"]: c for c in control.calls() if c["parent_call_sid"] == call["sid"]}
    assert customer.requests_to("/dialed")[0]["DialCallSid"] == legs["client:fast"]["sid"]
    assert control.wait(legs["client:slow"]["sid"])["status"] == "canceled"


def test_rest_call_to_a_client_identity_rings_that_device(control, customer, twilio_client):
    control.add_device("client:carol", answer_after=1, talk_for=5)
    customer.twiml("/outbound", lambda r, p: r.pause(length=30))

    created = _create(twilio_client, customer, to="client:carol")
    call = control.wait(created.sid)

    assert hangup_event(call)["by"] == "device"
    assert customer.requests_to("/outbound")[0]["To"] == "client:carol"


def test_outbound_calls_beyond_the_cps_budget_are_queued_not_refused(make_sandbox, customer):
    url = make_sandbox(clock_speed=10, cps=2)
    http_client = SandboxHttpClient(url)
    from twilio.rest import Client

    client = Client(ACCOUNT_SID, AUTH_TOKEN, http_client=http_client)
    try:
        with SandboxClient(url) as control:
            for i in range(5):
                control.add_callee(f"+7999000000{i}", "busy")
            created = [
                _create(client, customer, to=f"+7999000000{i}", status_callback_event=["initiated"]) for i in range(5)
            ]
            ended = [control.wait(call.sid) for call in created]
        queue_times = [int(client.calls(call.sid).fetch().queue_time) for call in created]
    finally:
        http_client.session.close()

    assert all(call.status == "queued" for call in created)
    slots = [call["created_at"] + ms / 1000 for call, ms in zip(ended, queue_times, strict=True)]
    gaps = [later - earlier for earlier, later in itertools.pairwise(slots)]
    assert gaps == pytest.approx([0.5] * 4, abs=0.01)  # 2 calls per simulated second
    for call, slot in zip(ended, slots, strict=True):
        assert call["created_at"] + _event(call, "initiated")["t"] >= slot - 0.05  # transcript t is rounded
    assert len(customer.requests_to("/progress")) == 5


def _event(call: dict, name: str) -> dict:
    """Return the first transcript event called ``name``."""
    return next(e for e in call["transcript"] if e["event"] == name)


def _wait_for_event(control, sid: str, event: str) -> None:
    """Wait until the call's transcript has ``event``."""
    eventually(lambda: event in [e["event"] for e in control.call(sid)["transcript"]], message=f"no {event} on {sid}")


def _wait_for_leg(control, parent_sid: str, status: str) -> str:
    """Wait until a child leg of ``parent_sid`` has ``status``; return its SID."""
    legs = eventually(
        lambda: [c for c in control.calls() if c["parent_call_sid"] == parent_sid and c["status"] == status],
        message=f"no {status} leg of {parent_sid}",
    )
    return legs[0]["sid"]


def test_a_number_whisper_lets_the_agent_accept_before_the_bridge(control, customer, our_number):
    control.add_callee("+79995550101", "human", answer_after=1, talk_for=120, script=[{"press": "1"}])

    def connect(response, params):
        response.dial(action="/dialed").number("+79995550101", url="/whisper")

    def whisper(response, params):
        response.gather(num_digits=1, action="/accepted").say("Incoming call about order 10045, press 1 to accept")
        response.hangup()

    customer.twiml("/voice", connect)
    customer.twiml("/whisper", whisper)
    customer.on("/accepted", lambda p: ("<Response/>", 200, {"Content-Type": "application/xml"}))
    customer.twiml("/dialed", lambda r, p: r.hangup())

    control.wait(control.place_call("+79161234567", our_number, script=[]))

    (whispered,) = customer.requests_to("/whisper")
    (accepted,) = customer.requests_to("/accepted")
    (dialed,) = customer.requests_to("/dialed")
    assert whispered["Direction"] == "outbound-dial" and whispered["CallSid"] == dialed["DialCallSid"]
    assert accepted["Digits"] == "1"
    assert dialed["DialCallStatus"] == "completed" and int(dialed["DialCallDuration"]) >= 20


def test_a_finished_call_can_be_deleted(control, customer, twilio_client):
    control.add_callee(LEAD, "busy")

    created = _create(twilio_client, customer)
    control.wait(created.sid)

    assert twilio_client.calls(created.sid).delete() is True
    with pytest.raises(TwilioRestException):
        twilio_client.calls(created.sid).fetch()


def test_a_human_behind_machine_detection_talks_for_their_full_time_after_it(control, customer, twilio_client):
    control.add_callee(LEAD, "human", answer_after=1, talk_for=2)
    customer.twiml("/outbound", lambda r, p: r.pause(length=60))

    created = _create(twilio_client, customer, machine_detection="Enable")
    call = control.wait(created.sid)

    assert customer.requests_to("/outbound")[0]["AnsweredBy"] == "human"
    amd = _event(call, "amd")
    assert hangup_event(call)["by"] == "callee"
    assert hangup_event(call)["t"] - amd["t"] >= 2
