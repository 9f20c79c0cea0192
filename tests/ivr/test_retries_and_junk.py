"""Failed tries (silence, wrong keys, junk) are retried with a short hint, the third goes to an agent; junk
never reaches a query nor breaks the TwiML."""

import pytest
import sqlalchemy as sa

from .phrases import HEARS

JUNK = [
    "12ab5",
    "1" * 200,
    "'; DROP TABLE orders; --",
    "10045 OR 1=1",
    "<Say>free money</Say>]]><Hangup/>",
    "&amp; &#x0; \u202e",
]


@pytest.fixture
def selects(connection):
    """The parameters of every SELECT the test's connection runs."""
    seen = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append(repr(parameters))

    sa.event.listen(connection, "before_cursor_execute", record)
    yield seen
    sa.event.remove(connection, "before_cursor_execute", record)


def test_a_wrong_key_is_retried_with_a_short_hint(caller, customer, hears):
    call = caller(customer.phones[0].e164)
    call.dial()
    call.press("7")
    assert call.heard.startswith(f"{hears['hint']} {hears['menu']}")
    assert call.action_path == "/voice/ivr/input?step=main_menu"


def test_silence_is_retried_with_a_short_hint(caller, customer, hears):
    call = caller(customer.phones[0].e164)
    call.dial()
    call.wait()
    assert call.heard.startswith(f"{hears['hint']} {hears['menu']}")
    assert "main_menu:timeout" in call.interaction.ivr_path


def test_a_step_may_have_its_own_hint(caller, customer, order_for, hears):
    order_for(customer)
    call = caller(customer.phones[0].e164)
    call.dial(), call.press("1"), call.press("2")
    call.press("12")  # too short to be an order number
    assert call.heard.startswith(f"{hears['number_hint']}")
    assert call.heard.split(". ", 1)[1].startswith(hears["ask_number"])


def test_the_third_failed_try_goes_to_an_agent(caller, customer, hears, language):
    call = caller(customer.phones[0].e164)
    call.dial()
    call.press("7")
    call.wait()
    document = call.press("5")
    assert call.heard.startswith(hears["agent"])
    assert document.find("Enqueue").text == "support"
    interaction = call.interaction
    assert interaction.context["ivr_failed_step"] == "main_menu"
    assert interaction.ivr_outcome == "transferred"
    assert [p for p in interaction.ivr_path if p.startswith("main_menu:")] == [
        "main_menu:invalid", "main_menu:timeout", "main_menu:invalid"]


def test_a_good_answer_resets_the_count_of_failed_tries(caller, customer, hears):
    call = caller(customer.phones[0].e164)
    call.dial()
    call.press("7"), call.press("7")
    call.press("*")  # repeat: a valid choice
    call.press("7"), call.press("7")
    assert call.document.find("Enqueue") is None
    assert call.heard.startswith(hears["hint"])


def test_silence_after_the_answer_ends_the_call_politely(caller, customer, order_for, hears):
    order_for(customer)
    call = caller(customer.phones[0].e164)
    call.dial(), call.press("1"), call.press("1")
    call.wait(), call.wait()
    document = call.wait()
    assert call.heard == hears["goodbye"]
    assert document.find("Hangup") is not None
    assert call.interaction.ivr_outcome == "contained"


@pytest.mark.parametrize("junk", JUNK)
@pytest.mark.parametrize("how", ["press", "say"])
def test_junk_order_numbers_are_invalid_input_and_never_queried(caller, customer, order_for, hears, selects, junk,
                                                                how):
    order_for(customer)
    call = caller(customer.phones[0].e164)
    call.dial(), call.press("1"), call.press("2")
    selects.clear()
    getattr(call, how)(junk)  # parse_twiml checks the answer against Twilio's schema
    assert call.heard.startswith(hears["number_hint"])
    assert not [params for params in selects if junk[:20] in params]
    logged = [e.detail for e in call.interaction.events if e.detail.get("step") == "ask_order_number:invalid"]
    assert logged and all(len(d.get("input", "")) <= 40 for d in logged)


@pytest.mark.parametrize("junk", JUNK)
def test_junk_keys_in_a_menu_are_invalid_input(caller, junk):
    call = caller("+79035550103")
    call.dial()
    call.press(junk)
    assert call.heard.startswith(" ".join([HEARS["ru"]["hint"], HEARS["en"]["hint"]]))


@pytest.mark.parametrize("junk", ["'; DELETE FROM customers; --", "<Say>free money</Say>]]><Hangup/>", "x" * 300,
                                  "&amp; &#x0; \u202e"])
def test_junk_speech_in_a_menu_is_invalid_input(caller, customer, hears, junk):
    call = caller(customer.phones[0].e164)
    call.dial()
    call.say(junk)
    assert call.heard.startswith(f"{hears['hint']} {hears['menu']}")


def test_a_menu_choice_can_be_said(caller, customer, hears, language):
    call = caller(customer.phones[0].e164)
    call.dial()
    call.say({"ru": "Соедините с оператором, пожалуйста", "en": "I want to talk to an agent"}[language])
    assert call.heard.startswith(hears["agent"])


def test_an_answer_to_another_step_asks_the_waiting_step_again(caller, customer, twilio_post, parse_twiml, hears):
    from tests.conftest import call_params

    call = caller(customer.phones[0].e164)
    call.dial()
    stale = twilio_post("/voice/ivr/input?step=ask_postal_code",
                        call_params(call.call_sid, from_number=call.from_number, Digits="630099"))
    document = parse_twiml(stale)
    assert document.find("Gather").get("action").endswith("?step=main_menu")
    assert hears["hint"] not in " ".join(s.text for s in document.iter("Say"))


def test_a_retried_first_webhook_keeps_one_session(caller, customer, hears):
    call = caller(customer.phones[0].e164)
    call.dial()
    call.dial()
    assert call.heard.startswith(hears["menu"])
    assert call.interaction.ivr_path.count("identify") == 1
