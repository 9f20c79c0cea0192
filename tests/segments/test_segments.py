"""Segments: who is in, who is not, and the same answer for a population and for one customer."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from crm_core.errors import NotFound, ValidationError
from crm_core.segments import (
    InvalidCondition, count_customers, customers_in, examine, is_member, parse_conditions, reason, save_segment,
    segment_named,
)

from .conftest import NOW

LOYAL = [{"condition": "orders", "days": 90, "at_least": 3}, {"condition": "late_deliveries", "days": 90, "at_most": 0}]


def names(cast, ids):
    return sorted(name for name, customer in vars(cast).items() if customer.id in ids)


@pytest.mark.parametrize("conditions, members", [
    (LOYAL, ["anna"]),
    ([{"condition": "orders", "days": 90, "at_least": 3}], ["anna", "clara"]),
    ([{"condition": "orders", "at_least": 4}], ["anna"]),
    ([{"condition": "orders", "at_most": 0}], ["dmitri"]),
    ([{"condition": "orders", "days": 30, "at_least": 1, "at_most": 1}], ["anna", "boris"]),
    ([{"condition": "orders", "status": "in_transit", "at_least": 1}], ["clara"]),
    ([{"condition": "late_deliveries", "at_least": 1}], ["boris", "clara"]),
    ([{"condition": "orders_total", "currency": "RUB", "days": 90, "at_least": 7500}], ["anna", "clara"]),
    ([{"condition": "orders_total", "currency": "RUB", "at_most": 2500}], ["boris", "dmitri"]),
    ([{"condition": "contacts", "days": 30, "at_most": 0}], ["boris"]),
    ([{"condition": "contacts", "days": 30, "at_least": 1}], ["anna", "clara", "dmitri"]),
    ([{"condition": "contacts", "channel": "voice", "direction": "inbound", "days": 30, "at_least": 2}], ["dmitri"]),
    ([{"condition": "last_disposition", "is": "no_answer"}], ["clara"]),
    ([{"condition": "last_disposition", "in": ["sale", "complaint"]}], ["anna", "dmitri"]),
    ([{"condition": "segment_tag", "is": "regular"}], ["boris", "clara"]),
    ([{"condition": "language", "is": "en"}], ["boris"]),
    ([{"condition": "time_zone", "in": ["Europe/Moscow", "America/New_York"]}], ["anna", "boris", "clara"]),
    ([{"condition": "customer_kind", "is": "company"}], ["clara"]),
    ([{"condition": "consent", "to": "marketing"}], ["anna"]),
    ([{"condition": "consent", "to": "marketing", "given": False}, {"condition": "language", "is": "ru"}],
     ["clara", "dmitri"]),
    ([{"condition": "birthday_month", "is": "current"}], ["anna"]),
    ([{"condition": "birthday_month", "is": 2}], ["boris"]),
])
def test_a_segment_holds_the_customers_its_conditions_describe(db_session, cast, conditions, members):
    assert names(cast, customers_in(db_session, conditions, now=NOW)) == members
    assert count_customers(db_session, conditions, now=NOW) == len(members)
    # One customer at a time (the offers' path) agrees with the population query.
    assert [name for name, c in sorted(vars(cast).items())
            if is_member(db_session, conditions, c.id, now=NOW)] == members


def test_a_saved_segment_is_used_like_its_conditions_and_can_be_replaced(db_session, cast):
    segment = save_segment(db_session, name="Loyal", description="Buy often, never let down", conditions=LOYAL,
                           now=NOW)
    assert customers_in(db_session, segment, now=NOW) == [cast.anna.id]
    assert segment.conditions == LOYAL
    again = save_segment(db_session, name="Loyal", conditions=[{"condition": "language", "is": "en"}], now=NOW)
    assert again.id == segment.id
    assert (again.conditions, again.description) == ([{"condition": "language", "in": ["en"]}], None)
    assert customers_in(db_session, segment_named(db_session, "Loyal"), now=NOW) == [cast.boris.id]
    with pytest.raises(NotFound):
        segment_named(db_session, "Disloyal")


def test_the_figures_behind_a_verdict_read_as_a_reason(db_session, cast):
    findings = examine(db_session, cast.clara.id, parse_conditions(LOYAL), now=NOW)
    assert [(f.value, f.holds) for f in findings.values()] == [(3, True), (1, False)]
    assert reason(findings.values()) == "3 orders in 90 days, 1 delivered late"
    anna = examine(db_session, cast.anna.id, parse_conditions(
        LOYAL + [{"condition": "contacts", "days": 30, "at_most": 0}, {"condition": "birthday_month", "is": 6},
                 {"condition": "orders_total", "currency": "RUB", "days": 365, "at_least": 1}]), now=NOW)
    assert reason(anna.values()) == ("3 orders in 90 days, none delivered late, 1 contact in 30 days, "
                                     "birthday in June, orders worth 10,000 RUB in 365 days")


@pytest.mark.parametrize("conditions, message", [
    ([], "conditions: a segment needs at least one condition"),
    ({"condition": "orders"}, "conditions: must be a list"),
    (["orders"], r"conditions\[0\]: must be an object"),
    ([{"condition": "bought"}], r"conditions\[0\]: bought: unknown condition"),
    ([{"condition": "language", "is": "ru"}, {"condition": "orders", "days": 90}],
     r"conditions\[1\]: orders: give at_least, at_most or both"),
    ([{"condition": "orders", "days": 0, "at_least": 1}], "'days' must be a whole number of days between 1 and 3650"),
    ([{"condition": "orders", "days": "90", "at_least": 1}], "'days' has the wrong type"),
    ([{"condition": "orders", "at_least": 3, "at_most": 2}], "no customer can match"),
    ([{"condition": "orders", "status": "lost", "at_least": 1}], "unknown order status 'lost'"),
    ([{"condition": "orders", "at_least": 1, "within": 3}], "unknown field 'within'"),
    ([{"condition": "language", "is": "de"}], "unknown value 'de'"),
    ([{"condition": "language", "is": "ru", "in": ["en"]}], "give 'is' or 'in', not both"),
    ([{"condition": "time_zone", "is": "Mars/Olympus"}], "unknown time zone"),
    ([{"condition": "consent", "to": "calls", "given": "yes"}], "'given' has the wrong type"),
    ([{"condition": "birthday_month", "is": 13}], "month number 1-12"),
    ([{"condition": "orders_total", "at_least": 100}], "'currency' is required"),
    ([{"condition": "contacts", "channel": "fax", "at_least": 1}], "'channel' must be one of"),
])
def test_invalid_conditions_are_refused_naming_the_bad_one(conditions, message):
    with pytest.raises(ValidationError, match=message):
        parse_conditions(conditions)


def test_an_invalid_condition_is_reported_with_its_position(db_session):
    with pytest.raises(InvalidCondition) as refused:
        save_segment(db_session, name="Broken", conditions=[{"condition": "language", "is": "ru"},
                                                            {"condition": "contacts", "days": 30}], now=NOW)
    assert (refused.value.field, refused.value.index) == ("conditions[1]", 1)


def test_a_segment_is_answered_by_one_statement_whatever_its_conditions(db_session, connection, cast):
    statements = []
    sa.event.listen(connection, "before_cursor_execute", lambda *args: statements.append(args[2]))
    every_kind = LOYAL + [{"condition": "contacts", "days": 365, "at_most": 5},
                          {"condition": "orders_total", "currency": "RUB", "at_least": 1000},
                          {"condition": "last_disposition", "is": "sale"}, {"condition": "language", "is": "ru"}]
    assert customers_in(db_session, every_kind, now=NOW) == [cast.anna.id]
    assert [s.split()[0] for s in statements if not s.startswith("SAVEPOINT")] == ["SELECT"]
