"""A campaign dials a mix of people, machines, busy and silent numbers through the sandbox with one agent."""

import threading
import time

import sqlalchemy as sa
from rq import Queue, SimpleWorker

from crm_core import models
from crm_core.users import create_user
from dialer import engine
from dialer.jobs import enqueue_attempt

HUMAN, LATE_HUMAN, MACHINE, BUSY, SILENT = (f"+7916000000{i}" for i in range(1, 6))
VOICEMAIL = "Hello, this is Acme calling about your order. Please call us back."


def test_campaign_ends_every_lead_connects_abandons_with_safe_harbor_and_leaves_voicemail(
        live_platform, committed_session, console_client, redis_client, make_dialing_campaign, add_leads):
    session, sandbox = committed_session, live_platform.sandbox
    campaign = make_dialing_campaign(session, machine_action="voicemail", voicemail_text=VOICEMAIL,
                                     dispositions=["order_status_given"], script="Greet, confirm the order.")
    leads = add_leads(session, campaign, [HUMAN, LATE_HUMAN, MACHINE, BUSY, SILENT])
    agent = create_user(session, username="dialer_agent", full_name="Dial Agent", role="agent",
                        password="correct horse")
    session.commit()
    sandbox.set_clock(4)  # the 2 s abandon window is 0.5 s of real time: enough for a console to accept
    sandbox.add_callee(HUMAN, "human", answer_after=1, talk_for=None)
    sandbox.add_callee(LATE_HUMAN, "human", answer_after=6, talk_for=None, script=[{"press": "1"}])
    sandbox.add_callee(MACHINE, "machine", answer_after=1)
    sandbox.add_callee(BUSY, "busy")
    sandbox.add_callee(SILENT, "no-answer")
    sandbox.add_device(f"client:agent-{agent.id}", auto_answer=True, answer_after=0.2, talk_for=30)
    desk = console_client(agent.id)
    assert desk.call("set_state", {"state": "available"}, namespace="/desk", timeout=5)["ok"]

    accepted = []

    def accept_offers():
        offer = desk.inbox.wait_for("offer", timeout=30)
        accepted.append(offer)
        desk.call("accept", {"call_sid": offer["call"]["call_sid"]}, namespace="/desk", timeout=10)

    acceptor = threading.Thread(target=accept_offers, daemon=True)
    acceptor.start()
    app = live_platform.app
    with app.app_context():
        from callcenter.db import get_session

        # Every lead at once (as a predictive round would with a low answer rate): one agent, two people.
        attempts = [engine.start_attempt(get_session(), campaign, lead, now=_now())
                    for lead in leads]
        get_session().commit()
        queue = Queue("default", connection=redis_client)
        enqueue = enqueue_attempt(queue)
        for attempt in attempts:
            enqueue(attempt.id)
        SimpleWorker([queue], connection=redis_client).work(burst=True)
    acceptor.join(30)
    assert accepted and accepted[0]["call"]["context"]["script"] == "Greet, confirm the order."

    ended = desk.inbox.wait_for("call_ended", timeout=60)
    assert desk.call("wrap_up", {"interaction_id": ended["interaction_id"], "disposition": "order_status_given"},
                     namespace="/desk", timeout=5)["ok"]
    deadline = time.time() + 60
    while time.time() < deadline:
        session.expire_all()
        done = session.scalar(sa.select(sa.func.count()).select_from(models.AttemptOutcome))
        if done == len(leads):
            break
        time.sleep(0.2)

    session.expire_all()
    by_number = {a.e164: a for a in session.scalars(sa.select(models.DialAttempt))}
    outcomes = {a.e164: session.get(models.AttemptOutcome, a.id).outcome for a in by_number.values()}
    assert outcomes == {HUMAN: "human", LATE_HUMAN: "abandoned", MACHINE: "machine", BUSY: "busy",
                        SILENT: "no-answer"}
    statuses = {lead.e164: session.get(models.Lead, lead.id).status for lead in leads}
    assert statuses[HUMAN] == "done"
    assert all(status in ("done", "closed", "scheduled") for status in statuses.values()), statuses
    for number in (LATE_HUMAN, MACHINE, BUSY, SILENT):
        schedule = session.get(models.LeadSchedule, next(l.id for l in leads if l.e164 == number))
        assert schedule.next_at is not None and schedule.tries == 1
    human_call = session.scalars(sa.select(models.Interaction)
                                 .where(models.Interaction.call_sid == by_number[HUMAN].call_sid)).one()
    assert (human_call.disposition, human_call.agent_id) == ("order_status_given", agent.id)
    assert by_number[HUMAN].connected_at is not None and not by_number[HUMAN].abandoned

    abandoned = sandbox.call(by_number[LATE_HUMAN].call_sid)
    heard = [e["text"] for e in abandoned["transcript"] if e["event"] == "say"]
    assert any(f"on behalf of {campaign.name}" in text and "press 1" in text for text in heard), heard
    assert by_number[LATE_HUMAN].abandoned and by_number[LATE_HUMAN].refused
    assert session.scalar(sa.select(models.DoNotCallEntry).where(models.DoNotCallEntry.e164 == LATE_HUMAN))

    machine = sandbox.call(by_number[MACHINE].call_sid)
    assert VOICEMAIL in [e["text"] for e in machine["transcript"] if e["event"] == "say"]


def _now():
    from crm_core.db import utcnow

    return utcnow()
