"""Conference rooms: callers dial in, supervisors are dialed in to coach, agents get muted,
held and kicked through the Participants API."""

from __future__ import annotations

import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.twiml.voice_response import Dial

from .conftest import OUR_NUMBER, eventually, hangup_event

AGENT = "+79160000010"
CUSTOMER_2 = "+79160000011"


def _room(response, params):
    dial = Dial(action="/left-room")
    dial.conference("support-room", end_conference_on_exit=params["From"] == AGENT)
    response.append(dial)


def _conference(twilio_client, connected: int):
    """Return the support room once ``connected`` callers are in it."""
    conference = eventually(lambda: twilio_client.conferences.list(friendly_name="support-room", status="in-progress"))[
        0
    ]
    _wait_for_connected(twilio_client, conference.sid, connected)
    return conference


def _wait_for_connected(twilio_client, sid: str, count: int) -> None:
    """Wait until ``count`` participants are connected to the room."""
    eventually(
        lambda: len([p for p in twilio_client.conferences(sid).participants.list() if p.status == "connected"]) == count
    )


def test_callers_meet_in_a_room_and_a_kicked_one_continues_after_its_dial(control, customer, our_number, twilio_client):
    customer.twiml("/voice", _room)
    customer.twiml("/left-room", lambda r, p: r.say("You left the room"))
    agent = control.place_call(AGENT, our_number, script=[])
    caller = control.place_call(CUSTOMER_2, our_number, script=[])
    conference = _conference(twilio_client, connected=2)

    muted = twilio_client.conferences(conference.sid).participants(caller).update(muted=True, hold=True)
    twilio_client.conferences(conference.sid).participants(caller).delete()
    kicked = control.wait(caller)
    control.hangup(agent)
    control.wait(agent)

    assert (muted.muted, muted.hold, muted.call_sid) == (True, True, caller)
    assert customer.requests_to("/left-room")[0]["DialCallStatus"] == "completed"
    assert "You left the room" in [e.get("text") for e in kicked["transcript"]]
    ended = twilio_client.conferences(conference.sid).fetch()
    assert ended.status == "completed"
    assert ended.reason_conference_ended == "participant-with-end-conference-on-exit-left"
    assert ended.call_sid_ending_conference == agent


def test_a_supervisor_dialed_in_by_rest_coaches_the_agent_then_the_room_is_closed(
    control, customer, our_number, twilio_client
):
    control.add_device("client:supervisor", answer_after=1)
    customer.twiml("/voice", _room)
    customer.twiml("/left-room", lambda r, p: r.hangup())
    agent = control.place_call(AGENT, our_number, script=[])
    control.place_call(CUSTOMER_2, our_number, script=[])
    conference = _conference(twilio_client, connected=2)

    coach = twilio_client.conferences(conference.sid).participants.create(
        from_=OUR_NUMBER, to="client:supervisor", coaching=True, call_sid_to_coach=agent, label="supervisor"
    )
    _wait_for_connected(twilio_client, conference.sid, 3)
    barge = twilio_client.conferences(conference.sid).participants(coach.call_sid).update(coaching=False)
    twilio_client.conferences(conference.sid).update(status="completed")
    supervisor_call = control.wait(coach.call_sid)

    assert (coach.status, coach.coaching, coach.call_sid_to_coach, coach.label) == ("queued", True, agent, "supervisor")
    assert barge.coaching is False
    assert hangup_event(supervisor_call)["by"] == "conference"
    assert twilio_client.conferences(conference.sid).fetch().reason_conference_ended == "conference-ended-via-api"
    for call in control.calls():
        control.wait(call["sid"])


def test_coaching_without_a_call_to_coach_is_refused(control, customer, our_number, twilio_client):
    customer.twiml("/voice", _room)
    agent = control.place_call(AGENT, our_number, script=[])
    conference = _conference(twilio_client, connected=1)

    with pytest.raises(TwilioRestException) as refused:
        twilio_client.conferences(conference.sid).participants.create(from_=OUR_NUMBER, to="client:x", coaching=True)

    assert (refused.value.status, refused.value.code) == (400, 21235)
    control.hangup(agent)
    control.wait(agent)


def test_conference_resources_match_twilios_schema(control, customer, our_number, twilio_client, rest, validate):
    customer.twiml("/voice", _room)
    agent = control.place_call(AGENT, our_number, script=[])
    conference = _conference(twilio_client, connected=1)

    room = rest(f"/Conferences/{conference.sid}.json").json()
    people = rest(f"/Conferences/{conference.sid}/Participants.json").json()["participants"]
    control.hangup(agent)
    control.wait(agent)

    # The schema says non-nullable, but Twilio documents (and sends) null while the room is open.
    validate({k: v for k, v in room.items() if k != "reason_conference_ended"}, "api.v2010.account.conference")
    validate(people[0], "api.v2010.account.conference.participant")
    assert room["status"] == "in-progress" and people[0]["call_sid"] == agent


def test_a_participant_redirected_by_rest_leaves_the_room_for_its_new_twiml(
    control, customer, our_number, twilio_client
):
    control.add_device("client:supervisor", answer_after=1)
    customer.twiml("/voice", _room)
    customer.twiml("/left-room", lambda r, p: r.hangup())
    customer.twiml("/elsewhere", lambda r, p: r.say("You are out of the room"))
    agent = control.place_call(AGENT, our_number, script=[])
    conference = _conference(twilio_client, connected=1)
    coach = twilio_client.conferences(conference.sid).participants.create(from_=OUR_NUMBER, to="client:supervisor")
    _wait_for_connected(twilio_client, conference.sid, 2)

    twilio_client.calls(coach.call_sid).update(url=customer.url("/elsewhere"))
    supervisor = control.wait(coach.call_sid)
    control.hangup(agent)
    control.wait(agent)

    assert "You are out of the room" in [e.get("text") for e in supervisor["transcript"]]
    assert [e["event"] for e in supervisor["transcript"]].count("left_conference") == 1
