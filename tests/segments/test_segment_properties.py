"""For any customers and any count, sum or last-outcome condition, the population query (EXISTS and grouped
subqueries) and the per-customer measure (correlated subqueries) agree on who is in the segment."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, given, settings, strategies as st

from crm_core.segments import customers_in, is_member

from .conftest import NOW

PROPERTY_SETTINGS = settings(max_examples=60, deadline=None,
                             suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

orders = st.lists(st.fixed_dictionaries({
    "days_ago": st.integers(0, 400),
    "status": st.sampled_from(["delivered", "in_transit", "cancelled", "delayed"]),
    "promised_after": st.none() | st.integers(1, 10),
    "delivered_after": st.none() | st.integers(0, 15),
}), max_size=5)
interactions = st.lists(st.fixed_dictionaries({
    "days_ago": st.integers(0, 60),  # whole days: equal start times happen, the id breaks the tie
    "disposition": st.sampled_from([None, "sale", "not_interested"]),
    "channel": st.sampled_from(["voice", "email"]),
    "direction": st.sampled_from(["inbound", "outbound"]),
}), max_size=5)
windows = st.sampled_from([None, 7, 30, 90, 365])


@st.composite
def bounds(draw, values):
    low, high = draw(st.none() | st.sampled_from(values)), draw(st.none() | st.sampled_from([0, *values]))
    if low is None and high is None:
        low = values[0]
    if low is not None and high is not None and low > high:
        low, high = high or values[0], low
    return {k: v for k, v in (("at_least", low), ("at_most", high), ("days", draw(windows))) if v is not None}


conditions = st.one_of(
    st.builds(lambda b, s: {"condition": "orders", **b, **s}, bounds([1, 2, 3]),
              st.sampled_from([{}, {"status": "delivered"}, {"status": ["delayed", "in_transit"]}])),
    st.builds(lambda b: {"condition": "late_deliveries", **b}, bounds([1, 2])),
    st.builds(lambda b: {"condition": "orders_total", "currency": "RUB", **b}, bounds([2500, 5000, 7500])),
    st.builds(lambda b, f: {"condition": "contacts", **b, **f}, bounds([1, 2, 3]),
              st.sampled_from([{}, {"channel": "voice"}, {"direction": "outbound"}])),
    st.builds(lambda v: {"condition": "last_disposition", "in": v},
              st.sampled_from([["sale"], ["sale", "not_interested"]])),
)


@PROPERTY_SETTINGS
@given(histories=st.lists(st.tuples(orders, interactions), min_size=1, max_size=4),
       segment=st.lists(conditions, min_size=1, max_size=2))
def test_the_population_query_and_the_per_customer_measure_agree(db_session, make_customer, make_order,
                                                                  make_interaction, histories, segment):
    savepoint = db_session.begin_nested()
    try:
        customers = []
        for n, (its_orders, its_interactions) in enumerate(histories):
            customer = make_customer(phones=(f"+7903000000{n}",))
            for order in its_orders:
                placed = NOW - timedelta(days=order["days_ago"])
                promised = None if order["promised_after"] is None else (
                    placed + timedelta(days=order["promised_after"])).date()
                delivered = None if order["delivered_after"] is None else (
                    placed + timedelta(days=order["delivered_after"]))
                make_order(customer, status=order["status"], placed_at=placed, promised_delivery=promised,
                           delivered_at=delivered)
            for contact in its_interactions:
                make_interaction(customer, started_at=NOW - timedelta(days=contact["days_ago"]),
                                 disposition=contact["disposition"], channel=contact["channel"],
                                 direction=contact["direction"])
            customers.append(customer.id)
        members = [c for c in customers_in(db_session, segment, now=NOW) if c in customers]
        assert members == [c for c in customers if is_member(db_session, segment, c, now=NOW)]
    finally:
        savepoint.rollback()
