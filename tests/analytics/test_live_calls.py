"""The reports read what a real call through the sandbox leaves behind (queue events, agent states)."""

from __future__ import annotations

from datetime import timedelta

from crm_core import models
from crm_core.analytics import ReportFilter, agent_performance, queue_report
from crm_core.db import utcnow
from crm_core.users import create_user


def test_an_answered_and_an_abandoned_caller_show_in_the_queue_and_agent_reports(live_platform, committed_session,
                                                                              console_client):
    began = utcnow()
    agent = create_user(committed_session, username="vera", full_name="Вера", role="agent",
                        password="correct horse", languages=["ru"])
    for n in (1, 2):  # known callers: the IVR greets them in Russian without asking for a language
        customer = models.Customer(first_name="Клиент", last_name=str(n), language="ru")
        customer.phones = [models.PhoneNumber(e164=f"+7916111000{n}", kind="mobile", region="RU")]
        committed_session.add(customer)
    committed_session.commit()
    live_platform.sandbox.add_device(f"client:agent-{agent.id}", auto_answer=True, answer_after=0.5, talk_for=3)

    # Nobody is available: the first caller gives up after 60 (sandbox) seconds in the queue.
    gave_up = live_platform.call_in("+79161110001", [{"press": "0"}], patience=60)
    assert gave_up["status"] == "completed"

    desk = console_client(agent.id)
    assert desk.call("set_state", {"state": "available"}, namespace="/desk", timeout=5)["ok"]
    call_sid = live_platform.sandbox.place_call("+79161110002", live_platform.number, [{"press": "0"}],
                                                patience=600)
    desk.inbox.wait_for("offer")
    assert desk.call("accept", {"call_sid": call_sid}, namespace="/desk", timeout=10)["ok"]
    live_platform.sandbox.wait(call_sid, timeout=30)
    ended = desk.inbox.wait_for("call_ended")
    assert desk.call("wrap_up", {"interaction_id": ended["interaction_id"], "disposition": "resolved"},
                     namespace="/desk", timeout=5)["ok"]

    committed_session.expire_all()
    period = ReportFilter(began - timedelta(seconds=1), utcnow() + timedelta(seconds=1))
    [support] = queue_report(committed_session, period, short_abandon_seconds=5)
    assert (support["queue"], support["offered"], support["answered"], support["abandoned"]) == ("support", 2, 1, 1)
    assert support["short_abandoned"] == 0
    assert support["longest_wait_seconds"] >= 60  # Twilio's QueueTime of the caller who gave up
    assert support["asa_seconds"] is not None
    [row] = agent_performance(committed_session, period)
    assert (row["agent_id"], row["calls_handled"]) == (agent.id, 1)
    assert row["talk_seconds"] > 0 and row["wrap_seconds"] > 0 and 0 < row["occupancy"] < 1
