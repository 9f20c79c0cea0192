"""A supervisor opens the queue report in a real browser: Chart.js draws the charts from the page's figures."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from playwright.sync_api import expect

from crm_core import models

from .conftest import PASSWORD

pytestmark = pytest.mark.slow

# Support calls of Monday 2026-06-01 (UTC): (started, Twilio's QueueResult, QueueTime in seconds).
CALLS = [((9, 2), "bridged", 8), ((9, 7), "bridged", 35), ((9, 11), "hangup", 50), ((9, 20), "bridged", 4),
         ((9, 33), "bridged", 12), ((9, 48), "hangup", 2), ((10, 5), "bridged", 18)]
# The first series' colour in reports.js (Okabe-Ito blue), as the canvas holds it.
FIRST_SERIES_RGB = (0, 114, 178)


@pytest.fixture
def support_calls(committed_session):
    """The CALLS, each with the queue_left event the voice webhook stores when the caller leaves the queue."""
    for n, ((hour, minute), result, wait) in enumerate(CALLS):
        started = datetime(2026, 6, 1, hour, minute, tzinfo=timezone.utc)
        call = models.Interaction(call_sid=f"CA{n:032x}", channel="voice", direction="inbound", status="completed",
                                  queue="support", started_at=started, ended_at=started + timedelta(minutes=3))
        call.events = [models.InteractionEvent(kind="queue_left", detail={"result": result, "queue_time": str(wait)},
                                               occurred_at=started + timedelta(seconds=wait))]
        committed_session.add(call)
    committed_session.commit()


COUNT_COLOURED_PIXELS = """([canvas, [r, g, b]]) => {
    const { data } = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
    let count = 0;
    for (let i = 0; i < data.length; i += 4) {
        if (data[i] === r && data[i + 1] === g && data[i + 2] === b && data[i + 3] === 255) count++;
    }
    return count;
}"""


def test_supervisor_opens_the_queue_report_and_sees_the_charts_of_its_table(
        live_platform, supervisor, support_calls, open_page, log_in, artifacts):
    page = log_in(open_page(live_platform.url + "/login"), "svetlana", PASSWORD)
    expect(page).to_have_url(re.compile(r"/floor$"))
    page.get_by_test_id("supervisor-nav").get_by_role("link", name="Reports").click()
    page.get_by_test_id("report-families").get_by_role("link", name="Queues").click()

    form = page.get_by_test_id("report-form")
    form.get_by_label("First day").fill("2026-06-01")
    form.get_by_label("Last day").fill("2026-06-01")
    form.get_by_label("Interval").select_option(label="60 minutes")
    form.get_by_label("Queue").fill("support")
    form.get_by_label("Queue").press("Enter")  # the form works from the keyboard

    intervals = page.get_by_test_id("table-intervals")
    expect(intervals.get_by_role("row")).to_have_count(3)  # the header and two hours
    # 09:00-10:00: six calls, answered within 20 s: 8 s, 4 s, 12 s of 6 - 1 short abandon.
    expect(intervals.get_by_role("row").nth(1)).to_contain_text("2026-06-01 09:00")
    expect(intervals.get_by_role("row").nth(1)).to_contain_text("60.0 %")

    offered_chart = page.get_by_test_id("chart-intervals-1")
    expect(offered_chart).to_have_attribute("data-drawn", "true")
    expect(offered_chart).to_have_attribute("aria-label", re.compile("the table By interval below gives the figures"))
    # Bars of the first series: hundreds of pixels of its colour once they have grown (300 ms).
    canvas = offered_chart.element_handle()
    page.wait_for_function(f"args => ({COUNT_COLOURED_PIXELS})(args) > 500", arg=[canvas, FIRST_SERIES_RGB])
    page.screenshot(path=artifacts / "queue-report.png", full_page=True)

    download = page.get_by_test_id("csv-intervals")
    expect(download).to_have_attribute("href", re.compile(r"format=csv.*table=intervals|table=intervals.*format=csv"))
