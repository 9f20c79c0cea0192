"""IVR report: containment, where callers leave, which order statuses callers ask about.

Where the numbers come from: a call entered the IVR when `Interaction.ivr_flow` is set; the session's outcome
is `Interaction.ivr_outcome` (contained, transferred, callback, or abandoned when the caller hung up first);
the steps it went through are `Interaction.ivr_path`; the order the caller heard about is the IVR's variable
`order`, kept in `Interaction.context["ivr"]["vars"]` with the status it had during the call.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..models import Interaction
from . import formulas
from .filters import ReportFilter
from .sql import count_where, json_last_element

IVR_OUTCOMES = ("contained", "transferred", "callback", "abandoned")
TRANSFERRED = "transferred"


def ivr_summary(session: Session, report: ReportFilter) -> dict:
    """Calls that entered the IVR in the period, how each session ended, and the containment rate."""
    outcome = Interaction.ivr_outcome
    row = session.execute(
        sa.select(sa.func.count().label("entered"),
                  *(count_where(outcome == name).label(name) for name in IVR_OUTCOMES))
        .where(*_ivr_calls(report))
    ).mappings().one()
    counts = {name: row[name] for name in IVR_OUTCOMES}
    return {"entered": row["entered"], **counts,
            "containment_rate": formulas.containment_rate(counts["contained"], row["entered"])}


def ivr_exit_steps(session: Session, report: ReportFilter) -> list[dict]:
    """Where callers leave: the last step of the IVR sessions that ended in the IVR (every outcome but a
    transfer to an agent), counted per step and outcome, most frequent first."""
    step = json_last_element(Interaction.ivr_path).label("step")
    rows = session.execute(
        sa.select(step, Interaction.ivr_outcome, sa.func.count().label("calls"))
        .where(*_ivr_calls(report), Interaction.ivr_outcome != TRANSFERRED)
        .group_by(step, Interaction.ivr_outcome)
        .order_by(sa.func.count().desc(), step, Interaction.ivr_outcome)
    )
    return [{"step": name, "outcome": outcome, "calls": calls} for name, outcome, calls in rows]


def asked_order_statuses(session: Session, report: ReportFilter) -> list[dict]:
    """The statuses of the orders callers asked the IVR about (as they stood during the call), most asked
    first; a call counts once, for the last order it looked up."""
    status = Interaction.context[("ivr", "vars", "order", "status")].as_string().label("status")
    rows = session.execute(
        sa.select(status, sa.func.count().label("calls"))
        .where(*_ivr_calls(report), status.is_not(None))
        .group_by(status)
        .order_by(sa.func.count().desc(), status)
    )
    return [{"status": name, "calls": calls} for name, calls in rows]


def _ivr_calls(report: ReportFilter) -> list:
    conditions = [Interaction.ivr_flow.is_not(None),
                  Interaction.started_at >= report.start, Interaction.started_at < report.end]
    if report.queue is not None:
        conditions.append(Interaction.queue == report.queue)
    return conditions
