"""Faults a test can ask of the sandbox's network: status callbacks delivered twice, late and out of order (as
Twilio warns they may be), and Twilio's webhook timeout as the default."""

from __future__ import annotations

import pytest

from twilio_sandbox import ControlApiError, create_app

from .conftest import ACCOUNT_SID, OUR_NUMBER

LEAD = "+79990002233"
ALL_EVENTS = ["initiated", "ringing", "answered", "completed"]


def _call_the_lead(twilio_client, customer, control):
    control.add_callee(LEAD, "human", answer_after=1, talk_for=3)
    customer.twiml("/outbound", lambda r, p: r.pause(length=1))
    created = twilio_client.calls.create(to=LEAD, from_=OUR_NUMBER, url=customer.url("/outbound"),
                                         status_callback=customer.url("/progress"),
                                         status_callback_event=ALL_EVENTS)
    return control.wait(created.sid)


def _progress(customer) -> list[tuple[str, str]]:
    return [(p["SequenceNumber"], p["CallStatus"]) for p in customer.requests_to("/progress")]


def test_without_faults_each_status_callback_arrives_once_in_sequence(control, customer, twilio_client):
    _call_the_lead(twilio_client, customer, control)

    assert _progress(customer) == [("0", "initiated"), ("1", "ringing"), ("2", "in-progress"), ("3", "completed")]


def test_duplicated_callbacks_arrive_twice_with_identical_parameters(control, customer, twilio_client):
    control.set_callback_faults(ACCOUNT_SID, duplicate=True)

    call = _call_the_lead(twilio_client, customer, control)

    requests = customer.requests_to("/progress")
    assert [(p["SequenceNumber"], p["CallStatus"]) for p in requests] == [
        ("0", "initiated"), ("0", "initiated"), ("1", "ringing"), ("1", "ringing"),
        ("2", "in-progress"), ("2", "in-progress"), ("3", "completed"), ("3", "completed")]
    assert requests[6] == requests[7]  # the same request, Timestamp and CallDuration included
    noted = [e for e in call["transcript"] if e["event"] == "status_callback"]
    assert [e.get("duplicate", False) for e in noted] == [False, True] * 4


def test_late_callbacks_arrive_after_the_final_one_newest_first(control, customer, twilio_client):
    control.set_callback_faults(ACCOUNT_SID, late_by=0.3)

    call = _call_the_lead(twilio_client, customer, control)

    assert _progress(customer) == [("3", "completed"), ("2", "in-progress"), ("1", "ringing"), ("0", "initiated")]
    hits = [hit for hit in customer.hits if hit.path == "/progress"]
    assert hits[1].received_at - hits[0].received_at >= 0.3
    assert call["ended"] and [e.get("late", False) for e in call["transcript"]
                              if e["event"] == "status_callback"] == [False, True, True, True]


def test_faults_are_cleared_by_setting_none(control, customer, twilio_client):
    control.set_callback_faults(ACCOUNT_SID, duplicate=True, late_by=1)
    assert control.set_callback_faults(ACCOUNT_SID) == {"account_sid": ACCOUNT_SID, "duplicate": False,
                                                        "late_by": 0.0}

    _call_the_lead(twilio_client, customer, control)

    assert _progress(customer) == [("0", "initiated"), ("1", "ringing"), ("2", "in-progress"), ("3", "completed")]


def test_faults_of_an_unknown_account_or_with_bad_values_are_refused(control):
    with pytest.raises(ControlApiError, match="404"):
        control.set_callback_faults("AC" + "0" * 32, duplicate=True)
    with pytest.raises(ControlApiError, match="late_by must be a non-negative number"):
        control.set_callback_faults(ACCOUNT_SID, late_by=-1)


def test_webhooks_time_out_after_15_seconds_by_default_as_on_twilio():
    assert create_app({ACCOUNT_SID: "token"}).extensions["sandbox"].webhook_timeout == 15.0
