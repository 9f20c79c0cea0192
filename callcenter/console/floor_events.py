"""The supervisors' Socket.IO namespace: everyone on the floor, live, an agent's state set for them, and their calls
monitored."""

from __future__ import annotations

from flask_login import current_user
from flask_socketio import Namespace, emit, join_room

from agent_console.desk import DeskError
from agent_console.supervision import force_agent_state

from .acks import acknowledged, int_field
from .wiring import FLOOR_ROOM, current_desk, current_monitoring, floor_snapshot


class FloorNamespace(Namespace):
    """`/floor`: supervisors watch every agent, queue and campaign, may set an agent's state and listen to,
    whisper to or barge into an agent's call."""

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

    @acknowledged
    def on_monitor(self, data):
        """{agent_id, mode}: listen to, whisper to or barge into the agent's current call (or switch mode)."""
        if not _is_supervisor():
            raise DeskError("only supervisors may monitor calls")
        row = current_monitoring().monitor(current_user.id, current_user.full_name,
                                           int_field(data.get("agent_id"), "agent_id"), str(data.get("mode", "")))
        return {"mode": row.mode, "agent_id": row.agent_id}

    @acknowledged
    def on_stop_monitoring(self, data):
        """Leave the call the supervisor monitors."""
        if not _is_supervisor():
            raise DeskError("only supervisors may monitor calls")
        row = current_monitoring().stop(current_user.id)
        return {"agent_id": row.agent_id if row else None}


def _is_supervisor() -> bool:
    return current_user.is_authenticated and current_user.is_supervisor
