"""Do-not-call management (audited add and remove, dated registry copies) and lists built from segments."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from crm_core.errors import NotFound, ValidationError
from crm_core.models import DncRegistryEntry, Lead
from dialer.dnc import add_number, import_registry, number_status, remove_number
from dialer.errors import ImportFailed
from dialer.lists import build_list_from_segment, list_report

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=timezone.utc)


def test_a_supervisor_adds_and_removes_a_number_with_reasons_kept(db_session, gate, make_campaign, make_lead,
                                                                  make_user):
    supervisor = make_user("supervisor")
    campaign = make_campaign("RU")
    lead = make_lead(campaign, "+74951234567")
    add_number(db_session, "8 (495) 123-45-67", reason="asked by letter", default_region="RU", now=NOW,
               user_id=supervisor.id)
    assert {r.code for r in gate.check(campaign, lead=lead, now=NOW).reasons} == {"dnc"}
    with pytest.raises(ValidationError, match="reason"):
        remove_number(db_session, "+74951234567", reason=" ", default_region="RU", now=NOW)
    remove_number(db_session, "+74951234567", reason="consent given again on 2026-06-01", default_region="RU",
                  now=NOW + timedelta(hours=1), user_id=supervisor.id)
    assert gate.check(campaign, lead=lead, now=NOW + timedelta(hours=1)).allowed
    status = number_status(db_session, "+7 495 123 45 67", default_region="RU")
    assert status["entries"] == []
    assert [(c["action"], c["reason"], c["user_id"]) for c in status["changes"]] == [
        ("add", "asked by letter", supervisor.id), ("remove", "consent given again on 2026-06-01", supervisor.id)]
    with pytest.raises(NotFound):
        remove_number(db_session, "+74951234567", reason="again", default_region="RU", now=NOW)


def test_campaign_entries_are_managed_separately(db_session, make_campaign):
    campaign = make_campaign("RU")
    add_number(db_session, "+74951234567", reason="not for this offer", campaign_id=campaign.id, default_region="RU",
               now=NOW)
    with pytest.raises(NotFound):
        remove_number(db_session, "+74951234567", reason="wrong list", default_region="RU", now=NOW)
    status = number_status(db_session, "+74951234567", default_region="RU")
    assert [e["campaign_id"] for e in status["entries"]] == [campaign.id]


def test_registry_copies_are_dated_and_only_the_newest_is_kept(db_session, gate, make_campaign, make_lead):
    first = import_registry(db_session, io.BytesIO(b"212,5550143\n415 555 0100\n\nnot a number\n212,5550143\n"),
                            registry_code="US-DNC", registry_date=date(2026, 5, 20), region="US", now=NOW)
    assert (first.entries_count, first.rejected_count) == (2, 3)
    campaign = make_campaign("US", purpose="advertising", mode="preview")
    listed = {r.code for r in gate.check(campaign, lead=make_lead(campaign, "+12125550143"),
                                         now=datetime(2026, 6, 1, 15, 0, tzinfo=timezone.utc)).reasons}
    assert listed == {"dnc_registry"}
    second = import_registry(db_session, io.BytesIO(b"4155550100\n"), registry_code="US-DNC",
                             registry_date=date(2026, 5, 30), region="US", now=NOW)
    assert db_session.scalar(sa.select(sa.func.count()).select_from(DncRegistryEntry)
                             .where(DncRegistryEntry.import_id == first.id)) == 0
    assert gate.check(campaign, lead=make_lead(campaign, "+12125550143"),
                      now=datetime(2026, 6, 1, 15, 0, tzinfo=timezone.utc)).allowed
    assert number_status(db_session, "+14155550100", default_region="US")["registries"] == [
        {"registry": "US-DNC", "registry_date": "2026-05-30"}]
    assert second.entries_count == 1


def test_registry_import_refuses_future_dates_and_empty_or_binary_files(db_session):
    with pytest.raises(ValidationError, match="future"):
        import_registry(db_session, io.BytesIO(b"2125550143\n"), registry_code="US-DNC",
                        registry_date=date(2026, 6, 2), region="US", now=NOW)
    with pytest.raises(ImportFailed, match="empty"):
        import_registry(db_session, io.BytesIO(b""), registry_code="TPS", registry_date=date(2026, 6, 1),
                        region="GB", now=NOW)
    with pytest.raises(ImportFailed, match="longer"):
        import_registry(db_session, io.BytesIO(b"1" * 1000), registry_code="TPS", registry_date=date(2026, 6, 1),
                        region="GB", now=NOW)


def test_a_segment_list_takes_recent_buyers_not_contacted_lately(db_session, make_campaign, make_customer,
                                                                 make_order, make_interaction):
    campaign = make_campaign("RU")
    buyer = make_customer("Анна", "Смирнова", phones=("+79031234567", "+74951234567"))
    make_order(buyer, placed_at=NOW - timedelta(days=10))
    called = make_customer("Пётр", "Иванов", phones=("+79161234567",))
    make_order(called, placed_at=NOW - timedelta(days=20))
    make_interaction(called, started_at=NOW - timedelta(days=3))
    old_buyer = make_customer("Олег", "Сидоров", phones=("+79261234567",))
    make_order(old_buyer, placed_at=NOW - timedelta(days=200))
    call_list = build_list_from_segment(db_session, campaign, name="recent buyers", default_region="RU", now=NOW,
                                        ordered_within_days=90, not_contacted_days=30)
    (lead,) = db_session.scalars(sa.select(Lead).where(Lead.list_id == call_list.id)).all()
    assert (lead.e164, lead.customer_id, lead.name, lead.kind) == ("+79031234567", buyer.id, "Анна Смирнова", "mobile")
    report = list_report(db_session, call_list.id)
    assert (report["source"], report["leads"], report["settings"]["ordered_within_days"]) == ("segment", 1, 90)
    with pytest.raises(ValidationError, match="at least one criterion"):
        build_list_from_segment(db_session, campaign, name="everyone", default_region="RU", now=NOW)
