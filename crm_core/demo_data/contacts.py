"""A customer's contact history: calls through the IVR and the dialer, and agents' notes."""

from __future__ import annotations

from datetime import timedelta

from . import places
from .customers import Profile
from .follow_ups import open_ticket, schedule_callback, stop_calling
from .identifiers import call_sid
from .orders import OrderFacts
from .phrases import NOTES
from .shop import DAY, HOUR, DemoShop, Weighted, at

NOTE_SHARE = 0.04
INBOUND_SHARE = 0.72
ABOUT_AN_ORDER = 0.55
# Calls within this many seconds of the anchor keep their whole timeline (status, IVR and wrap-up events).
TIMELINE_WINDOW = 7 * DAY


# The shipped inbound flow (ivr_flows/flows/order_tracking.toml): demo calls walk its steps, so their paths read
# like real ones. Its version is that of an earlier edition: the demo calls predate the running flow.
IVR_FLOW, IVR_FLOW_VERSION = "order_tracking", "0d3a5c7e9b21"
KNOWN_CALLER = ("identify", "use_customer_language", "greet_customer", "main_menu")
LATEST_ORDER = ("track", "offer_latest_order", "latest_order")
OTHER_ORDER = ("track", "offer_latest_order", "ask_order_number", "find_order", "check_owner")
IVR_CALLBACK = ("callback", "confirm_callback_number", "schedule_callback", "callback_promised")
INBOUND_QUEUE = "support"
# How the IVR tells an order in each status, before asking what else the caller wants.
TELL = {"delivered": ("tell_order", "tell_delivered"), "cancelled": ("tell_order", "tell_if_closed", "tell_closed"),
        "returned": ("tell_order", "tell_if_closed", "tell_closed")}
TELL_IN_FLIGHT = ("tell_order", "tell_if_closed", "tell_status")
# What agents conclude when a caller still wants one: after hearing an order's status, or straight from the menu.
ORDER_CALL_OUTCOMES = Weighted(("order_status_given", 50), ("resolved", 30), ("escalated", 12),
                               ("callback_requested", 8))
AGENT_CALL_OUTCOMES = Weighted(("resolved", 60), ("sale", 20), ("not_interested", 8), ("escalated", 6),
                               ("callback_requested", 6))
CAMPAIGN_OUTCOMES = Weighted(("sale", 25), ("not_interested", 56), ("callback_requested", 8), ("do_not_call", 3),
                             ("wrong_number", 8))
CALLBACK_OUTCOMES = Weighted(("resolved", 75), ("sale", 15), ("order_status_given", 10))
DIAL_RESULTS = Weighted(("completed", 65), ("no-answer", 20), ("busy", 10), ("failed", 5))
INTERACTION_COUNT = {"new": (1, 4), "dormant": (1, 8), "vip": (15, 60)}
HEAVY_INTERACTION_COUNT = (100, 2000)
SHOWCASE_HEAVY_INTERACTIONS = 150
# The showcase customers whose latest call left a pending callback, or an open ticket.
SHOWCASE_CALLBACK = (2, 5, 8)
SHOWCASE_TICKET = (3, 6)


def make_contacts(shop: DemoShop, profile: Profile, orders: list[OrderFacts]) -> None:
    """The customer's interactions, oldest first, and what they led to."""
    rng, now = shop.rng, shop.now
    if profile.ordinal == 1:
        count = SHOWCASE_HEAVY_INTERACTIONS
    elif profile.heavy:
        count = rng.randint(*HEAVY_INTERACTION_COUNT)
    elif profile.segment == "regular":
        count = min(120, max(1, int(rng.lognormvariate(2.15, 0.75))))
    else:
        count = rng.randint(*INTERACTION_COUNT[profile.segment])
    # Calls end within the hour they start, so every call is over by the anchor.
    first, last = profile.created, min(profile.active_until, now - HOUR)
    planned = []
    for _ in range(count):
        index = int(rng.random() * len(orders)) if orders and rng.random() < ABOUT_AN_ORDER else None
        order = None if index is None else orders[index]
        when = order.placed + rng.randint(HOUR // 2, 12 * DAY) if order else rng.randint(first, last)
        if when > last:
            when = rng.randint(order.placed, last) if order and order.placed < last else rng.randint(first, last)
        # The IVR offers "your latest order" first: was this order still the newest when they called?
        latest = order is not None and (index + 1 == len(orders) or orders[index + 1].placed > when)
        planned.append((when, order, latest))
    planned.sort(key=lambda p: p[0])
    for when, order, latest in planned:
        if rng.random() < NOTE_SHARE:
            _note(shop, profile, when, order)
        else:
            _call(shop, profile, when, order, latest)
    if profile.ordinal in SHOWCASE_CALLBACK or profile.ordinal in SHOWCASE_TICKET:
        forced = "callback_requested" if profile.ordinal in SHOWCASE_CALLBACK else "escalated"
        _call(shop, profile, now - rng.randint(HOUR, 30 * HOUR), orders[-1] if orders else None, True, forced=forced)


def _note(shop: DemoShop, profile: Profile, when: int, order: OrderFacts | None) -> None:
    rng = shop.rng
    shop.add("interactions", _interaction_row(
        shop, profile, id=shop.new_id("interactions"), channel="note", direction="outbound", call_sid=None,
        agent_id=shop.staff.pick(rng, profile.language, "orders"), status="completed", status_sequence=-1,
        started_at=at(when), notes=rng.choice(NOTES[profile.language]["note"]),
        context={"order_number": order.number} if order else {},
    ))


def _call(shop: DemoShop, profile: Profile, when: int, order: OrderFacts | None, latest: bool,
          forced: str | None = None) -> None:
    rng = shop.rng
    if forced or rng.random() < INBOUND_SHARE or profile.do_not_call or not profile.row["consent_calls"]:
        call = _inbound(shop, profile, when, order, latest, forced)
    else:
        call = _outbound(shop, profile, when, order)
    party = call["from_number"] if call["direction"] == "inbound" else call["to_number"]
    disposition = call["disposition"]
    if disposition is not None:
        call["notes"] = _notes(shop, profile, disposition, order) if rng.random() < 0.85 or forced else None
        call["wrapped_up_at"] = at(int(call["ended_at"].timestamp()) + rng.randint(5, 90))
    shop.add("interactions", call)
    if shop.now - when <= TIMELINE_WINDOW:
        _timeline(shop, call)
    if disposition == "callback_requested" or call["ivr_outcome"] == "callback":
        schedule_callback(shop, profile, call, party, showcase=forced is not None)
    elif disposition == "escalated":
        open_ticket(shop, profile, call, order, showcase=forced is not None)
    elif disposition == "do_not_call" and not profile.do_not_call:
        stop_calling(shop, profile, call, party)


def _inbound(shop: DemoShop, profile: Profile, when: int, order: OrderFacts | None, latest: bool,
             forced: str | None) -> dict:
    """A call through the IVR: self-service, a callback request, a hang-up, or the queue and an agent."""
    rng = shop.rng
    path = list(KNOWN_CALLER)
    context = {"skill": "orders"}
    fate = rng.random()
    if order is not None:
        path += LATEST_ORDER if latest else OTHER_ORDER
        path += TELL.get(order.status, TELL_IN_FLIGHT) if when >= order.settled else TELL_IN_FLIGHT
        path.append("after_answer")
        context["order_number"] = order.number
        outcome = "contained" if not forced and fate < 0.35 else "transferred"
        path.append("goodbye" if outcome == "contained" else "agent")
    elif not forced and fate < 0.06:
        outcome = "callback"
        path += IVR_CALLBACK
    elif not forced and fate < 0.10:
        outcome = "abandoned"  # hung up in the menu
    else:
        outcome = "transferred"
        path.append("agent")
    ring = rng.randint(1, 4)
    answered = when + ring
    ended = answered + 7 * len(path) + rng.randint(0, 25)
    queue = agent_id = disposition = None
    if outcome == "transferred":
        queue = INBOUND_QUEUE
        wait = min(600, int(rng.expovariate(1 / 45)))
        if not forced and rng.random() < 0.05:
            ended += rng.randint(20, max(21, wait))  # gave up waiting in the queue
        else:
            agent_id = shop.staff.pick(rng, profile.language, "orders")
            disposition = forced or (ORDER_CALL_OUTCOMES if order else AGENT_CALL_OUTCOMES).pick(rng)
            ended += wait + min(2400, max(20, int(rng.lognormvariate(5.0, 0.7))))
    iid = shop.new_id("interactions")
    return _interaction_row(
        shop, profile, id=iid, channel="voice", direction="inbound", call_sid=call_sid(iid, shop.salt),
        from_number=_party(shop, profile), to_number=_hotline(profile), agent_id=agent_id, queue=queue,
        status="completed", status_sequence=2, started_at=at(when), answered_at=at(answered), ended_at=at(ended),
        ring_seconds=ring, talk_seconds=ended - answered, duration_seconds=ended - when, disposition=disposition,
        ivr_path=path, context=context, ivr_flow=IVR_FLOW, ivr_flow_version=IVR_FLOW_VERSION, ivr_outcome=outcome,
    )


def _outbound(shop: DemoShop, profile: Profile, when: int, order: OrderFacts | None) -> dict:
    rng = shop.rng
    callback = order is not None and rng.random() < 0.3
    skill = ("returns" if order.status in ("delivered", "returned") else "orders") if callback else "sales"
    result = DIAL_RESULTS.pick(rng)
    answered = answered_by = agent_id = disposition = talk = None
    if result == "completed":
        ring = rng.randint(3, 20)
        answered = when + ring
        if rng.random() < 0.88:
            answered_by = "human"
            agent_id = shop.staff.pick(rng, profile.language, skill)
            disposition = (CALLBACK_OUTCOMES if callback else CAMPAIGN_OUTCOMES).pick(rng)
            talk = min(1800, max(15, int(rng.lognormvariate(4.6, 0.8))))
        else:
            answered_by = "machine_start"
            talk = rng.randint(15, 35)
        ended, sequence = answered + talk, 3
    elif result == "no-answer":
        ring = rng.randint(20, 30)
        ended, sequence = when + ring, 2
    elif result == "busy":
        ring = rng.randint(1, 5)
        ended, sequence = when + ring, 2
    else:
        ring, ended, sequence = 0, when, 1
    iid = shop.new_id("interactions")
    context = {"skill": skill, "campaign": "callbacks" if callback else "autumn-sale"}
    if order is not None and callback:
        context["order_number"] = order.number
    return _interaction_row(
        shop, profile, id=iid, channel="voice", direction="outbound", call_sid=call_sid(iid, shop.salt),
        from_number=_hotline(profile), to_number=_party(shop, profile), agent_id=agent_id, status=result,
        status_sequence=sequence, started_at=at(when), answered_at=None if answered is None else at(answered),
        ended_at=at(ended), ring_seconds=ring, talk_seconds=talk, duration_seconds=ended - when,
        answered_by=answered_by, disposition=disposition, context=context,
    )


def _interaction_row(shop: DemoShop, profile: Profile, **values) -> dict:
    row = {
        "customer_id": profile.id, "from_number": None, "to_number": None, "agent_id": None, "queue": None,
        "language": profile.language, "answered_at": None, "ended_at": None, "ring_seconds": None,
        "talk_seconds": None, "duration_seconds": None, "answered_by": None, "disposition": None, "notes": None,
        "ivr_path": [], "context": {}, "recording_url": None, "wrapped_up_at": None, "review_reason": None,
        "ivr_flow": None, "ivr_flow_version": None, "ivr_outcome": None,
    }
    row.update(values)
    return row


def _party(shop: DemoShop, profile: Profile) -> str:
    """The customer's number on a call: mostly their primary one."""
    phones = profile.phones
    return phones[0] if len(phones) == 1 or shop.rng.random() < 0.7 else shop.rng.choice(phones)


def _hotline(profile: Profile) -> str:
    return places.RU_HOTLINE if profile.language == "ru" else places.US_HOTLINE


def _notes(shop: DemoShop, profile: Profile, disposition: str, order: OrderFacts | None) -> str:
    templates = NOTES[profile.language][disposition]
    if order is None:
        templates = [t for t in templates if "{order}" not in t]
    template = shop.rng.choice(templates)
    if order is None:
        return template
    return template.format(order=order.number, date=_date_text(profile.language, order.estimated_delivery))


def _date_text(language: str, day) -> str:
    if day is None:
        return "—"
    return day.strftime("%d.%m.%Y") if language == "ru" else day.isoformat()


def _timeline(shop: DemoShop, call: dict) -> None:
    """The events a live call would have left: status callbacks, IVR steps, wrap-up."""
    events = []
    started = call["started_at"]
    if call["direction"] == "inbound":
        statuses = [("ringing", started), ("in-progress", call["answered_at"]), ("completed", call["ended_at"])]
    else:
        statuses = [("initiated", started)]
        if call["status"] != "failed":
            statuses.append(("ringing", started))
        if call["answered_at"] is not None:
            statuses.append(("in-progress", call["answered_at"]))
        statuses.append((call["status"], call["ended_at"]))
    for sequence, (status, when) in enumerate(statuses):
        events.append(("status", {"status": status, "sequence": sequence}, when))
    for n, step in enumerate(call["ivr_path"], start=1):
        events.append(("ivr", {"step": step}, call["answered_at"] + timedelta(seconds=6 * n)))
    if call["wrapped_up_at"] is not None:
        events.append(("wrap_up", {"disposition": call["disposition"]}, call["wrapped_up_at"]))
    for kind, detail, when in sorted(events, key=lambda e: e[2]):
        shop.add("interaction_events", {"id": shop.new_id("interaction_events"), "interaction_id": call["id"],
                                        "kind": kind, "detail": detail, "occurred_at": when})
