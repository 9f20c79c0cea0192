"""A small cast of customers whose segment memberships a human can check by reading it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

import pytest

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=timezone.utc)


def days_ago(days: int) -> datetime:
    return NOW - timedelta(days=days)


@dataclass
class Cast:
    anna: object
    boris: object
    clara: object
    dmitri: object


@pytest.fixture
def cast(make_customer, make_order, make_interaction) -> Cast:
    """Anna: loyal Russian VIP (3 orders in 90 days, all on time, one older; a sale 5 days ago; born in June).
    Boris: English, 1 order 20 days ago delivered late; never contacted.
    Clara: a company, 3 orders in 90 days, one past its promised date and still in transit; called 40 days
    ago (callback) and 10 days ago (no answer).
    Dmitri: no orders, 2 inbound calls in the last 30 days, the last one ended as a complaint."""
    anna = make_customer("Анна", "Смирнова", phones=("+79031234567",), language="ru", segment="vip",
                         consent_marketing=True, birthday=date(1990, 6, 15), time_zone="Europe/Moscow")
    for ago in (10, 40, 80):
        make_order(anna, status="delivered", placed_at=days_ago(ago), promised_delivery=days_ago(ago - 5).date(),
                   delivered_at=days_ago(ago - 4))
    make_order(anna, status="delivered", placed_at=days_ago(200))
    make_interaction(anna, started_at=days_ago(5), disposition="sale", direction="outbound")

    boris = make_customer("Boris", "Johnson", phones=("+12125550143",), language="en", segment="regular",
                          birthday=date(1985, 2, 1), time_zone="America/New_York")
    make_order(boris, status="delivered", placed_at=days_ago(20), promised_delivery=days_ago(10).date(),
               delivered_at=days_ago(5))

    clara = make_customer(None, None, phones=("+74951234567",), kind="company", company_name="ООО Ромашка",
                          segment="regular", time_zone="Europe/Moscow")
    make_order(clara, status="delivered", placed_at=days_ago(30), promised_delivery=days_ago(25).date(),
               delivered_at=days_ago(25))
    make_order(clara, status="delivered", placed_at=days_ago(50), promised_delivery=days_ago(45).date(),
               delivered_at=days_ago(46))
    make_order(clara, status="in_transit", placed_at=days_ago(8), promised_delivery=days_ago(3).date())
    make_interaction(clara, started_at=days_ago(40), disposition="callback", direction="outbound")
    make_interaction(clara, started_at=days_ago(10), disposition="no_answer", direction="outbound")

    dmitri = make_customer("Дмитрий", "Орлов", phones=("+79161234567",), language="ru")
    make_interaction(dmitri, started_at=days_ago(25), disposition="order_status")
    make_interaction(dmitri, started_at=days_ago(2), disposition="complaint")
    make_interaction(dmitri, started_at=days_ago(1))  # still ringing: no outcome yet
    return Cast(anna, boris, clara, dmitri)
