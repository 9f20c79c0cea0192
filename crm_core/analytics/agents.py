"""Agent performance: calls handled, talk, hold and wrap-up time, AHT, occupancy, dispositions.

Where the numbers come from:
- calls handled: voice interactions that ended, started in the period, with the agent on them
  (`Interaction.agent_id`, set when the agent accepts and again at wrap-up);
- time in each state: `AgentStateChange` rows (a state lasts until the agent's next change), clipped to the
  period, so a state entered before the period counts from its start; the current state counts until `now`;
- hold: interaction events `held` .. `resumed` (or the end of the call), which the desk records when the agent
  holds and resumes (the agent stays on_call meanwhile); calls before hold existed simply have none;
- talk = time on_call - hold, since the agent stays on_call while the caller is on hold.
Time in state is the period's, calls are those started in it: only a call straddling the period's edge is
split differently, which a day's or a month's report does not see.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..db import utcnow
from ..errors import ValidationError
from ..models import AgentStateChange, Interaction, InteractionEvent, User
from . import formulas
from .filters import ReportFilter
from .sql import clamp, epoch_seconds

HOLD_EVENT, RESUME_EVENT = "held", "resumed"
BUSY_STATES = ("on_call", "wrap_up")
IDLE_STATES = ("available", "ringing")


def agent_performance(session: Session, report: ReportFilter, *, now: datetime | None = None) -> list[dict]:
    """One row per agent with calls or logged time in the period, by agent name.

    Not per queue: an agent's time in state cannot be split between the queues they serve, so a queue filter
    would divide all their talk time by some of their calls."""
    if report.queue is not None:
        raise ValidationError("queue", "agent performance covers all of an agent's calls; filter by agent")
    seconds = state_seconds(session, report, now=now)
    handled = _calls_handled(session, report)
    held = hold_seconds(session, report)
    agent_ids = {agent for agent, _ in seconds} | set(handled)
    names = dict(session.execute(sa.select(User.id, User.full_name).where(User.id.in_(agent_ids))).all())
    rows = []
    for agent_id in agent_ids:
        in_state = {state: s for (agent, state), s in seconds.items() if agent == agent_id}
        hold = held.get(agent_id, 0.0)
        talk = max(0.0, in_state.get("on_call", 0.0) - hold)
        wrap = in_state.get("wrap_up", 0.0)
        busy = sum(in_state.get(state, 0.0) for state in BUSY_STATES)
        idle = sum(in_state.get(state, 0.0) for state in IDLE_STATES)
        calls = handled.get(agent_id, 0)
        rows.append({
            "agent_id": agent_id, "agent": names.get(agent_id, str(agent_id)), "calls_handled": calls,
            "talk_seconds": talk, "hold_seconds": hold, "wrap_seconds": wrap,
            "aht_seconds": formulas.average_handle_time(talk, hold, wrap, calls),
            "available_seconds": idle, "break_seconds": in_state.get("break", 0.0),
            "occupancy": formulas.occupancy(busy, idle),
        })
    return sorted(rows, key=lambda row: (row["agent"], row["agent_id"]))


def state_seconds(session: Session, report: ReportFilter, *, now: datetime | None = None) -> dict:
    """{(agent_id, state): seconds} spent in each state within the period (and before `now`)."""
    now = now or utcnow()
    period_start, period_end = report.start.timestamp(), min(report.end, now).timestamp()
    changes = AgentStateChange
    # Where each agent's history must be read from: their last change at or before the period's start (the
    # state they were in), found per agent on the (user_id, started_at) index.
    since = (sa.select(sa.func.max(changes.started_at))
             .where(changes.user_id == User.id, changes.started_at <= report.start).scalar_subquery())
    agents = sa.select(User.id, since)
    if report.agent_id is not None:
        agents = agents.where(User.id == report.agent_id)
    # One index range per agent (OR-ed: PostgreSQL scans them as a bitmap); a join on these bounds would be
    # planned as a scan of every change before the period's end.
    histories = [sa.and_(changes.user_id == agent_id, changes.started_at >= (opened or report.start))
                 for agent_id, opened in session.execute(agents)]
    if not histories:
        return {}
    began = epoch_seconds(changes.started_at)
    spans = (
        sa.select(changes.user_id, changes.state, began.label("began"),
                  sa.func.lead(began).over(partition_by=changes.user_id,
                                           order_by=(changes.started_at, changes.id)).label("ended"))
        .where(sa.or_(*histories), changes.started_at < min(report.end, now))
        .subquery("spans")
    )
    ended = sa.func.coalesce(spans.c.ended, period_end)
    duration = clamp(ended, period_start, period_end) - clamp(spans.c.began, period_start, period_end)
    rows = session.execute(
        sa.select(spans.c.user_id, spans.c.state, sa.func.sum(duration)).group_by(spans.c.user_id, spans.c.state)
    )
    return {(agent, state): float(total or 0) for agent, state, total in rows}


def hold_seconds(session: Session, report: ReportFilter) -> dict:
    """{agent_id: seconds} callers spent on hold in the agent's calls started in the period: from each `held`
    event to the next `resumed` (or `held`) event of the call, or to the call's end."""
    events = InteractionEvent
    at = epoch_seconds(events.occurred_at)
    marks = (
        sa.select(Interaction.agent_id, events.kind, at.label("at"),
                  sa.func.lead(at).over(partition_by=events.interaction_id,
                                        order_by=(events.occurred_at, events.id)).label("next"),
                  epoch_seconds(Interaction.ended_at).label("call_ended"))
        .join(Interaction, Interaction.id == events.interaction_id)
        .where(events.kind.in_((HOLD_EVENT, RESUME_EVENT)), *_handled_calls(report))
        .subquery("marks")
    )
    held = sa.func.coalesce(marks.c.next, marks.c.call_ended) - marks.c.at
    rows = session.execute(
        sa.select(marks.c.agent_id, sa.func.sum(held)).where(marks.c.kind == HOLD_EVENT).group_by(marks.c.agent_id)
    )
    return {agent: float(total or 0) for agent, total in rows}


def agent_dispositions(session: Session, report: ReportFilter) -> list[dict]:
    """How often each agent logged each disposition on calls started in the period."""
    rows = session.execute(
        sa.select(Interaction.agent_id, User.full_name, Interaction.disposition, sa.func.count())
        .join(User, User.id == Interaction.agent_id)
        .where(*_handled_calls(report), Interaction.disposition.is_not(None))
        .group_by(Interaction.agent_id, User.full_name, Interaction.disposition)
        .order_by(User.full_name, Interaction.agent_id, sa.func.count().desc(), Interaction.disposition)
    )
    return [{"agent_id": agent_id, "agent": name, "disposition": code, "calls": calls}
            for agent_id, name, code, calls in rows]


def _calls_handled(session: Session, report: ReportFilter) -> dict:
    rows = session.execute(
        sa.select(Interaction.agent_id, sa.func.count())
        .where(*_handled_calls(report), Interaction.ended_at.is_not(None))
        .group_by(Interaction.agent_id)
    )
    return dict(rows.all())


def _handled_calls(report: ReportFilter) -> list:
    """Voice calls started in the period that an agent (the filtered one, if any) took."""
    conditions = [Interaction.channel == "voice", Interaction.agent_id.is_not(None),
                  Interaction.started_at >= report.start, Interaction.started_at < report.end]
    if report.agent_id is not None:
        conditions.append(Interaction.agent_id == report.agent_id)
    if report.queue is not None:
        conditions.append(Interaction.queue == report.queue)
    return conditions
