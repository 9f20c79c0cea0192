"""What a supervisor does to an agent from the floor: set their state for them."""

from __future__ import annotations

import sqlalchemy as sa

from crm_core.models import AgentStateChange

from .desk import Desk
from .routing import AgentStatus

# The agent state log's reason column is this long.
REASON_LENGTH = 64


def force_agent_state(desk: Desk, agent_id: int, state: str, *, supervisor: str) -> AgentStatus:
    """A supervisor sets an agent available, on a break or offline (not while the agent rings or talks); the
    agent's console follows, and the state log says who did it."""
    reason = f"set by {supervisor}"[:REASON_LENGTH]
    status = desk.set_state(agent_id, state, reason)
    # Routing keeps a reason only for a break; the log keeps who forced every state.
    change = desk.session.scalar(sa.select(AgentStateChange).where(AgentStateChange.user_id == agent_id)
                                 .order_by(AgentStateChange.id.desc()).limit(1))
    change.reason = reason
    desk.session.flush()
    return status
