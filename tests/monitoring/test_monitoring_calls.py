"""A supervisor listens to, whispers to and barges into an agent's live call through the sandbox: the call's
conference shows how the supervisor is heard, the agent is not told, and the call ends as it would have."""

import sqlalchemy as sa

from crm_core import models
from crm_core.models.monitoring import MonitoringSession
from tests.conftest import wait_until
from tests.monitoring.conftest import ask
from tests.monitoring.rooms import participants


def supervisor_in_room(twilio_client, call_sid, **flags):
    """The supervisor's participant once it is connected with `flags` (muted, coaching...)."""
    def check():
        found = participants(twilio_client, call_sid).get("supervisor")
        if found is not None and found.status == "connected" and all(
                getattr(found, name) == value for name, value in flags.items()):
            return found
        return None

    return wait_until(check)


def monitoring_rows(committed_session, call_sid):
    """The audit trail of the call's monitoring, oldest first, as committed now."""
    committed_session.commit()
    committed_session.expire_all()
    return committed_session.scalars(
        sa.select(MonitoringSession).join(models.Interaction, models.Interaction.id == MonitoringSession.interaction_id)
        .where(models.Interaction.call_sid == call_sid).order_by(MonitoringSession.id)).all()


def call_statuses(committed_session, call_sid):
    """The status of every interaction of the call, as committed now (a new transaction sees the latest)."""
    committed_session.commit()
    return committed_session.scalars(sa.select(models.Interaction.status)
                                     .where(models.Interaction.call_sid == call_sid)).all()


def test_supervisor_listens_whispers_barges_and_stops_while_the_call_goes_on_to_one_wrapped_up_interaction(
        live_platform, committed_session, console_client, live_call, supervisor, twilio_client):
    agent, desk, call_sid = live_call()
    floor = console_client(supervisor.id, "/floor")

    assert ask(floor, "monitor", {"agent_id": agent.id, "mode": "listen"}) == {
        "ok": True, "mode": "listen", "agent_id": agent.id}
    listening = supervisor_in_room(twilio_client, call_sid, muted=True, coaching=False)
    shown = floor.inbox.wait_for("monitoring", where=lambda m: m["mode"] == "listen")
    assert (shown["agent_id"], shown["call_sid"], shown["supervisor"]) == (agent.id, call_sid, "Ирина Старшая")

    assert ask(floor, "monitor", {"agent_id": agent.id, "mode": "whisper"})["ok"]
    agent_leg = participants(twilio_client, call_sid)["agent"].call_sid
    whispering = supervisor_in_room(twilio_client, call_sid, muted=False, coaching=True)
    assert whispering.call_sid_to_coach == agent_leg  # only the agent hears the supervisor, not the caller
    assert whispering.call_sid == listening.call_sid  # the same softphone leg, switched

    assert ask(floor, "monitor", {"agent_id": agent.id, "mode": "barge"})["ok"]
    supervisor_in_room(twilio_client, call_sid, muted=False, coaching=False)  # both hear the supervisor now

    assert ask(floor, "stop_monitoring") == {"ok": True, "agent_id": agent.id}
    wait_until(lambda: "supervisor" not in participants(twilio_client, call_sid))
    floor.inbox.wait_for("monitoring", where=lambda m: m["mode"] is None)
    assert set(participants(twilio_client, call_sid)) == {"agent", "customer"}  # the conversation goes on

    assert ask(desk, "hangup", namespace="/desk")["ok"]
    ended = desk.inbox.wait_for("call_ended")
    assert ask(desk, "wrap_up", {"interaction_id": ended["interaction_id"], "disposition": "resolved"},
               "/desk")["ok"]
    assert "monitoring" not in [name for name, _ in desk.inbox.events]  # the agent is told nothing
    committed_session.expire_all()
    [interaction] = committed_session.scalars(
        sa.select(models.Interaction).where(models.Interaction.call_sid == call_sid)).all()
    assert (interaction.agent_id, interaction.disposition, interaction.status) == (agent.id, "resolved",
                                                                                   "completed")
    assert interaction.answered_at is not None and interaction.talk_seconds is not None
    rows = monitoring_rows(committed_session, call_sid)
    assert [(r.mode, r.supervisor_id, r.agent_id, r.leg_sid) for r in rows] == [
        (mode, supervisor.id, agent.id, listening.call_sid) for mode in ("listen", "whisper", "barge")]
    assert all(r.ended_at is not None and r.started_at <= r.ended_at for r in rows)
    assert rows[0].ended_at <= rows[1].started_at and rows[1].ended_at <= rows[2].started_at


def test_the_callers_hang_up_ends_the_monitoring_and_a_supervisor_connecting_meanwhile_saw_it(
        live_platform, committed_session, console_client, live_call, supervisor, twilio_client):
    agent, desk, call_sid = live_call()
    floor = console_client(supervisor.id, "/floor")
    assert ask(floor, "monitor", {"agent_id": agent.id, "mode": "listen"})["ok"]
    supervisor_in_room(twilio_client, call_sid, muted=True)
    late = console_client(supervisor.id, "/floor")
    [shown] = late.inbox.wait_for("snapshot")["monitoring"]
    assert (shown["agent_id"], shown["mode"], shown["supervisor"]) == (agent.id, "listen", "Ирина Старшая")

    live_platform.sandbox.hangup(call_sid)
    floor.inbox.wait_for("monitoring", where=lambda m: m["mode"] is None, timeout=20)
    desk.inbox.wait_for("call_ended")
    [row] = monitoring_rows(committed_session, call_sid)
    assert row.ended_at is not None
    wait_until(lambda: call_statuses(committed_session, call_sid) == ["completed"])  # one record, ended


def test_hold_takes_the_supervisor_off_the_call_and_after_resume_they_can_listen_again(
        live_platform, committed_session, console_client, live_call, supervisor, twilio_client):
    agent, desk, call_sid = live_call()
    floor = console_client(supervisor.id, "/floor")
    assert ask(floor, "monitor", {"agent_id": agent.id, "mode": "barge"})["ok"]
    supervisor_in_room(twilio_client, call_sid, muted=False)

    assert ask(desk, "hold", namespace="/desk")["ok"]
    floor.inbox.wait_for("monitoring", where=lambda m: m["mode"] is None, timeout=20)
    refused = ask(floor, "monitor", {"agent_id": agent.id, "mode": "listen"})
    assert refused == {"ok": False, "error": "Ольга Агентова is not talking to the caller now (on hold)",
                       "field": None}

    # The caller hears the hold music: the hold is complete (its end of the conference reached the desk).
    wait_until(lambda: any(e["event"] == "play" for e in live_platform.sandbox.call(call_sid)["transcript"]))
    assert ask(desk, "resume", namespace="/desk")["ok"]
    wait_until(lambda: {"agent", "customer"} <= set(participants(twilio_client, call_sid)))
    answer = ask(floor, "monitor", {"agent_id": agent.id, "mode": "listen"})
    assert answer["ok"], answer
    supervisor_in_room(twilio_client, call_sid, muted=True)
    live_platform.sandbox.hangup(call_sid)
    desk.inbox.wait_for("call_ended")
    wait_until(lambda: [m["mode"] for e, m in floor.inbox.events if e == "monitoring"] == [
        "barge", None, "listen", None], timeout=20)
    assert all(r.ended_at for r in monitoring_rows(committed_session, call_sid))
    assert [r.mode for r in monitoring_rows(committed_session, call_sid)] == ["barge", "listen"]


def test_supervisor_listens_to_a_call_the_agent_placed(live_platform, committed_session, console_client, make_agent,
                                                        supervisor, twilio_client):
    callee = "+79265550000"
    live_platform.sandbox.add_callee(callee, "human", answer_after=1, talk_for=600)
    agent = make_agent()
    desk = console_client(agent.id)
    assert ask(desk, "set_state", {"state": "available"}, "/desk")["ok"]
    placed = ask(desk, "dial", {"number": callee}, "/desk")
    assert placed["ok"], placed
    call_sid = placed["call_sid"]
    wait_until(lambda: {"agent", "customer"} <= set(participants(twilio_client, call_sid)))

    floor = console_client(supervisor.id, "/floor")
    assert ask(floor, "monitor", {"agent_id": agent.id, "mode": "listen"})["ok"]
    supervisor_in_room(twilio_client, call_sid, muted=True, coaching=False)
    assert ask(desk, "hangup", namespace="/desk")["ok"]
    desk.inbox.wait_for("call_ended")
    floor.inbox.wait_for("monitoring", where=lambda m: m["mode"] is None, timeout=20)
    [row] = monitoring_rows(committed_session, call_sid)
    assert (row.mode, row.agent_id, row.ended_at is not None) == ("listen", agent.id, True)
