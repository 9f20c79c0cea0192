"""The wallboard and force-state over the supervisors' Socket.IO namespace."""

import sqlalchemy as sa

from callcenter.console.wiring import publish_wallboard
from callcenter.db import get_session
from crm_core import models
from tests.analytics.conftest import at
from tests.console.conftest import received


def publish(app, now):
    """What the pacer's round does: publish the wallboard."""
    with app.app_context():
        return publish_wallboard(get_session(), now)


def test_supervisor_receives_the_published_wallboard_and_the_last_one_on_connect(app, desk_client, make_user,
                                                                                 floor):
    watching = desk_client(make_user("supervisor"), namespace="/floor")
    assert received(watching, "snapshot", "/floor")[0]["wallboard"] is None  # nothing published yet
    publish(app, at(1, 10, 0))
    [board] = received(watching, "wallboard", "/floor")
    assert board["totals"]["offered"] == 8
    assert [q["name"] for q in board["queues"]] == ["sales", "support"]
    late = desk_client(make_user("supervisor"), namespace="/floor")
    [snapshot] = received(late, "snapshot", "/floor")
    assert snapshot["wallboard"] == board


def test_agents_are_refused_the_floor_and_its_page(desk_client, make_user, login_as):
    agent = make_user("agent")
    assert not desk_client(agent, namespace="/floor").is_connected("/floor")
    assert login_as(agent).get("/floor").status_code == 403


def test_supervisor_puts_an_agent_on_a_break_and_the_agents_console_follows(desk_client, make_user, db_session):
    agent = make_user("agent")
    supervisor = make_user("supervisor", full_name="Olga Supervisor")
    desk = desk_client(agent)
    desk.emit("set_state", {"state": "available"}, namespace="/desk", callback=True)
    received(desk, "agent_state")
    floor = desk_client(supervisor, namespace="/floor")
    assert floor.emit("force_state", {"agent_id": agent.id, "state": "break"}, namespace="/floor",
                      callback=True) == {"ok": True, "state": "break"}
    [state] = received(desk, "agent_state")
    assert (state["state"], state["reason"]) == ("break", "set by Olga Supervisor")
    assert [s["state"] for s in received(floor, "agent_state", "/floor")] == ["break"]


def test_the_state_log_says_which_supervisor_set_the_state(desk_client, make_user, db_session):
    agent = make_user("agent")
    desk_client(agent)
    floor = desk_client(make_user("supervisor", full_name="Olga Supervisor"), namespace="/floor")
    floor.emit("force_state", {"agent_id": agent.id, "state": "available"}, namespace="/floor", callback=True)
    floor.emit("force_state", {"agent_id": agent.id, "state": "offline"}, namespace="/floor", callback=True)
    changes = db_session.execute(sa.select(models.AgentStateChange.state, models.AgentStateChange.reason)
                                 .where(models.AgentStateChange.user_id == agent.id)
                                 .order_by(models.AgentStateChange.id)).all()
    assert changes[-2:] == [("available", "set by Olga Supervisor"), ("offline", "set by Olga Supervisor")]


def test_a_state_no_one_can_choose_is_refused(desk_client, make_user):
    agent = make_user("agent")
    desk_client(agent)
    floor = desk_client(make_user("supervisor"), namespace="/floor")
    answer = floor.emit("force_state", {"agent_id": agent.id, "state": "on_call"}, namespace="/floor", callback=True)
    assert answer["ok"] is False and "on_call" in answer["error"]
    answer = floor.emit("force_state", {"agent_id": "x", "state": "break"}, namespace="/floor", callback=True)
    assert (answer["ok"], answer["field"]) == (False, "agent_id")
