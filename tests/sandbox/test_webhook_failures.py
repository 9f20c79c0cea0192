"""When our webhooks fail, the sandbox behaves as Twilio: fallback URL, then an application error."""

from __future__ import annotations

import time

import pytest
from flask import Response

from .conftest import ACCOUNT_SID, CUSTOMER, OUR_NUMBER, hangup_event

APPLICATION_ERROR = "We are sorry, an application error has occurred. Goodbye."


def _number_with_fallback(control, customer) -> None:
    control.add_number(OUR_NUMBER, ACCOUNT_SID, customer.url("/voice"), voice_fallback_url=customer.url("/fallback"))


def test_a_500_from_the_voice_url_sends_the_call_to_the_fallback_url(control, customer):
    _number_with_fallback(control, customer)
    customer.on("/voice", lambda p: ("boom", 500))
    customer.twiml("/fallback", lambda r, p: r.say("We are having trouble, please call later"))

    call = control.wait(control.place_call(CUSTOMER, OUR_NUMBER, script=[]))

    (fallback,) = customer.requests_to("/fallback")
    assert fallback["ErrorCode"] == "11200"
    assert fallback["ErrorUrl"] == customer.url("/voice")
    fetch = next(e for e in call["transcript"] if e["event"] == "fetch")
    assert (fetch["status_code"], fetch["error_code"]) == (500, 11200)
    assert "We are having trouble, please call later" in [e.get("text") for e in call["transcript"]]


def test_invalid_xml_without_a_fallback_plays_the_application_error(control, customer, our_number):
    customer.on("/voice", lambda p: Response("<Response><Say>unclosed", mimetype="text/xml"))

    call = control.wait(control.place_call(CUSTOMER, our_number, script=[]))

    errors = [e for e in call["transcript"] if e["event"] == "error"]
    assert errors[0]["code"] == 12100
    says = [e["text"] for e in call["transcript"] if e["event"] == "say"]
    assert says == [APPLICATION_ERROR]
    assert call["status"] == "completed"
    assert hangup_event(call)["by"] == "application-error"


def test_twiml_served_with_a_wrong_content_type_is_error_12300(control, customer):
    _number_with_fallback(control, customer)
    customer.on("/voice", lambda p: Response("<Response><Say>hi</Say></Response>", mimetype="text/html"))
    customer.on("/fallback", lambda p: ("down", 503))

    call = control.wait(control.place_call(CUSTOMER, OUR_NUMBER, script=[]))

    assert customer.requests_to("/fallback")[0]["ErrorCode"] == "12300"
    codes = [e["code"] for e in call["transcript"] if e["event"] == "error"]
    assert codes[:2] == [12300, 11200]
    assert [e["text"] for e in call["transcript"] if e["event"] == "say"] == [APPLICATION_ERROR]


def test_an_unknown_verb_is_a_schema_error(control, customer, our_number):
    customer.on("/voice", lambda p: Response("<Response><Shout>hi</Shout></Response>", mimetype="text/xml"))

    call = control.wait(control.place_call(CUSTOMER, our_number, script=[]))

    assert next(e["code"] for e in call["transcript"] if e["event"] == "error") == 12200


def test_a_slow_webhook_times_out_in_real_time_and_falls_back(make_sandbox, customer):
    from twilio_sandbox import SandboxClient

    url = make_sandbox(webhook_timeout=0.3)
    with SandboxClient(url) as control:
        _number_with_fallback(control, customer)

        def slow(params: dict) -> tuple:
            time.sleep(1.0)
            return "<Response/>", 200, {"Content-Type": "text/xml"}

        customer.on("/voice", slow)
        customer.twiml("/fallback", lambda r, p: r.say("fallback"))

        call = control.wait(control.place_call(CUSTOMER, OUR_NUMBER, script=[]))

    assert customer.requests_to("/fallback")[0]["ErrorCode"] == "11205"
    assert "fallback" in [e.get("text") for e in call["transcript"]]


@pytest.mark.parametrize(
    ("voice_url", "code"), [("http://127.0.0.1:9/voice", "11205"), ("http://no-such-host.invalid/voice", "11210")]
)
def test_an_unreachable_webhook_is_a_connection_failure(control, customer, voice_url, code):
    control.add_number(OUR_NUMBER, ACCOUNT_SID, voice_url, voice_fallback_url=customer.url("/fallback"))
    customer.twiml("/fallback", lambda r, p: r.hangup())

    control.wait(control.place_call(CUSTOMER, OUR_NUMBER, script=[]))

    assert customer.requests_to("/fallback")[0]["ErrorCode"] == code
