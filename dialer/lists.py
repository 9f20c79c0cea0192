"""Call lists built from a customer segment (a saved one, or quick criteria: ordered lately, not contacted
lately, a segment tag), and list reports."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from crm_core.errors import InvalidPhoneNumber, NotFound, ValidationError
from crm_core.models import CallList, Campaign, Customer, Lead, PhoneNumber, Segment
from crm_core.phones import normalize_phone
from crm_core.segments import MAX_DAYS, parse_conditions, where_clause


def build_list_from_segment(session: Session, campaign: Campaign, *, name: str, default_region: str, now: datetime,
                            ordered_within_days: int | None = None, not_contacted_days: int | None = None,
                            segment: str | None = None, saved_segment: Segment | None = None,
                            created_by: int | None = None) -> CallList:
    """A list of the primary numbers of the customers of a saved segment who also meet the quick criteria
    given (ordered in the last N days, not contacted in the last M days, carry a segment tag). Consent is the
    customer's own, read by the gate. Flushes."""
    criteria = {"ordered_within_days": _days("ordered_within_days", ordered_within_days),
                "not_contacted_days": _days("not_contacted_days", not_contacted_days),
                "segment": (segment or "").strip() or None}
    conditions = _criteria_as_conditions(**criteria) + (list(saved_segment.conditions) if saved_segment else [])
    if not conditions:
        raise ValidationError("segment", "give a saved segment or at least one criterion: ordered_within_days, "
                                         "not_contacted_days or segment")
    query = (sa.select(PhoneNumber.e164, PhoneNumber.customer_id, Customer.first_name, Customer.last_name,
                       Customer.company_name).join(Customer)
             .where(PhoneNumber.id == _primary_phone_id(), where_clause(parse_conditions(conditions), now)))
    saved = {"saved_segment_id": saved_segment.id, "saved_segment": saved_segment.name} if saved_segment else {}
    call_list = CallList(campaign_id=campaign.id, name=(name or "segment")[:200], source="segment",
                         settings={**criteria, **saved, "conditions": conditions}, created_by=created_by,
                         created_at=now)
    session.add(call_list)
    session.flush()
    for e164, customer_id, first, last, company in session.execute(query.order_by(PhoneNumber.customer_id)):
        try:
            phone = normalize_phone(e164, default_region)
        except InvalidPhoneNumber:
            call_list.rejected_count += 1
            continue
        session.add(Lead(list_id=call_list.id, campaign_id=campaign.id, e164=phone.e164, kind=phone.kind,
                         region=phone.region, time_zones=list(phone.time_zones), customer_id=customer_id,
                         name=(company or " ".join(p for p in (first, last) if p) or None)))
        call_list.leads_count += 1
    call_list.rows_total = call_list.leads_count + call_list.rejected_count
    call_list.linked_count = call_list.leads_count
    session.flush()
    return call_list


def _criteria_as_conditions(*, ordered_within_days: int | None, not_contacted_days: int | None,
                            segment: str | None) -> list[dict]:
    """The quick criteria written as segment conditions, so that one compiler decides who matches."""
    conditions = []
    if ordered_within_days is not None:
        conditions.append({"condition": "orders", "days": ordered_within_days, "at_least": 1})
    if not_contacted_days is not None:
        conditions.append({"condition": "contacts", "days": not_contacted_days, "at_most": 0})
    if segment is not None:
        conditions.append({"condition": "segment_tag", "is": segment})
    return conditions


def list_report(session: Session, list_id: int) -> dict:
    """A list's import report: where it came from and what became of its rows."""
    call_list = session.get(CallList, list_id)
    if call_list is None:
        raise NotFound("call list", list_id)
    return {
        "id": call_list.id, "campaign_id": call_list.campaign_id, "name": call_list.name, "source": call_list.source,
        "file_name": call_list.file_name, "settings": call_list.settings, "rows_total": call_list.rows_total,
        "leads": call_list.leads_count, "rejected": call_list.rejected_count,
        "duplicates": call_list.duplicates_count, "linked_to_customers": call_list.linked_count,
        "created_by": call_list.created_by, "created_at": call_list.created_at.isoformat(),
    }


def _primary_phone_id():
    """The customer's primary number, or their first one when none is marked."""
    other = aliased(PhoneNumber)
    return (sa.select(other.id).where(other.customer_id == PhoneNumber.customer_id)
            .order_by(other.is_primary.desc(), other.id).limit(1).scalar_subquery())


def _days(field: str, value) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_DAYS:
        raise ValidationError(field, f"a whole number of days between 1 and {MAX_DAYS}")
    return value
