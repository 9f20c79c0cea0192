"""Dialing fixtures: a campaign that may call at any hour, its leads, and platform processes (workers, pacer)."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from pathlib import Path

import pytest

from agent_console.routing import Router
from crm_core import models
from dialer.compliance import seed_shipped_profiles
from tests.conftest import TEST_SECRET

_names = itertools.count(1)


@pytest.fixture
def make_dialing_campaign():
    """Create a running campaign (profile RU but calling at any hour, `abandon` rules overridden) with dialing
    settings; returns it."""

    def make(session, *, mode="progressive", abandon=None, **settings):
        seed_shipped_profiles(session)
        base = session.query(models.ComplianceProfile).filter_by(code="RU").one()
        code = f"T{next(_names)}"
        rules = dict(base.rules)
        rules["window"] = dict(rules["window"]) | {"hours": [["00:00", "23:59"]]}
        rules["abandon"] = dict(rules["abandon"]) | (abandon or {})
        profile = models.ComplianceProfile(code=code, name=f"test {code}", rules=rules)
        session.add(profile)
        session.flush()
        campaign = models.Campaign(name=f"Dialing {code}", profile_id=profile.id, purpose="service", mode=mode,
                                   caller_id="+74950000000", status="running")
        session.add(campaign)
        session.flush()
        session.add(models.CampaignDialing(campaign_id=campaign.id, **({"recycle_rules": {}, "dispositions": [],
                                                                        "language": "en-US"} | settings)))
        session.flush()
        return campaign

    return make


@pytest.fixture
def add_leads():
    """Add leads (Moscow time zone) to a campaign in one list; returns them in order."""

    def add(session, campaign, numbers):
        call_list = models.CallList(campaign_id=campaign.id, name=f"list {next(_names)}", source="file")
        session.add(call_list)
        session.flush()
        leads = [models.Lead(list_id=call_list.id, campaign_id=campaign.id, e164=n, kind="mobile", region="RU",
                             time_zones=["Europe/Moscow"], name=f"Lead {i}") for i, n in enumerate(numbers)]
        session.add_all(leads)
        session.flush()
        return leads

    return add


@pytest.fixture
def available_agents(redis_client):
    """The ACD (on the test Redis) with `n` agents available: the floor as the pacer sees it; returns the Router."""

    def make(n: int) -> Router:
        router = Router(redis_client)
        for agent_id in range(9001, 9001 + n):
            router.sign_in(agent_id, name=f"Agent {agent_id}", skills=[], languages=[])
            router.set_state(agent_id, "available")
        return router

    return make


CALLCENTER = str(Path(sys.executable).with_name("callcenter"))
PROJECT_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def platform_process(live_platform, database_url, redis_url):
    """Start a `callcenter` command (worker, pacer: the Procfile's processes) as its own process on the live
    platform's stores; returns the Popen. Every process still running is stopped after the test (SIGTERM, so a
    worker takes its scheduler down with it; SIGKILL if it lingers)."""
    started = []

    def start(*command, **settings):
        env = dict(os.environ, DATABASE_URL=database_url, REDIS_URL=redis_url, SECRET_KEY=TEST_SECRET,
                   PUBLIC_BASE_URL=live_platform.url, TWILIO_API_BASE_URL=live_platform.sandbox_url) | settings
        process = subprocess.Popen([CALLCENTER, *command], env=env, cwd=PROJECT_ROOT)
        started.append(process)
        return process

    yield start
    for process in started:
        process.terminate()
    for process in started:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
