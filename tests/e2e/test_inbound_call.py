"""A whole inbound call through the Twilio sandbox: signed webhooks, key presses, status callbacks."""

import sqlalchemy as sa

from crm_core import models


def the_interaction(session, call_sid):
    [interaction] = session.scalars(sa.select(models.Interaction).where(models.Interaction.call_sid == call_sid)).all()
    return interaction


def test_caller_presses_zero_waits_for_an_agent_and_the_call_is_recorded_once(live_platform, committed_session):
    customer = models.Customer(first_name="Мария", last_name="Иванова", language="ru")
    customer.phones = [models.PhoneNumber(e164="+79161234567", kind="mobile", region="RU")]
    committed_session.add(customer)
    committed_session.commit()

    call = live_platform.call_in("+79161234567", [{"press": "0"}], patience=30)

    fetches = [e for e in call["transcript"] if e["event"] == "fetch"]
    assert fetches[0]["url"] == live_platform.url + "/voice/incoming"
    assert {e["status_code"] for e in fetches} == {200}  # every signed request was accepted
    heard = [e["text"] for e in call["transcript"] if e["event"] == "say"]
    assert heard[0] == "Здравствуйте, Мария!"  # a known caller is greeted by name in their language
    assert any("с оператором, нажмите 0" in text for text in heard)
    assert any("в очереди" in text for text in heard)
    assert [e["digits"] for e in call["transcript"] if e["event"] == "press"] == ["0"]
    assert any(e["event"] == "enqueue" and e["queue"] == "support" for e in call["transcript"])

    callbacks = [e for e in call["transcript"] if e["event"] == "status_callback"]
    assert callbacks and all(e["status_code"] == 200 for e in callbacks)
    interaction = the_interaction(committed_session, call["sid"])
    assert interaction.customer_id == customer.id
    assert interaction.ivr_path[-2:] == ["main_menu:0", "agent"]
    assert interaction.ivr_outcome == "transferred"
    assert interaction.status == "completed"
    assert interaction.ended_at is not None and interaction.duration_seconds is not None
    assert {e.kind for e in interaction.events} >= {"ivr", "status", "queue_left"}


def test_caller_who_never_presses_reaches_the_queue_and_unknown_numbers_are_recorded(live_platform, committed_session):
    call = live_platform.call_in("+79035550101", [{"silence": True}] * 3, patience=10)
    assert any(e["event"] == "enqueue" for e in call["transcript"])
    interaction = the_interaction(committed_session, call["sid"])
    assert interaction.customer_id is None
    assert interaction.from_number == "+79035550101"
    assert interaction.status == "completed"


def test_transcript_reads_as_what_the_caller_heard(live_platform):
    from twilio_sandbox import format_transcript

    call = live_platform.call_in("+79035550102", [{"hangup": True}])
    text = format_transcript(call)
    assert "caller +79035550102 dials" in text
    assert "/voice/incoming -> 200" in text
    assert "For English, press 2" in text  # an unknown caller first chooses a language
