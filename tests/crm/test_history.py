"""The screen-pop: a customer's whole history, found from any phone format, in a bounded number of queries."""

from contextlib import contextmanager
from datetime import timedelta

import pytest
import sqlalchemy as sa

from crm_core import models
from crm_core.errors import InvalidPhoneNumber, NotFound, ValidationError
from crm_core.history import customer_history
from tests.conftest import BASE_TIME


@contextmanager
def count_queries(session):
    """Count the SQL statements the session's connection executes."""
    statements = []
    connection = session.connection()
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    sa.event.listen(connection, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        sa.event.remove(connection, "before_cursor_execute", listener)


@pytest.mark.parametrize("typed, region", [
    ("8 (912) 345-67-89", "RU"), ("+7 912 345 6789", "RU"), ("+7 912 345 6789", "US"), ("79123456789", "RU"),
])
def test_known_caller_is_found_from_any_format(db_session, make_customer, typed, region):
    customer = make_customer(phones=("+79123456789", "+74951234567"))
    result = customer_history(db_session, phone=typed, default_region=region)
    assert result.known and result.customer["id"] == customer.id
    assert [p["e164"] for p in result.phones] == ["+79123456789", "+74951234567"]


def test_us_number_is_found_with_us_default_region(db_session, make_customer):
    customer = make_customer(first_name="John", last_name="Smith", phones=("+14155550100",), language="en")
    result = customer_history(db_session, phone="(415) 555-0100", default_region="US")
    assert result.customer["id"] == customer.id
    assert result.customer["display_name"] == "John Smith"


def test_unknown_caller_gets_explicit_result_with_normalized_number(db_session, make_customer):
    make_customer(phones=("+79123456789",))
    result = customer_history(db_session, phone="8 (912) 000-00-01", default_region="RU")
    assert result.as_dict()["known"] is False
    assert result.phone == "+79120000001"
    assert result.customer is None


def test_unparsable_number_is_a_validation_error(db_session):
    with pytest.raises(InvalidPhoneNumber):
        customer_history(db_session, phone="not a number", default_region="RU")


def test_cyrillic_names_and_notes_round_trip(db_session, make_customer, make_interaction):
    customer = make_customer(first_name="Ёлка", last_name="Щукина-Жук")
    make_interaction(customer, notes="Клиент просил перезвонить после 18:00 — «срочно»")
    db_session.expire_all()
    result = customer_history(db_session, customer_id=customer.id)
    assert result.customer["display_name"] == "Ёлка Щукина-Жук"
    assert result.interactions[0]["notes"] == "Клиент просил перезвонить после 18:00 — «срочно»"


def test_orders_show_current_status_and_last_event(db_session, make_customer, make_order):
    customer = make_customer()
    old = make_order(customer, status="delivered", placed_at=BASE_TIME - timedelta(days=30))
    new = make_order(customer, status="in_transit", events=("new", "paid", "shipped"))
    result = customer_history(db_session, customer_id=customer.id)
    assert [o["number"] for o in result.orders] == [new.number, old.number]
    assert result.orders[0]["status"] == "in_transit"
    assert result.orders[0]["last_event"]["status"] == "in_transit"


def test_timeline_is_newest_first_and_pages_without_gaps_or_repeats(db_session, make_customer, make_interaction):
    customer = make_customer()
    other = make_customer(first_name="Other", phones=("+79990001122",))
    make_interaction(other)
    created = [make_interaction(customer, started_at=BASE_TIME + timedelta(minutes=i % 7)) for i in range(23)]
    seen, cursor = [], None
    while True:
        page = customer_history(db_session, customer_id=customer.id, page_size=5, before=cursor)
        assert len(page.interactions) <= 5
        seen += [(i["started_at"], i["id"]) for i in page.interactions]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert len(seen) == 23 and len(set(seen)) == 23
    assert seen == sorted(seen, reverse=True)
    assert {i for _, i in seen} == {c.id for c in created}


def test_only_open_tickets_and_pending_callbacks_are_shown(db_session, make_customer):
    customer = make_customer()
    db_session.add_all([
        models.Ticket(customer_id=customer.id, subject="Late parcel", status="open"),
        models.Ticket(customer_id=customer.id, subject="Refund done", status="closed"),
        models.Task(customer_id=customer.id, kind="callback", due_at=BASE_TIME, status="pending"),
        models.Task(customer_id=customer.id, kind="callback", due_at=BASE_TIME, status="done"),
    ])
    db_session.flush()
    result = customer_history(db_session, customer_id=customer.id)
    assert [t["subject"] for t in result.open_tickets] == ["Late parcel"]
    assert [t["status"] for t in result.pending_callbacks] == ["pending"]


def test_query_count_does_not_grow_with_history(db_session, make_customer, make_order, make_interaction, make_user):
    def queries_for(orders: int, interactions: int) -> int:
        customer = make_customer(phones=(f"+7912{orders:03d}{interactions:04d}",))
        agent = make_user("agent")
        for _ in range(orders):
            make_order(customer)
        for _ in range(interactions):
            make_interaction(customer, agent_id=agent.id)
        db_session.add(models.Ticket(customer_id=customer.id, subject="x"))
        db_session.flush()
        phone = customer.phones[0].e164
        db_session.expire_all()
        with count_queries(db_session) as statements:
            result = customer_history(db_session, phone=phone, page_size=50)
        assert len(result.orders) == orders and len(result.interactions) == min(interactions, 50)
        return len(statements)

    small, large = queries_for(1, 1), queries_for(40, 120)
    assert small == large
    assert large <= 8


def test_missing_customer_and_bad_arguments_are_explicit(db_session):
    with pytest.raises(NotFound):
        customer_history(db_session, customer_id=987654)
    with pytest.raises(ValidationError):
        customer_history(db_session, customer_id=1, page_size=0)
    with pytest.raises(ValidationError):
        customer_history(db_session, customer_id=1, before="garbage")
    with pytest.raises(ValidationError):
        customer_history(db_session)
