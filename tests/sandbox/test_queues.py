"""Callers wait in queues with wait music and leave them by REST dequeue, <Dial><Queue>,
<Leave>, REST redirect, or by giving up."""

from __future__ import annotations

from twilio.twiml.voice_response import Dial, VoiceResponse

from .conftest import ACCOUNT_SID, CUSTOMER, eventually, hangup_event

AGENT_LINE = "+74950000002"
AGENT_PHONE = "+74950000003"


def _enqueue(response: VoiceResponse, params: dict, queue: str = "support", wait: str | None = "/wait") -> None:
    response.enqueue(queue, action="/queue-done", wait_url=wait)
    response.say("after the queue")


def _hold(response: VoiceResponse, params: dict) -> None:
    response.say("Please hold, you are number " + params["QueuePosition"])
    response.pause(length=5)


def test_wait_url_is_refetched_until_the_caller_is_dequeued_by_rest(control, customer, our_number, twilio_client):
    customer.twiml("/voice", _enqueue)
    customer.twiml("/wait", _hold)
    customer.twiml("/picked", lambda r, p: r.say("An agent will call you back"))
    customer.twiml("/queue-done", lambda r, p: r.say("ignored"))
    sid = control.place_call(CUSTOMER, our_number, script=[])

    waits = customer.wait_for("/wait", count=2)
    (queue,) = [q for q in twilio_client.queues.list() if q.friendly_name == "support"]
    (member,) = twilio_client.queues(queue.sid).members.list()
    dequeued = twilio_client.queues(queue.sid).members("Front").update(url=customer.url("/picked"), method="POST")
    call = control.wait(sid)

    assert waits[0]["QueueSid"] == queue.sid and queue.sid.startswith("QU")
    assert (waits[0]["QueuePosition"], waits[0]["CurrentQueueSize"], waits[0]["MaxQueueSize"]) == ("1", "1", "1000")
    assert int(waits[1]["QueueTime"]) >= 5
    assert member.call_sid == sid and member.position == 1
    assert dequeued.call_sid == sid
    (done,) = customer.requests_to("/queue-done")
    assert done["QueueResult"] == "redirected" and done["QueueSid"] == queue.sid
    texts = [e.get("text") for e in call["transcript"] if e["event"] == "say"]
    assert "An agent will call you back" in texts and "ignored" not in texts and "after the queue" not in texts
    assert twilio_client.queues(queue.sid).fetch().current_size == 0


def test_dial_queue_bridges_an_agent_to_the_waiting_caller(control, customer, our_number):
    control.add_number(AGENT_LINE, ACCOUNT_SID, customer.url("/agent"))
    customer.twiml("/voice", _enqueue)
    customer.twiml("/wait", _hold)
    customer.twiml("/queue-done", lambda r, p: r.say(f"Thanks for calling, result {p['QueueResult']}"))
    customer.twiml("/whisper", lambda r, p: r.say("You are being connected to an agent"))

    def agent(response: VoiceResponse, params: dict) -> None:
        dial = Dial(action="/agent-dial-done")
        dial.queue("support", url="/whisper")
        response.append(dial)

    customer.on("/agent", lambda p: _twiml(agent, p))
    caller_sid = control.place_call(CUSTOMER, our_number, script=[])
    customer.wait_for("/wait")
    agent_sid = control.place_call(AGENT_PHONE, AGENT_LINE, script=[], talk_for=60)

    caller, agent_call = control.wait(caller_sid), control.wait(agent_sid)

    (whisper,) = customer.requests_to("/whisper")
    assert (whisper["CallSid"], whisper["DequeueingCallSid"]) == (caller_sid, agent_sid)
    assert "QueueSid" in whisper and "QueueTime" in whisper
    (done,) = customer.requests_to("/queue-done")
    assert done["QueueResult"] == "bridged" and done["CallSid"] == caller_sid
    (dial_done,) = customer.requests_to("/agent-dial-done")
    assert (dial_done["DialCallStatus"], dial_done["DialCallSid"]) == ("completed", caller_sid)
    assert int(dial_done["DialCallDuration"]) >= 15
    caller_says = [e["text"] for e in caller["transcript"] if e["event"] == "say"]
    assert "You are being connected to an agent" in caller_says
    assert "Thanks for calling, result bridged" in caller_says
    assert {"event": "bridged", "call_sid": agent_sid}.items() <= next(
        e for e in caller["transcript"] if e["event"] == "bridged"
    ).items()
    assert hangup_event(agent_call)["by"] == "caller"  # the agent (an inbound caller here) hung up


def test_a_caller_gives_up_after_waiting_longer_than_their_patience(control, customer, our_number):
    customer.twiml("/voice", lambda r, p: _enqueue(r, p, wait=None))

    call = control.wait(control.place_call(CUSTOMER, our_number, script=[], patience=30))

    (done,) = customer.requests_to("/queue-done")
    assert done["QueueResult"] == "hangup"
    assert int(done["QueueTime"]) >= 30
    assert done["CallStatus"] == "completed"
    hangup = hangup_event(call)
    assert hangup["by"] == "caller" and hangup["t"] >= 30


def test_leave_in_the_wait_music_takes_the_caller_out_of_the_queue(control, customer, our_number):
    customer.twiml("/voice", _enqueue)
    customer.twiml(
        "/wait", lambda r, p: r.gather(num_digits=1, action="/wait-choice").say("Press 1 to leave a message")
    )
    customer.twiml("/wait-choice", lambda r, p: r.leave())
    customer.twiml("/queue-done", lambda r, p: r.say(f"result {p['QueueResult']}"))

    call = control.wait(control.place_call(CUSTOMER, our_number, script=[{"press": "1"}]))

    assert customer.requests_to("/wait-choice")[0]["Digits"] == "1"
    assert customer.requests_to("/queue-done")[0]["QueueResult"] == "leave"
    assert "result leave" in [e.get("text") for e in call["transcript"]]


def test_a_dequeue_accepted_while_the_wait_url_answers_leave_still_takes_the_caller(
        control, customer, our_number, twilio_client):
    def dequeue_then_leave(response, params):
        twilio_client.queues(params["QueueSid"]).members("Front").update(url=customer.url("/picked"), method="POST")
        response.leave()

    customer.twiml("/voice", _enqueue)
    customer.twiml("/wait", dequeue_then_leave)
    customer.twiml("/picked", lambda r, p: r.say("An agent will call you back"))
    customer.twiml("/queue-done", lambda r, p: r.say("ignored"))

    call = control.wait(control.place_call(CUSTOMER, our_number, script=[]))

    assert customer.requests_to("/queue-done")[0]["QueueResult"] == "redirected"
    assert "An agent will call you back" in [e.get("text") for e in call["transcript"]]


def test_a_full_queue_refuses_the_caller(control, customer, our_number, twilio_client):
    twilio_client.queues.create(friendly_name="tiny", max_size=1)
    customer.twiml("/voice", lambda r, p: _enqueue(r, p, queue="tiny", wait=None))
    customer.twiml("/queue-done", lambda r, p: r.hangup())
    first = control.place_call(CUSTOMER, our_number, script=[], patience=60)
    customer.wait_for("/voice")

    second = control.wait(control.place_call("+79160000001", our_number, script=[]))

    results = {p["CallSid"]: p["QueueResult"] for p in customer.requests_to("/queue-done")}
    assert results == {second["sid"]: "queue-full"}
    control.hangup(first)
    control.wait(first)


def test_redirecting_a_waiting_caller_via_rest_takes_it_out_of_the_queue(control, customer, our_number, twilio_client):
    customer.twiml("/voice", _enqueue)
    customer.twiml("/wait", _hold)
    customer.twiml("/elsewhere", lambda r, p: r.say("moved"))
    sid = control.place_call(CUSTOMER, our_number, script=[])
    customer.wait_for("/wait")

    twilio_client.calls(sid).update(url=customer.url("/elsewhere"))
    call = control.wait(sid)

    assert customer.requests_to("/queue-done")[0]["QueueResult"] == "redirected"
    assert "moved" in [e.get("text") for e in call["transcript"]]


def test_members_list_reports_positions_and_wait_times(control, customer, our_number, twilio_client):
    customer.twiml("/voice", lambda r, p: _enqueue(r, p, wait=None))
    sids = [control.place_call(f"+7916000000{i}", our_number, script=[], patience=300) for i in range(3)]
    queue = eventually(lambda: [q for q in twilio_client.queues.list() if q.current_size == 3])[0]
    members = twilio_client.queues(queue.sid).members.list()
    front = twilio_client.queues(queue.sid).members("Front").fetch()

    assert sorted(m.call_sid for m in members) == sorted(sids)
    assert [m.position for m in members] == [1, 2, 3]
    assert front.call_sid == members[0].call_sid
    assert all(m.wait_time >= 0 and m.date_enqueued is not None for m in members)
    assert twilio_client.queues(queue.sid).fetch().current_size == 3
    for sid in sids:
        control.hangup(sid)
        control.wait(sid)


def _twiml(build, params: dict) -> VoiceResponse:
    response = VoiceResponse()
    build(response, params)
    return response
