"""The agent desk over Socket.IO: who may connect, offers reach only their agent, wrap-up is stored."""

import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from crm_core import models
from crm_core.db import utcnow
from tests.conftest import call_params
from tests.console.conftest import received


@pytest.fixture
def waiting_call(twilio_post, parse_twiml, make_customer, make_order, make_interaction):
    """A known customer with an order and an earlier call waits in the support queue; returns its CallSid."""

    def wait(call_sid="CA" + "7" * 32):
        customer = make_customer(first_name="Мария", last_name="Иванова", phones=("+79161234567",))
        make_order(customer, number="10045", status="in_transit")
        make_interaction(customer, disposition="resolved", notes="Спрашивала про доставку")
        parse_twiml(twilio_post("/voice/queue/wait?queue=support",
                                call_params(call_sid, from_number="+79161234567", QueuePosition="1")))
        return call_sid

    return wait


def test_anonymous_socket_is_refused(app):
    from callcenter.extensions import socketio

    client = socketio.test_client(app, namespace="/desk")
    assert not client.is_connected("/desk")


def test_agent_connects_to_the_desk_but_not_to_the_floor(desk_client, make_user):
    agent = make_user("agent")
    desk = desk_client(agent)
    assert desk.is_connected("/desk")
    assert received(desk, "agent_state")[0]["state"] == "offline"
    floor = desk_client(agent, namespace="/floor")
    assert not floor.is_connected("/floor")


def test_supervisor_gets_a_floor_snapshot_and_live_agent_states(desk_client, make_user):
    agent, supervisor = make_user("agent"), make_user("supervisor")
    desk = desk_client(agent)
    floor = desk_client(supervisor, namespace="/floor")
    [snapshot] = received(floor, "snapshot", "/floor")
    assert [a["agent_id"] for a in snapshot["agents"]] == [agent.id]
    assert desk.emit("set_state", {"state": "available"}, namespace="/desk", callback=True) == {
        "ok": True, "state": "available"}
    assert [s["state"] for s in received(floor, "agent_state", "/floor")] == ["available"]


def test_offer_reaches_only_the_chosen_agent_with_the_full_screen_pop(desk_client, make_user, waiting_call):
    first, second = make_user("agent"), make_user("agent")
    desk_a, desk_b = desk_client(first), desk_client(second)
    desk_a.emit("set_state", {"state": "available"}, namespace="/desk", callback=True)
    time.sleep(0.01)
    desk_b.emit("set_state", {"state": "available"}, namespace="/desk", callback=True)
    received(desk_a, "offer"), received(desk_b, "offer")
    call_sid = waiting_call()
    [offer] = received(desk_a, "offer")
    assert received(desk_b, "offer") == []
    assert offer["call"]["call_sid"] == call_sid and offer["expires_in"] == 15
    history = offer["history"]
    assert history["customer"]["display_name"] == "Мария Иванова"
    assert [o["number"] for o in history["orders"]] == ["10045"]
    assert history["interactions"][-1]["notes"] == "Спрашивала про доставку"


def test_declined_offer_goes_to_the_next_agent(desk_client, make_user, waiting_call):
    first, second = make_user("agent"), make_user("agent")
    desk_a, desk_b = desk_client(first), desk_client(second)
    desk_a.emit("set_state", {"state": "available"}, namespace="/desk", callback=True)
    time.sleep(0.01)
    desk_b.emit("set_state", {"state": "available"}, namespace="/desk", callback=True)
    call_sid = waiting_call()
    assert desk_a.emit("decline", {"call_sid": call_sid}, namespace="/desk", callback=True) == {"ok": True}
    assert [o["call"]["call_sid"] for o in received(desk_b, "offer")] == [call_sid]


def test_agent_cannot_accept_a_call_offered_to_someone_else(desk_client, make_user, waiting_call):
    first, second = make_user("agent"), make_user("agent")
    desk_a, desk_b = desk_client(first), desk_client(second)
    desk_a.emit("set_state", {"state": "available"}, namespace="/desk", callback=True)
    call_sid = waiting_call()
    answer = desk_b.emit("accept", {"call_sid": call_sid}, namespace="/desk", callback=True)
    assert answer["ok"] is False and "no longer offered" in answer["error"]


def test_unanswered_offer_moves_on_and_the_agent_becomes_unavailable(app, desk_client, make_user, waiting_call):
    from callcenter.console.wiring import current_desk
    from callcenter.db import get_session

    app.config["OFFER_TIMEOUT_SECONDS"] = 1
    first, second = make_user("agent"), make_user("agent")
    desk_a = desk_client(first)
    desk_a.emit("set_state", {"state": "available"}, namespace="/desk", callback=True)
    call_sid = waiting_call()
    desk_b = desk_client(second)
    desk_b.emit("set_state", {"state": "available"}, namespace="/desk", callback=True)
    time.sleep(1.1)
    with app.app_context():
        current_desk().sweep()
        get_session().commit()
    messages = desk_a.get_received("/desk")
    assert [m["args"][0]["call_sid"] for m in messages if m["name"] == "offer_expired"] == [call_sid]
    assert [m["args"][0]["reason"] for m in messages
            if m["name"] == "agent_state" and m["args"][0]["state"] == "break"] == ["missed offer"]
    assert [o["call"]["call_sid"] for o in received(desk_b, "offer")] == [call_sid]


def test_offer_reaches_the_agent_before_the_webhook_commits_and_the_new_state_after(
        app, desk_client, make_user, make_customer, make_interaction):
    from callcenter.console.wiring import current_desk
    from callcenter.db import get_session

    agent = make_user("agent")
    desk = desk_client(agent)
    desk.emit("set_state", {"state": "available"}, namespace="/desk", callback=True)
    desk.get_received("/desk")
    call = make_interaction(make_customer(phones=("+79161234567",)), from_number="+79161234567",
                            direction="inbound", status="in-progress")
    with app.app_context():
        current_desk().call_waiting(get_session().get(models.Interaction, call.id), "support")
        before_commit = [m["name"] for m in desk.get_received("/desk")]
        get_session().commit()
    assert before_commit == ["offer"]  # the screen-pop does not wait for the database's commit
    assert [s["state"] for s in received(desk, "agent_state")] == ["ringing"]


def test_wrap_up_is_stored_with_its_side_effects_and_agent_is_available_again(desk_client, make_user,
                                                                              make_customer, make_interaction,
                                                                              db_session):
    agent = make_user("agent")
    customer = make_customer()
    call = make_interaction(customer, agent_id=agent.id, from_number="+79123456789", status="completed")
    desk = desk_client(agent)
    due = (utcnow() + timedelta(days=1)).isoformat()
    answer = desk.emit("wrap_up", {"interaction_id": call.id, "disposition": "callback_requested",
                                   "notes": "Перезвонить <b>завтра</b>", "callback_at": due},
                       namespace="/desk", callback=True)
    assert answer == {"ok": True, "interaction_id": call.id}
    db_session.expire_all()
    stored = db_session.get(models.Interaction, call.id)
    assert (stored.disposition, stored.notes) == ("callback_requested", "Перезвонить <b>завтра</b>")
    assert db_session.scalar(sa.select(models.Task.phone_e164)) == "+79123456789"


@pytest.mark.parametrize("payload, field", [
    ({"interaction_id": "x", "disposition": "resolved"}, "interaction_id"),
    ({"interaction_id": 1, "disposition": "resolved", "callback_at": "tomorrow"}, "callback_at"),
    ({"interaction_id": 1, "disposition": "resolved", "callback_at": "2030-01-01T10:00:00"}, "callback_at"),
])
def test_malformed_wrap_up_is_refused_naming_the_field(desk_client, make_user, payload, field):
    answer = desk_client(make_user("agent")).emit("wrap_up", payload, namespace="/desk", callback=True)
    assert answer["ok"] is False and answer["field"] == field


@pytest.mark.parametrize("payload", [None, "text", [1, 2], {"state": 5}, {"state": "ringing"}])
def test_junk_state_changes_are_refused(desk_client, make_user, payload):
    answer = desk_client(make_user("agent")).emit("set_state", payload, namespace="/desk", callback=True)
    assert answer["ok"] is False


def test_every_state_change_is_recorded_with_its_time(desk_client, make_user, db_session):
    agent = make_user("agent")
    desk = desk_client(agent)
    desk.emit("set_state", {"state": "available"}, namespace="/desk", callback=True)
    desk.emit("set_state", {"state": "break", "reason": "lunch"}, namespace="/desk", callback=True)
    rows = db_session.execute(sa.select(models.AgentStateChange.state, models.AgentStateChange.reason)
                              .where(models.AgentStateChange.user_id == agent.id)
                              .order_by(models.AgentStateChange.id)).all()
    assert rows == [("available", None), ("break", "lunch")]


def test_a_reloaded_console_gets_the_pending_offer_again(desk_client, make_user, waiting_call):
    agent = make_user("agent")
    desk_client(agent).emit("set_state", {"state": "available"}, namespace="/desk", callback=True)
    call_sid = waiting_call()
    reloaded = desk_client(agent)
    messages = reloaded.get_received("/desk")
    [state] = [m["args"][0] for m in messages if m["name"] == "agent_state"]
    assert state["state"] == "ringing" and state["interaction_id"] is not None
    [offer] = [m["args"][0] for m in messages if m["name"] == "offer"]
    assert offer["call"]["call_sid"] == call_sid and 0 < offer["expires_in"] <= 15


def test_supervisors_see_queues_change(desk_client, make_user, waiting_call):
    floor = desk_client(make_user("supervisor"), namespace="/floor")
    call_sid = waiting_call()
    queues = received(floor, "queue", "/floor")
    assert queues[-1] == {"name": "support", "call_sids": [call_sid]}


def test_a_refused_action_tells_nobody_anything(desk_client, make_user, make_customer, make_interaction):
    agent = make_user("agent")
    call = make_interaction(make_customer(), agent_id=agent.id, status="completed")
    desk = desk_client(agent)
    desk.get_received("/desk")
    answer = desk.emit("wrap_up", {"interaction_id": call.id, "disposition": "callback_requested"},
                       namespace="/desk", callback=True)
    assert answer["ok"] is False and answer["field"] == "callback_at"
    assert desk.get_received("/desk") == []
