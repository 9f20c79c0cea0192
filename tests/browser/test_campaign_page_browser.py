"""In a real browser, a supervisor watches a running campaign's figures change live (pushed by the pacer process)
and pauses it from the keyboard; the pacer then launches nothing more."""

from __future__ import annotations

import re
import time

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from crm_core import models
from crm_core.users import create_user
from tests.dialing.conftest import add_leads, make_dialing_campaign, platform_process  # noqa: F401  (fixtures)

pytestmark = pytest.mark.slow

PASSWORD = "correct horse battery"
NUMBERS = [f"+7916000070{i}" for i in range(8)]


def test_supervisor_watches_progress_live_and_pauses_the_campaign_from_the_keyboard(
        live_platform, committed_session, console_client, platform_process, make_dialing_campaign, add_leads,
        open_page, log_in):  # noqa: F811
    session = committed_session
    campaign = make_dialing_campaign(session)
    add_leads(session, campaign, NUMBERS)
    create_user(session, username="sofia", full_name="Sofia Supervisor", role="supervisor", password=PASSWORD)
    agent = create_user(session, username="alex", full_name="Alex Agent", role="agent", password=PASSWORD)
    session.commit()
    for number in NUMBERS:
        live_platform.sandbox.add_callee(number, "no-answer")
    desk = console_client(agent.id)
    assert desk.call("set_state", {"state": "available"}, namespace="/desk", timeout=5)["ok"]

    page = log_in(open_page(live_platform.url + "/login"), "sofia", PASSWORD)
    expect(page).to_have_url(re.compile(r"/floor$"))
    page.goto(f"{live_platform.url}/supervisor/campaigns/{campaign.id}")
    progress = page.get_by_test_id("progress")
    expect(page.get_by_test_id("connection")).to_have_text("Connected")
    expect(progress.locator('[data-field="dialed"]')).to_have_text("0")

    platform_process("worker")
    platform_process("pacer", "--interval", "0.3")
    # One agent, progressive: one no-answer call at a time; the figures move without a reload.
    expect(progress.locator('[data-field="dialed"]')).not_to_have_text("0", timeout=30_000)
    expect(progress.locator('[data-field="estimated_finish"]')).not_to_have_text("—")

    pause = page.get_by_test_id("pause")
    pause.focus()
    page.keyboard.press("Enter")
    expect(progress.locator('[data-field="status"]')).to_have_text("paused")
    expect(page.get_by_test_id("start")).to_be_visible()
    expect(pause).to_be_hidden()

    time.sleep(2)  # several pacer rounds
    dialed = _attempts(session, campaign.id)
    time.sleep(2)
    assert _attempts(session, campaign.id) == dialed < len(NUMBERS)


def _attempts(session, campaign_id: int) -> int:
    try:
        return session.scalar(sa.select(sa.func.count()).select_from(models.DialAttempt)
                              .where(models.DialAttempt.campaign_id == campaign_id))
    finally:
        session.rollback()
