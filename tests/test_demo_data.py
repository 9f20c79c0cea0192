"""Demo data: deterministic for a seed, valid and consistent everywhere, and refused on a CRM with customers."""

from __future__ import annotations

import os
import re
from datetime import datetime, timezone
from uuid import uuid4

import phonenumbers
import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from crm_core import models, schema
from crm_core.db import Base, make_engine
from crm_core.demo_data import (
    DEFAULT_ANCHOR,
    DEMO_USERS,
    DatabaseNotEmpty,
    catalog,
    load_demo_data,
    names,
    places,
)
from crm_core.demo_data.identifiers import (
    MAX_CUSTOMERS,
    PHONES_PER_CUSTOMER,
    mix64,
    ru_number,
    us_number,
)
from crm_core.history import customer_history
from crm_core.phones import normalize_phone
from crm_core.users import verify_password

CUSTOMERS = 30
SEED = 7
CYRILLIC = re.compile(r"[А-Яа-яЁё]")
DATA_TABLES = ("customers", "phone_numbers", "orders", "order_events", "interactions", "interaction_events",
               "tickets", "tasks", "dnc_entries", "users")


@pytest.fixture(scope="module")
def new_database(tmp_path_factory):
    """A factory of fresh, migrated SQLite databases; returns an engine."""
    engines = []

    def make():
        url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'crm.sqlite3'}"
        schema.upgrade(url)
        engines.append(make_engine(url))
        return engines[-1]

    yield make
    for engine in engines:
        engine.dispose()


@pytest.fixture(scope="module")
def demo(new_database):
    """One database loaded with demo data (read-only for the tests that use it), and its summary."""
    engine = new_database()
    reports = []
    summary = load_demo_data(engine, customers=CUSTOMERS, seed=SEED, progress=lambda *a: reports.append(a))
    return engine, summary, reports


def table_rows(engine, name: str) -> list[tuple]:
    """Every row of a table in id order, password hashes left out (they are salted on purpose)."""
    table = Base.metadata.tables[name]
    columns = [c for c in table.columns if c.name != "password_hash"]
    with engine.connect() as connection:
        return [tuple(r) for r in connection.execute(sa.select(*columns).order_by(table.c.id))]


def test_same_seed_and_count_give_identical_rows(demo, new_database):
    engine, _, _ = demo
    again = new_database()
    load_demo_data(again, customers=CUSTOMERS, seed=SEED)
    for name in DATA_TABLES:
        assert table_rows(again, name) == table_rows(engine, name), name


def test_another_seed_gives_other_customers_and_numbers(demo, new_database):
    engine, _, _ = demo
    other = new_database()
    load_demo_data(other, customers=CUSTOMERS, seed=SEED + 1)
    assert table_rows(other, "customers") != table_rows(engine, "customers")
    with engine.connect() as a, other.connect() as b:
        numbers = sa.select(models.PhoneNumber.e164)
        assert not set(a.scalars(numbers)) & set(b.scalars(numbers))


def test_summary_counts_match_the_tables(demo):
    engine, summary, _ = demo
    expected = {"customers": summary.customers, "phone_numbers": summary.phones, "orders": summary.orders,
                "order_events": summary.order_events, "interactions": summary.interactions,
                "interaction_events": summary.interaction_events, "tickets": summary.tickets,
                "tasks": summary.tasks, "dnc_entries": summary.do_not_call}
    with engine.connect() as connection:
        actual = {name: connection.scalar(sa.select(sa.func.count()).select_from(Base.metadata.tables[name]))
                  for name in expected}
    assert actual == expected
    assert summary.customers == CUSTOMERS
    assert summary.interactions > 5 * CUSTOMERS and summary.tickets and summary.tasks


def test_demo_logins_are_returned_once_with_passwords_that_work(demo):
    engine, summary, _ = demo
    assert [(u, role, pw) for u, _, role, _, _, pw in DEMO_USERS] == summary.users
    assert {role for _, role, _ in summary.users} == {"agent", "supervisor", "admin"}
    with Session(engine) as session:
        users = {u.username: u for u in session.scalars(sa.select(models.User))}
        for username, _, password in summary.users:
            assert verify_password(password, users[username].password_hash)
        agents = [u for u in users.values() if u.role == "agent"]
        assert len(agents) == 8 and all(u.skills and u.languages for u in agents)
        assert {tuple(u.languages) for u in agents} >= {("ru",), ("en",), ("ru", "en")}


def test_progress_is_reported_up_to_the_total(demo):
    _, _, reports = demo
    assert reports and reports[-1] == (CUSTOMERS, CUSTOMERS)
    assert [done for done, _ in reports] == sorted(done for done, _ in reports)


def test_every_order_status_is_present(demo):
    engine, _, _ = demo
    with engine.connect() as connection:
        assert set(connection.scalars(sa.select(models.Order.status).distinct())) == set(models.ORDER_STATUSES)


def test_every_phone_is_valid_e164_unique_and_classified_as_normalize_phone_does(demo):
    engine, _, _ = demo
    with engine.connect() as connection:
        phones = connection.execute(sa.select(models.PhoneNumber)).all()
    assert len({p.e164 for p in phones}) == len(phones)
    for phone in phones:
        normalized = normalize_phone(phone.e164, "RU")
        assert (normalized.e164, normalized.kind, normalized.region) == (phone.e164, phone.kind, phone.region)
        # A caller typing their own number the national way finds the same E.164.
        assert normalize_phone(normalized.national, phone.region).e164 == phone.e164


@pytest.mark.parametrize("ordinal", [0, 1, 2, 999, 123_456, 1_000_000, MAX_CUSTOMERS // 2, MAX_CUSTOMERS - 1])
def test_generated_numbers_are_valid_across_the_whole_customer_range(ordinal):
    salt = mix64(SEED)
    for slot in range(PHONES_PER_CUSTOMER):
        numbers = [ru_number(code, ordinal, slot, salt) for code in places.RU_MOBILE_CODES]
        numbers += [ru_number(code, ordinal, slot, salt) for c in places.RU_CITIES for code in c.area_codes]
        numbers += [us_number(code, ordinal, slot, salt) for c in places.US_CITIES for code in c.area_codes]
        for number in numbers:
            assert phonenumbers.is_valid_number(phonenumbers.parse(number)), number


def test_customers_speak_russian_or_english_with_matching_names_zones_and_numbers(demo):
    engine, _, _ = demo
    ru_names = set(names.RU_MALE_FIRST) | set(names.RU_FEMALE_FIRST)
    en_names = set(names.EN_MALE_FIRST) | set(names.EN_FEMALE_FIRST)
    with Session(engine) as session:
        customers = session.scalars(sa.select(models.Customer)).all()
        for customer in customers:
            ru = customer.language == "ru"
            assert customer.first_name in (ru_names if ru else en_names)
            assert bool(CYRILLIC.search(customer.last_name)) == ru
            zones = {c.time_zone for c in (places.RU_CITIES if ru else places.US_CITIES)}
            assert customer.time_zone in zones
            assert all(p.e164.startswith("+7" if ru else "+1") for p in customer.phones)
            assert customer.phones[0].is_primary and 1 <= len(customer.phones) <= 3
            assert customer.created_at.tzinfo is not None and customer.created_at < DEFAULT_ANCHOR
    assert {c.language for c in customers} == {"ru", "en"}


def test_cyrillic_names_and_texts_round_trip(demo):
    engine, _, _ = demo
    with Session(engine) as session:
        russian = session.scalars(
            sa.select(models.Customer).where(models.Customer.language == "ru").order_by(models.Customer.id)
        ).first()
        history = customer_history(session, customer_id=russian.id)
    assert history.customer["display_name"] in (
        russian.company_name, f"{russian.first_name} {russian.last_name}")
    assert CYRILLIC.search(history.customer["last_name"])
    catalog_names = {p.name_ru for p in catalog.PRODUCTS} | {"Доставка"}
    for order in history.orders:
        assert order["currency"] == "RUB"
        assert all(item["name"] in catalog_names for item in order["items"])
        assert CYRILLIC.search(order["last_event"]["description"])
    notes = [i["notes"] for i in history.interactions if i["notes"]]
    assert all(CYRILLIC.search(n) for n in notes)


def test_every_record_points_to_existing_customers_orders_and_staff(demo):
    engine, _, _ = demo
    i, c, u = models.Interaction, models.Customer, models.User
    with engine.connect() as connection:
        def orphans(statement):
            return connection.scalar(sa.select(sa.func.count()).select_from(statement.subquery()))

        assert orphans(sa.select(i.id).outerjoin(c, c.id == i.customer_id).where(c.id.is_(None))) == 0
        assert orphans(sa.select(i.id).join(u, u.id == i.agent_id).where(u.role != "agent")) == 0
        assert orphans(sa.select(i.id).where(i.agent_id.is_not(None)).outerjoin(u, u.id == i.agent_id)
                       .where(u.id.is_(None))) == 0
        for model in (models.Order, models.Ticket, models.Task, models.PhoneNumber):
            assert orphans(sa.select(model.id).outerjoin(c, c.id == model.customer_id).where(c.id.is_(None))) == 0
        ticket_orders = sa.select(models.Ticket.order_id).where(models.Ticket.order_id.is_not(None))
        assert set(connection.scalars(ticket_orders)) <= set(connection.scalars(sa.select(models.Order.id)))
        dispositions = set(connection.scalars(sa.select(models.Disposition.code)))
        used = set(connection.scalars(sa.select(i.disposition).where(i.disposition.is_not(None)).distinct()))
        assert used and used <= dispositions


def test_orders_have_consistent_totals_histories_and_deliveries(demo):
    engine, _, _ = demo
    with Session(engine) as session:
        orders = session.scalars(sa.select(models.Order)).all()
        numbers = [o.number for o in orders]
        assert len(set(numbers)) == len(numbers) and all(n.isdigit() for n in numbers)
        assert min(numbers, key=int) == "10001"
        for order in orders:
            events = order.events
            assert events[0].status == "new" and events[-1].status == order.status
            times = [e.occurred_at for e in events]
            assert times == sorted(times) and times[0] == order.placed_at and times[-1] < DEFAULT_ANCHOR
            assert order.total_minor == sum(item["qty"] * item["price_minor"] for item in order.items)
            assert order.currency == ("RUB" if order.carrier in {c for c, *_ in catalog.RU_CARRIERS} else "USD")
            assert (order.delivered_at is not None) == (order.status in ("delivered", "returned"))
            assert (order.tracking_number is None) == (order.status in ("new", "paid", "cancelled"))
            if order.status == "delayed":
                assert order.estimated_delivery > order.promised_delivery
        placed = sorted(o.placed_at for o in orders)
        assert (DEFAULT_ANCHOR - placed[0]).days > 90
        assert any(o.promised_delivery > DEFAULT_ANCHOR.date() for o in orders)


def test_calls_have_unique_sids_and_sane_times(demo):
    engine, _, _ = demo
    with Session(engine) as session:
        interactions = session.scalars(sa.select(models.Interaction)).all()
    calls = [i for i in interactions if i.channel == "voice"]
    assert {i.channel for i in interactions} == {"voice", "note"}
    assert {i.direction for i in calls} == {"inbound", "outbound"}
    sids = [i.call_sid for i in calls]
    assert len(set(sids)) == len(sids) and all(re.fullmatch(r"CA[0-9a-f]{32}", s) for s in sids)
    for call in calls:
        assert call.started_at <= call.ended_at < DEFAULT_ANCHOR
        assert call.duration_seconds == (call.ended_at - call.started_at).total_seconds()
        if call.agent_id is not None and call.disposition is not None:
            assert call.wrapped_up_at > call.ended_at
        if call.direction == "inbound":
            assert call.ivr_path[0] == "identify" and call.ivr_flow == "order_tracking"
            assert call.ivr_outcome in ("contained", "transferred", "callback", "abandoned")
            assert (call.ivr_path[-1] == "agent") == (call.ivr_outcome == "transferred") == (call.queue is not None)


def test_open_tickets_and_pending_callbacks_wait_after_the_anchor(demo):
    engine, _, _ = demo
    with Session(engine) as session:
        pending = session.scalars(sa.select(models.Task).where(
            models.Task.kind == "callback", models.Task.status == "pending")).all()
        tickets = session.scalars(sa.select(models.Ticket)).all()
    assert pending and all(t.due_at > DEFAULT_ANCHOR and t.phone_e164 for t in pending)
    assert {t.status for t in tickets} & set(models.OPEN_TICKET_STATUSES)
    assert all(t.priority in models.TICKET_PRIORITIES and t.escalation_level >= 0 for t in tickets)


def test_screen_pop_finds_a_demo_customer_from_a_nationally_formatted_number(demo):
    engine, _, _ = demo
    with Session(engine) as session:
        phone = session.scalars(sa.select(models.PhoneNumber).where(models.PhoneNumber.region == "RU")).first()
        national = phonenumbers.format_number(phonenumbers.parse(phone.e164), phonenumbers.PhoneNumberFormat.NATIONAL)
        history = customer_history(session, phone=national, default_region="RU", page_size=20)
    assert history.known and history.customer["id"] == phone.customer_id
    started = [i["started_at"] for i in history.interactions]
    assert started == sorted(started, reverse=True)


def test_a_database_with_customers_is_refused_and_left_as_it_was(demo):
    engine, summary, _ = demo
    with pytest.raises(DatabaseNotEmpty, match=f"{summary.customers:,} customers"):
        load_demo_data(engine, customers=5, seed=SEED)
    with engine.connect() as connection:
        assert connection.scalar(sa.select(sa.func.count()).select_from(models.Customer)) == summary.customers


def test_a_failed_load_leaves_nothing_behind(new_database, monkeypatch):
    from crm_core.demo_data import writers

    engine = new_database()
    original = writers.InsertWriter.write

    def failing(self, table, rows):
        if table.name == "tickets":
            raise RuntimeError("disk full")
        original(self, table, rows)

    monkeypatch.setattr(writers.InsertWriter, "write", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        load_demo_data(engine, customers=CUSTOMERS, seed=SEED)
    with engine.connect() as connection:
        for name in DATA_TABLES:
            assert connection.scalar(sa.select(sa.func.count()).select_from(Base.metadata.tables[name])) == 0, name


@pytest.mark.parametrize("language", ["ru", "en"])
def test_every_note_can_be_written_without_an_order(language):
    from crm_core.demo_data.phrases import NOTES

    for disposition, templates in NOTES[language].items():
        assert any("{order}" not in t for t in templates), disposition


def test_existing_demo_logins_are_kept_and_not_reported(new_database):
    engine = new_database()
    with Session(engine) as session:
        from crm_core.users import create_user

        create_user(session, username="admin", full_name="Real Admin", role="admin", password="a real password")
        session.commit()
    summary = load_demo_data(engine, customers=3, seed=SEED)
    assert "admin" not in [u for u, _, _ in summary.users] and len(summary.users) == len(DEMO_USERS) - 1
    with Session(engine) as session:
        admin = session.scalar(sa.select(models.User).where(models.User.username == "admin"))
        assert admin.full_name == "Real Admin" and verify_password("a real password", admin.password_hash)


def test_a_later_anchor_moves_every_timestamp(new_database):
    engine = new_database()
    anchor = datetime(2027, 3, 15, tzinfo=timezone.utc)
    load_demo_data(engine, customers=5, seed=SEED, anchor=anchor)
    with engine.connect() as connection:
        latest = connection.scalar(sa.select(sa.func.max(models.Interaction.started_at)))
    assert latest.replace(tzinfo=timezone.utc) > DEFAULT_ANCHOR


@pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                    reason="COPY is used on PostgreSQL only (set DATABASE_URL)")
def test_copy_and_executemany_store_identical_rows_on_postgresql():
    server = make_engine(os.environ["DATABASE_URL"])
    base = sa.engine.make_url(server.url)
    names_ = [f"demo_data_test_{uuid4().hex[:8]}" for _ in range(2)]
    engines = []
    try:
        with server.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            for name in names_:
                connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        for name, method in zip(names_, ("copy", "insert")):
            url = base.set(database=name).render_as_string(hide_password=False)
            schema.upgrade(url)
            engines.append(make_engine(url))
            load_demo_data(engines[-1], customers=CUSTOMERS, seed=SEED, method=method)
        for name in DATA_TABLES:
            assert table_rows(engines[0], name) == table_rows(engines[1], name), name
        with pytest.raises(DatabaseNotEmpty):
            load_demo_data(engines[0], customers=3, seed=SEED)
        with engines[0].begin() as connection:  # sequences were moved past the explicit ids
            connection.execute(sa.insert(models.Customer).values(first_name="Новый", language="ru",
                                                                 consent_calls=False, consent_marketing=False,
                                                                 consent_recording=False))
    finally:
        for engine in engines:
            engine.dispose()
        with server.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            for name in names_:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        server.dispose()
