"""The supervisors' Socket.IO namespace: everyone on the floor, live."""

from __future__ import annotations

from flask_login import current_user
from flask_socketio import Namespace, emit, join_room

from .wiring import FLOOR_ROOM, floor_snapshot


class FloorNamespace(Namespace):
    """`/floor`: supervisors watch every agent and queue."""

    def on_connect(self, auth=None):
        if not (current_user.is_authenticated and current_user.is_supervisor):
            return False
        join_room(FLOOR_ROOM)
        emit("snapshot", floor_snapshot())
