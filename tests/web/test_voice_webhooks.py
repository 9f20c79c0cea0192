"""Voice webhooks: only Twilio-signed requests get in, every answer is valid TwiML, one interaction per call."""

import random

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crm_core import models
from tests.conftest import call_params

SID = "CA" + "1" * 32


def voice_rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/voice")]


def interactions(db_session, call_sid):
    return db_session.scalars(sa.select(models.Interaction).where(models.Interaction.call_sid == call_sid)).all()


def test_every_voice_route_is_behind_the_signature_gate(app):
    rules = voice_rules(app)
    assert {"/voice/incoming", "/voice/status", "/voice/fallback"} <= {r.rule for r in rules}
    for rule in rules:
        assert getattr(app.view_functions[rule.endpoint], "twilio_webhook", False), rule.rule


def test_unsigned_requests_are_refused_on_every_voice_route(app, client):
    for rule in voice_rules(app):
        assert client.post(rule.rule, data=call_params(SID)).status_code == 403, rule.rule


def test_wrongly_signed_requests_are_refused_on_every_voice_route(app, twilio_post):
    for rule in voice_rules(app):
        response = twilio_post(rule.rule, call_params(SID), signature="RSOYDt4T1cUTdK1PDd93/VVr8B8=")
        assert response.status_code == 403, rule.rule


def test_signature_replayed_to_another_url_is_refused(app, twilio_post):
    base = app.config["VOICE_BASE_URL"]
    for rule in voice_rules(app):
        other = "/voice/status" if rule.rule != "/voice/status" else "/voice/incoming"
        assert twilio_post(rule.rule, call_params(SID), signed_url=base + other).status_code == 403, rule.rule


def test_tampered_parameters_are_refused(app, client):
    from twilio.request_validator import RequestValidator

    params = call_params(SID, Digits="1")
    signature = RequestValidator(app.config["TWILIO_AUTH_TOKEN"]).compute_signature(
        app.config["VOICE_BASE_URL"] + "/voice/ivr/input?step=main_menu", params)
    tampered = params | {"Digits": "0"}
    response = client.post("/voice/ivr/input?step=main_menu", data=tampered, headers={"X-Twilio-Signature": signature})
    assert response.status_code == 403


def test_signature_is_checked_against_the_public_url_behind_a_proxy(make_app, parse_twiml):
    from twilio.request_validator import RequestValidator

    app = make_app(PUBLIC_BASE_URL="https://cc.example.com/")
    validator = RequestValidator(app.config["TWILIO_AUTH_TOKEN"])
    params = call_params(SID)
    client = app.test_client()  # Flask sees http://localhost/voice/incoming
    as_twilio_saw_it = validator.compute_signature("https://cc.example.com/voice/incoming", params)
    as_flask_sees_it = validator.compute_signature("http://localhost/voice/incoming", params)
    ok = client.post("/voice/incoming", data=params, headers={"X-Twilio-Signature": as_twilio_saw_it})
    parse_twiml(ok)
    refused = client.post("/voice/incoming", data=params, headers={"X-Twilio-Signature": as_flask_sees_it})
    assert refused.status_code == 403


def test_with_a_voice_address_of_its_own_twilio_is_sent_there_and_signatures_are_checked_against_it(
        make_app, parse_twiml):
    from twilio.request_validator import RequestValidator

    app = make_app(PUBLIC_BASE_URL="https://cc.example.com", VOICE_BASE_URL="https://voice.cc.example.com/")
    validator = RequestValidator(app.config["TWILIO_AUTH_TOKEN"])
    params = call_params(SID)
    client = app.test_client()
    signed_for_voice = validator.compute_signature("https://voice.cc.example.com/voice/incoming", params)
    signed_for_consoles = validator.compute_signature("https://cc.example.com/voice/incoming", params)
    menu = parse_twiml(client.post("/voice/incoming", data=params, headers={"X-Twilio-Signature": signed_for_voice}))
    assert menu.find("Gather").get("action").startswith("https://voice.cc.example.com/voice/ivr/input")
    refused = client.post("/voice/incoming", data=params, headers={"X-Twilio-Signature": signed_for_consoles})
    assert refused.status_code == 403


def test_during_a_token_rotation_webhooks_signed_with_either_token_get_in(make_app, parse_twiml):
    from twilio.request_validator import RequestValidator

    app = make_app(TWILIO_AUTH_TOKEN="the-new-token", TWILIO_PREVIOUS_AUTH_TOKEN="the-old-token")
    url, client = app.config["VOICE_BASE_URL"] + "/voice/incoming", app.test_client()

    def post(token, sid):
        params = call_params(sid)
        signature = RequestValidator(token).compute_signature(url, params)
        return client.post("/voice/incoming", data=params, headers={"X-Twilio-Signature": signature})

    parse_twiml(post("the-new-token", "CA" + "2" * 32))
    parse_twiml(post("the-old-token", "CA" + "3" * 32))
    assert post("another-token", "CA" + "4" * 32).status_code == 403


def test_incoming_call_is_greeted_by_the_ivr_and_gets_exactly_one_interaction(twilio_post, parse_twiml, db_session,
                                                                               make_customer):
    customer = make_customer(phones=("+79123456789",), language="ru")
    document = parse_twiml(twilio_post("/voice/incoming", call_params(SID)))
    assert document.find("Say").text == "Здравствуйте, Иван!"
    retried = parse_twiml(twilio_post("/voice/incoming", call_params(SID)))  # Twilio may retry a webhook
    gather = retried.find("Gather")
    assert gather.get("action") == "http://127.0.0.1:5000/voice/ivr/input?step=main_menu"
    assert any("оператором" in say.text for say in gather.findall("Say"))
    [interaction] = interactions(db_session, SID)
    assert (interaction.customer_id, interaction.direction, interaction.from_number) == (
        customer.id, "inbound", "+79123456789")


def test_english_speaking_customer_hears_english(twilio_post, parse_twiml, make_customer):
    make_customer(first_name="John", last_name="Smith", phones=("+14155550100",), language="en")
    document = parse_twiml(twilio_post("/voice/incoming", call_params(SID, from_number="+14155550100")))
    assert document.find("Say").text == "Hello, John!"
    assert any("agent" in say.text and say.get("language") == "en-US" for say in document.findall("Gather/Say"))


def test_pressing_zero_reaches_the_agent_queue_and_is_on_the_ivr_path(twilio_post, parse_twiml, db_session,
                                                                     make_customer):
    make_customer(phones=("+79123456789",))
    parse_twiml(twilio_post("/voice/incoming", call_params(SID)))
    document = parse_twiml(twilio_post("/voice/ivr/input?step=main_menu",
                                       call_params(SID, Digits="0", FinishedOnKey="")))
    enqueue = document.find("Enqueue")
    assert enqueue.text == "support"
    assert enqueue.get("waitUrl") == "http://127.0.0.1:5000/voice/queue/wait?queue=support"
    [interaction] = interactions(db_session, SID)
    assert interaction.ivr_path[-2:] == ["main_menu:0", "agent"]


def test_queue_hold_prompt_tells_the_callers_place_in_line(twilio_post, parse_twiml):
    for n in range(3):
        params = call_params(f"CA{n:032d}", from_number=f"+7903555000{n}", QueuePosition="1", QueueSid="QU1")
        document = parse_twiml(twilio_post("/voice/queue/wait?queue=support", params))
    assert "Вы 3-й в очереди" in document.find("Say").text
    assert document.find("Pause").get("length") == "10"


def test_a_failing_voice_route_still_answers_safe_twiml(twilio_post, parse_twiml, caplog):
    params = call_params(SID)
    del params["CallSid"]  # the handler cannot open a call record without it
    document = parse_twiml(twilio_post("/voice/incoming", params))
    assert [e.tag for e in document] == ["Say", "Say", "Enqueue"]
    assert "voice webhook /voice/incoming failed" in caplog.text


def test_a_failing_queue_prompt_hangs_up_politely(twilio_post, parse_twiml):
    params = call_params(SID)
    del params["CallSid"]
    document = parse_twiml(twilio_post("/voice/queue/wait", params))
    assert [e.tag for e in document] == ["Say", "Say", "Hangup"]


def test_fallback_apologises_reaches_an_agent_and_logs_the_error(twilio_post, parse_twiml, db_session, caplog):
    document = parse_twiml(twilio_post("/voice/fallback", call_params(
        SID, ErrorCode="11200", ErrorUrl="http://127.0.0.1:5000/voice/incoming")))
    assert document.find("Enqueue").text == "support"
    [interaction] = interactions(db_session, SID)
    assert [(e.kind, e.detail["code"]) for e in interaction.events if e.kind == "webhook_error"] == [
        ("webhook_error", "11200")]
    assert "ErrorCode=11200" in caplog.text


CALLBACKS = [
    {"CallStatus": "initiated", "SequenceNumber": "0", "Timestamp": "Mon, 01 Jun 2026 12:00:00 +0000"},
    {"CallStatus": "ringing", "SequenceNumber": "1", "Timestamp": "Mon, 01 Jun 2026 12:00:02 +0000"},
    {"CallStatus": "in-progress", "SequenceNumber": "2", "Timestamp": "Mon, 01 Jun 2026 12:00:07 +0000"},
    {"CallStatus": "completed", "SequenceNumber": "3", "Timestamp": "Mon, 01 Jun 2026 12:01:07 +0000",
     "CallDuration": "60", "Duration": "2"},
]


def _final_state(db_session, call_sid):
    db_session.expire_all()
    [interaction] = interactions(db_session, call_sid)
    return (interaction.status, interaction.started_at, interaction.answered_at, interaction.ended_at,
            interaction.talk_seconds, interaction.ring_seconds, interaction.duration_seconds,
            sorted(e.detail["sequence"] for e in interaction.events if e.kind == "status"))


def test_status_callbacks_in_order_fill_the_timeline(twilio_post, db_session):
    for callback in CALLBACKS:
        assert twilio_post("/voice/status", call_params(SID) | callback).status_code == 200
    status, started, answered, ended, talk, ring, duration, sequences = _final_state(db_session, SID)
    assert status == "completed"
    assert (talk, ring, duration) == (60, 7, 67)
    assert sequences == [0, 1, 2, 3]


def test_late_ringing_after_completed_is_ignored(twilio_post, db_session):
    for callback in (CALLBACKS[0], CALLBACKS[3], CALLBACKS[1]):
        twilio_post("/voice/status", call_params(SID) | callback)
    assert _final_state(db_session, SID)[0] == "completed"


_counter = iter(range(10**9))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(order=st.permutations(range(4)), duplicates=st.lists(st.integers(0, 3), max_size=4), seed=st.integers(0, 99))
def test_duplicated_and_shuffled_callbacks_end_as_if_in_order(twilio_post, db_session, order, duplicates, seed):
    n = next(_counter)
    in_order, shuffled = f"CA{n:016x}{'a' * 16}", f"CA{n:016x}{'b' * 16}"
    for callback in CALLBACKS:
        twilio_post("/voice/status", call_params(in_order) | callback)
    deliveries = [CALLBACKS[i] for i in order] + [CALLBACKS[i] for i in duplicates]
    random.Random(seed).shuffle(deliveries)
    for callback in deliveries:
        assert twilio_post("/voice/status", call_params(shuffled) | callback).status_code == 200
    assert _final_state(db_session, shuffled) == _final_state(db_session, in_order)
