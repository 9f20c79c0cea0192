"""Demo orders in every status, each with a status history that leads to its status by its placing date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from ..models import ORDER_STATUSES
from . import catalog, places
from .customers import Profile, postal_code
from .identifiers import order_number, tracking_number
from .phrases import ORDER_EVENT_TEXT
from .shop import DAY, HOUR, DemoShop, Weighted, at

# The happy path; every status is a prefix of it, or a prefix plus a last step (delayed, returned, cancelled).
FLOW = ("new", "paid", "packed", "shipped", "in_transit", "out_for_delivery", "delivered")
# Hours from the previous step to this one.
GAP_HOURS = {
    "paid": (0.02, 6), "packed": (4, 30), "shipped": (3, 24), "in_transit": (6, 30), "out_for_delivery": (20, 72),
    "delivered": (2, 10), "delayed": (24, 60), "returned": (72, 336), "cancelled": (0.5, 40),
}
# What an order placed `days` ago has come to: (younger than this many days, statuses).
STATUS_BY_AGE = (
    (0.5, Weighted(("new", 60), ("paid", 35), ("cancelled", 5))),
    (1.5, Weighted(("paid", 50), ("packed", 45), ("cancelled", 5))),
    (3, Weighted(("packed", 25), ("shipped", 45), ("in_transit", 25), ("cancelled", 5))),
    (6, Weighted(("in_transit", 45), ("out_for_delivery", 20), ("delayed", 10), ("delivered", 20), ("cancelled", 5))),
    (15, Weighted(("delivered", 75), ("delayed", 8), ("in_transit", 5), ("returned", 4), ("cancelled", 8))),
    (float("inf"), Weighted(("delivered", 84), ("returned", 7), ("cancelled", 9))),
)
# How long ago the showcase order in each status was placed (days).
SHOWCASE_AGE = {
    "new": (0.05, 0.45), "paid": (0.5, 1.4), "packed": (1.5, 2.9), "shipped": (1.5, 2.9), "in_transit": (3, 5.5),
    "out_for_delivery": (3, 5.5), "delivered": (6, 14), "delayed": (6, 14), "returned": (20, 50),
    "cancelled": (1, 10),
}
ORDER_COUNT = {"new": (0, 2), "dormant": (1, 4), "regular": (0, 5), "vip": (5, 15)}
HEAVY_ORDER_COUNT = (10, 30)
LINES = Weighted((1, 50), (2, 30), (3, 15), (4, 5))
QUANTITY = Weighted((1, 75), (2, 18), (3, 7))
SHIPPING_NAME = {"ru": "Доставка", "en": "Shipping"}
NOT_TRACKED = ("new", "paid", "cancelled")


@dataclass
class OrderFacts:
    """What a customer's calls may be about."""

    id: int
    number: str
    status: str
    placed: int
    settled: int  # when it reached its status
    estimated_delivery: date | None


def make_orders(shop: DemoShop, profile: Profile) -> list[OrderFacts]:
    """The customer's orders with their events, oldest first."""
    rng, now = shop.rng, shop.now
    low, high = HEAVY_ORDER_COUNT if profile.heavy else ORDER_COUNT[profile.segment]
    first, last = profile.created + HOUR, min(profile.active_until, now - 2 * HOUR)
    placed = [(rng.randint(first, last), None) for _ in range(rng.randint(low, high))]
    if profile.ordinal < len(ORDER_STATUSES):
        status = ORDER_STATUSES[profile.ordinal]
        placed.append((now - int(rng.uniform(*SHOWCASE_AGE[status]) * DAY), status))
    placed.sort(key=lambda p: p[0])
    return [_order(shop, profile, when, status) for when, status in placed]


def _order(shop: DemoShop, profile: Profile, placed: int, status: str | None) -> OrderFacts:
    rng, now = shop.rng, shop.now
    if status is None:
        age = (now - placed) / DAY
        status = next(choice for younger, choice in STATUS_BY_AGE if age < younger).pick(rng)
    ru = profile.language == "ru"
    currency = "RUB" if ru else "USD"
    carrier, fastest, slowest = rng.choice(catalog.RU_CARRIERS if ru else catalog.US_CARRIERS)
    items = []
    for _ in range(LINES.pick(rng)):
        product = rng.choice(catalog.PRODUCTS)
        items.append({"sku": product.sku, "name": product.name_ru if ru else product.name_en,
                      "qty": QUANTITY.pick(rng), "price_minor": product.rub_minor if ru else product.usd_minor})
    fee, free_from = catalog.SHIPPING[currency]
    if sum(i["qty"] * i["price_minor"] for i in items) < free_from:
        items.append({"sku": "DELIVERY", "name": SHIPPING_NAME[profile.language], "qty": 1, "price_minor": fee})

    steps = _path(rng, status)
    times = _step_times(rng, steps, placed, now)
    promised = at(placed).date() + timedelta(days=rng.randint(fastest, slowest))
    if status == "cancelled":
        estimated = None
    elif status == "delayed":
        estimated = promised + timedelta(days=rng.randint(2, 7))
    elif status in ("delivered", "returned") or rng.random() < 0.9:
        estimated = promised
    else:
        estimated = promised + timedelta(days=1)
    delivered = times[steps.index("delivered")] if "delivered" in steps else None

    order_id = shop.new_id("orders")
    number = order_number(order_id)
    shop.add("orders", {
        "id": order_id, "number": number, "customer_id": profile.id, "status": status, "items": items,
        "currency": currency, "total_minor": sum(i["qty"] * i["price_minor"] for i in items), "carrier": carrier,
        "tracking_number": None if status in NOT_TRACKED else tracking_number(carrier, order_id, shop.salt),
        "delivery_postal_code": profile.row["postal_code"] if rng.random() < 0.85 else postal_code(shop, profile.city),
        "promised_delivery": promised, "estimated_delivery": estimated,
        "delivered_at": None if delivered is None else at(delivered), "placed_at": at(placed),
    })
    text = ORDER_EVENT_TEXT[profile.language]
    for step, when in zip(steps, times):
        shop.add("order_events", {
            "id": shop.new_id("order_events"), "order_id": order_id, "status": step,
            "description": text[step].format(carrier=carrier), "location": _location(rng, step, ru, profile),
            "occurred_at": at(when),
        })
    return OrderFacts(id=order_id, number=number, status=status, placed=placed, settled=times[-1],
                      estimated_delivery=estimated)


def _path(rng, status: str) -> tuple[str, ...]:
    if status in FLOW:
        return FLOW[:FLOW.index(status) + 1]
    if status == "delayed":
        return (*FLOW[:5], "delayed")
    if status == "returned":
        return (*FLOW, "returned")
    return ("new", "cancelled") if rng.random() < 0.5 else ("new", "paid", "cancelled")


def _step_times(rng, steps: tuple[str, ...], placed: int, now: int) -> list[int]:
    """When each step happened; squeezed if needed so that the last one is before the anchor."""
    offsets, total = [0], 0.0
    for step in steps[1:]:
        total += rng.uniform(*GAP_HOURS[step]) * HOUR
        offsets.append(total)
    room = now - 10 * 60 - placed
    scale = min(1.0, room / total) if total else 1.0
    return [placed + int(offset * scale) for offset in offsets]


def _location(rng, step: str, ru: bool, profile: Profile) -> str | None:
    if step in ("packed", "shipped", "returned"):
        return places.RU_WAREHOUSE if ru else places.US_WAREHOUSE
    if step in ("in_transit", "delayed"):
        return rng.choice(places.RU_HUBS if ru else places.US_HUBS)
    if step in ("out_for_delivery", "delivered"):
        return profile.city.name
    return None
