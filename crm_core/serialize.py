"""JSON-ready views of CRM records, shared by the history, the API and the console."""

from __future__ import annotations

from datetime import date, datetime

from .models import Customer, Interaction, Order, PhoneNumber, Task, Ticket


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def customer_dict(c: Customer) -> dict:
    """A customer's profile."""
    return {
        "id": c.id,
        "kind": c.kind,
        "display_name": c.display_name,
        "first_name": c.first_name,
        "last_name": c.last_name,
        "company_name": c.company_name,
        "email": c.email,
        "language": c.language,
        "time_zone": c.time_zone,
        "segment": c.segment,
        "birthday": _iso(c.birthday),
        "postal_code": c.postal_code,
        "consent_calls": c.consent_calls,
        "consent_marketing": c.consent_marketing,
        "consent_recording": c.consent_recording,
        "created_at": _iso(c.created_at),
    }


def phone_dict(p: PhoneNumber) -> dict:
    """One phone number of a customer."""
    return {"e164": p.e164, "kind": p.kind, "region": p.region, "label": p.label, "is_primary": p.is_primary}


def order_dict(o: Order) -> dict:
    """An order with its current status and latest event."""
    last = o.events[-1] if o.events else None
    return {
        "id": o.id,
        "number": o.number,
        "status": o.status,
        "items": o.items,
        "currency": o.currency,
        "total_minor": o.total_minor,
        "carrier": o.carrier,
        "tracking_number": o.tracking_number,
        "promised_delivery": _iso(o.promised_delivery),
        "estimated_delivery": _iso(o.estimated_delivery),
        "delivered_at": _iso(o.delivered_at),
        "placed_at": _iso(o.placed_at),
        "last_event": None if last is None else {
            "status": last.status,
            "description": last.description,
            "location": last.location,
            "occurred_at": _iso(last.occurred_at),
        },
    }


def interaction_dict(i: Interaction, agent_name: str | None = None) -> dict:
    """One contact in the timeline, with its outcome and notes."""
    return {
        "id": i.id,
        "channel": i.channel,
        "direction": i.direction,
        "call_sid": i.call_sid,
        "from_number": i.from_number,
        "to_number": i.to_number,
        "agent": agent_name,
        "queue": i.queue,
        "status": i.status,
        "started_at": _iso(i.started_at),
        "answered_at": _iso(i.answered_at),
        "ended_at": _iso(i.ended_at),
        "duration_seconds": i.duration_seconds,
        "talk_seconds": i.talk_seconds,
        "disposition": i.disposition,
        "notes": i.notes,
        "ivr_path": i.ivr_path,
        "recording_url": i.recording_url,
    }


def ticket_dict(t: Ticket) -> dict:
    """An open ticket."""
    return {
        "id": t.id,
        "subject": t.subject,
        "status": t.status,
        "priority": t.priority,
        "escalation_level": t.escalation_level,
        "order_id": t.order_id,
        "created_at": _iso(t.created_at),
    }


def task_dict(t: Task) -> dict:
    """A pending callback or follow-up."""
    return {
        "id": t.id,
        "kind": t.kind,
        "phone": t.phone_e164,
        "due_at": _iso(t.due_at),
        "owner_id": t.owner_id,
        "status": t.status,
        "note": t.note,
    }
