"""Erlang C fed with the measured volume, and the CSV export of a report."""

from __future__ import annotations

import csv
import io

import pytest

from crm_core.analytics import ReportFilter, measured_aht, queue_report, report_csv, staffing_plan

from .conftest import HOUR_END, HOUR_START, NOW, at

HOUR = ReportFilter(HOUR_START, HOUR_END)


def test_measured_aht_over_every_agent(db_session, floor):
    # Talk 780 + 600, hold 120, wrap-up 180 + 300, over 4 calls handled.
    assert measured_aht(db_session, HOUR, now=NOW) == pytest.approx((780 + 600 + 120 + 180 + 300) / 4)


def test_staffing_plan_per_half_hour_from_the_measured_volume(db_session, floor):
    rows = staffing_plan(db_session, ReportFilter(HOUR_START, HOUR_END, queue="support"), aht_seconds=540,
                         interval_minutes=30)
    # 4 calls * 540 s / 1800 s = 1.2 Erlangs: N=2 gives C = 1.8 / 4 = 0.45, SL = 1 - 0.45 e^(-0.8*20/540) = 0.563;
    # N=3 gives C = 0.48 / 3.4 = 0.1412, SL = 1 - 0.1412 e^(-1.8*20/540) = 0.868 >= 0.8.
    # 2 calls: 0.6 Erlangs: N=1 gives SL = 1 - 0.6 e^(-0.4*20/540) = 0.409; N=2: C = 0.2571 / 1.8571 = 0.1385,
    # SL = 0.868.
    assert [(r["interval_start"], r["offered"], r["agents_needed"]) for r in rows] == [
        (at(1, 9, 0), 4, 3), (at(1, 9, 30), 2, 2)]
    assert rows[0]["traffic_erlangs"] == pytest.approx(1.2)
    assert rows[0]["expected_service_level"] == pytest.approx(0.868, abs=5e-4)


def test_csv_export_has_the_page_rows_with_empty_cells_for_undefined_kpis(db_session, floor):
    rows = queue_report(db_session, ReportFilter(HOUR_START, HOUR_END, queue="support"), interval_minutes=30)
    text = report_csv(rows)
    parsed = list(csv.DictReader(io.StringIO(text)))
    assert list(parsed[0]) == list(rows[0])
    assert parsed[0]["interval_start"] == "2026-06-01T09:00:00+00:00"
    assert (parsed[0]["offered"], parsed[1]["service_level"]) == ("4", "0.0")
    assert len(parsed) == 2


def test_csv_of_an_empty_report_still_has_its_header():
    assert report_csv([], ["queue", "offered"]) == "queue,offered\r\n"
    assert report_csv([{"queue": "support", "asa_seconds": None}]) == "queue,asa_seconds\r\nsupport,\r\n"
