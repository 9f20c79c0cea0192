"""Who may use every Socket.IO event: the handlers of /desk and /floor against a hand-written table.

A signed-out socket connects nowhere; agents connect only to /desk, where each hears only their own room and
every event acts on their own desk or their own call; supervisors and admins watch the floor."""

from __future__ import annotations

import time

import pytest

from agent_console.routing import Router
from crm_core.users import create_user
from callcenter.console.events import DeskNamespace
from callcenter.console.floor_events import FloorNamespace
from callcenter.extensions import socketio
from tests.conftest import call_params
from tests.console.conftest import received

from .conftest import ROLES

# own_desk: acts on the sender's own state or current call, takes no other agent's id;
# own_call: names a call or interaction, which must be the sender's; supervisor: supervisors and admins only.
DESK_EVENTS = {
    "connect": "user", "disconnect": "user",
    "set_state": "own_desk", "hangup": "own_desk", "hold": "own_desk", "resume": "own_desk",
    "transfer_targets": "own_desk", "transfer": "own_desk", "dial": "own_desk", "preview_call": "own_desk",
    "preview_skip": "own_desk",
    "accept": "own_call", "decline": "own_call", "wrap_up": "own_call", "offer_response": "own_call",
    "link_customer": "own_call",
}
FLOOR_EVENTS = {"connect": "supervisor", "force_state": "supervisor", "monitor": "supervisor",
                "stop_monitoring": "supervisor"}
NAMESPACES = {"/desk": (DeskNamespace, DESK_EVENTS), "/floor": (FloorNamespace, FLOOR_EVENTS)}
WHO_CONNECTS = {"/desk": set(ROLES), "/floor": {"supervisor", "admin"}}


def handlers(namespace_class) -> set[str]:
    return {name.removeprefix("on_") for name in dir(namespace_class) if name.startswith("on_")}


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_every_socket_event_has_its_protection_written_down(namespace):
    namespace_class, table = NAMESPACES[namespace]
    assert handlers(namespace_class) == table.keys(), f"classify the events of {namespace} in this module"


@pytest.mark.parametrize("role", [None, *ROLES], ids=["anonymous", *ROLES])
@pytest.mark.parametrize("namespace", NAMESPACES)
def test_each_role_connects_exactly_where_it_may(app, desk_client, role_users, namespace, role):
    if role is None:
        client = socketio.test_client(app, namespace=namespace, flask_test_client=app.test_client())
    else:
        client = desk_client(role_users[role], namespace=namespace)
    assert client.is_connected(namespace) == (role in WHO_CONNECTS[namespace])


@pytest.fixture
def two_agents(make_user, desk_client):
    """Agents A and B at their desks, both available; returns (A, desk of A, B, desk of B)."""
    a, b = make_user("agent"), make_user("agent")
    desk_a, desk_b = desk_client(a), desk_client(b)
    for desk in (desk_a, desk_b):
        assert desk.emit("set_state", {"state": "available"}, namespace="/desk", callback=True)["ok"]
        time.sleep(0.01)  # A becomes the longest idle
        received(desk, "agent_state")
    return a, desk_a, b, desk_b


def agent_state(app, agent_id: int) -> str:
    with app.app_context():
        from callcenter.console.wiring import current_router

        router: Router = current_router()
        return router.agent(agent_id).state


@pytest.mark.parametrize("event", sorted(e for e, kind in DESK_EVENTS.items() if kind == "own_desk"))
def test_an_agents_desk_event_never_reaches_or_changes_another_agent(app, two_agents, event):
    a, desk_a, b, desk_b = two_agents
    # Aimed at A wherever a field could name an agent (a number that cannot be dialled: no call leaves the test).
    payload = {"state": "break", "reason": "lunch", "agent_id": a.id, "to_agent": a.id, "number": "not a number"}
    desk_b.emit(event, payload, namespace="/desk", callback=True)
    assert received(desk_a, "agent_state") == [] and desk_a.get_received("/desk") == []
    assert agent_state(app, a.id) == "available"


@pytest.fixture
def call_of_agent_a(two_agents, twilio_post, parse_twiml, make_customer, make_interaction, db_session):
    """A call offered to agent A, and an earlier call A handled; returns (CallSid, Interaction)."""
    a, desk_a, b, desk_b = two_agents
    customer = make_customer(phones=("+79161234567",))
    handled = make_interaction(customer, agent_id=a.id, status="completed", direction="inbound")
    db_session.commit()
    call_sid = "CA" + "7" * 32
    parse_twiml(twilio_post("/voice/queue/wait?queue=support",
                            call_params(call_sid, from_number="+79161234567", QueuePosition="1")))
    [offer] = received(desk_a, "offer")
    assert offer["call"]["call_sid"] == call_sid
    return call_sid, handled


@pytest.mark.parametrize("event", sorted(e for e, kind in DESK_EVENTS.items() if kind == "own_call"))
def test_an_agent_cannot_act_on_another_agents_call(app, two_agents, call_of_agent_a, make_customer, db_session,
                                                     event):
    a, desk_a, b, desk_b = two_agents
    call_sid, handled = call_of_agent_a
    other_customer = make_customer(phones=("+79160000001",))
    db_session.commit()
    answer = desk_b.emit(event, {"call_sid": call_sid, "interaction_id": handled.id, "disposition": "resolved",
                                 "notes": "not mine", "offer_id": 1, "response": "accepted",
                                 "customer_id": other_customer.id}, namespace="/desk", callback=True)
    assert answer["ok"] is False
    db_session.refresh(handled)
    assert (handled.disposition, handled.notes, handled.customer_id) == (None, None, call_of_agent_a[1].customer_id)
    assert agent_state(app, a.id) == "ringing"


def test_supervisors_hear_every_agent_and_agents_hear_only_themselves(two_agents, desk_client, role_users):
    a, desk_a, b, desk_b = two_agents
    floor = desk_client(role_users["supervisor"], namespace="/floor")
    received(floor, "agent_state", "/floor")
    desk_a.emit("set_state", {"state": "break", "reason": "lunch"}, namespace="/desk", callback=True)
    assert [s["state"] for s in received(desk_a, "agent_state")] == ["break"]
    assert desk_b.get_received("/desk") == []
    assert [(s["agent_id"], s["state"]) for s in received(floor, "agent_state", "/floor")] == [(a.id, "break")]


@pytest.mark.slow
@pytest.mark.parametrize("origin, connects", [(None, True), ("https://evil.example", False)],
                         ids=["the platform's own page", "another site"])
def test_only_the_platforms_own_pages_open_a_signed_in_socket(live_platform, committed_session, caplog, origin,
                                                             connects):
    """A page of another site cannot ride an agent's session cookie into the desk (cross-site WebSocket hijacking)."""
    import socketio as socketio_client

    agent = create_user(committed_session, username="olga", full_name="Ольга", role="agent",
                        password="correct horse battery")
    committed_session.commit()
    app = live_platform.app
    cookie = app.session_interface.get_signing_serializer(app).dumps({"_user_id": str(agent.id), "_fresh": True})
    client = socketio_client.Client(reconnection=False)
    headers = {"Cookie": f"{app.config['SESSION_COOKIE_NAME']}={cookie}",
               "Origin": origin or live_platform.app.config["PUBLIC_BASE_URL"]}
    try:
        # Long-polling: the client sends exactly this Origin (its websocket handshake would add one of its own).
        client.connect(live_platform.url, namespaces=["/desk"], transports=["polling"], headers=headers,
                       wait_timeout=10)
        connected = client.connected
    except socketio_client.exceptions.ConnectionError:
        connected = False
    finally:
        client.disconnect()
    assert connected == connects
    assert ("https://evil.example is not an accepted origin" in caplog.text) == (not connects)
