"""The supervisors' wallboard in a real browser, updating live while the sandbox runs a call."""

from __future__ import annotations

import re
import threading

import pytest
from playwright.sync_api import expect

from callcenter.console.wiring import publish_wallboard
from callcenter.db import close_session, get_session
from crm_core.db import utcnow
from crm_core.users import create_user
from tests.browser.test_desk_browser import PASSWORD, UNKNOWN_CALLER_TO_AGENT, go_available

pytestmark = pytest.mark.slow

# Sandbox seconds the caller waits before hanging up (about 8 s at the live platform's clock speed).
PATIENCE = 400
# Real seconds of waiting that raise the wallboard's alert in this test.
LONG_WAIT = 2


@pytest.fixture
def pacer_publishing(live_platform):
    """What `callcenter pacer` does for the wallboard, every second, in a thread beside the live platform."""
    stop = threading.Event()

    def publish_until_stopped():
        with live_platform.app.app_context():
            while not stop.is_set():
                publish_wallboard(get_session(), utcnow())
                close_session()
                stop.wait(1)

    thread = threading.Thread(target=publish_until_stopped, daemon=True)
    thread.start()
    yield
    stop.set()
    thread.join(timeout=5)


def test_wallboard_shows_a_caller_waiting_then_abandoning_and_a_supervisor_sets_an_agents_state(
        live_platform, committed_session, open_page, log_in, artifacts, pacer_publishing):
    live_platform.app.config["WALLBOARD_LONGEST_WAIT_ALERT_SECONDS"] = LONG_WAIT
    agent = create_user(committed_session, username="olga", full_name="Ольга Агентова", role="agent",
                        password=PASSWORD, languages=["ru"])
    create_user(committed_session, username="svetlana", full_name="Светлана Старшая", role="supervisor",
                password=PASSWORD)
    committed_session.commit()

    floor = log_in(open_page(live_platform.url + "/login"), "svetlana", PASSWORD)
    expect(floor).to_have_url(re.compile(r"/floor$"))
    expect(floor.get_by_test_id("wallboard-updated")).to_contain_text("Today's figures as of")
    expect(floor.get_by_test_id("kpi-waiting").locator("[data-value]")).to_have_text("0")
    expect(floor.get_by_test_id("no-queues")).to_be_visible()

    # The agent becomes available; the supervisor puts them on a break from the floor and their desk follows.
    desk = log_in(open_page(live_platform.url + "/login"), "olga", PASSWORD)
    go_available(desk)
    agent_row = floor.locator(f'[data-testid="agent-row"][data-agent-id="{agent.id}"]')
    expect(agent_row).to_contain_text("available")
    agent_row.get_by_test_id("set-break").click()
    expect(agent_row).to_contain_text("break")
    expect(agent_row).to_contain_text("set by Светлана Старшая")
    expect(desk.get_by_test_id("agent-state")).to_have_text("break")

    # Nobody is available: the caller waits, the wallboard counts them and their wait grows, then alerts.
    live_platform.sandbox.place_call("+79051234567", live_platform.number, UNKNOWN_CALLER_TO_AGENT,
                                     patience=PATIENCE)
    queue_row = floor.get_by_test_id("queue-row")
    expect(queue_row.get_by_test_id("queue-count")).to_have_text("1")
    expect(floor.get_by_test_id("kpi-waiting").locator("[data-value]")).to_have_text("1")
    longest = queue_row.get_by_test_id("longest-wait")
    expect(longest).to_have_text(re.compile(r"^0:0[1-9]$"))
    first_reading = longest.text_content()
    expect(longest).not_to_have_text(first_reading)
    alert = floor.get_by_test_id("alert").filter(has_text="a caller has waited")
    expect(alert).to_have_attribute("data-severity", "critical")
    expect(floor.get_by_test_id("announcer")).to_contain_text("a caller has waited")
    floor.screenshot(path=artifacts / "wallboard-caller-waiting.png", full_page=True)

    # The caller gives up: nobody waits any more and today's figures count an abandoned call.
    expect(queue_row.get_by_test_id("queue-count")).to_have_text("0", timeout=30_000)
    abandoned = floor.get_by_test_id("kpi-abandon-rate")
    expect(abandoned.locator("[data-value]")).to_have_text("100 %")
    expect(abandoned.locator("[data-detail]")).to_have_text("1 of 1 offered")
    expect(floor.get_by_test_id("kpi-service-level").locator("[data-value]")).to_have_text("0 %")
    expect(floor.get_by_test_id("alert").filter(has_text="Service level today 0 % is below the target")) \
        .to_have_attribute("data-severity", "warning")
    expect(alert).to_have_count(0)
    floor.screenshot(path=artifacts / "wallboard-after-abandon.png", full_page=True)
