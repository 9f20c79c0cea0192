"""`/metrics`: webhook latency by endpoint and status, the floor now, dial jobs, and each campaign's outcomes
and abandon rate, in Prometheus's text format, for a local scraper or one holding the token."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families
from rq import Queue

from agent_console.routing import QueuedCall, Router
from callcenter.pacer_lease import PacerLease
from crm_core.db import utcnow
from crm_core.models import DialAttempt
from dialer.jobs import enqueue_attempt
from tests.conftest import call_params
from tests.operations.conftest import sample

HISTOGRAM = "callcenter_webhook_duration_seconds"
PROJECT_ROOT = Path(__file__).resolve().parents[2]


def test_signed_webhooks_are_counted_in_the_latency_histogram_by_endpoint_and_status(scrape, twilio_post):
    before = scrape()
    for n in range(2):
        assert twilio_post("/voice/incoming", call_params(f"CA{n:032x}")).status_code == 200
    assert twilio_post("/voice/incoming", call_params("CA" + "9" * 32), signature="forged").status_code == 403
    after = scrape()

    def counted(status: str) -> float:
        labels = {"endpoint": "voice.incoming", "status": status}
        return sample(after, f"{HISTOGRAM}_count", **labels) - sample(before, f"{HISTOGRAM}_count", **labels)

    assert (counted("200"), counted("403")) == (2, 1)
    took = sample(after, f"{HISTOGRAM}_sum", endpoint="voice.incoming", status="200") - \
        sample(before, f"{HISTOGRAM}_sum", endpoint="voice.incoming", status="200")
    assert 0 < took < 30
    assert sample(after, f"{HISTOGRAM}_bucket", endpoint="voice.incoming", status="200", le="+Inf") == \
        sample(after, f"{HISTOGRAM}_count", endpoint="voice.incoming", status="200")


def test_agents_by_state_and_the_callers_waiting_show_at_once(scrape, redis_client):
    router = Router(redis_client)
    for agent_id, skills, state in ((1, ["billing"], "available"), (2, [], "break"), (3, [], "offline")):
        router.sign_in(agent_id, name=f"Agent {agent_id}", skills=skills, languages=[])
        router.set_state(agent_id, state)
    router.enqueue(QueuedCall("CA" + "a" * 32, interaction_id=1, queue="sales", skill="sales",
                              enqueued_at=time.time() - 42))
    router.enqueue(QueuedCall("CA" + "b" * 32, interaction_id=2, queue="sales", skill="sales"))

    samples = scrape()
    assert {state: sample(samples, "callcenter_agents", state=state)
            for state in ("available", "break", "offline", "on_call")} == \
        {"available": 1, "break": 1, "offline": 1, "on_call": 0}
    assert sample(samples, "callcenter_queue_waiting_calls", queue="sales") == 2
    assert 42 <= sample(samples, "callcenter_queue_longest_wait_seconds", queue="sales") < 42 + 60

    router.leave("CA" + "a" * 32)
    router.leave("CA" + "b" * 32)
    samples = scrape()
    assert sample(samples, "callcenter_queue_waiting_calls", queue="sales") == 0
    assert sample(samples, "callcenter_queue_longest_wait_seconds", queue="sales") == 0


def test_dial_jobs_waiting_for_a_worker_are_counted(scrape, redis_client):
    enqueue = enqueue_attempt(Queue("dialer", connection=redis_client))
    for attempt_id in (1, 2, 3):
        enqueue(attempt_id)

    assert sample(scrape(), "callcenter_jobs_waiting", queue="dialer") == 3


def test_a_running_pacer_shows_until_its_lease_runs_out(scrape, redis_client):
    assert sample(scrape(), "callcenter_pacer_running") == 0
    lease = PacerLease(redis_client, "host-a:1", 30)
    lease.hold()
    assert sample(scrape(), "callcenter_pacer_running") == 1
    lease.release()
    assert sample(scrape(), "callcenter_pacer_running") == 0


def test_a_running_campaigns_dial_outcomes_and_abandon_rate_are_the_gates(scrape, db_session, make_dialing_campaign):
    campaign = make_dialing_campaign(db_session)
    now = utcnow()
    placed = dict(campaign_id=campaign.id, mode="progressive", status="completed", placed_at=now - timedelta(minutes=5),
                  answered_at=now - timedelta(minutes=4))
    db_session.add_all([
        DialAttempt(e164="+79160000001", answered_by="human", connected_at=now - timedelta(minutes=4), **placed),
        DialAttempt(e164="+79160000002", answered_by="human", abandoned=True, **placed),
        DialAttempt(e164="+79160000003", answered_by="machine", **placed),
        DialAttempt(e164="+79160000004", campaign_id=campaign.id, mode="progressive", status="failed",
                    placed_at=now - timedelta(minutes=3)),
    ])
    db_session.commit()

    samples = scrape()
    labels = {"campaign_id": str(campaign.id), "campaign": campaign.name}
    assert {outcome: sample(samples, "callcenter_campaign_calls", outcome=outcome, **labels)
            for outcome in ("dialed", "answered", "human", "machine", "connected", "abandoned")} == \
        {"dialed": 4, "answered": 3, "human": 2, "machine": 1, "connected": 1, "abandoned": 1}
    assert sample(samples, "callcenter_campaign_abandon_rate", **labels) == 0.5  # 1 drop / (1 live + 1 drop)
    assert sample(samples, "callcenter_campaign_abandon_limit", **labels) == 0.03
    assert sample(samples, "callcenter_campaign_running", **labels) == 1


def test_a_remote_scraper_needs_the_token(app, client):
    remote = {"environ_base": {"REMOTE_ADDR": "203.0.113.9"}}
    assert client.get("/metrics", **remote).status_code == 403
    assert client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"}).status_code == 403

    app.config["METRICS_TOKEN"] = "scrape-secret"
    assert client.get("/metrics", **remote).status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}, **remote).status_code == 401
    answer = client.get("/metrics", headers={"Authorization": "Bearer scrape-secret"}, **remote)
    assert answer.status_code == 200 and b"callcenter_agents" in answer.data


def test_a_scrape_counts_the_webhooks_of_every_web_worker(database_url, redis_url, tmp_path):
    env = dict(os.environ, PROMETHEUS_MULTIPROC_DIR=str(tmp_path), DATABASE_URL=database_url, REDIS_URL=redis_url,
               SECRET_KEY="test", PYTHONPATH=str(PROJECT_ROOT))
    text = subprocess.run([sys.executable, "-m", "tests.operations.web_workers", "2", "3"], env=env, cwd=PROJECT_ROOT,
                          check=True, capture_output=True, text=True, timeout=120).stdout

    families = {family.name: family for family in text_string_to_metric_families(text)}
    [count] = [s.value for s in families[HISTOGRAM].samples
               if s.name == f"{HISTOGRAM}_count" and s.labels == {"endpoint": "voice.status", "status": "403"}]
    assert count == 5
