"""What the IVR needs from the CRM besides orders: who is calling, and the session log (path, outcome).

Every IVR webhook runs these, so they work on the tables with statements built once: a call's IVR state is
opened, read and written as plain values, without loading or flushing an ORM Interaction.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .calls import new_call
from .db import HotStatement, utcnow
from .models import Customer, Interaction, InteractionEvent, Order

_customers, _orders, _interactions = Customer.__table__.c, Order.__table__.c, Interaction.__table__.c
_CALLER_PROFILE = HotStatement(sa.select(
    _customers.first_name, _customers.last_name, _customers.company_name, _customers.language,
    sa.exists().where(_orders.customer_id == _customers.id).label("has_orders"),
).where(_customers.id == sa.bindparam("customer_id")))
# The new row's customer in the RETURNING list of the call's INSERT (SQLAlchemy would add the table to a
# subquery's FROM there instead of correlating it).
_NEW_ROWS_CUSTOMER = sa.literal_column(f"{Interaction.__tablename__}.customer_id")


def _callers(column) -> sa.Label:
    """`column` of the customer of a call being inserted, for the INSERT's RETURNING list."""
    return sa.select(column).where(_customers.id == _NEW_ROWS_CUSTOMER).scalar_subquery().label(column.name)


# A new call as the IVR sees it, with the caller's profile as _CALLER_PROFILE reads it (the call's language is
# the customer's, set as the row is inserted).
_NEW_IVR_CALL = (
    _interactions.id, _interactions.customer_id, _interactions.from_number, _interactions.language,
    _callers(_customers.first_name), _callers(_customers.last_name), _callers(_customers.company_name),
    sa.exists().where(_orders.customer_id == _NEW_ROWS_CUSTOMER).label("has_orders"),
)
_IVR_CALL = HotStatement(sa.select(
    _interactions.id, _interactions.customer_id, _interactions.from_number, _interactions.language,
    _interactions.context, _interactions.ivr_path, _interactions.ivr_flow,
).where(_interactions.call_sid == sa.bindparam("call_sid")))
# Values left NULL keep what the row has: one statement for every kind of turn.
_SAVE_TURN = sa.update(Interaction.__table__).where(_interactions.id == sa.bindparam("call_id")).values(
    context=sa.bindparam("context", type_=_interactions.context.type),
    ivr_path=sa.bindparam("ivr_path", type_=_interactions.ivr_path.type),
    language=sa.func.coalesce(sa.bindparam("language", type_=sa.String), _interactions.language),
    ivr_outcome=sa.func.coalesce(sa.bindparam("outcome", type_=sa.String), _interactions.ivr_outcome),
    ivr_flow=sa.func.coalesce(sa.bindparam("flow", type_=sa.String), _interactions.ivr_flow),
    ivr_flow_version=sa.func.coalesce(sa.bindparam("flow_version", type_=sa.String), _interactions.ivr_flow_version),
)
_INSERT_EVENTS = sa.insert(InteractionEvent.__table__)


def _save_turn_and_log() -> sa.Insert:
    """PostgreSQL: the UPDATE and the step log's INSERT as one statement (a data-modifying CTE), the steps
    passed as one JSON array and logged in its order. A round trip less, and no executemany (psycopg runs
    that in pipeline mode, which costs more than the statement for the few rows of a turn)."""
    events = InteractionEvent.__table__
    saved = _SAVE_TURN.returning(_interactions.id).cte("saved")
    step = (sa.func.json_array_elements(sa.bindparam("steps", type_=sa.JSON))
            .table_valued("detail", with_ordinality="position").render_derived(name="step"))
    logged = (
        sa.select(saved.c.id, sa.literal("ivr"), step.c.detail, sa.bindparam("now", type_=events.c.occurred_at.type))
        .select_from(saved).join(step, sa.true()).order_by(step.c.position)
    )
    return sa.insert(events).from_select(["interaction_id", "kind", "detail", "occurred_at"], logged)


_SAVE_TURN_AND_LOG = HotStatement(_save_turn_and_log())


@dataclass(frozen=True)
class IvrCall:
    """The columns of a call's interaction that the IVR reads."""

    id: int
    customer_id: int | None
    from_number: str | None
    language: str | None
    context: dict
    ivr_path: list
    ivr_flow: str | None
    caller: dict | None = None  # the caller's profile (as `caller_profile` gives it) when read with the call


def open_ivr_call(session: Session, *, call_sid: str, **call) -> IvrCall:
    """Open the interaction of a call that reaches the IVR and read who is calling, in one statement (the call's
    first answer greets the caller); a call that has its interaction already (a retried webhook, or another
    webhook of the call came first) is read instead. Takes the call as `calls.new_call` does."""
    row = new_call(session, call_sid=call_sid, returning=_NEW_IVR_CALL, **call)
    if row is None:
        return ivr_call(session, call_sid)
    return IvrCall(row.id, row.customer_id, row.from_number, row.language, {}, [], None,
                   caller=_profile(row, row.customer_id))


def ivr_call(session: Session, call_sid: str) -> IvrCall | None:
    """The IVR's view of the interaction of a call under way, or None if the call has none yet."""
    row = _IVR_CALL.first(session, {"call_sid": call_sid})
    return IvrCall(row.id, row.customer_id, row.from_number, row.language, row.context or {}, row.ivr_path or [],
                   row.ivr_flow) if row else None


def caller_profile(session: Session, customer_id: int | None) -> dict | None:
    """How to greet a known caller: the name to say, their language, whether they have orders."""
    if not isinstance(customer_id, int):
        return None
    return _profile(_CALLER_PROFILE.first(session, {"customer_id": customer_id}), customer_id)


def _profile(row, customer_id: int | None) -> dict | None:
    if row is None or customer_id is None:
        return None
    return {"customer_id": customer_id, "name": row.first_name or row.company_name or row.last_name,
            "language": row.language, "has_orders": bool(row.has_orders)}


def save_ivr_turn(session: Session, call: IvrCall, *, context: dict, steps: list[tuple[str, dict]],
                  language: str | None = None, outcome: str | None = None, flow: str | None = None,
                  flow_version: str | None = None) -> None:
    """Store one webhook's IVR turn: the call's new context, its path and timeline extended by the turn's
    steps (an IVR answer often runs several), and the language, outcome and flow when given. One statement
    on PostgreSQL; an UPDATE and one batched INSERT elsewhere."""
    turn = {"call_id": call.id, "context": context, "ivr_path": [*call.ivr_path, *(step for step, _ in steps)],
            "language": language, "outcome": outcome, "flow": flow, "flow_version": flow_version}
    details = [{"step": step, **detail} for step, detail in steps]
    if session.get_bind().dialect.name == "postgresql":
        _SAVE_TURN_AND_LOG.execute(session, turn | {"steps": details, "now": utcnow()})
        return
    session.execute(_SAVE_TURN, turn)
    if details:
        session.execute(_INSERT_EVENTS, [{"interaction_id": call.id, "kind": "ivr", "detail": d} for d in details])


def close_ivr_session(session: Session, interaction: Interaction) -> str | None:
    """The call is over: an IVR session that neither answered, transferred nor scheduled a callback was
    abandoned. Returns the final outcome (None for a call that never met the IVR). Flushes."""
    if interaction.ivr_flow is None:
        return None
    if interaction.ivr_outcome is None:
        interaction.ivr_outcome = "abandoned"
        session.flush()
    return interaction.ivr_outcome
