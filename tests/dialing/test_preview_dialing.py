"""Preview dialing through the sandbox: an agent is given a lead with its screen-pop, skips one, calls one (the
callee answers and is connected straight to the agent, who wraps up with a campaign outcome), and sees why the gate
refused another; a lead left in preview by an agent who went on a break is given to the next one."""

import time

import sqlalchemy as sa
from rq import Queue, SimpleWorker

from crm_core import models
from crm_core.dnc import add_do_not_call
from crm_core.users import create_user
from tests.console.conftest import desk_client, login_as, received  # noqa: F401  (the console's fixtures)

SKIPPED, HUMAN, LISTED = "+79160000071", "+79160000072", "+79160000073"
SCRIPT = "Introduce yourself, then ask about the delivery."


def test_agent_previews_skips_calls_and_sees_gate_refusals(live_platform, committed_session, console_client,
                                                           redis_client, make_dialing_campaign, add_leads):
    session, sandbox = committed_session, live_platform.sandbox
    campaign = make_dialing_campaign(session, mode="preview", script=SCRIPT, dispositions=["sale", "not_interested"])
    leads = add_leads(session, campaign, [SKIPPED, HUMAN, LISTED])
    leads[0].extra = {"city": "Kazan"}
    add_do_not_call(session, LISTED, source="test", reason="asked not to be called")
    agent = create_user(session, username="preview_agent", full_name="Preview Agent", role="agent",
                        password="correct horse")
    session.commit()
    sandbox.add_callee(HUMAN, "human", answer_after=1, talk_for=None)
    sandbox.add_device(f"client:agent-{agent.id}", auto_answer=True, answer_after=0.2, talk_for=2)
    desk = console_client(agent.id)
    worker = SimpleWorker([Queue("default", connection=redis_client)], connection=redis_client)

    assert desk.call("set_state", {"state": "available"}, namespace="/desk", timeout=5)["ok"]
    first = desk.inbox.wait_for("preview", timeout=10)["lead"]
    assert (first["lead"], first["e164"], first["lead_fields"]) == ("Lead 0", SKIPPED, {"city": "Kazan"})
    assert (first["script"], first["dispositions"]) == (SCRIPT, ["sale", "not_interested"])

    assert desk.call("preview_skip", {}, namespace="/desk", timeout=5)["ok"]
    second = desk.inbox.wait_for("preview", timeout=10, where=lambda d: d["lead"]["e164"] != SKIPPED)["lead"]
    assert second["e164"] == HUMAN
    session.expire_all()
    skipped = session.get(models.LeadSchedule, leads[0].id)
    assert session.get(models.Lead, leads[0].id).status == "scheduled" and skipped.last_outcome == "skipped"
    assert skipped.next_at is not None and skipped.tries == 0
    session.rollback()  # end the read: on SQLite it would hold off the desk's writes

    assert desk.call("preview_call", {}, namespace="/desk", timeout=5)["ok"]
    with live_platform.app.app_context():
        worker.work(burst=True)
    ringing = desk.inbox.wait_for("outbound_call", timeout=10)
    assert ringing["call"]["context"]["script"] == SCRIPT
    connected = desk.inbox.wait_for("call_connected", timeout=20)
    ended = desk.inbox.wait_for("call_ended", timeout=30)
    assert connected["call_sid"] == ended["call_sid"] == ringing["call"]["call_sid"]
    refused = desk.call("wrap_up", {"interaction_id": ended["interaction_id"], "disposition": "resolved"},
                        namespace="/desk", timeout=5)
    assert not refused["ok"] and "not an outcome of this campaign" in refused["error"]
    assert desk.call("wrap_up", {"interaction_id": ended["interaction_id"], "disposition": "sale"},
                     namespace="/desk", timeout=5)["ok"]

    third = desk.inbox.wait_for("preview", timeout=10, where=lambda d: d["lead"]["e164"] != SKIPPED
                                and d["lead"]["e164"] != HUMAN)["lead"]
    assert third["e164"] == LISTED
    assert desk.call("preview_call", {}, namespace="/desk", timeout=5)["ok"]
    with live_platform.app.app_context():
        worker.work(burst=True)
    not_called = desk.inbox.wait_for("preview_not_called", timeout=10)
    assert not_called["e164"] == LISTED and not_called["why"] == "the compliance gate refused the call"
    assert "dnc" in [r["code"] for r in not_called["reasons"]]
    assert "do-not-call" in not_called["reasons"][0]["message"] and not_called["lead_status"] == "closed"

    session.expire_all()
    answered = session.scalar(sa.select(models.DialAttempt).where(models.DialAttempt.e164 == HUMAN))
    assert (answered.mode, answered.connected_at is not None, answered.abandoned) == ("preview", True, False)
    call = session.scalar(sa.select(models.Interaction).where(models.Interaction.call_sid == answered.call_sid))
    assert (call.agent_id, call.disposition) == (agent.id, "sale")
    deadline = time.time() + 20
    while session.get(models.AttemptOutcome, answered.id) is None and time.time() < deadline:
        time.sleep(0.2)
        session.expire_all()
    assert session.get(models.AttemptOutcome, answered.id).outcome == "human"
    assert session.get(models.Lead, leads[1].id).status == "done"
    gate = session.scalars(sa.select(models.GateDecision).where(models.GateDecision.e164 == LISTED)).all()
    assert [(d.mode, d.allowed) for d in gate] == [("preview", False)]


def test_lead_left_in_preview_by_an_agent_who_goes_on_a_break_is_given_again(
        db_session, make_user, make_dialing_campaign, add_leads, desk_client):  # noqa: F811
    campaign = make_dialing_campaign(db_session, mode="preview", script="Ask about the delivery.")
    [lead] = add_leads(db_session, campaign, ["+79160000081"])
    first, second = make_user("agent"), make_user("agent")
    desk_a, desk_b = desk_client(first), desk_client(second)

    assert desk_a.emit("set_state", {"state": "available"}, namespace="/desk", callback=True)["ok"]
    [given] = received(desk_a, "preview")
    assert (given["lead"]["lead_id"], given["lead"]["script"]) == (lead.id, "Ask about the delivery.")
    assert desk_b.emit("set_state", {"state": "available"}, namespace="/desk", callback=True)["ok"]
    assert received(desk_b, "preview") == []  # one lead, one agent

    assert desk_a.emit("set_state", {"state": "break", "reason": "lunch"}, namespace="/desk", callback=True)["ok"]
    assert desk_b.emit("set_state", {"state": "available"}, namespace="/desk", callback=True)["ok"]
    assert [p["lead"]["lead_id"] for p in received(desk_b, "preview")] == [lead.id]
    refused = desk_a.emit("preview_call", {}, namespace="/desk", callback=True)
    assert refused == {"ok": False, "error": "you are not previewing a lead", "field": None}


def test_only_agents_with_the_campaigns_queue_among_their_skills_or_no_skills_are_given_leads(
        db_session, make_user, make_dialing_campaign, add_leads, desk_client):  # noqa: F811
    campaign = make_dialing_campaign(db_session, mode="preview")
    add_leads(db_session, campaign, ["+79160000091", "+79160000092"])
    inbound = desk_client(make_user("agent", skills=["support"]))
    opted_in = desk_client(make_user("agent", skills=["support", f"campaign-{campaign.id}"]))
    unrestricted = desk_client(make_user("agent"))
    for desk in (inbound, opted_in, unrestricted):
        assert desk.emit("set_state", {"state": "available"}, namespace="/desk", callback=True)["ok"]
    assert received(inbound, "preview") == []
    assert [p["lead"]["e164"] for p in received(opted_in, "preview")] == ["+79160000091"]
    assert [p["lead"]["e164"] for p in received(unrestricted, "preview")] == ["+79160000092"]
