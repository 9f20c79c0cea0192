"""The order-tracking flow over its webhooks: greeting, language choice, main menu, order status with the
postal-code check, in Russian and English, asserting what the caller hears."""

from datetime import date, datetime, timezone

import pytest

from crm_core.models import ORDER_STATUSES

from .phrases import CALLERS, HEARS, STATUS

LOCALES = {"ru": "ru-RU", "en": "en-US"}
PROMISED = date(2031, 3, 15)
REVISED = date(2031, 3, 18)
SAID_DATES = {
    "ru": {PROMISED: "15 марта 2031 года", REVISED: "18 марта 2031 года"},
    "en": {PROMISED: "March 15th, 2031", REVISED: "March 18th, 2031"},
}


def test_known_caller_is_greeted_by_name_in_their_language(caller, customer, hears, language):
    call = caller(customer.phones[0].e164)
    document = call.dial()
    assert call.heard.startswith(hears["hello"])
    assert hears["menu"] in call.heard
    assert {say.get("language") for say in document.iter("Say")} == {LOCALES[language]}
    gather = document.find("Gather")
    assert gather.get("action") == "http://127.0.0.1:5000/voice/ivr/input?step=main_menu"
    assert (gather.get("actionOnEmptyResult"), gather.get("numDigits"), gather.get("language")) == (
        "true", "1", LOCALES[language])


def test_unknown_caller_hears_the_language_choice_in_both_languages(caller):
    document = caller("+79035550101").dial()
    says = [(say.get("language"), say.text) for say in document.find("Gather").iter("Say")]
    assert says == [("ru-RU", "Здравствуйте! Чтобы продолжить на русском языке, нажмите 1."),
                    ("en-US", "Hello! For English, press 2.")]


@pytest.mark.parametrize("key, chosen", [("1", "ru"), ("2", "en")])
def test_unknown_caller_chooses_russian_or_english(caller, key, chosen):
    call = caller("+79035550102")
    call.dial()
    document = call.press(key)
    assert call.heard == " ".join([
        HEARS[chosen]["menu"], *{"ru": ["Чтобы мы вам перезвонили, нажмите 2.",
                                        "Чтобы поговорить с оператором, нажмите 0.",
                                        "Чтобы прослушать меню ещё раз, нажмите звёздочку."],
                                 "en": ["To get a call back, press 2.", "To speak to an agent, press 0.",
                                        "To hear these options again, press star."]}[chosen]])
    assert document.find("Gather/Say").get("language") == LOCALES[chosen]
    assert call.interaction.language == chosen


def test_star_repeats_the_main_menu(caller, customer, hears):
    call = caller(customer.phones[0].e164)
    call.dial()
    call.press("*")
    assert call.heard.startswith(hears["menu"])
    assert hears["hint"] not in call.heard


def test_known_caller_presses_1_for_their_latest_order(caller, customer, order_for, hears, language, db_session):
    order_for(customer, number="99001", status="delivered", placed_at=datetime(2026, 1, 5, tzinfo=timezone.utc),
              delivered_at=datetime(2026, 1, 9, tzinfo=timezone.utc))
    order = order_for(customer, number="10045", status="in_transit", promised_delivery=PROMISED,
                      estimated_delivery=REVISED)
    order.events[-1].location = "Казань"
    db_session.flush()
    call = caller(customer.phones[0].e164)
    call.dial()
    call.press("1")
    assert call.heard.startswith(hears["offer_latest"])
    call.press("1")
    said = call.heard
    assert said.startswith(f"{hears['order']} {STATUS[language]['in_transit']}. {hears['carrier']}")
    assert hears["last_scan"] in said and "Казань" in said
    assert hears["promised"] + SAID_DATES[language][PROMISED] in said
    assert hears["revised"] + SAID_DATES[language][REVISED] in said
    assert hears["total"] in said
    assert hears["after"] in said
    assert call.interaction.ivr_outcome == "contained"


def test_an_estimate_equal_to_the_promise_is_said_once(caller, customer, order_for, hears, language):
    order_for(customer, promised_delivery=PROMISED, estimated_delivery=PROMISED)
    call = caller(customer.phones[0].e164)
    call.dial(), call.press("1"), call.press("1")
    assert hears["promised"] + SAID_DATES[language][PROMISED] in call.heard
    assert hears["revised"] not in call.heard


def test_known_caller_keys_in_an_order_number(caller, customer, order_for, hears, language):
    order_for(customer, number="20077", status="paid")
    order_for(customer, number="10045", status="shipped", placed_at=datetime(2025, 1, 1, tzinfo=timezone.utc))
    call = caller(customer.phones[0].e164)
    call.dial(), call.press("1")
    call.press("2")
    assert call.heard.startswith(hears["ask_number"])
    gather = call.document.find("Gather")
    assert (gather.get("finishOnKey"), gather.get("input")) == ("#", "dtmf speech")
    call.press("10045")
    assert call.heard.startswith(f"{hears['order']} {STATUS[language]['shipped']}.")


@pytest.mark.parametrize("spoken", [
    {"ru": "один ноль ноль четыре пять", "en": "one zero zero four five"},
    {"ru": "1 0 0 4 5", "en": "1 0 0 4 5"},
    {"ru": "10045", "en": "10045"},
])
def test_caller_says_the_order_number(caller, customer, order_for, hears, language, spoken):
    order_for(customer, number="10045", status="out_for_delivery")
    call = caller(customer.phones[0].e164)
    call.dial(), call.press("1"), call.press("2")
    call.say(spoken[language])
    assert call.heard.startswith(f"{hears['order']} {STATUS[language]['out_for_delivery']}.")


@pytest.mark.parametrize("status", ORDER_STATUSES)
def test_every_order_status_is_said_as_a_phrase(caller, customer, order_for, hears, language, status):
    delivered = datetime(2025, 3, 15, 11, 30, tzinfo=timezone.utc) if status == "delivered" else None
    order_for(customer, status=status, delivered_at=delivered, promised_delivery=PROMISED)
    call = caller(customer.phones[0].e164)
    call.dial(), call.press("1"), call.press("1")
    assert call.heard.startswith(f"{hears['order']} {STATUS[language][status]}")
    if status in ("delivered", "cancelled", "returned"):
        assert hears["promised"] not in call.heard  # a closed order has no delivery date to promise
    else:
        assert hears["promised"] in call.heard


def test_a_delivered_order_says_when_in_the_customers_time_zone(caller, customer, order_for, language):
    order_for(customer, status="delivered", delivered_at=datetime(2025, 3, 15, 11, 30, tzinfo=timezone.utc))
    call = caller(customer.phones[0].e164)
    call.dial(), call.press("1"), call.press("1")
    expected = {"ru": "Заказ номер 1, 0, 0, 4, 5 доставлен 15 марта 2025 года в 14 часов 30 минут.",
                "en": "Order number 1, 0, 0, 4, 5 was delivered on March 15th, 2025 at 7:30 AM."}[language]
    assert call.heard.startswith(expected)


def test_unknown_order_number_says_so_and_offers_another_try(caller, customer, order_for, hears):
    order_for(customer)
    call = caller(customer.phones[0].e164)
    call.dial(), call.press("1"), call.press("2")
    call.press("55555")
    assert call.heard.startswith(hears["not_found"])
    call.press("1")
    assert call.heard.startswith(hears["ask_number"])
    call.press("10045")
    assert call.heard.startswith(hears["order"])


def test_caller_without_orders_is_asked_for_the_number_straight_away(caller, make_customer, hears, language):
    make_customer(phones=(CALLERS[language]["phone"],), language=language)
    call = caller(CALLERS[language]["phone"])
    call.dial()
    call.press("1")
    assert call.heard.startswith(hears["ask_number"])


class TestOrderOfAnotherNumber:
    """An order placed from another number: the delivery postal code first, then the details."""

    @pytest.fixture
    def call(self, caller, customer, make_customer, order_for):
        stranger = make_customer(first_name="Пётр", phones=("+79997776655",))
        order_for(stranger, number="10045", status="in_transit", delivery_postal_code="630099")
        order_for(customer, number="30001")
        call = caller(customer.phones[0].e164)
        call.dial(), call.press("1"), call.press("2")
        call.press("10045")
        return call

    def test_no_detail_is_said_before_the_postal_code(self, call, hears, language):
        assert call.heard.startswith(hears["ask_postal_code"])
        assert STATUS[language]["in_transit"] not in call.heard and "СДЭК" not in call.heard
        assert call.document.find("Gather").get("action").endswith("?step=ask_postal_code")

    def test_the_right_postal_code_reveals_the_order_and_is_never_stored(self, call, hears, language):
        call.press("630099")
        assert call.heard.startswith(f"{hears['order']} {STATUS[language]['in_transit']}.")
        interaction = call.interaction
        stored = repr((interaction.context, interaction.ivr_path, [e.detail for e in interaction.events]))
        assert "630099" not in stored
        assert "ask_postal_code:***" in interaction.ivr_path

    def test_a_wrong_postal_code_tells_nothing_and_offers_an_agent(self, call, hears, language):
        call.press("654321")
        assert call.heard.startswith(hears["mismatch"])
        assert STATUS[language]["in_transit"] not in call.heard and "СДЭК" not in call.heard
        call.press("0")
        assert call.heard == hears["agent"] + " " + {"ru": "Пожалуйста, оставайтесь на линии.",
                                                       "en": "Please stay on the line."}[language]
        context = call.interaction.context
        assert context["order_number"] == "10045"
        assert context["order_belongs_to_caller"] is False
        assert "order_verified" not in context
