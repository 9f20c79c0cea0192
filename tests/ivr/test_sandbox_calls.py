"""The order-tracking flow end to end: the Twilio sandbox dials the IVR over HTTP with signed webhooks and
a scripted caller who presses keys or speaks; we read what the caller heard."""

from datetime import date, datetime, timezone

import pytest
import sqlalchemy as sa

from crm_core import models

from .phrases import CALLERS, HEARS, STATUS

IVR_NUMBER = "+74950001111"
pytestmark = pytest.mark.slow


@pytest.fixture
def ivr_line(live_platform):
    """A sandbox number whose calls go straight to the IVR; `dial(from, script)` returns the finished call."""
    from callcenter.config import SANDBOX_ACCOUNT_SID

    url = live_platform.url
    live_platform.sandbox.add_number(IVR_NUMBER, SANDBOX_ACCOUNT_SID, voice_url=url + "/voice/ivr",
                                     voice_fallback_url=url + "/voice/fallback", status_callback=url + "/voice/status")

    def dial(from_number: str, script: list[dict], **extra) -> dict:
        sid = live_platform.sandbox.place_call(from_number, IVR_NUMBER, script, patience=5, **extra)
        call = live_platform.sandbox.wait(sid, timeout=60)
        assert {e["status_code"] for e in call["transcript"] if e["event"] == "fetch"} == {200}
        call["heard"] = " ".join(e["text"] for e in call["transcript"] if e["event"] == "say")
        return call

    return dial


@pytest.fixture
def shop(committed_session, language):
    """A known customer (in `language`) with an order 10045 in transit, and a stranger's order 20077."""
    info = CALLERS[language]
    customer = models.Customer(first_name=info["first_name"], last_name=info["last_name"], language=language)
    customer.phones = [models.PhoneNumber(e164=info["phone"], kind="mobile")]
    stranger = models.Customer(first_name="Пётр", language="ru")
    stranger.phones = [models.PhoneNumber(e164="+79997776655", kind="mobile")]
    committed_session.add_all([customer, stranger])
    committed_session.flush()
    placed = datetime(2026, 5, 1, tzinfo=timezone.utc)
    for owner, number in ((customer, "10045"), (stranger, "20077")):
        committed_session.add(models.Order(
            customer_id=owner.id, number=number, status="in_transit", carrier="СДЭК", currency=info["currency"],
            total_minor=250000, delivery_postal_code="630099", promised_delivery=date(2031, 3, 15), placed_at=placed,
            events=[models.OrderEvent(status="in_transit", occurred_at=placed)]))
    committed_session.commit()
    return customer


def interaction(session, sid) -> models.Interaction:
    session.expire_all()
    return session.scalars(sa.select(models.Interaction).where(models.Interaction.call_sid == sid)).one()


def test_known_caller_hears_their_latest_order_and_hangs_up_contained(ivr_line, shop, language, committed_session):
    call = ivr_line(CALLERS[language]["phone"], [{"press": "1"}, {"press": "1"}, {"hangup": True}])
    hears = HEARS[language]
    assert call["heard"].startswith(hears["hello"])
    assert f"{hears['order']} {STATUS[language]['in_transit']}. {hears['carrier']}" in call["heard"]
    record = interaction(committed_session, call["sid"])
    assert (record.status, record.ivr_outcome, record.ivr_flow) == ("completed", "contained", "order_tracking")


def test_unknown_caller_chooses_a_language_and_a_strangers_order_needs_the_postal_code(ivr_line, shop, language):
    key = "1" if language == "ru" else "2"
    call = ivr_line("+79035550120", [{"press": key}, {"press": "1"}, {"press": "20077#"}, {"press": "630099#"},
                                     {"press": "9"}])
    hears = HEARS[language]
    assert hears["ask_postal_code"] in call["heard"]
    before, after = call["heard"].split(hears["ask_postal_code"])
    assert STATUS[language]["in_transit"] not in before
    assert f"{hears['order'].replace('1, 0, 0, 4, 5', '2, 0, 0, 7, 7')} {STATUS[language]['in_transit']}" in after
    assert call["heard"].endswith(hears["goodbye"])


def test_a_wrong_postal_code_tells_nothing(ivr_line, shop, language):
    call = ivr_line(CALLERS[language]["phone"], [{"press": "1"}, {"press": "2"}, {"press": "20077#"},
                                                 {"press": "111111#"}, {"hangup": True}])
    assert HEARS[language]["mismatch"] in call["heard"]
    assert STATUS[language]["in_transit"] not in call["heard"]


def test_a_spoken_order_number(ivr_line, shop, language):
    spoken = {"ru": "один ноль ноль четыре пять", "en": "one zero zero four five"}[language]
    call = ivr_line(CALLERS[language]["phone"], [{"say": "заказ" if language == "ru" else "my order"},
                                                 {"press": "2"}, {"say": spoken}, {"hangup": True}])
    assert f"{HEARS[language]['order']} {STATUS[language]['in_transit']}" in call["heard"]


def test_an_unknown_order_number_offers_another_try(ivr_line, shop, language):
    call = ivr_line(CALLERS[language]["phone"], [{"press": "1"}, {"press": "2"}, {"press": "55555#"}, {"press": "1"},
                                                 {"press": "10045#"}, {"hangup": True}])
    assert HEARS[language]["not_found"] in call["heard"]
    assert HEARS[language]["order"] in call["heard"].split(HEARS[language]["not_found"])[1]


def test_three_failed_tries_reach_an_agent(ivr_line, shop, language, committed_session):
    call = ivr_line(CALLERS[language]["phone"], [{"press": "7"}, {"silence": True}, {"press": "8"}])
    hears = HEARS[language]
    assert call["heard"].count(hears["hint"]) == 2
    assert any(e["event"] == "enqueue" and e["queue"] == "support" for e in call["transcript"])
    record = interaction(committed_session, call["sid"])
    assert (record.ivr_outcome, record.context["ivr_failed_step"]) == ("transferred", "main_menu")


def test_a_callback_is_scheduled_for_the_caller_id(ivr_line, shop, language, committed_session):
    call = ivr_line(CALLERS[language]["phone"], [{"press": "2"}, {"press": "1"}])
    assert HEARS[language]["confirm_callback"] in call["heard"]
    assert HEARS[language]["callback_done"] in call["heard"]
    [task] = committed_session.scalars(sa.select(models.Task)).all()
    assert (task.kind, task.status, task.phone_e164) == ("callback", "pending", CALLERS[language]["phone"])
    assert interaction(committed_session, call["sid"]).ivr_outcome == "callback"


def test_the_agent_queue_gets_the_order_asked_about(ivr_line, shop, language, committed_session):
    call = ivr_line(CALLERS[language]["phone"], [{"press": "1"}, {"press": "1"}, {"press": "0"}])
    assert HEARS[language]["agent"] in call["heard"]
    record = interaction(committed_session, call["sid"])
    assert record.context["order_number"] == "10045" and record.ivr_outcome == "transferred"
    assert "after_answer:0" in record.ivr_path
