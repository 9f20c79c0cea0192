"""Leaving self-service: a callback task on the confirmed number, or an agent who sees who called, the
order asked about and the path taken."""

from datetime import timedelta

import sqlalchemy as sa

from crm_core.db import utcnow
from crm_core.models import Task

from .phrases import HEARS


def callbacks(db_session):
    return db_session.scalars(sa.select(Task).where(Task.kind == "callback")).all()


def test_callback_to_the_caller_id_creates_a_pending_task(caller, customer, hears, db_session):
    call = caller(customer.phones[0].e164)
    call.dial()
    call.press("2")
    assert call.heard.startswith(hears["confirm_callback"])
    document = call.press("1")
    assert call.heard.startswith(hears["callback_done"])
    assert document.find("Hangup") is not None
    [task] = callbacks(db_session)
    interaction = call.interaction
    assert (task.status, task.phone_e164, task.customer_id, task.source_interaction_id) == (
        "pending", customer.phones[0].e164, customer.id, interaction.id)
    assert abs(task.due_at - utcnow()) < timedelta(minutes=1)
    assert interaction.ivr_outcome == "callback"


def test_callback_to_a_keyed_in_number(caller, customer, db_session, language):
    call = caller(customer.phones[0].e164)
    call.dial(), call.press("2")
    call.press("2")
    assert call.heard.startswith(HEARS[language]["ask_callback_number"])
    call.press("89161234567")
    assert call.heard.startswith({"ru": "Мы перезвоним вам на номер 8, 9 1 6, 1 2 3, 4 5, 6 7.",
                                  "en": "We will call you back at 8, 9 1 6, 1 2 3, 4 5, 6 7."}[language])
    call.press("1")
    [task] = callbacks(db_session)
    assert task.phone_e164 == "+79161234567"


def test_a_number_with_its_country_code_is_understood(caller, customer, db_session):
    call = caller(customer.phones[0].e164)
    call.dial(), call.press("2"), call.press("2")
    call.press("14155550123")
    call.press("1")
    assert callbacks(db_session)[0].phone_e164 == "+14155550123"


def test_a_keyed_in_number_that_is_no_phone_number_is_asked_again(caller, customer, hears, db_session):
    call = caller(customer.phones[0].e164)
    call.dial(), call.press("2"), call.press("2")
    call.press("1234567")
    assert call.heard.startswith(f"{hears['bad_number']} {hears['ask_callback_number']}")
    assert callbacks(db_session) == []


def test_a_withheld_caller_id_is_asked_for_a_number(caller, db_session):
    call = caller("anonymous")
    call.dial()
    call.press("1")  # Russian
    call.press("2")
    assert call.heard.startswith(HEARS["ru"]["ask_callback_number"])
    call.press("89161234567"), call.press("1")
    [task] = callbacks(db_session)
    assert (task.phone_e164, task.customer_id) == ("+79161234567", None)


def test_asking_twice_on_one_call_keeps_one_callback(caller, customer, db_session, twilio_post, parse_twiml):
    from tests.conftest import call_params

    call = caller(customer.phones[0].e164)
    call.dial(), call.press("2")
    path = call.action_path
    params = call_params(call.call_sid, from_number=call.from_number, Digits="1")
    for _ in range(2):  # Twilio retried the request
        parse_twiml(twilio_post(path, params))
    assert len(callbacks(db_session)) == 1


def test_the_agent_sees_who_called_the_order_asked_about_and_the_path(caller, customer, order_for, hears, language):
    order_for(customer, number="10045")
    call = caller(customer.phones[0].e164)
    call.dial(), call.press("1"), call.press("1")
    document = call.press("0")
    assert call.heard.startswith(hears["agent"])
    enqueue = document.find("Enqueue")
    assert enqueue.text == "support"
    assert enqueue.get("waitUrl") == "http://127.0.0.1:5000/voice/queue/wait?queue=support"
    assert enqueue.get("action") == "http://127.0.0.1:5000/voice/queue/left?queue=support"
    interaction = call.interaction
    context = {k: v for k, v in interaction.context.items() if k != "ivr"}
    assert context == {"skill": "orders", "caller_name": customer.first_name, "order_number": "10045",
                       "order_belongs_to_caller": True}
    assert ["main_menu:1", "offer_latest_order:1", "latest_order", "after_answer:0", "agent"] == [
        p for p in interaction.ivr_path if p in ("main_menu:1", "offer_latest_order:1", "latest_order",
                                                 "after_answer:0", "agent")]
    assert (interaction.ivr_outcome, interaction.language) == ("transferred", language)


def test_an_unknown_caller_reaches_an_agent_in_the_language_they_chose(caller):
    call = caller("+79035550104")
    call.dial()
    call.press("2")
    document = call.press("0")
    assert document.find("Say").get("language") == "en-US"
    assert call.heard.startswith(HEARS["en"]["agent"])
    interaction = call.interaction
    assert interaction.language == "en"
    assert {k: v for k, v in interaction.context.items() if k != "ivr"} == {"skill": "orders"}


def test_an_order_number_that_was_not_found_still_reaches_the_agent(caller, customer, order_for):
    order_for(customer)
    call = caller(customer.phones[0].e164)
    call.dial(), call.press("1"), call.press("2"), call.press("55555")
    call.press("0")
    context = call.interaction.context
    assert context["order_number_asked"] == "55555" and "order_number" not in context
