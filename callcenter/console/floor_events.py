"""The supervisors' Socket.IO namespace: everyone on the floor, live, and an agent's state set for them."""

from __future__ import annotations

from flask_login import current_user
from flask_socketio import Namespace, emit, join_room

from agent_console.desk import DeskError
from agent_console.supervision import force_agent_state

from .acks import acknowledged, int_field
from .wiring import FLOOR_ROOM, current_desk, floor_snapshot


class FloorNamespace(Namespace):
    """`/floor`: supervisors watch every agent, queue and campaign, and may set an agent's state."""

    def on_connect(self, auth=None):
        if not _is_supervisor():
            return False
        join_room(FLOOR_ROOM)
        emit("snapshot", floor_snapshot())

    @acknowledged
    def on_force_state(self, data):
        """{agent_id, state}: make the agent available, on a break or offline."""
        if not _is_supervisor():
            raise DeskError("only supervisors may set an agent's state")
        status = force_agent_state(current_desk(), int_field(data.get("agent_id"), "agent_id"),
                                   str(data.get("state", "")), supervisor=current_user.full_name)
        return {"state": status.state}


def _is_supervisor() -> bool:
    return current_user.is_authenticated and current_user.is_supervisor
