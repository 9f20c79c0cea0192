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
split differently, which a day's or a month's report does not see. An agent is in the report when they
handled a call or logged time in the period (any state but offline).

Every figure here is a sum, so the period's are the sums of its 15-minute intervals': the roll-up
(crm_core.analytics.rollup) stores them per interval, and the reports add the rolled intervals to what the
raw tables say of the rest of the period (crm_core.analytics.coverage).
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..db import utcnow
from ..errors import ValidationError
from ..models import ROLLED_STATES, AgentDispositionCounts, AgentIntervalFigures, AgentStateChange, Interaction, \
    InteractionEvent, User
from . import formulas
from .coverage import ROLLUP_SECONDS, coverage
from .filters import ReportFilter
from .sql import clamp, epoch_seconds, interval_start, without_jit

HOLD_EVENT, RESUME_EVENT = "held", "resumed"
BUSY_STATES = ("on_call", "wrap_up")
IDLE_STATES = ("available", "ringing")
# The additive figures of an agent over a period or an interval (the roll-up's columns).
STATE_COLUMNS = {state: f"{state}_seconds" for state in ROLLED_STATES}
FIGURES = ("calls_handled", "hold_seconds", *STATE_COLUMNS.values())


def agent_performance(session: Session, report: ReportFilter, *, now: datetime | None = None) -> list[dict]:
    """One row per agent with calls or logged time in the period, by agent name.

    Not per queue: an agent's time in state cannot be split between the queues they serve, so a queue filter
    would divide all their talk time by some of their calls."""
    if report.queue is not None:
        raise ValidationError("queue", "agent performance covers all of an agent's calls; filter by agent")
    figures = agent_figures(session, report, now=now or utcnow())
    names = dict(session.execute(sa.select(User.id, User.full_name).where(User.id.in_(figures))).all())
    rows = []
    for agent_id, f in figures.items():
        hold, wrap = f["hold_seconds"], f["wrap_up_seconds"]
        talk = max(0.0, f["on_call_seconds"] - hold)
        busy = sum(f[STATE_COLUMNS[state]] for state in BUSY_STATES)
        idle = sum(f[STATE_COLUMNS[state]] for state in IDLE_STATES)
        calls = f["calls_handled"]
        rows.append({
            "agent_id": agent_id, "agent": names.get(agent_id, str(agent_id)), "calls_handled": calls,
            "talk_seconds": talk, "hold_seconds": hold, "wrap_seconds": wrap,
            "aht_seconds": formulas.average_handle_time(talk, hold, wrap, calls),
            "available_seconds": idle, "break_seconds": f["break_seconds"],
            "occupancy": formulas.occupancy(busy, idle),
        })
    return sorted(rows, key=lambda row: (row["agent"], row["agent_id"]))


def agent_figures(session: Session, report: ReportFilter, *, now: datetime) -> dict[int, dict]:
    """{agent_id: {figure: sum}} over the period: the rolled intervals' rows plus the raw tables for the rest."""
    cover = coverage(session, report.start, report.end, rolled_before=now)
    totals: dict[int, dict] = defaultdict(_no_figures)
    if cover.rolled:
        rolled = AgentIntervalFigures
        query = (sa.select(rolled.agent_id, *(sa.func.sum(getattr(rolled, name)) for name in FIGURES))
                 .where(cover.rolled_condition(rolled.interval_start)).group_by(rolled.agent_id))
        if report.agent_id is not None:
            query = query.where(rolled.agent_id == report.agent_id)
        for agent_id, *sums in session.execute(query):
            _add(totals[agent_id], dict(zip(FIGURES, sums)))
    for start, end in cover.raw:
        part = dataclasses.replace(report, start=start, end=end)
        for agent_id, figures in raw_agent_figures(session, part, now=now).items():
            _add(totals[agent_id], figures)
    return {agent_id: f for agent_id, f in totals.items() if _present(f)}


def raw_agent_figures(session: Session, report: ReportFilter, *, now: datetime,
                      by_interval: bool = False) -> dict:
    """The additive figures from the raw tables: {agent_id: figures}, or {(interval epoch, agent_id): figures}
    per 15-minute interval (what the roll-up stores). Only entries with a figure; an agent's presence in a
    report is decided on the period's totals."""
    without_jit(session)
    figures: dict = defaultdict(_no_figures)
    if by_interval:
        seconds = _state_seconds_by_interval(session, report, now=now)
    else:
        seconds = {(None, agent, state): s for (agent, state), s in state_seconds(session, report, now=now).items()}
    for (interval, agent, state), value in seconds.items():
        if state in STATE_COLUMNS:
            figures[_key(interval, agent, by_interval)][STATE_COLUMNS[state]] += value
    for (interval, agent), calls in _calls_handled(session, report, by_interval=by_interval).items():
        figures[_key(interval, agent, by_interval)]["calls_handled"] += calls
    for (interval, agent), held in _hold_seconds(session, report, by_interval=by_interval).items():
        figures[_key(interval, agent, by_interval)]["hold_seconds"] += held
    return {key: f for key, f in figures.items() if any(f.values())}


def state_seconds(session: Session, report: ReportFilter, *, now: datetime | None = None) -> dict:
    """{(agent_id, state): seconds} spent in each state within the period (and before `now`)."""
    now = now or utcnow()
    spans = _state_spans(session, report, now)
    if spans is None:
        return {}
    period_start, period_end = report.start.timestamp(), min(report.end, now).timestamp()
    ended = sa.func.coalesce(spans.c.ended, period_end)
    duration = clamp(ended, period_start, period_end) - clamp(spans.c.began, period_start, period_end)
    rows = session.execute(
        sa.select(spans.c.user_id, spans.c.state, sa.func.sum(duration)).group_by(spans.c.user_id, spans.c.state)
    )
    return {(agent, state): float(total or 0) for agent, state, total in rows}


def hold_seconds(session: Session, report: ReportFilter) -> dict:
    """{agent_id: seconds} callers spent on hold in the agent's calls started in the period: from each `held`
    event to the next `resumed` (or `held`) event of the call, or to the call's end."""
    return {agent: held for (_, agent), held in _hold_seconds(session, report, by_interval=False).items()}


def agent_dispositions(session: Session, report: ReportFilter) -> list[dict]:
    """How often each agent logged each disposition on calls started in the period."""
    cover = coverage(session, report.start, report.end)
    counts: dict[tuple[int, str], int] = defaultdict(int)
    if cover.rolled:
        rolled = AgentDispositionCounts
        query = (sa.select(rolled.agent_id, rolled.disposition, sa.func.sum(rolled.calls))
                 .where(cover.rolled_condition(rolled.interval_start))
                 .group_by(rolled.agent_id, rolled.disposition))
        if report.agent_id is not None:
            query = query.where(rolled.agent_id == report.agent_id)
        if report.queue is not None:
            query = query.where(rolled.queue == report.queue)
        for agent_id, code, calls in session.execute(query):
            counts[(agent_id, code)] += int(calls)
    for start, end in cover.raw:
        part = dataclasses.replace(report, start=start, end=end)
        for (_, agent_id, _, code), calls in disposition_counts(session, part).items():
            counts[(agent_id, code)] += calls
    names = dict(session.execute(sa.select(User.id, User.full_name)
                                 .where(User.id.in_({agent for agent, _ in counts}))).all())
    rows = [{"agent_id": agent_id, "agent": names[agent_id], "disposition": code, "calls": calls}
            for (agent_id, code), calls in counts.items() if agent_id in names]
    return sorted(rows, key=lambda row: (row["agent"], row["agent_id"], -row["calls"], row["disposition"]))


def disposition_counts(session: Session, report: ReportFilter, *, by_interval: bool = False) -> dict:
    """{(interval epoch or None, agent_id, queue, disposition): calls} from the raw calls of the period."""
    without_jit(session)
    keys = [*_interval_keys(Interaction.started_at, by_interval), Interaction.agent_id, Interaction.queue,
            Interaction.disposition]
    rows = session.execute(
        sa.select(*keys, sa.func.count())
        .where(*_handled_calls(report), Interaction.disposition.is_not(None))
        .group_by(*keys)
    )
    return {_interval_of(row, by_interval): row[-1] for row in rows}


def _state_spans(session: Session, report: ReportFilter, now: datetime):
    """Each agent's states overlapping the period: (user_id, state, began, ended or NULL if still running), in
    epoch seconds; None when no agent is concerned."""
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
        return None
    began = epoch_seconds(changes.started_at)
    return (
        sa.select(changes.user_id, changes.state, began.label("began"),
                  sa.func.lead(began).over(partition_by=changes.user_id,
                                           order_by=(changes.started_at, changes.id)).label("ended"))
        .where(sa.or_(*histories), changes.started_at < min(report.end, now))
        .subquery("spans")
    )


def _state_seconds_by_interval(session: Session, report: ReportFilter, *, now: datetime) -> dict:
    """{(interval epoch, agent_id, state): seconds}: each state span clipped to the period and cut at the
    15-minute boundaries (in Python: a span may cross many intervals, which SQL would need a series for)."""
    spans = _state_spans(session, report, now)
    if spans is None:
        return {}
    period_start, period_end = report.start.timestamp(), min(report.end, now).timestamp()
    seconds: dict = defaultdict(float)
    for agent, state, began, ended in session.execute(sa.select(spans)):
        began = max(float(began), period_start)
        ended = min(float(ended) if ended is not None else period_end, period_end)
        while began < ended:
            interval = int(began // ROLLUP_SECONDS) * ROLLUP_SECONDS
            until = min(ended, interval + ROLLUP_SECONDS)
            seconds[(interval, agent, state)] += until - began
            began = until
    return seconds


def _hold_seconds(session: Session, report: ReportFilter, *, by_interval: bool) -> dict:
    """{(interval epoch or None, agent_id): hold seconds} of the calls started in the period."""
    events = InteractionEvent
    at = epoch_seconds(events.occurred_at)
    marks = (
        sa.select(*_interval_keys(Interaction.started_at, by_interval), Interaction.agent_id,
                  events.kind, at.label("at"),
                  sa.func.lead(at).over(partition_by=events.interaction_id,
                                        order_by=(events.occurred_at, events.id)).label("next"),
                  epoch_seconds(Interaction.ended_at).label("call_ended"))
        .join(Interaction, Interaction.id == events.interaction_id)
        .where(events.kind.in_((HOLD_EVENT, RESUME_EVENT)), *_handled_calls(report))
        .subquery("marks")
    )
    held = sa.func.coalesce(marks.c.next, marks.c.call_ended) - marks.c.at
    keys = [*([marks.c.interval] if by_interval else []), marks.c.agent_id]
    rows = session.execute(sa.select(*keys, sa.func.sum(held)).where(marks.c.kind == HOLD_EVENT).group_by(*keys))
    return {_interval_of(row, by_interval): float(row[-1] or 0) for row in rows}


def _calls_handled(session: Session, report: ReportFilter, *, by_interval: bool) -> dict:
    keys = [*_interval_keys(Interaction.started_at, by_interval), Interaction.agent_id]
    rows = session.execute(
        sa.select(*keys, sa.func.count())
        .where(*_handled_calls(report), Interaction.ended_at.is_not(None))
        .group_by(*keys)
    )
    return {_interval_of(row, by_interval): row[-1] for row in rows}


def _handled_calls(report: ReportFilter) -> list:
    """Voice calls started in the period that an agent (the filtered one, if any) took."""
    conditions = [Interaction.channel == "voice", Interaction.agent_id.is_not(None),
                  Interaction.started_at >= report.start, Interaction.started_at < report.end]
    if report.agent_id is not None:
        conditions.append(Interaction.agent_id == report.agent_id)
    if report.queue is not None:
        conditions.append(Interaction.queue == report.queue)
    return conditions


def _interval_keys(timestamp, by_interval: bool) -> list:
    """The 15-minute interval (epoch seconds) of a timestamp as a grouping key, or none for the whole period."""
    return [interval_start(timestamp, ROLLUP_SECONDS).label("interval")] if by_interval else []


def _interval_of(row, by_interval: bool) -> tuple:
    """A grouped row's key, its interval first (None for the whole period), without the aggregate."""
    return tuple(row[:-1]) if by_interval else (None, *row[:-1])


def _key(interval, agent, by_interval: bool):
    return (interval, agent) if by_interval else agent


def _no_figures() -> dict:
    return {name: 0 if name == "calls_handled" else 0.0 for name in FIGURES}


def _add(total: dict, figures: dict) -> None:
    for name in FIGURES:
        total[name] += int(figures[name] or 0) if name == "calls_handled" else float(figures[name] or 0)


def _present(figures: dict) -> bool:
    """Whether an agent belongs in the report: a call handled, or time logged in (offline is not kept)."""
    return figures["calls_handled"] > 0 or any(figures[column] > 0 for column in STATE_COLUMNS.values())
