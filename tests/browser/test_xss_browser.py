"""A customer whose name and notes carry script: the agent's screen-pop shows them as text and runs nothing."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from crm_core import models
from crm_core.users import create_user

from .conftest import PASSWORD

pytestmark = pytest.mark.slow

CALLER = "+79161234500"
# Each would set window.__xss if the page ever parsed it as HTML (and the Content-Security-Policy let it run).
FIRST_NAME = '<img src=x onerror="window.__xss=1">'
LAST_NAME = "\"'><svg onload=\"window.__xss=2\">"
NOTES = "<script>window.__xss=3</script><b>bold</b>"


@pytest.fixture
def hostile_customer(committed_session):
    """A caller whose name and earlier call's notes are markup that sets window.__xss."""
    customer = models.Customer(first_name=FIRST_NAME, last_name=LAST_NAME, language="ru", segment="<i>VIP</i>")
    customer.phones = [models.PhoneNumber(e164=CALLER, kind="mobile", region="RU", is_primary=True)]
    committed_session.add(customer)
    committed_session.flush()
    committed_session.add(models.Interaction(
        customer_id=customer.id, direction="inbound", from_number=CALLER, status="completed",
        disposition="resolved", notes=NOTES, call_sid="CA" + "x5" * 16))
    committed_session.commit()
    return customer


def test_a_hostile_customer_pops_up_as_text_and_runs_no_script(live_platform, committed_session, hostile_customer,
                                                               open_page, log_in):
    create_user(committed_session, username="olga", full_name="Ольга Агентова", role="agent", password=PASSWORD,
                languages=["ru"])
    committed_session.commit()
    page = log_in(open_page(live_platform.url + "/login"), "olga", PASSWORD)
    expect(page.get_by_test_id("connection")).to_have_attribute("data-connection", "connected")
    page.get_by_test_id("go-available").click()
    expect(page.get_by_test_id("agent-state")).to_have_text("available")

    live_platform.sandbox.place_call(CALLER, live_platform.number, [{"press": "0"}], patience=3000)
    expect(page.get_by_test_id("offer")).to_be_visible()
    expect(page.get_by_test_id("customer-name")).to_have_text(f"{FIRST_NAME} {LAST_NAME}")
    expect(page.get_by_test_id("offer-caller")).to_have_text(f"{FIRST_NAME} {LAST_NAME}")
    expect(page.get_by_test_id("interaction-notes").first).to_have_text(NOTES)
    expect(page.get_by_test_id("customer").locator("img, svg, script, b, i")).to_have_count(0)
    assert page.evaluate("window.__xss") is None
