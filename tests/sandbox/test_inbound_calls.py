"""A simulated customer calls one of our numbers: webhooks, IVR input, transcript."""

from __future__ import annotations

from twilio.twiml.voice_response import Gather, VoiceResponse

from twilio_sandbox import format_transcript

from .conftest import ACCOUNT_SID, CUSTOMER, OUR_NUMBER, eventually, hangup_event


def test_inbound_call_fetches_voice_url_with_twilio_parameters(control, customer, our_number):
    customer.twiml("/voice", lambda r, p: r.say("Здравствуйте", language="ru-RU"))

    call = control.wait(control.place_call(CUSTOMER, our_number, script=[], from_city="MOSCOW"))

    (first,) = customer.requests_to("/voice")
    assert first["CallSid"] == call["sid"] and call["sid"].startswith("CA") and len(call["sid"]) == 34
    assert first["AccountSid"] == ACCOUNT_SID
    assert (first["From"], first["To"], first["Caller"], first["Called"]) == (
        CUSTOMER,
        OUR_NUMBER,
        CUSTOMER,
        OUR_NUMBER,
    )
    assert first["CallStatus"] == "ringing"
    assert first["Direction"] == "inbound"
    assert first["ApiVersion"] == "2010-04-01"
    assert first["FromCountry"] == first["CallerCountry"] == "RU"
    assert first["FromCity"] == "MOSCOW"
    assert first["ToState"] == ""
    assert call["status"] == "completed"
    assert call["direction"] == "inbound"
    says = [e for e in call["transcript"] if e["event"] == "say"]
    assert says == [{"t": says[0]["t"], "event": "say", "text": "Здравствуйте", "language": "ru-RU", "voice": "man"}]


def test_caller_presses_digits_into_gathers_and_actions_receive_them(control, customer, our_number):
    def menu(response: VoiceResponse, params: dict) -> None:
        gather = response.gather(num_digits=1, action="/menu", timeout=5)
        gather.say("Press 1 for order status")

    def order(response: VoiceResponse, params: dict) -> None:
        response.gather(action="order", finish_on_key="#").say("Enter your order number")

    customer.twiml("/voice", menu)
    customer.twiml("/menu", order)
    customer.twiml("/order", lambda r, p: r.say(f"Order {p['Digits']} is on its way"))

    call = control.wait(control.place_call(CUSTOMER, our_number, script=[{"press": "1"}, {"press": "10045#"}]))

    (menu_choice,) = customer.requests_to("/menu")
    assert menu_choice["Digits"] == "1"
    assert menu_choice["CallStatus"] == "in-progress"
    (order_number,) = customer.requests_to("/order")
    assert (order_number["Digits"], order_number["FinishedOnKey"]) == ("10045", "#")
    events = [e["event"] for e in call["transcript"]]
    assert events.count("press") == 2
    assert "Order 10045 is on its way" in [e.get("text") for e in call["transcript"]]
    assert call["transcript"][-1]["event"] == "status_callback"


def test_caller_speech_reaches_the_gather_as_speech_result(control, customer, our_number):
    customer.twiml("/voice", lambda r, p: r.append(Gather(input="speech dtmf", action="/heard", language="ru-RU")))
    customer.twiml("/heard", lambda r, p: r.hangup())

    control.wait(control.place_call(CUSTOMER, our_number, script=[{"say": "заказ 10045", "confidence": 0.75}]))

    (heard,) = customer.requests_to("/heard")
    assert heard["SpeechResult"] == "заказ 10045"
    assert heard["Confidence"] == "0.75"
    assert "Digits" not in heard


def test_silence_lets_the_gather_time_out_and_fall_through(control, customer, our_number):
    def menu(response: VoiceResponse, params: dict) -> None:
        response.gather(action="/never", timeout=3)
        response.say("We did not receive any input")

    customer.twiml("/voice", menu)

    call = control.wait(control.place_call(CUSTOMER, our_number, script=[{"silence": True}]))

    assert customer.requests_to("/never") == []
    gather_at = next(e["t"] for e in call["transcript"] if e["event"] == "gather")
    said = next(e for e in call["transcript"] if e.get("text") == "We did not receive any input")
    assert said["t"] - gather_at >= 3 - 0.1  # transcript times are to the tenth of a second: 1.6 -> 4.6 is 2.99...
    assert hangup_event(call)["by"] == "twiml"


def test_action_on_empty_result_calls_the_action_without_input(control, customer, our_number):
    customer.twiml("/voice", lambda r, p: r.gather(action="/empty", action_on_empty_result=True, timeout=1))

    control.wait(control.place_call(CUSTOMER, our_number, script=[{"silence": True}]))

    (empty,) = customer.requests_to("/empty")
    assert "Digits" not in empty and "SpeechResult" not in empty


def test_caller_hangs_up_when_the_script_runs_out(control, customer, our_number):
    customer.twiml("/voice", lambda r, p: r.gather(action="/next"))

    call = control.wait(control.place_call(CUSTOMER, our_number, script=[]))

    hangup = next(e for e in call["transcript"] if e["event"] == "hangup")
    assert hangup["by"] == "caller"
    assert call["status"] == "completed"
    assert customer.requests_to("/next") == []


def test_hangup_action_in_the_script_ends_the_call_at_that_gather(control, customer, our_number):
    customer.twiml("/voice", lambda r, p: r.gather(num_digits=1, action="/voice"))

    call = control.wait(
        control.place_call(CUSTOMER, our_number, script=[{"press": "5"}, {"wait": 2}, {"hangup": True}])
    )

    assert [p.get("Digits") for p in customer.requests_to("/voice")] == [None, "5"]
    assert hangup_event(call)["by"] == "caller"


def test_redirect_resolves_relative_urls_and_skips_the_rest_of_the_document(control, customer, our_number):
    def start(response: VoiceResponse, params: dict) -> None:
        response.redirect("ivr/step2?from=start", method="GET")
        response.say("never heard")

    customer.twiml("/voice", start)
    customer.twiml("/ivr/step2", lambda r, p: r.say("step two"))

    call = control.wait(control.place_call(CUSTOMER, our_number, script=[]))

    (step2,) = customer.requests_to("/ivr/step2")
    assert step2["from"] == "start" and step2["CallSid"] == call["sid"]
    texts = [e.get("text") for e in call["transcript"]]
    assert "step two" in texts and "never heard" not in texts


def test_live_key_presses_answer_the_gather_of_an_interactive_caller(control, customer, our_number):
    customer.twiml("/voice", lambda r, p: r.gather(num_digits=2, action="/got", timeout=600).say("Enter two digits"))
    customer.twiml("/got", lambda r, p: r.say("thanks"))
    sid = control.place_call(CUSTOMER, our_number)

    eventually(lambda: control.call(sid)["gathering"])
    control.press(sid, "4")
    control.press(sid, "2")
    control.wait(sid)

    assert customer.requests_to("/got")[0]["Digits"] == "42"


def test_reject_busy_leaves_the_call_unanswered(control, customer, our_number):
    customer.twiml("/voice", lambda r, p: r.reject(reason="busy"))

    call = control.wait(control.place_call(CUSTOMER, our_number, script=[]))

    assert call["status"] == "busy"
    assert call["duration"] == 0


def test_number_status_callback_reports_completion_once(control, customer, our_number):
    customer.twiml("/voice", lambda r, p: r.pause(length=2))

    call = control.wait(control.place_call(CUSTOMER, our_number, script=[]))

    (completed,) = customer.requests_to("/status")
    assert completed["CallStatus"] == "completed"
    assert completed["SequenceNumber"] == "0"
    assert completed["CallbackSource"] == "call-progress-events"
    assert int(completed["CallDuration"]) >= 2
    assert completed["Duration"] == "1"
    assert completed["Timestamp"].endswith("+0000")
    assert call["duration"] >= 2


def test_record_passes_the_recording_to_its_action(control, customer, our_number):
    customer.twiml("/voice", lambda r, p: r.record(action="/recorded", timeout=2, max_length=30))
    customer.twiml("/recorded", lambda r, p: r.say("Thank you"))

    control.wait(control.place_call(CUSTOMER, our_number, script=[{"say": "please call me back tomorrow"}]))

    (recorded,) = customer.requests_to("/recorded")
    assert recorded["RecordingSid"].startswith("RE")
    assert recorded["RecordingUrl"].endswith(recorded["RecordingSid"])
    assert int(recorded["RecordingDuration"]) >= 1


def test_transcript_reads_like_the_call(control, customer, our_number):
    customer.twiml("/voice", lambda r, p: r.gather(num_digits=1, action="/x").say("Здравствуйте", language="ru-RU"))
    customer.twiml("/x", lambda r, p: r.hangup())

    call = control.wait(control.place_call(CUSTOMER, our_number, script=[{"press": "1"}]))
    lines = format_transcript(call).splitlines()

    assert lines[0] == f"[  0.0s] caller {CUSTOMER} dials {OUR_NUMBER}"
    assert any(line.endswith(f"fetched POST {customer.url('/voice')} -> 200") for line in lines)
    assert any(line.endswith("heard (ru-RU): Здравствуйте") for line in lines)
    assert any(line.endswith("pressed 1") for line in lines)
    assert any("hung up by twiml" in line for line in lines)


def test_a_number_configured_for_get_sends_signed_query_parameters(control, customer):
    control.add_number(OUR_NUMBER, ACCOUNT_SID, customer.url("/voice?lang=ru"), voice_method="GET")
    customer.twiml("/voice", lambda r, p: r.say("privet"))

    control.wait(control.place_call(CUSTOMER, OUR_NUMBER, script=[]))

    (hit,) = [h for h in customer.hits if h.path == "/voice"]
    assert hit.method == "GET"
    assert (hit.params["lang"], hit.params["CallSid"][:2], hit.params["From"]) == ("ru", "CA", CUSTOMER)
    assert hit.signature_valid
