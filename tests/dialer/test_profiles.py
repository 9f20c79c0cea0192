"""The shipped profiles, case by case, with the figures of the reference (US, UK, FR, DE, RU)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from crm_core.dnc import add_do_not_call
from dialer.compliance import abandon_rate
from dialer.compliance.profiles import Profile, save_profile, shipped_profiles
from dialer.errors import DialRefused, InvalidProfile

UTC = timezone.utc
NEW_YORK = "+12125550143"  # America/New_York, may be wireless
PARIS_MOBILE = "+33612345678"
RU_MOBILE = "+79123456789"  # phonenumbers gives 16 zones, Kaliningrad to Kamchatka
MOSCOW_FIXED = "+74951234567"
LONDON = "+442071234567"


def codes(decision) -> set[str]:
    return {r.code for r in decision.reasons}


def at(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_every_shipped_profile_validates():
    assert set(shipped_profiles()) == {"US", "UK", "FR", "DE", "RU"}
    for code, (name, rules) in shipped_profiles().items():
        assert Profile.from_rules(code, name, rules).min_ring_seconds == 15


# United States: 08:00-21:00 local, 3% of live calls per 30 days, wireless consent, registry no older than 31 days.

@pytest.mark.parametrize("utc, allowed", [
    (at(2026, 6, 1, 11, 59), False),  # 07:59 EDT
    (at(2026, 6, 1, 12, 0), True),  # 08:00 EDT
    (at(2026, 6, 2, 0, 59), True),  # 20:59 EDT
    (at(2026, 6, 2, 1, 0), False),  # 21:00 EDT
])
def test_us_calls_only_between_8_and_21_local(gate, make_campaign, make_lead, utc, allowed):
    campaign = make_campaign("US", mode="preview")
    decision = gate.check(campaign, lead=make_lead(campaign, NEW_YORK), now=utc)
    assert decision.allowed is allowed
    assert allowed or codes(decision) == {"outside_window"}
    assert decision.min_ring_seconds == 15 and decision.caller_id == "+12025550199"


def test_us_window_follows_each_coast(gate, make_campaign, make_lead):
    campaign = make_campaign("US", mode="preview")
    noon_utc = at(2026, 6, 1, 14, 0)  # 10:00 New York, 07:00 Los Angeles
    assert gate.check(campaign, lead=make_lead(campaign, NEW_YORK), now=noon_utc).allowed
    refused = gate.check(campaign, lead=make_lead(campaign, "+14155550100"), now=noon_utc)
    assert refused.reasons[0].detail["zone"] == "America/Los_Angeles"


def test_us_autodialed_wireless_needs_consent_but_preview_does_not(gate, make_campaign, make_lead, make_customer):
    progressive, preview = make_campaign("US"), make_campaign("US", mode="preview")
    now = at(2026, 6, 1, 15, 0)
    assert codes(gate.check(progressive, lead=make_lead(progressive, NEW_YORK), now=now)) == {"consent_missing"}
    assert gate.check(preview, lead=make_lead(preview, NEW_YORK), now=now).allowed
    assert gate.check(progressive, lead=make_lead(progressive, NEW_YORK, consent_at=now - timedelta(days=1)),
                      now=now).allowed
    customer = make_customer(phones=(NEW_YORK,), consent_calls=True)
    assert gate.check(progressive, lead=make_lead(progressive, NEW_YORK, customer=customer), now=now).allowed


def test_us_telemarketing_needs_a_registry_copy_no_older_than_31_days(gate, make_campaign, make_lead, make_registry):
    campaign = make_campaign("US", purpose="advertising", mode="preview")
    lead = make_lead(campaign, NEW_YORK)
    now = at(2026, 6, 1, 15, 0)
    assert codes(gate.check(campaign, lead=lead, now=now)) == {"dnc_registry_missing"}
    make_registry("US-DNC", date(2026, 4, 30))
    assert codes(gate.check(campaign, lead=lead, now=now)) == {"dnc_registry_stale"}
    make_registry("US-DNC", date(2026, 5, 1), numbers=["+12125550999"])
    assert gate.check(campaign, lead=lead, now=now).allowed
    make_registry("US-DNC", date(2026, 5, 20), numbers=[NEW_YORK])
    assert codes(gate.check(campaign, lead=lead, now=now)) == {"dnc_registry"}
    service = make_campaign("US", purpose="service", mode="preview")  # the registry binds telemarketing only
    assert gate.check(service, lead=make_lead(service, NEW_YORK), now=now).allowed


def test_us_abandon_rate_is_3_percent_of_live_calls_over_30_days(db_session, make_campaign, make_attempt):
    campaign = make_campaign("US")
    now = at(2026, 6, 30, 12, 0)
    for i in range(97):
        make_attempt(campaign, f"+1212555{i:04d}", now - timedelta(days=i % 29), answered_by="human",
                     connected_at=now - timedelta(days=i % 29))
    for i in range(3):
        make_attempt(campaign, f"+1415555{i:04d}", now - timedelta(days=20), answered_by="human", abandoned=True)
    make_attempt(campaign, "+14155559999", now - timedelta(days=31), answered_by="human", abandoned=True)
    make_attempt(campaign, "+14155559998", now - timedelta(hours=1), answered_by="machine")
    budget = abandon_rate(db_session, campaign, now)
    assert (budget.live_agent, budget.drops, budget.limit) == (97, 3, 0.03)
    assert budget.rate == pytest.approx(0.03) and not budget.exceeded
    assert budget.window_start == now - timedelta(days=30)
    make_attempt(campaign, "+14155559997", now - timedelta(minutes=5), answered_by="human", abandoned=True)
    assert abandon_rate(db_session, campaign, now).exceeded


# United Kingdom: no redial within 72 h of an abandoned call, 24 h after a machine; 3%/24 h with AMD adjustment.

def test_uk_no_redial_within_72_hours_of_an_abandoned_call(gate, make_campaign, make_lead, make_attempt):
    campaign = make_campaign("UK")
    lead = make_lead(campaign, LONDON)
    abandoned_at = at(2026, 6, 1, 10, 0)
    make_attempt(campaign, LONDON, abandoned_at, answered_by="human", abandoned=True)
    too_soon = gate.check(campaign, lead=lead, now=abandoned_at + timedelta(hours=71, minutes=59))
    assert codes(too_soon) == {"abandon_redial"}
    assert gate.check(campaign, lead=lead, now=abandoned_at + timedelta(hours=72)).allowed
    preview = make_campaign("UK", mode="preview")  # a live agent is guaranteed
    assert gate.check(preview, lead=make_lead(preview, LONDON), now=abandoned_at + timedelta(hours=2)).allowed


def test_uk_no_redial_the_same_24_hours_after_a_machine(gate, make_campaign, make_lead, make_attempt):
    campaign = make_campaign("UK")
    lead = make_lead(campaign, LONDON)
    machine_at = at(2026, 6, 1, 10, 0)
    make_attempt(campaign, LONDON, machine_at, answered_by="machine")
    assert codes(gate.check(campaign, lead=lead, now=machine_at + timedelta(hours=23))) == {"machine_redial"}
    assert gate.check(campaign, lead=lead, now=machine_at + timedelta(hours=24)).allowed


def test_uk_abandon_rate_uses_the_amd_false_positive_adjustment_over_24_hours(db_session, make_campaign,
                                                                              make_attempt):
    campaign = make_campaign("UK")
    now = at(2026, 6, 1, 20, 0)
    placed = now - timedelta(hours=3)
    for i in range(90):
        make_attempt(campaign, f"+4420712{i:05d}", placed, answered_by="human", connected_at=placed)
    for i in range(10):
        make_attempt(campaign, f"+4420713{i:05d}", placed, answered_by="human", connected_at=placed,
                     agent_marked_machine=True)
    for i in range(5):
        make_attempt(campaign, f"+4420714{i:05d}", placed, answered_by="human", abandoned=True)
    make_attempt(campaign, "+442071499999", now - timedelta(hours=25), answered_by="human", abandoned=True)
    budget = abandon_rate(db_session, campaign, now)
    assert (budget.live_agent, budget.drops, budget.am_agent) == (90, 5, 10)
    assert budget.drops_adjusted == pytest.approx(5 * (1 - 10 / 100))
    assert budget.rate == pytest.approx(4.5 / 94.5)
    assert budget.exceeded and budget.window_start == now - timedelta(hours=24)


# France: weekdays 10-13 and 14-20, not on holidays; 4 attempts per 30 days; 60 days after a refusal.

@pytest.mark.parametrize("utc, allowed", [
    (at(2026, 6, 1, 7, 59), False),  # Monday 09:59 Paris
    (at(2026, 6, 1, 8, 0), True),  # 10:00
    (at(2026, 6, 1, 10, 59), True),  # 12:59
    (at(2026, 6, 1, 11, 30), False),  # 13:30, lunch
    (at(2026, 6, 1, 12, 0), True),  # 14:00
    (at(2026, 6, 1, 17, 59), True),  # 19:59
    (at(2026, 6, 1, 18, 0), False),  # 20:00
    (at(2026, 6, 6, 9, 0), False),  # Saturday 11:00
    (at(2026, 7, 14, 9, 0), False),  # Tuesday, Fête nationale
    (at(2026, 5, 25, 9, 0), False),  # Whit Monday (Easter + 50)
])
def test_fr_weekdays_10_to_13_and_14_to_20_outside_holidays(gate, make_campaign, make_lead, utc, allowed):
    campaign = make_campaign("FR")
    assert gate.check(campaign, lead=make_lead(campaign, PARIS_MOBILE), now=utc).allowed is allowed


def test_fr_at_most_4_attempts_per_30_days(gate, make_campaign, make_lead, make_attempt):
    campaign = make_campaign("FR")
    lead = make_lead(campaign, PARIS_MOBILE)
    now = at(2026, 6, 30, 9, 0)  # Tuesday 11:00 Paris
    first = make_attempt(campaign, PARIS_MOBILE, now - timedelta(days=29, hours=23))
    for days in (20, 10, 1):
        make_attempt(campaign, PARIS_MOBILE, now - timedelta(days=days))
    refused = gate.check(campaign, lead=lead, now=now)
    assert codes(refused) == {"limit_30_days"} and refused.reasons[0].detail == {"attempts": 4, "limit": 4}
    aged_out = first.placed_at + timedelta(days=30)
    assert not gate.check(campaign, lead=lead, now=aged_out - timedelta(seconds=1)).allowed
    assert gate.check(campaign, lead=lead, now=aged_out).allowed


def test_fr_no_contact_for_60_days_after_a_refusal(gate, make_campaign, make_lead, make_attempt):
    campaign = make_campaign("FR")
    lead = make_lead(campaign, PARIS_MOBILE)
    make_attempt(campaign, PARIS_MOBILE, at(2026, 4, 1, 9, 0), answered_by="human", connected_at=at(2026, 4, 1, 9, 0),
                 refused=True)
    assert codes(gate.check(campaign, lead=lead, now=at(2026, 5, 29, 9, 0))) == {"refusal_cooloff"}
    assert gate.check(campaign, lead=lead, now=at(2026, 6, 1, 9, 0)).allowed


def test_fr_canvassing_needs_consent_from_11_august_2026(gate, make_campaign, make_lead):
    campaign = make_campaign("FR", purpose="advertising")
    lead = make_lead(campaign, PARIS_MOBILE)
    assert gate.check(campaign, lead=lead, now=at(2026, 8, 10, 9, 0)).allowed
    assert codes(gate.check(campaign, lead=lead, now=at(2026, 8, 11, 9, 0))) == {"consent_missing"}


# Germany: advertising needs prior express consent.

def test_de_advertising_needs_consent(gate, make_campaign, make_lead):
    campaign = make_campaign("DE", purpose="advertising")
    now = at(2026, 6, 2, 10, 0)
    assert codes(gate.check(campaign, lead=make_lead(campaign, "+4915112345678"), now=now)) == {"consent_missing"}
    consented = make_lead(campaign, "+4915112345678", consent_at=now - timedelta(days=400))
    assert gate.check(campaign, lead=consented, now=now).allowed


# Russia: advertising only by preview dialing and only to consenting numbers; every candidate zone counts.

@pytest.mark.parametrize("mode", ["progressive", "predictive"])
def test_ru_advertising_forbids_automatic_dialing(gate, make_campaign, make_lead, mode):
    campaign = make_campaign("RU", purpose="advertising", mode=mode)
    lead = make_lead(campaign, MOSCOW_FIXED, consent_at=at(2026, 1, 1))
    decision = gate.check(campaign, lead=lead, now=at(2026, 6, 1, 9, 0))
    assert codes(decision) == {"auto_dial_forbidden"}
    with pytest.raises(DialRefused) as refused:
        decision.raise_if_refused()
    assert refused.value.reasons[0].code == "auto_dial_forbidden"
    assert gate.check(campaign, lead=lead, now=at(2026, 6, 1, 9, 0), mode="preview").allowed


def test_ru_advertising_preview_needs_consent_service_calls_do_not(gate, make_campaign, make_lead):
    now = at(2026, 6, 1, 9, 0)
    advertising = make_campaign("RU", purpose="advertising", mode="preview")
    assert codes(gate.check(advertising, lead=make_lead(advertising, MOSCOW_FIXED), now=now)) == {"consent_missing"}
    service = make_campaign("RU", purpose="service", mode="progressive")
    assert gate.check(service, lead=make_lead(service, MOSCOW_FIXED), now=now).allowed


def test_ru_mobile_is_called_only_when_inside_the_window_in_every_candidate_zone(gate, make_campaign, make_lead,
                                                                                 make_customer):
    campaign = make_campaign("RU")
    lead = make_lead(campaign, RU_MOBILE)
    assert gate.check(campaign, lead=lead, now=at(2026, 6, 1, 8, 0)).allowed  # Kaliningrad 10:00, Kamchatka 20:00
    late = gate.check(campaign, lead=lead, now=at(2026, 6, 1, 10, 0))  # Kamchatka 22:00
    assert {r.detail["zone"] for r in late.reasons} >= {"Asia/Kamchatka", "Asia/Anadyr"}
    assert "Europe/Moscow" not in {r.detail["zone"] for r in late.reasons}
    customer = make_customer(phones=(RU_MOBILE,), time_zone="Europe/Moscow")
    known = make_lead(campaign, RU_MOBILE, customer=customer)
    decision = gate.check(campaign, lead=known, now=at(2026, 6, 1, 10, 0))
    assert decision.allowed and decision.zones == ("Europe/Moscow",)


# Rules every profile shares.

def test_a_number_without_time_zone_is_not_auto_dialed(gate, make_campaign, make_lead):
    campaign = make_campaign("RU")
    lead = make_lead(campaign, MOSCOW_FIXED, zones=[])
    assert codes(gate.check(campaign, lead=lead, now=at(2026, 6, 1, 9, 0))) == {"no_time_zone"}
    assert gate.check(campaign, lead=lead, now=at(2026, 6, 1, 9, 0), mode="preview").allowed


def test_global_and_campaign_do_not_call_lists(db_session, gate, make_campaign, make_lead):
    campaign, other = make_campaign("RU"), make_campaign("RU")
    now = at(2026, 6, 1, 9, 0)
    add_do_not_call(db_session, MOSCOW_FIXED, source="disposition", campaign_id=other.id)
    assert gate.check(campaign, lead=make_lead(campaign, MOSCOW_FIXED), now=now).allowed
    add_do_not_call(db_session, MOSCOW_FIXED, source="agent", campaign_id=campaign.id)
    assert codes(gate.check(campaign, lead=make_lead(campaign, MOSCOW_FIXED), now=now)) == {"dnc_campaign"}
    add_do_not_call(db_session, MOSCOW_FIXED, source="opt_out")
    assert codes(gate.check(campaign, number="8 495 123-45-67", now=now)) == {"dnc", "dnc_campaign"}


def test_a_campaign_without_caller_id_dials_nothing(gate, make_campaign, make_lead):
    campaign = make_campaign("RU")
    campaign.caller_id = ""
    assert codes(gate.check(campaign, lead=make_lead(campaign, MOSCOW_FIXED), now=at(2026, 6, 1, 9, 0))) == {
        "no_caller_id"}


def test_every_decision_is_recorded_with_its_reasons_but_lookups_are_not(db_session, gate, make_campaign, make_lead):
    from crm_core.models import GateDecision

    campaign = make_campaign("RU")
    lead = make_lead(campaign, MOSCOW_FIXED)
    refused = gate.check(campaign, lead=lead, now=at(2026, 6, 1, 20, 0))
    row = db_session.get(GateDecision, refused.audit_id)
    assert (row.allowed, row.e164, row.profile_code, row.decided_at) == (False, MOSCOW_FIXED, "RU",
                                                                         at(2026, 6, 1, 20, 0))
    assert row.reasons[0]["code"] == "outside_window" and "Europe/Moscow" in row.reasons[0]["message"]
    assert gate.check(campaign, lead=lead, now=at(2026, 6, 1, 9, 0)).audit_id is not None
    assert gate.check(campaign, lead=lead, now=at(2026, 6, 1, 9, 0), record=False).audit_id is None


def test_the_attempt_being_placed_does_not_count_against_its_own_limit(gate, make_campaign, make_lead, make_attempt):
    campaign = make_campaign("FR")
    lead = make_lead(campaign, PARIS_MOBILE)
    now = at(2026, 6, 2, 9, 0)
    for days in (3, 2, 1):
        make_attempt(campaign, PARIS_MOBILE, now - timedelta(days=days))
    current = make_attempt(campaign, PARIS_MOBILE, now, status="dialing")
    assert gate.check(campaign, lead=lead, now=now, attempt_id=current.id).allowed
    assert not gate.check(campaign, lead=lead, now=now).allowed


def test_admins_define_profiles_that_validate(db_session, make_campaign, make_lead, gate):
    rules = {"window": {"days": ["mon"], "hours": [["09:00", "10:00"]]}, "min_ring_seconds": 20,
             "abandon": {"max_rate": 0.05, "window_hours": 24}, "attempts": {"max_total": 1}}
    save_profile(db_session, "TEST-1", "Test profile", rules)
    campaign = make_campaign("TEST-1", caller_id="+74950000000")
    lead = make_lead(campaign, MOSCOW_FIXED)
    decision = gate.check(campaign, lead=lead, now=at(2026, 6, 1, 6, 30))
    assert decision.allowed and decision.min_ring_seconds == 20
    with pytest.raises(InvalidProfile) as bad:
        save_profile(db_session, "TEST-1", "Test", rules | {"window": {"days": ["mon"], "hours": [["10:00", "09:00"]]}})
    assert bad.value.field == "rules.window.hours[0]"
    with pytest.raises(InvalidProfile, match="unknown key"):
        save_profile(db_session, "TEST-1", "Test", rules | {"curfew": True})
