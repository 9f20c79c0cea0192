"""Properties of the gate over random profiles, numbers, DNC sets, customers' zones, clocks, consents and attempt
histories: it refuses exactly when a rule forbids the dial, so it never lets a forbidden dial through and never
refuses one the profile allows."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, assume, event, given, settings, strategies as st

from crm_core import models
from crm_core.dnc import add_do_not_call
from crm_core.phones import normalize_phone
from dialer.compliance.profiles import WIRELESS_KINDS, save_profile
from dialer.compliance.window import DAY_NAMES, easter_sunday

UTC = timezone.utc
NUMBERS = ["+79123456789", "+74951234567", "+74232123456", "+12125550143", "+14155550100", "+19075550100",
           "+33612345678", "+442071234567", "+4915112345678"]
CUSTOMER_ZONES = [None, "Europe/Moscow", "Asia/Vladivostok", "America/New_York", "Europe/Paris", "Not/AZone"]
HOLIDAYS = ["01-01", "05-01", "12-25", "easter+1", "easter-2", "2026-06-01", "07-14"]
MODES = ["preview", "progressive", "predictive"]
PURPOSES = ["service", "advertising"]
PROPERTY_SETTINGS = settings(max_examples=150, deadline=None,
                             suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@st.composite
def profile_rules(draw) -> dict:
    """Random but valid rules: one or two intervals, some holidays, consent scopes, bans and limits."""
    cuts = sorted(draw(st.sets(st.integers(0, 23 * 60 + 59), min_size=2, max_size=4)))
    hours = [[_hhmm(cuts[0]), _hhmm(cuts[1])]] + ([[_hhmm(cuts[2]), _hhmm(cuts[3])]] if len(cuts) == 4 else [])
    limits = {"max_per_day": st.integers(1, 4), "max_per_30_days": st.integers(1, 8), "max_total": st.integers(1, 10),
              "refusal_cooloff_days": st.integers(1, 60), "abandon_redial_hours": st.integers(1, 96),
              "machine_redial_hours": st.integers(1, 48)}
    return {
        "window": {"days": sorted(draw(st.sets(st.sampled_from(DAY_NAMES), min_size=1))), "hours": hours,
                   "holidays": draw(st.lists(st.sampled_from(HOLIDAYS), max_size=3, unique=True))},
        "consent": draw(st.lists(st.fixed_dictionaries({
            "scope": st.sampled_from(["all", "wireless", "advertising"]),
            "modes": st.sets(st.sampled_from(MODES), min_size=1).map(sorted)}), max_size=2)),
        "auto_dial": {"forbidden_for": sorted(draw(st.sets(st.sampled_from(PURPOSES))))},
        "attempts": {k: draw(v) for k, v in limits.items() if draw(st.booleans())},
        "abandon": {"max_rate": 0.03, "window_hours": 24},
        "min_ring_seconds": 15,
    }


attempt_histories = st.lists(st.fixed_dictionaries({
    "hours_ago": st.floats(0.01, 24 * 70),
    "answered_by": st.sampled_from([None, "human", "machine"]),
    "abandoned": st.booleans(),
    "refused": st.booleans(),
}), max_size=8)

scenarios = st.fixed_dictionaries({
    "rules": profile_rules(),
    "number": st.sampled_from(NUMBERS),
    "purpose": st.sampled_from(PURPOSES),
    "mode": st.sampled_from(MODES),
    "dnc": st.sampled_from(["none", "global", "campaign", "other campaign"]),
    "lead_consent": st.booleans(),
    "customer": st.none() | st.fixed_dictionaries({"time_zone": st.sampled_from(CUSTOMER_ZONES),
                                                   "consent_calls": st.booleans(),
                                                   "consent_marketing": st.booleans()}),
    "attempts": attempt_histories,
    "now": st.datetimes(datetime(2026, 1, 1), datetime(2027, 12, 31), timezones=st.just(UTC)),
})


def expected_violations(s: dict) -> set[str]:
    """An independent reading of the rules: which ones the scenario breaks."""
    rules, now, automatic = s["rules"], s["now"], s["mode"] != "preview"
    normalized = normalize_phone(s["number"], "RU")
    customer = s["customer"]
    zones = normalized.time_zones
    if customer and customer["time_zone"] and customer["time_zone"] != "Not/AZone":
        zones = (customer["time_zone"],)
    broken = set()
    if s["dnc"] in ("global", "campaign"):
        broken.add("dnc")
    if automatic and not zones:
        broken.add("no_time_zone")
    for zone in zones:
        local = now.astimezone(ZoneInfo(zone))
        intervals = [(time.fromisoformat(a), time.fromisoformat(b)) for a, b in rules["window"]["hours"]]
        if (DAY_NAMES[local.weekday()] not in rules["window"]["days"] or _is_holiday(rules, local.date())
                or not any(a <= local.time().replace(tzinfo=None) < b for a, b in intervals)):
            broken.add("window")
    consented = s["lead_consent"] or bool(customer and (
        customer["consent_marketing"] if s["purpose"] == "advertising" else customer["consent_calls"]))
    for rule in rules["consent"]:
        scoped = rule["scope"] == "all" or (rule["scope"] == "wireless" and normalized.kind in WIRELESS_KINDS) or (
            rule["scope"] == "advertising" and s["purpose"] == "advertising")
        if scoped and s["mode"] in rule["modes"] and not consented:
            broken.add("consent")
    if automatic and s["purpose"] in rules["auto_dial"]["forbidden_for"]:
        broken.add("auto_dial")
    limits, ages = rules["attempts"], [a["hours_ago"] for a in s["attempts"]]
    for key, count in (("max_per_day", sum(h < 24 for h in ages)), ("max_per_30_days", sum(h < 720 for h in ages)),
                       ("max_total", len(ages))):
        if key in limits and count >= limits[key]:
            broken.add("attempt limit")
    for key, hours, flag, applies in (
            ("refusal_cooloff_days", 24, lambda a: a["refused"], True),
            ("abandon_redial_hours", 1, lambda a: a["abandoned"], automatic),
            ("machine_redial_hours", 1, lambda a: a["answered_by"] == "machine", automatic)):
        if applies and key in limits and any(flag(a) and a["hours_ago"] < limits[key] * hours for a in s["attempts"]):
            broken.add("attempt limit")
    return broken


def _is_holiday(rules: dict, day: date) -> bool:
    for spec in rules["window"]["holidays"]:
        if spec.startswith("easter"):
            if day == easter_sunday(day.year) + timedelta(days=int(spec[6:] or 0)):
                return True
        elif spec in (day.strftime("%m-%d"), day.isoformat()):
            return True
    return False


def run_scenario(db_session, gate, make_campaign, make_lead, make_attempt, s: dict):
    """Store the scenario (inside a savepoint the caller rolls back) and ask the gate."""
    save_profile(db_session, "PROP", "Property profile", s["rules"])
    campaign = make_campaign("PROP", purpose=s["purpose"], mode=s["mode"], caller_id="+74950000000")
    customer = None
    if s["customer"] is not None:
        customer = models.Customer(first_name="Prop", last_name="Erty", **s["customer"])
        customer.phones = [models.PhoneNumber(e164=s["number"], kind="mobile")]
        db_session.add(customer)
        db_session.flush()
    lead = make_lead(campaign, s["number"], customer=customer,
                     consent_at=s["now"] - timedelta(days=1) if s["lead_consent"] else None)
    if s["dnc"] != "none":
        other = make_campaign("PROP", caller_id="+74950000000").id if s["dnc"] == "other campaign" else None
        add_do_not_call(db_session, s["number"], source="test",
                        campaign_id=campaign.id if s["dnc"] == "campaign" else other)
    for a in s["attempts"]:
        make_attempt(campaign, s["number"], s["now"] - timedelta(hours=a["hours_ago"]), answered_by=a["answered_by"],
                     abandoned=a["abandoned"], refused=a["refused"])
    return gate.check(campaign, lead=lead, now=s["now"])


@PROPERTY_SETTINGS
@given(s=scenarios)
def test_the_gate_refuses_exactly_the_dials_a_rule_forbids(db_session, gate, make_campaign, make_lead, make_attempt,
                                                            s):
    savepoint = db_session.begin_nested()
    try:
        decision = run_scenario(db_session, gate, make_campaign, make_lead, make_attempt, s)
    finally:
        savepoint.rollback()
    broken = expected_violations(s)
    event("allowed" if decision.allowed else "refused")
    assert decision.allowed == (not broken), (broken, decision.reasons)
    if "dnc" in broken:
        assert {"dnc", "dnc_campaign"} & {r.code for r in decision.reasons}
    if "window" in broken:
        assert {"outside_window", "holiday"} & {r.code for r in decision.reasons}
    if "consent" in broken:
        assert "consent_missing" in {r.code for r in decision.reasons}


@st.composite
def compliant_scenarios(draw) -> dict:
    """Scenarios built to satisfy the profile: a single-zone number called inside its window, with consent,
    no DNC entry and a history under every limit."""
    rules = draw(profile_rules())
    number = draw(st.sampled_from([n for n in NUMBERS if len(normalize_phone(n, "RU").time_zones) == 1]))
    zone = ZoneInfo(normalize_phone(number, "RU").time_zones[0])
    start, end = (time.fromisoformat(t) for t in rules["window"]["hours"][0])
    monday = date(2026, 1, 5) + timedelta(weeks=draw(st.integers(0, 100)))
    day = monday + timedelta(days=DAY_NAMES.index(draw(st.sampled_from(rules["window"]["days"]))))
    assume(not _is_holiday(rules, day))
    span = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
    local = datetime.combine(day, start, zone) + timedelta(minutes=draw(st.integers(0, span - 1)))
    now = local.astimezone(UTC)
    rules["auto_dial"]["forbidden_for"] = []
    rules["attempts"] = {k: v for k, v in rules["attempts"].items() if k.startswith("max_")}
    return {"rules": rules, "number": number, "purpose": draw(st.sampled_from(PURPOSES)),
            "mode": draw(st.sampled_from(MODES)), "dnc": "other campaign", "lead_consent": True, "customer": None,
            "attempts": [], "now": now}


@PROPERTY_SETTINGS
@given(s=compliant_scenarios())
def test_the_gate_allows_every_dial_the_profile_allows(db_session, gate, make_campaign, make_lead, make_attempt, s):
    savepoint = db_session.begin_nested()
    try:
        decision = run_scenario(db_session, gate, make_campaign, make_lead, make_attempt, s)
    finally:
        savepoint.rollback()
    assert decision.allowed, decision.reasons


def test_easter_sunday_matches_known_dates():
    assert [easter_sunday(y) for y in (2024, 2025, 2026, 2027)] == [
        date(2024, 3, 31), date(2025, 4, 20), date(2026, 4, 5), date(2027, 3, 28)]
