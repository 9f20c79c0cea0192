"""Call lists built from a saved segment, alone or narrowed by the dialer's quick criteria."""

from __future__ import annotations

import sqlalchemy as sa

from crm_core.models import Lead
from crm_core.segments import save_segment
from dialer.campaigns import create_campaign
from dialer.lists import build_list_from_segment, list_report

from .conftest import NOW


def leads_of(db_session, call_list):
    return db_session.scalars(sa.select(Lead).where(Lead.list_id == call_list.id).order_by(Lead.id)).all()


def test_a_call_list_from_a_saved_segment_takes_its_members_primary_numbers(db_session, cast):
    campaign = create_campaign(db_session, name="Loyalty calls", profile_code="RU", purpose="service",
                               mode="progressive", default_region="RU", caller_id="+74950000000")
    late = save_segment(db_session, name="Let down lately", now=NOW,
                        conditions=[{"condition": "late_deliveries", "days": 90, "at_least": 1}])
    call_list = build_list_from_segment(db_session, campaign, name="apologies", default_region="RU", now=NOW,
                                        saved_segment=late)
    assert [(lead.customer_id, lead.e164, lead.name) for lead in leads_of(db_session, call_list)] == [
        (cast.boris.id, "+12125550143", "Boris Johnson"), (cast.clara.id, "+74951234567", "ООО Ромашка")]
    settings = list_report(db_session, call_list.id)["settings"]
    assert (settings["saved_segment"], settings["conditions"]) == ("Let down lately", late.conditions)

    # The quick criteria narrow a saved segment: Clara was called 10 days ago.
    narrowed = build_list_from_segment(db_session, campaign, name="apologies, not called", default_region="RU",
                                       now=NOW, saved_segment=late, not_contacted_days=30)
    assert [lead.customer_id for lead in leads_of(db_session, narrowed)] == [cast.boris.id]


def test_the_quick_criteria_are_segment_conditions(db_session, cast):
    campaign = create_campaign(db_session, name="VIP calls", profile_code="RU", purpose="service",
                               mode="progressive", default_region="RU", caller_id="+74950000000")
    call_list = build_list_from_segment(db_session, campaign, name="vip", default_region="RU", now=NOW,
                                        segment="vip", ordered_within_days=30)
    assert [lead.customer_id for lead in leads_of(db_session, call_list)] == [cast.anna.id]
    assert list_report(db_session, call_list.id)["settings"]["conditions"] == [
        {"condition": "orders", "days": 30, "at_least": 1}, {"condition": "segment_tag", "is": "vip"}]
