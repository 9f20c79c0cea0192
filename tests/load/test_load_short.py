"""The whole platform under a short load, as bench/load.py runs it in full: callers in the IVR, agents on their
consoles and a predictive campaign at once, on the Procfile's processes (gunicorn web and voice, rq worker, pacer,
sandbox) over the test database and Redis (SQLite and the embedded Redis too: the processes share the file). The
consoles are on the web process and the webhooks on the voice process's workers: every offer crosses between them."""

import pytest
import redis

from bench.load import WARM_UP_CALLS, LoadPlan, run_load
from tests.conftest import empty_all_tables

SHORT = LoadPlan(callers=30, agents=5, leads=12, customers=60, duration=90, timeout=150, baseline_calls=0,
                 talk_seconds=8)


@pytest.fixture(scope="module")
def short_load(database_url, redis_url, engine, tmp_path_factory):
    """One short load run's report; every table and the Redis database are emptied afterwards."""
    try:
        yield run_load(SHORT, database_url=database_url, redis_url=redis_url,
                       workdir=tmp_path_factory.mktemp("load"))
    finally:
        empty_all_tables(engine)
        with redis.Redis.from_url(redis_url) as connection:
            connection.flushdb()


def test_every_call_under_load_ends_with_one_interaction_holding_its_outcome(short_load):
    integrity = short_load["integrity"]
    assert short_load["drained"], short_load["outstanding"]
    assert integrity["call_problems"] == {}, integrity["examples"]
    summary = integrity["summary"]
    inbound = sum(n for kind, n in summary.items() if kind.startswith("inbound "))
    assert inbound == SHORT.callers + SHORT.baseline_calls + WARM_UP_CALLS
    assert summary.get("inbound contained") and summary.get("inbound callback") and summary.get("inbound transferred")
    assert summary.get("campaign human") and summary.get("campaign machine") and summary.get("campaign no-answer")


def test_no_campaign_attempt_is_dialed_twice_and_every_attempt_is_decided(short_load):
    integrity = short_load["integrity"]
    assert integrity["attempts"] >= SHORT.leads
    assert integrity["dial_problems"] == {}, integrity["examples"]


def test_no_webhook_fails_and_no_agent_console_sees_an_error_under_load(short_load):
    assert short_load["error_count"] == 0, short_load["errors"]
    assert short_load["webhooks"]["samples"] > SHORT.callers * 3


def test_every_call_an_agent_accepts_pops_up_on_their_console_and_is_wrapped_up(short_load):
    screen_pop = short_load["screen_pop"]
    assert screen_pop["accepted"] == short_load["integrity"]["summary"]["handled by an agent"]
    assert screen_pop["wrapped_up"] == screen_pop["accepted"] > 0
    assert screen_pop["offers"] >= screen_pop["samples"] >= screen_pop["accepted"]
