"""A supervisor on the floor, in a real browser, listens to an agent's live call and stops."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from crm_core.users import create_user
from tests.conftest import wait_until
from tests.monitoring.conftest import TO_AN_AGENT
from tests.monitoring.rooms import participants

pytestmark = pytest.mark.slow
PASSWORD = "correct horse battery"


def test_supervisor_listens_to_a_live_call_from_the_floor_and_sees_the_mode(
        live_platform, committed_session, console_client, supervisor, open_page, log_in):
    agent = create_user(committed_session, username="olga", full_name="Ольга Агентова", role="agent",
                        password=PASSWORD, languages=["ru"])
    committed_session.commit()
    live_platform.sandbox.add_device(f"client:agent-{agent.id}", auto_answer=True, answer_after=0.5)
    # No device registered for the supervisor: with the local sandbox the platform has it answer for the browser.
    twilio_client = live_platform.app.extensions["telephony"].client
    floor = log_in(open_page(live_platform.url + "/login"), "svetlana", PASSWORD)
    expect(floor).to_have_url(re.compile(r"/floor$"))
    expect(floor.get_by_test_id("connection")).to_have_attribute("data-connection", "connected")

    desk = console_client(agent.id)
    assert desk.call("set_state", {"state": "available"}, namespace="/desk", timeout=10)["ok"]
    call_sid = live_platform.sandbox.place_call("+79051234567", live_platform.number, TO_AN_AGENT, patience=3000)
    desk.inbox.wait_for("offer", where=lambda o: o["call"]["call_sid"] == call_sid)
    assert desk.call("accept", {"call_sid": call_sid}, namespace="/desk", timeout=10)["ok"]
    wait_until(lambda: "agent" in participants(twilio_client, call_sid))

    row = floor.locator(f'[data-testid="agent-row"][data-agent-id="{agent.id}"]')
    expect(row).to_contain_text("on call")
    row.get_by_test_id("monitor-listen").click()
    expect(row.get_by_test_id("monitoring-mode")).to_have_text("Listening · you")
    expect(row.get_by_test_id("monitor-listen")).to_be_disabled()
    listening = wait_until(lambda: participants(twilio_client, call_sid).get("supervisor"))
    assert listening.muted and not listening.coaching

    row.get_by_test_id("monitor-stop").click()
    expect(row.get_by_test_id("monitoring-mode")).to_have_count(0)
    wait_until(lambda: "supervisor" not in participants(twilio_client, call_sid))
    assert "monitoring" not in [name for name, _ in desk.inbox.events]
    live_platform.sandbox.hangup(call_sid)
    desk.inbox.wait_for("call_ended")
