"""Report pages show the hand-computed figures of tests/analytics' contact center (Monday 2026-06-01 for
inbound, Tuesday and Wednesday for the campaign), each table downloads as the CSV of the same rows, and a
wrong form is refused with a message."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from callcenter.console.reports import PAGES

MONDAY = {"first_day": "2026-06-01", "last_day": "2026-06-01"}


def table(html: str, name: str) -> list[list[str]]:
    """The cells (header cells of each row included) of a report table, as the page shows them."""
    body = re.search(rf'data-testid="table-{name}".*?<tbody>(.*?)</tbody>', html, re.S).group(1)
    return [[re.sub(r"\s+", " ", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def chart(html: str, name: str) -> dict:
    """The data a chart of the page is drawn from."""
    return json.loads(re.search(rf'<script type="application/json" id="chart-{name}-data">(.*?)</script>', html,
                                re.S).group(1))


def csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_agent_page_shows_each_agents_handle_time_and_occupancy(supervisor_client, floor):
    html = supervisor_client.get("/supervisor/reports/agents", query_string=MONDAY).get_data(as_text=True)
    anna = next(row for row in table(html, "performance") if row[0] == "Anna")
    # Over the whole day Anna handled call8 (08:59) too: 3 calls; talk 900 - 120 s on hold, wrap-up 180 s,
    # AHT (780 + 120 + 180) / 3 = 360 s; available 08:50-09:05, 09:11:10-09:30, 09:50-10:05 = 2930 s and
    # ringing 10 s; occupancy (900 + 180) / (900 + 180 + 2940).
    assert anna == ["Anna", "3", "13:00", "2:00", "3:00", "6:00", "49:00", "8:00", "26.9 %"]
    assert ["Anna", "sale", "1"] in table(html, "dispositions")


def test_queue_page_shows_service_level_per_queue_and_by_half_hour(supervisor_client, floor):
    html = supervisor_client.get("/supervisor/reports/queues",
                                 query_string=MONDAY | {"interval": "30"}).get_data(as_text=True)
    queues = {row[0]: row for row in table(html, "queues")}
    # support: call1..call6 and call8; answered call1 call2 call3 call8, within 20 s call1 (10 s) and call8 (4 s);
    # short abandon call4; SL 2 / (7 - 1); abandon rate (3 - 1) / (7 - 1); ASA (10 + 25 + 23 + 4) / 4 = 15.5 s.
    assert queues["support"] == ["support", "7", "4", "3", "1", "2", "33.3 %", "33.3 %", "0:16", "0:40"]
    assert queues["sales"][1:3] == ["1", "1"] and queues["sales"][6] == "100.0 %"
    intervals = [row[:3] + [row[7]] for row in table(html, "intervals") if row[0] == "support"]
    assert intervals == [["support", "2026-06-01 08:30", "1", "100.0 %"],
                         ["support", "2026-06-01 09:00", "4", "33.3 %"],
                         ["support", "2026-06-01 09:30", "2", "0.0 %"]]
    assert chart(html, "intervals-1") == {
        "title": "Calls offered by interval", "type": "bar", "unit": "count",
        "labels": ["2026-06-01 08:30", "2026-06-01 09:00", "2026-06-01 09:30"],
        "datasets": [{"label": "sales", "data": [None, None, 1]}, {"label": "support", "data": [1, 4, 2]}]}
    assert chart(html, "intervals-2")["datasets"][1]["data"] == [100.0, 33.33, 0.0]  # percent


def test_intervals_read_in_the_chosen_time_zone(supervisor_client, floor):
    html = supervisor_client.get("/supervisor/reports/queues", query_string=MONDAY | {
        "time_zone": "Europe/Moscow", "queue": "support", "interval": "60"}).get_data(as_text=True)
    assert [row[1] for row in table(html, "intervals")] == ["2026-06-01 11:00", "2026-06-01 12:00"]


def test_hours_of_a_half_hour_time_zone_begin_on_its_own_clock(supervisor_client, floor):
    """Kolkata is UTC+05:30: its 14:00-15:00 is 08:30-09:30 UTC (call8 at 08:59 and four calls after 09:00)."""
    html = supervisor_client.get("/supervisor/reports/queues", query_string=MONDAY | {
        "time_zone": "Asia/Kolkata", "queue": "support", "interval": "60"}).get_data(as_text=True)
    assert [(row[1], row[2]) for row in table(html, "intervals")] == [("2026-06-01 14:00", "5"),
                                                                     ("2026-06-01 15:00", "2")]


def test_queue_csv_has_the_page_columns_and_raw_figures(supervisor_client, floor):
    response = supervisor_client.get("/supervisor/reports/queues", query_string=MONDAY | {
        "queue": "support", "interval": "30", "format": "csv", "table": "intervals"})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == \
        'attachment; filename="queues-intervals-2026-06-01-2026-06-01.csv"'
    rows = csv_rows(response)
    assert list(rows[0]) == ["queue", "interval_start", "offered", "answered", "abandoned", "short_abandoned",
                             "answered_within_target", "service_level", "abandon_rate", "asa_seconds",
                             "longest_wait_seconds"]
    assert [(r["interval_start"], r["offered"], r["answered"]) for r in rows] == [
        ("2026-06-01T08:30:00+00:00", "1", "1"), ("2026-06-01T09:00:00+00:00", "4", "2"),
        ("2026-06-01T09:30:00+00:00", "2", "1")]
    assert float(rows[1]["service_level"]) == pytest.approx(1 / 3)


def test_ivr_page_shows_containment_and_the_statuses_asked(supervisor_client, floor):
    html = supervisor_client.get("/supervisor/reports/ivr", query_string=MONDAY).get_data(as_text=True)
    # 8 queued calls and 5 IVR-only sessions entered the IVR; 3 were contained.
    assert table(html, "summary") == [["13", "3", "8", "1", "1", "23.1 %"]]
    assert table(html, "order_statuses") == [["in_transit", "2"], ["delayed", "1"], ["delivered", "1"]]


def test_campaign_page_shows_rates_by_list_and_asks_for_a_campaign_before_the_abandon_rate(supervisor_client, floor):
    days = {"first_day": "2026-06-02", "last_day": "2026-06-03"}
    html = supervisor_client.get("/supervisor/reports/campaigns", query_string=days).get_data(as_text=True)
    lists = {row[0]: row for row in table(html, "lists")}
    # L1: 4 leads, 3 dialed by 5 attempts, 3 contacts, 2 sales.
    assert lists["L1"] == ["L1", "4", "75.0 %", "5", "3", "1.67", "3", "60.0 %", "2", "66.7 %"]
    assert ["No agent (abandoned)", "3", "1", "33.3 %", "0", "0.0 %"] in table(html, "agents")
    assert "Choose a campaign to see its abandon rate." in html

    html = supervisor_client.get("/supervisor/reports/campaigns",
                                 query_string=days | {"campaign": floor.campaign_id}).get_data(as_text=True)
    tuesday = table(html, "abandon_by_day")[0]
    # 06-02: a2 and a5 reached agents, a4 was dropped: 1 / (2 + 1).
    assert tuesday[:3] + [tuesday[4]] == ["2026-06-02", "2", "1", "33.3 %"]


def test_sales_page_shows_the_funnel_and_the_forecast_for_a_planned_volume(supervisor_client, floor):
    html = supervisor_client.get("/supervisor/reports/sales",
                                 query_string=MONDAY | {"planned_conversations": "50"}).get_data(as_text=True)
    # Conversations call1 call2 call3 call7 call8; sales call1 call7; both ordered within 7 days; call1's delivered.
    assert [row[:2] for row in table(html, "funnel")] == [
        ["conversations", "5"], ["sales", "2"], ["ordered", "2"], ["delivered", "1"]]
    assert table(html, "forecast") == [["conversations", "50.00"], ["sales", "20.00"], ["ordered", "20.00"],
                                       ["delivered", "10.00"]]


def test_staffing_plans_the_measured_half_hours_with_the_entered_handle_time(supervisor_client, floor):
    html = supervisor_client.get("/supervisor/reports/staffing", query_string=MONDAY | {
        "queue": "support", "interval": "30", "aht_seconds": "540", "service_level": "80",
        "target_seconds": "20", "max_occupancy": "85"}).get_data(as_text=True)
    # 1, 4 and 2 calls of 540 s per half hour: 0.3, 1.2 and 0.6 Erlangs need 2, 3 and 2 agents for 80 % in 20 s.
    assert [(row[1], row[2], row[4]) for row in table(html, "measured")] == [
        ("2026-06-01 08:30", "1", "2"), ("2026-06-01 09:00", "4", "3"), ("2026-06-01 09:30", "2", "2")]
    assert table(html, "aht") == [["9:00", "entered"]]


def test_staffing_a_manual_forecast_matches_the_published_erlang_c_example(supervisor_client):
    # Call Centre Helper's worked example: 100 calls per half hour, AHT 180 s, 80 % in 20 s -> 14 agents.
    response = supervisor_client.get("/supervisor/reports/staffing", query_string={
        "forecast": "100, 0", "aht_seconds": "180", "interval": "30", "service_level": "80", "target_seconds": "20",
        "max_occupancy": "85", "first_interval": "09:00"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert table(html, "forecast") == [["09:00", "100.00", "10.00", "14", "88.8 %", "0:08", "71.4 %"],
                                       ["09:30", "0.00", "0.00", "0", "100.0 %", "0:00", "0.0 %"]]
    assert "Planned from your forecast below." in html


def test_staffing_without_calls_to_measure_asks_for_a_handle_time(supervisor_client):
    html = supervisor_client.get("/supervisor/reports/staffing").get_data(as_text=True)
    assert "No call was handled in the period to measure the average handle time: enter one." in html


@pytest.mark.parametrize(("args", "message"), [
    ({"first_day": "2026-02-30"}, "First day must be a date such as 2026-06-01"),
    ({"last_day": "yesterday"}, "Last day must be a date such as 2026-06-01"),
    ({"first_day": "2026-06-05", "last_day": "2026-06-01"}, "The last day comes before the first day"),
    ({"first_day": "2025-01-01", "last_day": "2026-06-01"}, "A report covers at most 366 days: narrow the period"),
    ({"time_zone": "Mars/Olympus"}, "Unknown time zone &#39;Mars/Olympus&#39;"),
    ({"interval": "20"}, "The interval must be one of 15, 30, 60"),
    ({"target_seconds": "fast"}, "Answered within (seconds) must be a number"),
    ({"agent": "anna"}, "Unknown agent: choose one from the list"),
    ({"agent": "99999999999999999999"}, "Unknown agent: choose one from the list"),
])
def test_a_wrong_form_is_refused_with_a_message(supervisor_client, args, message):
    response = supervisor_client.get("/supervisor/reports/queues", query_string=args)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html
    assert 'data-testid="report-error"' in html and "table-intervals" not in html


def test_a_wrong_staffing_form_and_a_csv_of_a_wrong_period_are_refused(supervisor_client):
    refused = supervisor_client.get("/supervisor/reports/staffing", query_string={"service_level": "100"})
    assert refused.status_code == 400
    assert "Target service level (%) must be between 1 and 99" in refused.get_data(as_text=True)
    bad_forecast = supervisor_client.get("/supervisor/reports/staffing", query_string={"forecast": "12 lots"})
    assert bad_forecast.status_code == 400
    csv_refused = supervisor_client.get("/supervisor/reports/agents", query_string={
        "first_day": "2026-06-02", "last_day": "2026-06-01", "format": "csv", "table": "performance"})
    assert csv_refused.status_code == 400
    assert supervisor_client.get("/supervisor/reports/agents", query_string={
        "format": "csv", "table": "nothing"}).status_code == 400


def test_the_csv_of_an_empty_period_has_its_header(supervisor_client):
    response = supervisor_client.get("/supervisor/reports/agents", query_string={
        "first_day": "2020-01-01", "last_day": "2020-01-01", "format": "csv", "table": "dispositions"})
    assert response.get_data(as_text=True) == "agent,disposition,calls\r\n"


@pytest.mark.parametrize(("slug", "name"), [(page.slug, table.name) for page in PAGES.values()
                                            for table in page.tables])
def test_every_tables_csv_has_the_page_columns_and_one_line_per_row(supervisor_client, floor, slug, name):
    args = {"first_day": "2026-06-01", "last_day": "2026-06-03", "campaign": floor.campaign_id,
            "aht_seconds": "300", "forecast": "10 20" if name == "forecast" else ""}
    html = supervisor_client.get(f"/supervisor/reports/{slug}", query_string=args).get_data(as_text=True)
    rows = csv_rows(supervisor_client.get(f"/supervisor/reports/{slug}",
                                          query_string=args | {"format": "csv", "table": name}))
    page_rows = table(html, name)
    assert page_rows and len(rows) == len(page_rows)
    assert list(rows[0]) == [column.key for column in next(t for t in PAGES[slug].tables if t.name == name).columns]
