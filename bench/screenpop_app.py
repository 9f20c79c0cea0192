"""The platform app plus a bench-only route that emits a given payload to an agent's room: the baseline of
bench/screenpop.py, served by the same process as the real webhooks (the web process's app, as the Procfile runs it)."""

from flask import request

from callcenter.console.wiring import DESK_NAMESPACE, agent_room
from callcenter.extensions import csrf, socketio
from callcenter.wsgi import app


@app.post("/bench/emit/<int:agent_id>")
@csrf.exempt
def bare_emit(agent_id: int):
    """The baseline: no database, no routing, just a Socket.IO emit of the posted JSON."""
    socketio.emit("offer", request.get_json(), to=agent_room(agent_id), namespace=DESK_NAMESPACE)
    return "", 204
