"""Next-best offers: which apply, in which order, why; the agents' answers and the acceptance report."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from crm_core.errors import NotFound, ValidationError
from crm_core.models import OfferResponse
from crm_core.offers import DEMO_CATALOG, acceptance_report, load_catalog, offers_for, record_response, save_offer
from crm_core.segments import save_segment

from .conftest import NOW
from .test_segments import LOYAL

TEXTS = {"ru": "Предложение", "en": "An offer"}


@pytest.fixture
def offers(db_session):
    """Apology (late delivery in 60 days, priority 100), loyalty (the Loyal segment, 50), Russian speakers (10),
    and three that never apply now: expired, not yet valid, switched off (all for Russian speakers, 200)."""
    loyal = save_segment(db_session, name="Loyal", conditions=LOYAL, now=NOW)
    ru = [{"condition": "language", "is": "ru"}]
    made = {
        "apology": save_offer(db_session, code="apology", name="Apology voucher", priority=100, now=NOW,
                              texts={"ru": "Промокод за задержку", "en": "A voucher for the delay"},
                              conditions=[{"condition": "late_deliveries", "days": 60, "at_least": 1}]),
        "loyalty": save_offer(db_session, code="loyalty", name="Free delivery", segment=loyal, priority=50,
                              texts={"ru": "Бесплатная доставка"}, now=NOW),
        "russian": save_offer(db_session, code="russian", name="For Russian speakers", priority=10, texts=TEXTS,
                              conditions=ru, now=NOW),
        "expired": save_offer(db_session, code="expired", name="Spring sale", priority=200, texts=TEXTS,
                              conditions=ru, valid_to=NOW, now=NOW),
        "future": save_offer(db_session, code="future", name="Summer sale", priority=200, texts=TEXTS,
                             conditions=ru, valid_from=NOW + timedelta(seconds=1), now=NOW),
        "off": save_offer(db_session, code="off", name="Switched off", priority=200, texts=TEXTS, conditions=ru,
                          active=False, now=NOW),
    }
    return made


def codes(suggestions):
    return [s.code for s in suggestions]


def test_the_offers_a_customer_meets_come_best_first_and_only_while_valid(db_session, cast, offers):
    assert codes(offers_for(db_session, cast.anna.id, now=NOW, language="ru")) == ["loyalty", "russian"]
    assert codes(offers_for(db_session, cast.clara.id, now=NOW, language="ru")) == ["apology", "russian"]
    assert codes(offers_for(db_session, cast.boris.id, now=NOW, language="en")) == ["apology"]
    assert codes(offers_for(db_session, cast.clara.id, now=NOW, language="ru", limit=1)) == ["apology"]
    # A second earlier the spring sale was still on; a second later the summer sale has begun.
    assert codes(offers_for(db_session, cast.dmitri.id, now=NOW - timedelta(seconds=1))) == ["expired", "russian"]
    assert codes(offers_for(db_session, cast.dmitri.id, now=NOW + timedelta(seconds=1))) == ["future", "russian"]


def test_the_reason_gives_the_customers_own_figures(db_session, cast, offers):
    anna = offers_for(db_session, cast.anna.id, now=NOW, language="ru")
    assert [s.reason for s in anna] == ["3 orders in 90 days, none delivered late", "speaks ru"]
    (boris,) = offers_for(db_session, cast.boris.id, now=NOW, language="en")
    assert boris.as_dict() == {"offer_id": offers["apology"].id, "code": "apology", "name": "Apology voucher",
                               "text": "A voucher for the delay", "language": "en", "priority": 100,
                               "reason": "1 delivered late in 60 days", "valid_to": None}


def test_an_offer_without_the_customers_language_is_given_in_another(db_session, cast, offers):
    (loyalty, _) = offers_for(db_session, cast.anna.id, now=NOW, language="en")
    assert (loyalty.text, loyalty.language) == ("Бесплатная доставка", "ru")


def test_an_unknown_customer_is_an_error(db_session, offers):
    with pytest.raises(NotFound):
        offers_for(db_session, 999999, now=NOW)


def test_a_response_is_logged_once_per_offer_per_call(db_session, cast, offers, make_interaction, make_user):
    agent = make_user("agent")
    call = make_interaction(cast.anna, started_at=NOW)
    answer = dict(offer_id=offers["loyalty"].id, customer_id=cast.anna.id, interaction_id=call.id, agent_id=agent.id)
    first = record_response(db_session, response="accepted", now=NOW, **answer)
    again = record_response(db_session, response="accepted", now=NOW + timedelta(minutes=1), **answer)
    assert (again.id, again.responded_at) == (first.id, NOW)
    corrected = record_response(db_session, response="declined", now=NOW + timedelta(minutes=2), **answer)
    assert (corrected.id, corrected.response) == (first.id, "declined")
    assert db_session.scalar(sa.select(sa.func.count()).select_from(OfferResponse)) == 1
    with pytest.raises(ValidationError, match="response"):
        record_response(db_session, response="maybe", now=NOW, **answer)
    with pytest.raises(ValidationError, match="another customer"):
        record_response(db_session, response="accepted", now=NOW, **(answer | {"customer_id": cast.boris.id}))
    with pytest.raises(NotFound):
        record_response(db_session, response="accepted", now=NOW, **(answer | {"offer_id": 999999}))


def test_acceptance_counts_the_offers_agents_made(db_session, cast, offers, make_interaction, make_user):
    alice, bob = make_user("agent"), make_user("agent")
    day = NOW

    def answer(offer, customer, response, agent, when=day):
        call = make_interaction(customer, started_at=when)
        record_response(db_session, offer_id=offers[offer].id, customer_id=customer.id, interaction_id=call.id,
                         agent_id=agent.id, response=response, now=when)

    answer("loyalty", cast.anna, "accepted", alice)
    answer("loyalty", cast.anna, "accepted", bob)
    answer("loyalty", cast.anna, "declined", alice)
    answer("loyalty", cast.anna, "not_offered", alice)
    answer("apology", cast.boris, "declined", bob)
    answer("apology", cast.boris, "accepted", bob, when=day - timedelta(days=1))  # the day before: not counted
    report = acceptance_report(db_session, date(2026, 6, 1), date(2026, 6, 1))
    assert [(r["code"], r["offered"], r["accepted"], r["declined"], r["not_offered"], r["acceptance_rate"])
            for r in report] == [("apology", 1, 0, 1, 0, 0.0), ("loyalty", 3, 2, 1, 1, pytest.approx(2 / 3))]
    by_alice = acceptance_report(db_session, date(2026, 6, 1), date(2026, 6, 1), agent_id=alice.id)
    assert [(r["code"], r["offered"], r["acceptance_rate"]) for r in by_alice] == [("loyalty", 2, 0.5)]
    both_days = acceptance_report(db_session, date(2026, 5, 31), date(2026, 6, 1))
    assert [(r["code"], r["acceptance_rate"]) for r in both_days] == [
        ("apology", 0.5), ("loyalty", pytest.approx(2 / 3))]


@pytest.mark.parametrize("fields, message", [
    ({"conditions": []}, "conditions: give a segment, conditions or both"),
    ({"texts": {"de": "Angebot"}}, "unknown language 'de'"),
    ({"texts": {"ru": " "}}, "texts.ru: the text is empty"),
    ({"code": "Big Sale"}, "code"),
    ({"valid_from": NOW, "valid_to": NOW}, "valid_to: must come after valid_from"),
    ({"conditions": [{"condition": "orders", "days": 90}]}, r"conditions\[0\]: orders: give at_least"),
])
def test_an_invalid_offer_rule_is_refused(db_session, fields, message):
    rule = {"code": "sale", "name": "Sale", "texts": TEXTS, "conditions": [{"condition": "language", "is": "ru"}]}
    with pytest.raises(ValidationError, match=message):
        save_offer(db_session, now=NOW, **(rule | fields))


def test_the_demo_catalog_loads_again_without_duplicates_and_offers_apply(db_session, cast):
    first = load_catalog(db_session, DEMO_CATALOG, now=NOW)
    again = load_catalog(db_session, DEMO_CATALOG, now=NOW)
    assert (first.segments, first.offers) == (again.segments, again.offers) == (3, 4)
    anna = offers_for(db_session, cast.anna.id, now=NOW, language="ru")
    assert [(s.code, s.reason) for s in anna] == [
        ("loyal-free-delivery", "3 orders in 90 days, none delivered late"),
        ("birthday-gift", "birthday in June, agreed to marketing")]
    assert codes(offers_for(db_session, cast.boris.id, now=NOW, language="en")) == ["late-delivery-voucher"]


def test_a_catalog_error_names_the_file_entry_and_field(db_session, tmp_path):
    path = tmp_path / "offers.toml"
    path.write_text('[[offers]]\ncode = "x"\nname = "X"\nsegment = "Nobody"\ntexts.ru = "Да"\n', encoding="utf-8")
    with pytest.raises(ValidationError, match=r"offers.toml: offers\[0\].segment: no segment named 'Nobody'"):
        load_catalog(db_session, path, now=NOW)
    path.write_text('[[segments]]\nname = "S"\ncolour = "red"\n', encoding="utf-8")
    with pytest.raises(ValidationError, match=r"segments\[0\].colour: unknown field"):
        load_catalog(db_session, path, now=NOW)
