"""Redis (a private server: the shared one is never touched) crashing, restarting and staying down under a
running platform: callers keep hearing valid TwiML, a caller waiting in the queue meets an agent, dial jobs lost
with Redis are enqueued again; no interaction lost or doubled, no lead dialed twice."""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import timedelta

import pytest
import redis
import sqlalchemy as sa
from rq import Queue, SimpleWorker

from agent_console.routing import Router
from callcenter.voice.twiml import GOODBYE
from crm_core import models
from crm_core.db import utcnow
from crm_core.users import create_user
from dialer.engine import RECONCILE_AFTER, REENQUEUE_AFTER, start_attempt
from dialer.jobs import pace_campaigns, place_attempt

from .conftest import interactions_of, wait_until

RU_CALLER = "+79161234567"
TO_AN_AGENT = [{"press": "1"}, {"press": "0"}]  # Russian, then "0": an agent
HOLD_PROMPT = "оставайтесь на линии"


@pytest.fixture
def live_platform(serve_platform, private_redis, database_url, tables_emptied_afterwards):
    """The platform on the test database and a PRIVATE Redis (Socket.IO events stay in the process: the message
    queue's own reconnection is python-socketio's)."""
    return serve_platform(database_url, private_redis.url, SOCKETIO_MESSAGE_QUEUE="off")


@pytest.fixture
def private_redis_client(private_redis):
    """A client of the private Redis."""
    client = redis.Redis.from_url(private_redis.url)
    yield client
    client.close()


@pytest.fixture
def agent(live_platform, committed_session):
    """An agent speaking Russian whose softphone (a sandbox device) answers in 0.5 s and talks for 2 s."""
    user = create_user(committed_session, username="redis_agent", full_name="Агент", role="agent",
                       password="correct horse", languages=["ru"])
    committed_session.commit()
    live_platform.sandbox.add_device(f"client:agent-{user.id}", auto_answer=True, answer_after=0.5, talk_for=2)
    return user


def answered_by_agent(console_client, agent, sandbox, sid: str) -> dict:
    """The agent's console goes available, is offered the waiting call and accepts it; the call once it ended."""
    desk = console_client(agent.id)
    assert desk.call("set_state", {"state": "available"}, namespace="/desk", timeout=10)["ok"]
    assert desk.inbox.wait_for("offer", timeout=30)["call"]["call_sid"] == sid
    assert desk.call("accept", {"call_sid": sid}, namespace="/desk", timeout=10)["ok"]
    return sandbox.wait(sid, timeout=60)


OUTAGE_SECONDS = 1.0  # the hold prompt is fetched every 0.2 s: some fetches meet the outage


def restart_in_background(server) -> threading.Thread:
    """Crash the server (everything in it is lost, as without persistence) and start it again after a short
    outage."""

    def restart():
        server.stop()
        time.sleep(OUTAGE_SECONDS)
        server.start()

    thread = threading.Thread(target=restart)
    thread.start()
    return thread


def heard(call: dict) -> list[str]:
    return [e["text"] for e in call["transcript"] if e["event"] == "say"]


def test_a_redis_crash_and_restart_goes_unnoticed_by_a_caller_waiting_for_an_agent(
        live_platform, private_redis, private_redis_client, agent, console_client, engine):
    sandbox = live_platform.sandbox
    sid = sandbox.place_call(RU_CALLER, live_platform.number, TO_AN_AGENT, patience=600)
    router = Router(private_redis_client)
    wait_until(lambda: router.position(sid), 30, "the caller never reached the ACD")

    restart_in_background(private_redis).join(30)
    # Routing state died with Redis; the caller's next hold prompt puts the call back in the queue.
    wait_until(lambda: router.position(sid), 30, "the waiting call did not return to the ACD after the restart")
    call = answered_by_agent(console_client, agent, sandbox, sid)

    assert any(e["event"] == "dial_end" and e["dial_call_status"] == "completed" for e in call["transcript"]), (
        sandbox.format_transcript(call))  # talked with the agent
    assert not any(e["event"] == "error" for e in call["transcript"]), sandbox.format_transcript(call)
    assert not set(GOODBYE.values()) & set(heard(call))  # never told to call again later
    assert sum(HOLD_PROMPT in text for text in heard(call)) >= 2  # held before and after the restart
    [interaction] = interactions_of(engine, sid)
    assert (interaction.status, interaction.agent_id) == ("completed", agent.id)


def test_dial_jobs_lost_with_redis_are_enqueued_again_and_each_lead_is_dialed_once(
        live_platform, private_redis, private_redis_client, committed_session, make_dialing_campaign, add_leads):
    session, sandbox = committed_session, live_platform.sandbox
    numbers = ["+79160000201", "+79160000202"]
    campaign = make_dialing_campaign(session)
    leads = add_leads(session, campaign, numbers)
    session.commit()
    for number in numbers:
        sandbox.add_callee(number, "busy")
    router = Router(private_redis_client)
    for agent_id in (9101, 9102):  # two agents ready: the pacer launches two calls
        router.sign_in(agent_id, name=f"Agent {agent_id}", skills=[], languages=[])
        router.set_state(agent_id, "available")
    app = live_platform.app
    app.config.update(DIALER_QUEUE="dialer", DIALER_CALLS_PER_SECOND=10)
    queue = Queue("dialer", connection=private_redis_client)

    with app.app_context():
        [launched] = _pace(now=utcnow())
        assert len(launched.attempt_ids) == 2 and queue.count == 2

        restart_in_background(private_redis).join(30)
        assert queue.count == 0  # the jobs died with Redis; the attempts wait in the database
        SimpleWorker([queue], connection=private_redis_client).work(burst=True)
        assert sandbox.calls() == []

        _pace(now=utcnow() + REENQUEUE_AFTER + timedelta(seconds=1))
        assert queue.count == 2
        SimpleWorker([queue], connection=private_redis_client).work(burst=True)
        _pace(now=utcnow() + 2 * REENQUEUE_AFTER)  # a later round finds nothing left to enqueue
        assert queue.count == 0

    calls = [sandbox.wait(c["sid"], timeout=60) for c in sandbox.calls()]
    assert Counter(c["to"] for c in calls) == Counter(numbers)
    wait_until(lambda: _settled(session) == len(leads), 30, "the attempts were not settled")
    attempts = session.scalars(sa.select(models.DialAttempt)).all()
    assert sorted(a.e164 for a in attempts) == numbers
    assert {a.call_sid for a in attempts} == {c["sid"] for c in calls}
    for lead in leads:
        assert session.get(models.LeadSchedule, lead.id).tries == 1
    session.rollback()


def test_a_campaign_call_ending_while_redis_is_down_is_settled_once_when_redis_is_back(
        live_platform, private_redis, committed_session, make_dialing_campaign, add_leads, engine):
    session, sandbox = committed_session, live_platform.sandbox
    number = "+79160000203"
    campaign = make_dialing_campaign(session)
    [lead] = add_leads(session, campaign, [number])
    session.commit()
    sandbox.add_callee(number, "machine", answer_after=1)
    app = live_platform.app

    private_redis.stop()
    with app.app_context():
        from callcenter.db import close_session, get_session

        try:
            attempt = start_attempt(get_session(), campaign, lead, now=utcnow())
            get_session().commit()
        finally:
            close_session()
        place_attempt(attempt.id)  # the dial job itself: its queue is down with Redis
    [placed] = sandbox.calls()
    call = sandbox.wait(placed["sid"], timeout=60)
    private_redis.start()
    with app.app_context():
        _pace(now=utcnow() + RECONCILE_AFTER + timedelta(seconds=1))
        _pace(now=utcnow() + RECONCILE_AFTER + timedelta(seconds=2))

    [interaction] = interactions_of(engine, call["sid"])
    assert interaction.status == "completed"
    [attempt] = session.scalars(sa.select(models.DialAttempt)).all()
    assert (attempt.status, session.get(models.AttemptOutcome, attempt.id).outcome) == ("completed", "machine")
    assert session.get(models.LeadSchedule, lead.id).tries == 1
    assert [c["to"] for c in sandbox.calls()] == [number]
    session.rollback()


def _pace(now):
    from callcenter.db import close_session

    try:
        return pace_campaigns(now)
    finally:
        close_session()


def _settled(session) -> int:
    try:
        return session.scalar(sa.select(sa.func.count()).select_from(models.AttemptOutcome))
    finally:
        session.rollback()


def test_while_redis_is_down_the_ivr_keeps_answering_and_each_call_is_recorded_once(
        live_platform, private_redis, engine):
    private_redis.stop()
    call = live_platform.call_in(RU_CALLER, [{"press": "1"}, {"press": "1"}, {"hangup": True}])

    fetches = [e for e in call["transcript"] if e["event"] == "fetch"]
    assert len(fetches) >= 3 and {e["status_code"] for e in fetches} == {200}
    assert not any(e["event"] == "error" for e in call["transcript"]), live_platform.sandbox.format_transcript(call)
    assert any("нажмите 0" in text for text in heard(call))  # the main menu, in Russian as chosen
    assert len(interactions_of(engine, call["sid"])) == 1


def test_a_call_ending_while_redis_is_down_is_recorded_completed(live_platform, private_redis, engine):
    private_redis.stop()
    call = live_platform.call_in(RU_CALLER, [{"hangup": True}])

    [interaction] = interactions_of(engine, call["sid"])
    assert interaction.status == "completed" and interaction.ended_at is not None


def test_a_caller_waiting_while_redis_is_down_keeps_holding_and_meets_an_agent_once_it_is_back(
        live_platform, private_redis, private_redis_client, agent, console_client, engine):
    sandbox = live_platform.sandbox
    private_redis.stop()
    sid = sandbox.place_call(RU_CALLER, live_platform.number, TO_AN_AGENT, patience=600)
    holding = wait_until(lambda: _held_or_ended(sandbox.call(sid)), 60, "the caller never reached the queue")
    assert not holding["ended"], sandbox.format_transcript(holding)

    private_redis.start()
    router = Router(private_redis_client)
    wait_until(lambda: router.position(sid), 30, "the waiting call did not reach the ACD once Redis was back")
    call = answered_by_agent(console_client, agent, sandbox, sid)

    assert not set(GOODBYE.values()) & set(heard(call))
    [interaction] = interactions_of(engine, sid)
    assert (interaction.status, interaction.agent_id) == ("completed", agent.id)


def _held_or_ended(call: dict) -> dict | None:
    """The call once it has heard two hold prompts while queued, or has ended."""
    prompts = [e for e in call["transcript"] if e["event"] == "fetch" and "/voice/queue/wait" in e["url"]]
    return call if call["ended"] or len(prompts) >= 2 else None
