"""Campaign report: list penetration, contact and conversion rates by list and by agent, attempts per lead,
abandon rate per day and over rolling 30 days.

Where the numbers come from: `DialAttempt` rows placed in the period (`placed_at`), their lead's list, and
the call's interaction (same CallSid) for the agent who took it and the disposition logged. A contact is an
attempt answered by a person: AMD said human and the agent did not find a machine. A conversion is a contact
whose disposition is a success (`Disposition.is_success`, the admins' own list).

The abandon rate is the compliance gate's (`compliance.abandon`), computed over each day (in the
center's time zone) and over the 30 days ending with it, with the campaign profile's AMD adjustment and
limit: the report shows exactly what the gate enforced, never a look-alike.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from crm_core.analytics import formulas
from crm_core.analytics.filters import ReportFilter
from crm_core.analytics.sql import count_where
from crm_core.errors import NotFound, ValidationError
from crm_core.models import CallList, Campaign, DialAttempt, Disposition, Interaction, Lead, User

from .compliance.abandon import abandon_rate
from .compliance.profiles import Profile, load_profile

ROLLING_DAYS = 30


def campaign_list_report(session: Session, report: ReportFilter) -> list[dict]:
    """One row per call list (of the filtered campaign or list): leads, penetration, attempts per lead,
    contact and conversion rates over the attempts placed in the period."""
    attempts = _attempt_totals(session, report, Lead.list_id)
    lists = sa.select(CallList.id, CallList.name, CallList.campaign_id, sa.func.count(Lead.id).label("leads")) \
        .outerjoin(Lead, Lead.list_id == CallList.id).group_by(CallList.id, CallList.name, CallList.campaign_id) \
        .order_by(CallList.campaign_id, CallList.id)
    if report.campaign_id is not None:
        lists = lists.where(CallList.campaign_id == report.campaign_id)
    if report.list_id is not None:
        lists = lists.where(CallList.id == report.list_id)
    rows = []
    for list_id, name, campaign_id, leads in session.execute(lists):
        totals = attempts.get(list_id, _NO_ATTEMPTS)
        rows.append({"list_id": list_id, "list": name, "campaign_id": campaign_id, "leads": leads,
                     "list_penetration": formulas.list_penetration(totals["leads_attempted"], leads),
                     **_rates(totals)})
    return rows


def campaign_agent_report(session: Session, report: ReportFilter) -> list[dict]:
    """One row per agent who took campaign calls in the period (and one with agent None for contacts no agent
    took: abandoned): contacts, conversions and conversion rate."""
    attempts = _attempt_totals(session, report, Interaction.agent_id)
    agent_ids = set(attempts) - {None}
    names = dict(session.execute(sa.select(User.id, User.full_name).where(User.id.in_(agent_ids))).all())
    rows = [{"agent_id": agent_id, "agent": names.get(agent_id), **_rates(totals)}
            for agent_id, totals in attempts.items()]
    return sorted(rows, key=lambda row: (row["agent"] is None, row["agent"] or "", row["agent_id"] or 0))


def abandon_by_day(session: Session, report: ReportFilter, *, time_zone: str = "UTC") -> list[dict]:
    """The abandon rate of the report's campaign for each day of the period (days of `time_zone`, the center's),
    and over the 30 days ending that day, against its profile's limit: the gate's own computation, over the
    windows (day start, day end]."""
    if report.campaign_id is None:
        raise ValidationError("campaign", "the abandon rate is per campaign: choose one")
    campaign = session.get(Campaign, report.campaign_id)
    if campaign is None:
        raise NotFound("campaign", report.campaign_id)
    zone = ZoneInfo(time_zone)
    profile = load_profile(session, campaign.profile_id)
    rolling = _with_window(profile, 24 * ROLLING_DAYS)
    rows = []
    day = report.start.astimezone(zone).date()
    while datetime.combine(day, time(), zone) < report.end:
        day_start = datetime.combine(day, time(), zone)
        day_end = datetime.combine(day + timedelta(days=1), time(), zone)
        # A day of a daylight-saving change lasts 23 or 25 hours.
        hours = round((day_end - day_start).total_seconds() / 3600)
        today = abandon_rate(session, campaign, day_end, _with_window(profile, hours))
        last_30 = abandon_rate(session, campaign, day_end, rolling)
        rows.append({"day": day, "live_agent": today.live_agent, "drops": today.drops, "am_agent": today.am_agent,
                     "abandon_rate": today.rate, "abandon_rate_30_days": last_30.rate, "limit": today.limit,
                     "over_limit": today.exceeded})
        day += timedelta(days=1)
    return rows


_NO_ATTEMPTS = {"attempts_placed": 0, "leads_attempted": 0, "contacts": 0, "conversions": 0}


def _attempt_totals(session: Session, report: ReportFilter, key) -> dict:
    """{key value: totals} over the attempts placed in the period, grouped by `key` (a list or an agent)."""
    contact = sa.and_(DialAttempt.answered_by == "human", sa.not_(DialAttempt.agent_marked_machine))
    query = (
        sa.select(key, sa.func.count(DialAttempt.id), sa.func.count(sa.distinct(DialAttempt.lead_id)),
                  count_where(contact), count_where(sa.and_(contact, Disposition.is_success)))
        .select_from(DialAttempt)
        .join(Lead, Lead.id == DialAttempt.lead_id)
        .outerjoin(Interaction, Interaction.call_sid == DialAttempt.call_sid)
        .outerjoin(Disposition, Disposition.code == Interaction.disposition)
        .where(DialAttempt.placed_at >= report.start, DialAttempt.placed_at < report.end)
        .group_by(key)
    )
    if report.campaign_id is not None:
        query = query.where(DialAttempt.campaign_id == report.campaign_id)
    if report.list_id is not None:
        query = query.where(Lead.list_id == report.list_id)
    if report.agent_id is not None:
        query = query.where(Interaction.agent_id == report.agent_id)
    return {group: {"attempts_placed": placed, "leads_attempted": leads, "contacts": contacts,
                    "conversions": conversions}
            for group, placed, leads, contacts, conversions in session.execute(query)}


def _rates(totals: dict) -> dict:
    return totals | {
        "attempts_per_lead": formulas.attempts_per_lead(totals["attempts_placed"], totals["leads_attempted"]),
        "contact_rate": formulas.contact_rate(totals["contacts"], totals["attempts_placed"]),
        "conversion_rate": formulas.conversion_rate(totals["conversions"], totals["contacts"]),
    }


def _with_window(profile: Profile, hours: int) -> Profile:
    return dataclasses.replace(profile, abandon=dataclasses.replace(profile.abandon, window_hours=hours))
