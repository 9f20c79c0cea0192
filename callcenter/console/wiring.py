"""Build the desk (and the supervisors' monitoring) of the current app: its router on the app's Redis, its provider,
Socket.IO delivery."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from agent_console.desk import Desk, agent_payload
from agent_console.monitoring import MONITORING_EVENT, Monitoring
from agent_console.routing import Router
from agent_console.wallboard import Thresholds, wallboard
from dialer.progress import watched_progress

from ..db import get_session
from ..extensions import socketio
from ..redis_store import get_redis
from ..telephony import provider
from ..urls import webhook_url

DESK_NAMESPACE = "/desk"
FLOOR_NAMESPACE = "/floor"
FLOOR_ROOM = "floor"
WALLBOARD_EVENT = "wallboard"
# The last figures published, for a supervisor who connects between two publications.
WALLBOARD_KEY = "wallboard:last"


def agent_room(agent_id: int) -> str:
    """The Socket.IO room of one agent's consoles; nobody else joins it."""
    return f"agent:{agent_id}"


def current_router() -> Router:
    """The ACD on the app's Redis."""
    return Router(get_redis(), offer_timeout=current_app.config["OFFER_TIMEOUT_SECONDS"])


FLOOR_EVENTS = ("agent_state", "queue", "call_flagged", MONITORING_EVENT)


def notify(event: str, payload: dict, *, agent_id: int | None = None, at_once: bool = False) -> None:
    """Queue a desk event for delivery when the request's transaction commits (a console never hears of
    something the database does not hold yet); a rollback drops it. `at_once`: deliver now (routing's decisions,
    which Redis already holds)."""
    if at_once:
        _deliver(event, payload, agent_id)
    else:
        get_session().info.setdefault(OUTBOX, []).append((event, payload, agent_id))


def _deliver(event: str, payload: dict, agent_id: int | None) -> None:
    """Send to the agent's consoles; state and queue changes also reach the supervisors' floor."""
    if agent_id is not None:
        socketio.emit(event, payload, to=agent_room(agent_id), namespace=DESK_NAMESPACE)
    if event in FLOOR_EVENTS:
        socketio.emit(event, payload, to=FLOOR_ROOM, namespace=FLOOR_NAMESPACE)


OUTBOX = "desk_outbox"


@sa.event.listens_for(Session, "after_commit")
def _deliver_after_commit(session: Session) -> None:
    for event, payload, agent_id in session.info.pop(OUTBOX, []):
        _deliver(event, payload, agent_id)


@sa.event.listens_for(Session, "after_soft_rollback")
def _drop_after_rollback(session: Session, _transaction) -> None:
    session.info.pop(OUTBOX, None)


def current_desk() -> Desk:
    """A desk for this request, event or job."""
    return Desk(
        session=get_session(), router=current_router(), telephony=provider(), notify=notify,
        webhook_url=webhook_url, default_region=current_app.config["DEFAULT_REGION"],
        disconnect_grace=current_app.config["AGENT_DISCONNECT_GRACE_SECONDS"],
        wrap_up_limit=current_app.config["WRAP_UP_SECONDS"],
    )


def current_monitoring() -> Monitoring:
    """Supervisors' monitoring of live calls for this request or event."""
    return Monitoring(session=get_session(), router=current_router(), telephony=provider(), notify=notify,
                      webhook_url=webhook_url)


def floor_snapshot() -> dict:
    """Every agent's state, the calls waiting in each queue, the calls being monitored and the last wallboard
    figures, for a supervisor who just connected."""
    router = current_router()
    last = get_redis().get(WALLBOARD_KEY)
    return {"agents": [agent_payload(a) for a in router.agents()],
            "queues": {q: router.waiting(q) for q in router.queues()},
            "monitoring": current_monitoring().active(),
            "wallboard": json.loads(last) if last else None}


def wallboard_thresholds() -> Thresholds:
    """The wallboard's targets and alert levels from the app's settings."""
    config = current_app.config
    return Thresholds(service_level_target=config["WALLBOARD_SERVICE_LEVEL_PERCENT"] / 100,
                      target_seconds=config["WALLBOARD_TARGET_SECONDS"],
                      longest_wait_seconds=config["WALLBOARD_LONGEST_WAIT_ALERT_SECONDS"],
                      campaign_abandon_warning=config["WALLBOARD_ABANDON_WARNING_PERCENT"] / 100)


def publish_wallboard(session: Session, now: datetime) -> dict:
    """Compute the wallboard once for every viewer (the pacer calls this), keep it for supervisors who connect
    later and push it to the floor room (from any process: the message queue carries it)."""
    figures = wallboard(session, current_router(), now, watched_progress(session, now), wallboard_thresholds(),
                        ZoneInfo(current_app.config["CENTER_TIMEZONE"]))
    get_redis().set(WALLBOARD_KEY, json.dumps(figures))
    socketio.emit(WALLBOARD_EVENT, figures, to=FLOOR_ROOM, namespace=FLOOR_NAMESPACE)
    return figures
