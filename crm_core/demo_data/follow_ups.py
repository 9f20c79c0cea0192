"""What calls lead to: callbacks, tickets with their follow-up tasks, do-not-call entries."""

from __future__ import annotations

from .customers import Profile
from .orders import OrderFacts
from .phrases import FOLLOW_UP_NOTES, GENERAL_TICKET_SUBJECTS, TICKET_SUBJECTS
from .shop import DAY, HOUR, DemoShop, Weighted, at

TICKET_PRIORITY = Weighted(("low", 15), ("normal", 50), ("high", 27), ("urgent", 8))
ESCALATION = Weighted((0, 70), (1, 22), (2, 8))
OLD_TICKET = Weighted(("resolved", 60), ("closed", 37), ("pending", 2), ("open", 1))
RECENT_TICKET = Weighted(("open", 20), ("pending", 30), ("resolved", 40), ("closed", 10))
NEW_TICKET = Weighted(("open", 60), ("pending", 30), ("resolved", 10))
# The note the shipped IVR flow puts on the callbacks callers book themselves.
IVR_CALLBACK_NOTE = "Callback requested in the IVR"


def schedule_callback(shop: DemoShop, profile: Profile, call: dict, party: str, *, showcase: bool) -> None:
    """A callback promised by an agent in wrap-up, or booked by the caller in the IVR (no owner yet)."""
    rng, now = shop.rng, shop.now
    by_agent = call["wrapped_up_at"] is not None
    booked = call["wrapped_up_at"] if by_agent else call["ended_at"]
    start = int(booked.timestamp())
    due = now + rng.randint(2 * HOUR, 48 * HOUR) if showcase else start + rng.randint(2 * HOUR, 72 * HOUR)
    due -= due % (15 * 60)
    status = "pending" if due > now else "done" if rng.random() < 0.9 else "cancelled"
    shop.add("tasks", {
        "id": shop.new_id("tasks"), "customer_id": profile.id, "kind": "callback", "phone_e164": party,
        "due_at": at(due), "owner_id": call["agent_id"], "status": status,
        "note": call["notes"] if by_agent else IVR_CALLBACK_NOTE, "source_interaction_id": call["id"],
        "created_at": booked,
    })


def open_ticket(shop: DemoShop, profile: Profile, call: dict, order: OrderFacts | None, *,
                showcase: bool) -> None:
    """A ticket for an escalated call (open for the showcase customers), and sometimes a follow-up task."""
    rng, now = shop.rng, shop.now
    created = int(call["wrapped_up_at"].timestamp())
    age = now - created
    if showcase:
        status = "open"
    else:
        status = (NEW_TICKET if age < 7 * DAY else RECENT_TICKET if age < 30 * DAY else OLD_TICKET).pick(rng)
    priority = TICKET_PRIORITY.pick(rng)
    level = max(ESCALATION.pick(rng), 1 if priority == "urgent" else 0)
    subject = rng.choice(TICKET_SUBJECTS[profile.language]).format(order=order.number) if order else rng.choice(
        GENERAL_TICKET_SUBJECTS[profile.language])
    updated = created if status == "open" else created + rng.randint(HOUR, max(HOUR, min(age, 14 * DAY)))
    ticket_id = shop.new_id("tickets")
    owner = shop.staff.supervisor_id if level >= 2 else call["agent_id"]
    shop.add("tickets", {
        "id": ticket_id, "customer_id": profile.id, "order_id": order.id if order else None, "subject": subject,
        "description": call["notes"], "status": status, "priority": priority, "escalation_level": level,
        "owner_id": owner, "created_at": call["wrapped_up_at"], "updated_at": at(min(updated, now)),
    })
    if status in ("open", "pending") and rng.random() < 0.3:
        due = created + rng.randint(DAY, 5 * DAY)
        shop.add("tasks", {
            "id": shop.new_id("tasks"), "customer_id": profile.id, "kind": "follow_up", "phone_e164": None,
            "due_at": at(due), "owner_id": owner, "status": "pending" if due > now else "done",
            "note": rng.choice(FOLLOW_UP_NOTES[profile.language]), "source_interaction_id": call["id"],
            "created_at": call["wrapped_up_at"],
        })


def stop_calling(shop: DemoShop, profile: Profile, call: dict, party: str) -> None:
    """The customer asked never to be called again: a do-not-call entry, and no more consent to calls."""
    profile.do_not_call = True
    profile.row["consent_calls"] = False
    shop.add("dnc_entries", {
        "id": shop.new_id("dnc_entries"), "e164": party, "campaign_id": None, "source": "disposition",
        "reason": f"asked on call {call['call_sid']}", "added_at": call["wrapped_up_at"],
    })
