"""Queue report: offered, answered, abandoned (short abandons apart), service level and ASA, by queue and
optionally by interval.

Where the numbers come from: a call was offered to a queue when it is an inbound voice interaction with
`Interaction.queue` set (the desk sets it when the caller starts waiting). Its wait is what Twilio reports
when the caller leaves the queue (the `queue_left` event's QueueTime), summed over its stints in the queue
(an agent whose phone did not answer sends the caller back). It was answered when it left the queue to an
agent (QueueResult bridged or redirected) and abandoned when the caller hung up while waiting (`hangup`).
Calls are counted in the period, and in the interval, in which they started.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..models import Interaction, InteractionEvent
from . import formulas
from .filters import ReportFilter, interval_seconds
from .sql import count_where, from_epoch, interval_start, sum_where

DEFAULT_TARGET_SECONDS = 20
DEFAULT_SHORT_ABANDON_SECONDS = 5
# Twilio's QueueResult when an agent took the caller (same list as callcenter.voice.routes.DEQUEUED_RESULTS).
DEQUEUED_RESULTS = ("bridged", "bridging-in-process", "redirected", "redirected-from-bridged")
HUNG_UP_RESULT = "hangup"
# How a queued call ended: unknown (still waiting, or the report never reached us), answered, abandoned.
FATE_UNKNOWN, FATE_ANSWERED, FATE_ABANDONED = 0, 1, 2


def queue_report(session: Session, report: ReportFilter, *, interval_minutes: int | None = None,
                 target_seconds: int = DEFAULT_TARGET_SECONDS,
                 short_abandon_seconds: int = DEFAULT_SHORT_ABANDON_SECONDS) -> list[dict]:
    """One row per queue (and interval, when `interval_minutes` is 15, 30 or 60), in order.

    Answered within the target: a wait of at most `target_seconds`. Short abandon: a caller who hung up
    after less than `short_abandon_seconds` in the queue."""
    calls = queued_calls(report)
    keys = [calls.c.queue]
    if interval_minutes is not None:
        keys.append(interval_start(calls.c.started_at, interval_seconds(interval_minutes)).label("interval"))
    answered, abandoned = calls.c.fate == FATE_ANSWERED, calls.c.fate == FATE_ABANDONED
    wait = calls.c.wait_seconds
    rows = session.execute(
        sa.select(
            *keys,
            sa.func.count().label("offered"),
            count_where(answered).label("answered"),
            count_where(abandoned).label("abandoned"),
            count_where(sa.and_(abandoned, wait < short_abandon_seconds)).label("short_abandoned"),
            count_where(sa.and_(answered, wait <= target_seconds)).label("answered_within_target"),
            sum_where(answered, wait).label("answered_wait_seconds"),
            sa.func.max(wait).label("longest_wait_seconds"),
        ).group_by(*keys).order_by(*keys)
    ).mappings()
    return [_queue_row(row, interval_minutes is not None) for row in rows]


def queued_calls(report: ReportFilter) -> sa.CTE:
    """One row per call offered to a queue in the period: queue, start, total wait, and its fate (FATE_*)."""
    events = InteractionEvent
    queue_time = sa.cast(sa.func.nullif(events.detail["queue_time"].as_string(), ""), sa.Integer)
    result = events.detail["result"].as_string()
    conditions = [Interaction.channel == "voice", Interaction.direction == "inbound",
                  Interaction.queue.is_not(None),
                  Interaction.started_at >= report.start, Interaction.started_at < report.end]
    if report.queue is not None:
        conditions.append(Interaction.queue == report.queue)
    if report.agent_id is not None:
        conditions.append(Interaction.agent_id == report.agent_id)
    # Correlated lookups on the events' interaction_id index: the cost follows the calls of the period, not
    # the size of the events table (a join is planned as a scan of every event ever logged).
    stints = sa.and_(events.interaction_id == Interaction.id, events.kind == "queue_left")
    wait = sa.select(sa.func.sum(queue_time)).where(stints).scalar_subquery()
    # Hanging up in the queue outranks having been dequeued: an agent whose phone did not answer sent them back.
    fate = sa.select(sa.func.max(sa.case((result == HUNG_UP_RESULT, FATE_ABANDONED),
                                         (result.in_(DEQUEUED_RESULTS), FATE_ANSWERED), else_=FATE_UNKNOWN))) \
        .where(stints).scalar_subquery()
    # Materialized: each report column reads `fate` and `wait` again, and PostgreSQL would rerun the lookups.
    return sa.select(Interaction.queue, Interaction.started_at, wait.label("wait_seconds"), fate.label("fate")) \
        .where(*conditions).cte("queued_calls").prefix_with("MATERIALIZED")


def _queue_row(row, by_interval: bool) -> dict:
    offered, answered, abandoned, short = row["offered"], row["answered"], row["abandoned"], row["short_abandoned"]
    # A call whose fate is unknown (still waiting, or its queue report never came) is neither a success nor a
    # failure yet: the rates are over settled calls, so one caller waiting two seconds does not sink a live
    # wallboard's service level. Longest waits are the router's to show.
    settled = answered + abandoned
    result = {"queue": row["queue"]}
    if by_interval:
        result["interval_start"] = from_epoch(row["interval"])
    return result | {
        "offered": offered, "answered": answered, "abandoned": abandoned, "short_abandoned": short,
        "answered_within_target": row["answered_within_target"],
        "service_level": formulas.service_level(row["answered_within_target"], settled, short),
        "abandon_rate": formulas.abandon_rate(abandoned, short, settled),
        # PostgreSQL sums bigints to numeric: hand the pages plain numbers.
        "asa_seconds": formulas.average_speed_of_answer(float(row["answered_wait_seconds"]), answered),
        "longest_wait_seconds": None if row["longest_wait_seconds"] is None else int(row["longest_wait_seconds"]),
    }
