"""Next-best offers at screen-pop: suggested with their reason to customers of the offer's segment only, and the
customer's answer logged once, by the agent who holds the call."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from crm_core import models
from crm_core.db import utcnow
from crm_core.offers import DEMO_CATALOG, load_catalog
from tests.conftest import call_params
from tests.console.conftest import received

LOYAL, NEWCOMER = "+79161110001", "+79161110002"


@pytest.fixture
def offer_desk(db_session, desk_client, make_user, make_customer, make_order, twilio_post, parse_twiml):
    """The demo catalog, a loyal buyer (3 orders in 90 days, none late) and a newcomer (no orders), and an
    available agent; returns (agent, desk, call_in(number) -> the offer the agent receives)."""
    load_catalog(db_session, DEMO_CATALOG, now=utcnow())
    loyal = make_customer(first_name="Ольга", last_name="Верная", phones=(LOYAL,), language="ru")
    for days in (10, 30, 60):
        make_order(loyal, status="delivered", placed_at=utcnow() - timedelta(days=days))
    make_customer(first_name="Пётр", last_name="Новый", phones=(NEWCOMER,))
    agent = make_user("agent")
    desk = desk_client(agent)
    assert desk.emit("set_state", {"state": "available"}, namespace="/desk", callback=True)["ok"]

    def call_in(number):
        call_sid = "CA" + number[-8:].rjust(32, "0")
        parse_twiml(twilio_post("/voice/queue/wait?queue=support",
                                call_params(call_sid, from_number=number, QueuePosition="1")))
        [offer] = received(desk, "offer")
        return offer

    return agent, desk, call_in


def test_loyal_buyer_gets_the_offer_with_its_reason(offer_desk):
    _, _, call_in = offer_desk
    offer = call_in(LOYAL)
    assert [o["code"] for o in offer["offers"]] == ["loyal-free-delivery"]
    [suggested] = offer["offers"]
    assert suggested["language"] == "ru" and suggested["text"].startswith("Спасибо, что покупаете у нас")
    assert suggested["reason"] == "3 orders in 90 days, none delivered late"


def test_customer_outside_every_segment_gets_no_offer(offer_desk):
    _, _, call_in = offer_desk
    offer = call_in(NEWCOMER)
    assert offer["history"]["known"] and offer["offers"] == []


def test_unknown_caller_gets_no_offer(offer_desk):
    _, _, call_in = offer_desk
    offer = call_in("+79161119999")
    assert not offer["history"]["known"] and offer["offers"] == []


def test_answer_is_logged_once_and_only_by_the_agent_on_the_call(offer_desk, db_session, desk_client, make_user):
    agent, desk, call_in = offer_desk
    offer = call_in(LOYAL)
    interaction = db_session.get(models.Interaction, offer["call"]["interaction_id"])
    interaction.agent_id = agent.id  # what accepting the call records
    other = desk_client(make_user("agent"))
    answer = {"interaction_id": interaction.id, "offer_id": offer["offers"][0]["offer_id"], "response": "accepted"}

    refused = other.emit("offer_response", answer, namespace="/desk", callback=True)
    assert refused == {"ok": False, "error": "this is not your call", "field": None}
    for _ in range(2):  # a double click
        assert desk.emit("offer_response", answer, namespace="/desk", callback=True) == {
            "ok": True, "offer_id": answer["offer_id"], "response": "accepted"}
    wrong = desk.emit("offer_response", answer | {"response": "maybe"}, namespace="/desk", callback=True)
    assert wrong["ok"] is False and wrong["field"] == "response"

    db_session.expire_all()
    logged = db_session.scalars(sa.select(models.OfferResponse)).all()
    assert [(r.offer_id, r.interaction_id, r.agent_id, r.response) for r in logged] == [
        (answer["offer_id"], interaction.id, agent.id, "accepted")]
