"""Monitoring refused: only supervisors may monitor, only a call an agent is talking on, in a mode that exists."""

import pytest


def ask(floor, event, data=None):
    return floor.emit(event, data or {}, namespace="/floor", callback=True)


def test_an_agent_cannot_reach_the_monitoring_events(desk_client, make_user):
    assert not desk_client(make_user("agent"), namespace="/floor").is_connected("/floor")


@pytest.mark.parametrize(("data", "error", "field"), [
    ({"mode": "listen"}, "must be a whole number", "agent_id"),
    ({"agent_id": "AGENT", "mode": "listen"}, "must be a whole number", "agent_id"),
    ({"agent_id": 424242, "mode": "listen"}, "this agent is not signed in", None),
    ({"agent_id": 1, "mode": "record"}, "choose how to monitor: listen, whisper, barge", None),
])
def test_monitoring_without_an_agent_or_a_mode_says_what_is_wrong(desk_client, make_user, data, error, field):
    floor = desk_client(make_user("supervisor"), namespace="/floor")
    assert ask(floor, "monitor", data) == {"ok": False, "error": error, "field": field}


def test_an_agent_who_is_not_on_a_call_cannot_be_monitored(desk_client, make_user):
    agent = make_user("agent", full_name="Ольга Агентова")
    desk = desk_client(agent)
    desk.emit("set_state", {"state": "available"}, namespace="/desk", callback=True)
    floor = desk_client(make_user("supervisor"), namespace="/floor")
    assert ask(floor, "monitor", {"agent_id": agent.id, "mode": "listen"}) == {
        "ok": False, "error": "Ольга Агентова is not on a call", "field": None}


def test_stopping_when_monitoring_nothing_changes_nothing(desk_client, make_user):
    floor = desk_client(make_user("supervisor"), namespace="/floor")
    assert ask(floor, "stop_monitoring") == {"ok": True, "agent_id": None}
