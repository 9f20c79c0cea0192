"""Callers of the order-tracking IVR who press anything, say anything or stay silent at every step: each answer
is playable TwiML, the call always goes somewhere (asked again, redirected, queued for an agent or said goodbye),
and junk alone never keeps a caller in the IVR: they reach an agent."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from hypothesis import given, strategies as st

from tests.conftest import call_params
from tests.ivr.conftest import IvrCaller

from .conftest import fuzz_settings, hostile_text

# Where a call may be after an answer: still being asked, moved on by a redirect, or out of the IVR.
GOES_ON = {"Gather", "Redirect", "Enqueue", "Hangup"}
LEFT_THE_IVR = {"Enqueue", "Hangup"}

answers = st.one_of(
    st.tuples(st.just("press"), st.one_of(st.sampled_from(["0", "1", "2", "*", "#", "10045", "630099", "99999"]),
                                          st.text("0123456789*#", max_size=12), hostile_text)),
    st.tuples(st.just("say"), st.one_of(st.sampled_from(["order 10045", "где мой заказ", "agent", "yes", "нет"]),
                                        hostile_text)),
    st.tuples(st.just("wait"), st.none()),
)
# Answers no step of the flow understands: keys it never offers, mumbling, silence.
junk = st.one_of(st.tuples(st.just("press"), st.sampled_from(["5", "7", "8#", "56"])),
                 st.tuples(st.just("say"), st.text("xqjz ", min_size=1, max_size=12)),
                 st.tuples(st.just("wait"), st.none()))


@pytest.fixture(params=["known", "unknown"])
def caller_number(request, make_customer, make_order) -> str:
    """The number the caller rings from: a customer's with an order, or one we have never seen."""
    if request.param == "unknown":
        return "+79035550000"
    customer = make_customer(phones=("+79161112233",), language="ru", postal_code="630099")
    make_order(customer, number="10045", delivery_postal_code="630099")
    return "+79161112233"


def answer(caller: IvrCaller, how: str, what: str | None):
    """Give one answer to the step the caller was last asked."""
    return caller.wait() if how == "wait" else getattr(caller, how)(what)


def test_any_answer_at_any_step_is_answered_with_twiml_that_takes_the_call_somewhere(
        app, twilio_post, parse_twiml, db_session, caller_number, isolated, garbage):

    @fuzz_settings()
    @given(replies=st.lists(answers, min_size=1, max_size=10))
    def call(replies):
        with isolated():
            caller = IvrCaller(app, twilio_post, parse_twiml, db_session, caller_number)
            document = caller.dial()
            for how, what in replies:
                if document[-1].tag in LEFT_THE_IVR:
                    break
                document = answer(caller, how, what)
                assert document[-1].tag in GOES_ON, [verb.tag for verb in document]
            assert garbage() == []

    call()


def test_a_caller_who_gives_only_junk_reaches_an_agent(app, twilio_post, parse_twiml, db_session, caller_number,
                                                      isolated):

    @fuzz_settings(max_examples=20)
    @given(replies=st.lists(junk, min_size=12, max_size=12))
    def call(replies):
        with isolated():
            caller = IvrCaller(app, twilio_post, parse_twiml, db_session, caller_number)
            document = caller.dial()
            for how, what in replies:
                if document[-1].tag in LEFT_THE_IVR:
                    break
                document = answer(caller, how, what)
            assert document.find("Enqueue") is not None, [verb.tag for verb in document]

    call()


@pytest.mark.parametrize("step", ["", "no_such_step", "main_menu", "agent", "goodbye", "../identify", "ф" * 500])
def test_an_answer_for_a_step_the_call_is_not_at_still_gets_twiml(twilio_post, parse_twiml, step):
    call_sid = "CA" + "f" * 32
    parse_twiml(twilio_post("/voice/ivr", call_params(call_sid)))
    document = parse_twiml(twilio_post(f"/voice/ivr/input?{urlencode({'step': step})}",
                                       call_params(call_sid, Digits="1")))
    assert document[-1].tag in GOES_ON


def test_a_customer_whose_stored_name_has_a_control_character_still_hears_readable_twiml(
        app, twilio_post, parse_twiml, db_session, make_customer):
    make_customer(first_name="Ив\x01ан", last_name="Петров\x0b", phones=("+79161112244",), language="ru")
    caller = IvrCaller(app, twilio_post, parse_twiml, db_session, "+79161112244")
    assert "Здравствуйте, Иван!" in " ".join(say.text for say in caller.dial().iter("Say"))
