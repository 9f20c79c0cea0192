"""Fixtures for monitoring: agents and a supervisor whose sandbox softphones answer, a live call between a
caller and an agent, and the real twilio client reading the call's conference."""

import pytest

from crm_core.users import create_user
from tests.conftest import wait_until
from tests.console.conftest import desk_client, login_as  # noqa: F401  (Socket.IO clients of logged-in users)
from tests.monitoring.rooms import devices_in_room, participants

CALLER = "+79161234567"
# An unknown caller first chooses Russian (1), then asks for an agent (0).
TO_AN_AGENT = [{"press": "1"}, {"press": "0"}]


def ask(client, event, data=None, namespace="/floor"):
    """Emit an event and return its acknowledgement."""
    return client.call(event, data or {}, namespace=namespace, timeout=15)


@pytest.fixture
def make_agent(committed_session, live_platform):
    """A committed agent whose sandbox device answers by itself and stays on the line."""

    def make(username="olga", full_name="Ольга Агентова"):
        user = create_user(committed_session, username=username, full_name=full_name, role="agent",
                           password="correct horse", languages=["ru"])
        committed_session.commit()
        live_platform.sandbox.add_device(f"client:agent-{user.id}", auto_answer=True, answer_after=0.5)
        return user

    return make


@pytest.fixture
def supervisor(committed_session, live_platform):
    """A committed supervisor whose sandbox softphone (client:supervisor-N) answers by itself."""
    user = create_user(committed_session, username="irina", full_name="Ирина Старшая", role="supervisor",
                       password="correct horse")
    committed_session.commit()
    live_platform.sandbox.add_device(f"client:supervisor-{user.id}", auto_answer=True, answer_after=0.5)
    return user


@pytest.fixture
def twilio_client(live_platform):
    """The real twilio REST client, pointed at the sandbox (the app's own)."""
    return live_platform.app.extensions["telephony"].client


@pytest.fixture
def live_call(live_platform, console_client, make_agent, twilio_client):
    """A caller talking to an available agent who accepted their call: (agent, the agent's desk, CallSid)."""

    def start():
        agent = make_agent()
        desk = console_client(agent.id)
        assert ask(desk, "set_state", {"state": "available"}, "/desk")["ok"]
        call_sid = live_platform.sandbox.place_call(CALLER, live_platform.number, TO_AN_AGENT, patience=600)
        desk.inbox.wait_for("offer", where=lambda o: o["call"]["call_sid"] == call_sid)
        assert ask(desk, "accept", {"call_sid": call_sid}, "/desk")["ok"]
        wait_until(lambda: devices_in_room(live_platform.sandbox, call_sid))
        wait_until(lambda: {"agent", "customer"} <= set(participants(twilio_client, call_sid)))
        return agent, desk, call_sid

    return start
