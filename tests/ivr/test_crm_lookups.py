"""The crm_core side of the IVR: order lookups, the postal-code check, callback tasks, the caller's profile
and closing the session log. Junk never reaches a query."""

from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from crm_core import ivr, orders, tasks
from crm_core.errors import InvalidPhoneNumber
from crm_core.models import Task


@pytest.fixture
def statements(connection):
    """Every statement the test's connection runs."""
    seen = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    sa.event.listen(connection, "before_cursor_execute", record)
    yield seen
    sa.event.remove(connection, "before_cursor_execute", record)


def test_find_order_tells_status_dates_and_last_scan_but_never_the_address(db_session, make_customer, make_order):
    owner = make_customer(time_zone="Europe/Moscow")
    order = make_order(owner, number="10045", status="delivered", carrier="СДЭК", delivery_postal_code="630099",
                       delivered_at=datetime(2025, 3, 15, 11, 30, tzinfo=timezone.utc))
    order.events[-1].location = "Казань"
    db_session.flush()
    found = orders.find_order(db_session, "10045", caller_customer_id=owner.id)
    as_dict = found.as_dict()
    assert as_dict["delivered_at"] == "2025-03-15T14:30:00+03:00"
    assert (as_dict["last_scan_location"], as_dict["carrier"], as_dict["belongs_to_caller"]) == ("Казань", "СДЭК", True)
    assert "630099" not in repr(as_dict)
    assert orders.find_order(db_session, "10045", caller_customer_id=None).belongs_to_caller is False


@pytest.mark.parametrize("junk", ["", "1" * 33, "10045'--", "<x/>", None, 10045])
def test_junk_order_numbers_are_not_looked_up(db_session, statements, junk):
    assert orders.find_order(db_session, junk) is None
    assert statements == []


def test_latest_order_is_the_most_recently_placed(db_session, make_customer, make_order):
    owner = make_customer()
    make_order(owner, number="1", placed_at=datetime(2026, 1, 1, tzinfo=timezone.utc))
    make_order(owner, number="2", placed_at=datetime(2026, 2, 1, tzinfo=timezone.utc))
    assert orders.latest_order(db_session, owner.id).number == "2"
    assert orders.latest_order(db_session, None) is None
    assert orders.latest_order(db_session, owner.id + 1000) is None


def test_revised_delivery_only_when_the_estimate_moved(db_session, make_customer, make_order):
    from datetime import date

    owner = make_customer()
    make_order(owner, number="1", promised_delivery=date(2031, 3, 15), estimated_delivery=date(2031, 3, 15))
    make_order(owner, number="2", promised_delivery=date(2031, 3, 15), estimated_delivery=date(2031, 3, 18))
    assert orders.find_order(db_session, "1").as_dict()["revised_delivery"] is None
    assert orders.find_order(db_session, "2").as_dict()["revised_delivery"] == "2031-03-18"


@pytest.mark.parametrize("answer, ok", [
    ("630099", True), (" 630 099 ", True), ("630098", False), ("", False), ("63'; --", False), (None, False),
])
def test_the_delivery_postal_code_check(db_session, make_customer, make_order, answer, ok):
    order = make_order(make_customer(), delivery_postal_code="630099")
    assert orders.verify_delivery_postal_code(db_session, order.id, answer) is ok


def test_an_order_without_a_postal_code_cannot_be_verified(db_session, make_customer, make_order):
    order = make_order(make_customer(), delivery_postal_code=None)
    assert orders.verify_delivery_postal_code(db_session, order.id, "630099") is False
    assert orders.verify_delivery_postal_code(db_session, None, "630099") is False


def test_callback_tasks_are_pending_and_one_per_call(db_session, make_customer, make_interaction):
    customer = make_customer()
    interaction = make_interaction(customer)
    due = datetime(2026, 6, 1, 12, tzinfo=timezone.utc)
    first = tasks.create_callback(db_session, phone_e164="+79123456789", due_at=due, customer_id=customer.id,
                                  source_interaction_id=interaction.id, note="IVR")
    again = tasks.create_callback(db_session, phone_e164="+79123456789", due_at=due, customer_id=customer.id,
                                  source_interaction_id=interaction.id)
    assert first is again
    assert (first.kind, first.status, first.phone_e164, first.due_at) == ("callback", "pending", "+79123456789", due)
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Task)) == 1


def test_a_callback_needs_a_valid_e164_number(db_session):
    with pytest.raises(InvalidPhoneNumber):
        tasks.create_callback(db_session, phone_e164="89123456789", due_at=datetime.now(timezone.utc))


@pytest.mark.parametrize("keyed, e164", [
    ("89161234567", "+79161234567"), ("9161234567", "+79161234567"), ("79161234567", "+79161234567"),
    ("14155550123", "+14155550123"), ("1234567", None), ("9" * 15, None),
])
def test_a_keyed_callback_number_with_or_without_country_code(keyed, e164):
    phone = tasks.callback_number(keyed, default_region="RU")
    assert (phone.e164 if phone else None) == e164


def test_caller_profile_greets_by_first_name_or_company(db_session, make_customer, make_order):
    person = make_customer(first_name="Анна", language="ru")
    make_order(person)
    company = make_customer(first_name=None, last_name=None, kind="company", company_name="ООО Ромашка",
                            phones=("+79990001122",), language="en")
    assert ivr.caller_profile(db_session, person.id) == {
        "customer_id": person.id, "name": "Анна", "language": "ru", "has_orders": True}
    assert ivr.caller_profile(db_session, company.id)["name"] == "ООО Ромашка"
    assert ivr.caller_profile(db_session, company.id)["has_orders"] is False
    assert ivr.caller_profile(db_session, None) is None


def test_a_call_opened_for_the_ivr_knows_who_is_calling_in_one_statement(db_session, make_customer, make_order,
                                                                          statements):
    person = make_customer(first_name="Анна", language="en", phones=("+79161234567",))
    make_order(person)
    company = make_customer(first_name=None, last_name=None, kind="company", company_name="ООО Ромашка",
                            phones=("+79990001122",))
    opened = {}
    for number, sid in (("+79161234567", "1"), ("8 999 000-11-22", "2"), ("+79035550000", "3")):
        statements.clear()
        opened[sid] = ivr.open_ivr_call(db_session, call_sid=f"CA{sid * 32}", from_number=number,
                                        to_number="+74950000000", direction="inbound", default_region="RU")
        assert len(statements) == 1
    assert opened["1"].caller == ivr.caller_profile(db_session, person.id) == {
        "customer_id": person.id, "name": "Анна", "language": "en", "has_orders": True}
    assert opened["2"].caller == ivr.caller_profile(db_session, company.id)
    assert (opened["3"].customer_id, opened["3"].caller) == (None, None)
    again = ivr.open_ivr_call(db_session, call_sid="CA" + "1" * 32, from_number="+79161234567",
                              to_number="+74950000000", direction="inbound", default_region="RU")
    assert (again.id, again.customer_id, again.caller) == (opened["1"].id, person.id, None)


@pytest.mark.parametrize("flow, outcome, closed", [
    ("order_tracking", None, "abandoned"), ("order_tracking", "contained", "contained"),
    ("order_tracking", "transferred", "transferred"), ("order_tracking", "callback", "callback"), (None, None, None),
])
def test_closing_the_session_marks_only_unfinished_ivr_calls_abandoned(db_session, make_interaction, flow, outcome,
                                                                       closed):
    interaction = make_interaction(None, ivr_flow=flow, ivr_outcome=outcome)
    assert ivr.close_ivr_session(db_session, interaction) == closed
    assert interaction.ivr_outcome == closed
