"""A web process killed with SIGKILL in the middle of a call, and a new one started on the same port: the call
keeps exactly one interaction, the final status callback the dead process never heard (Twilio does not retry
status callbacks) is reconciled from the provider by the pacer, and no lead is dialed twice.

An rq worker killed with SIGKILL mid-dial is tests/dialing/test_worker_killed.py."""

from __future__ import annotations

from datetime import timedelta
from email.utils import parsedate_to_datetime

import pytest
import sqlalchemy as sa
from rq import Queue, SimpleWorker

from callcenter import create_app
from callcenter.config import SANDBOX_ACCOUNT_SID, SANDBOX_AUTH_TOKEN
from callcenter.db import close_session, database, get_session
from crm_core import models
from crm_core.db import utcnow
from dialer.engine import RECONCILE_AFTER, start_attempt
from dialer.jobs import enqueue_attempt, pace_campaigns
from tests.conftest import TEST_SECRET, free_port
from twilio_sandbox import SandboxClient, create_app as create_sandbox, serve_in_thread

from .conftest import interactions_of, wait_until

MACHINE = "+79160000301"
VOICEMAIL = ("Hello, this is Acme calling about your order. It has shipped and should reach you by Friday. "
             "If anything is wrong with it, please call us back on the number we called from. Thank you.")


@pytest.fixture
def sandbox_server():
    """A sandbox whose clock runs four times faster than real time, with the demo account."""
    handle = serve_in_thread(create_sandbox({SANDBOX_ACCOUNT_SID: SANDBOX_AUTH_TOKEN}, clock_speed=4, cps=50))
    yield handle
    handle.shutdown()


@pytest.fixture
def sandbox(sandbox_server):
    """The sandbox's control API."""
    with SandboxClient(sandbox_server.url) as client:
        yield client


def test_a_web_process_killed_mid_call_loses_no_interaction_and_the_lead_is_dialed_once(
        procfile_process, sandbox_server, sandbox, database_url, redis_url, redis_client, committed_session,
        make_dialing_campaign, add_leads, engine):
    session = committed_session
    campaign = make_dialing_campaign(session, machine_action="voicemail", voicemail_text=VOICEMAIL)
    [lead] = add_leads(session, campaign, [MACHINE])
    session.commit()
    port = free_port()
    pacer_app = create_app({"DATABASE_URL": database_url, "REDIS_URL": redis_url, "SECRET_KEY": TEST_SECRET,
                            "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}", "TWILIO_API_BASE_URL": sandbox_server.url},
                           environ={})
    try:
        web = procfile_process("web", port, sandbox_server.url)
        sandbox.add_callee(MACHINE, "machine", answer_after=1)
        with pacer_app.app_context():  # the worker places the attempt, its webhooks go to the web process
            attempt = start_attempt(get_session(), campaign, lead, now=utcnow())
            get_session().commit()
            close_session()
            queue = Queue("default", connection=redis_client)
            enqueue_attempt(queue)(attempt.id)
            SimpleWorker([queue], connection=redis_client).work(burst=True)
        [placed] = sandbox.calls()
        wait_until(lambda: VOICEMAIL in _heard(sandbox.call(placed["sid"])), 60, "the voicemail never started")

        web.kill()  # while the voicemail plays: the call ends with nobody to hear its final status
        call = sandbox.wait(placed["sid"], timeout=60)
        final = [e for e in call["transcript"] if e["event"] == "status_callback"][-1]
        assert (final["status"], final["status_code"]) == ("completed", None)  # lost, and never retried
        [interaction] = interactions_of(engine, call["sid"])
        assert interaction.status != "completed"

        web = procfile_process("web", port, sandbox_server.url)  # a new process on the same port
        with pacer_app.app_context():
            for rounds_later in (1, 2):  # the second round must neither ask again nor change anything
                try:
                    pace_campaigns(utcnow() + RECONCILE_AFTER + timedelta(seconds=rounds_later))
                finally:
                    close_session()

        [interaction] = interactions_of(engine, call["sid"])
        assert (interaction.status, interaction.talk_seconds) == ("completed", call["duration"])
        assert interaction.answered_by == call["answered_by"]
        [attempt] = session.scalars(sa.select(models.DialAttempt)).all()
        outcome = session.get(models.AttemptOutcome, attempt.id)
        assert (attempt.status, attempt.call_sid, outcome.outcome) == ("completed", call["sid"], "machine")
        assert session.get(models.LeadSchedule, lead.id).tries == 1
        assert [c["to"] for c in sandbox.calls()] == [MACHINE]  # dialed once
        lookups = [e for e in sandbox.request_log() if e["method"] == "GET" and call["sid"] in e["path"]]
        assert len(lookups) == 1
        session.rollback()

        # The new process serves calls as the old one did.
        sandbox.add_number(pacer_app.config["TWILIO_PHONE_NUMBER"], SANDBOX_ACCOUNT_SID,
                           voice_url=web.url + "/voice/incoming", status_callback=web.url + "/voice/status")
        inbound = sandbox.wait(sandbox.place_call("+79035550131", pacer_app.config["TWILIO_PHONE_NUMBER"],
                                                  [{"hangup": True}]), timeout=60)
        assert {e["status_code"] for e in inbound["transcript"] if e["event"] in ("fetch", "status_callback")} == {200}
        [interaction] = interactions_of(engine, inbound["sid"])
        assert interaction.status == "completed"
    finally:
        database(pacer_app).engine.dispose()
        if pacer_app.extensions.get("redis") is not None:
            pacer_app.extensions["redis"].close()


def _heard(call: dict) -> list[str]:
    return [e["text"] for e in call["transcript"] if e["event"] == "say"]


def test_an_inbound_call_whose_final_status_died_with_the_web_process_is_completed_by_the_pacer(
        procfile_process, sandbox_server, sandbox, engine):
    port = free_port()
    web = procfile_process("web", port, sandbox_server.url)
    number = "+74950000000"
    sandbox.add_number(number, SANDBOX_ACCOUNT_SID, voice_url=web.url + "/voice/incoming",
                       voice_fallback_url=web.url + "/voice/fallback", status_callback=web.url + "/voice/status")
    sid = sandbox.place_call("+79035550141", number, [{"press": "1"}, {"wait": 3600}])  # thinks in the menu
    wait_until(lambda: any("нажмите 0" in text for text in _heard(sandbox.call(sid))), 60, "no main menu")

    web.kill()
    sandbox.hangup(sid)  # the caller hangs up while no web process runs
    call = sandbox.wait(sid, timeout=60)
    assert [e["status_code"] for e in call["transcript"] if e["event"] == "status_callback"] == [None]
    procfile_process("web", port, sandbox_server.url)
    procfile_process("pacer", port, sandbox_server.url, "--interval", "0.3", "--reconcile-after", "1")

    wait_until(lambda: interactions_of(engine, sid)[0].status == "completed", 10,
               "the interaction never learned that the call ended")
    [interaction] = interactions_of(engine, sid)
    assert interaction.ended_at == parsedate_to_datetime(call["end_time"])
