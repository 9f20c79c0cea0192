"""`/metrics` for Prometheus: webhook latency, the floor (agents by state, callers waiting), the dial jobs, whether a
pacer runs, and each watched campaign's dial outcomes and abandon rate.

Two kinds of figures, each kept where every process can see it:
- The webhook histogram is observed by the process that served the request. Under gunicorn with several workers
  set PROMETHEUS_MULTIPROC_DIR (prometheus_client's multiprocess mode): every worker writes its samples to a file
  there and a scrape sums them, whichever worker answers. Each web host is its own scrape target; Prometheus adds
  the hosts up. No request pays a round trip to Redis for it.
- Everything else is read at scrape time from the shared stores (routing state in Redis, dial attempts in the
  database) by the functions the floor and the wallboard use, so any process answers the same for the whole
  platform: aggregate those series across hosts with max(), not sum().

Access: with METRICS_TOKEN set, a scrape needs `Authorization: Bearer <token>`; without it, only a client on this
host that did not come through a proxy may scrape. Labels name endpoints, queues, states and campaigns, never a
caller.
"""

from __future__ import annotations

import hmac
import os
import shutil
import time
from pathlib import Path

from flask import Blueprint, Flask, Response, abort, current_app, g, request
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead
from rq import Queue

from agent_console.routing import AGENT_STATES, Router
from crm_core.db import utcnow
from dialer.progress import watched_progress

from .console.wiring import current_router
from .db import get_session
from .pacer_lease import LEASE_KEY
from .redis_store import get_redis

MULTIPROCESS_DIRECTORY = "PROMETHEUS_MULTIPROC_DIR"  # read by prometheus_client itself
LOCAL_ADDRESSES = ("127.0.0.1", "::1")
# Twilio waits 15 s for an answer; most webhooks should take a few milliseconds.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 15.0)
CAMPAIGN_OUTCOMES = ("dialed", "answered", "human", "machine", "connected", "abandoned")

WEBHOOK_SECONDS = Histogram(
    "callcenter_webhook_duration_seconds", "Time to answer a Twilio voice webhook, by endpoint and HTTP status.",
    ["endpoint", "status"], buckets=LATENCY_BUCKETS)

bp = Blueprint("metrics", __name__)


def init_app(app: Flask) -> None:
    """Time every voice webhook and serve /metrics."""
    app.before_request(_start_timer)
    app.after_request(_observe_webhook)
    app.register_blueprint(bp)


def _start_timer() -> None:
    if request.blueprint == "voice":
        g.webhook_started = time.perf_counter()


def _observe_webhook(response: Response) -> Response:
    started = g.pop("webhook_started", None)
    if started is not None:
        WEBHOOK_SECONDS.labels(request.endpoint, str(response.status_code)).observe(time.perf_counter() - started)
    return response


@bp.get("/metrics")
def metrics():
    """The exposition text: this host's webhook histogram, then the platform's figures read now."""
    _check_scraper()
    floor = CollectorRegistry(auto_describe=False)
    floor.register(FloorCollector(current_router(), get_redis(), get_session()))
    return Response(generate_latest(_process_registry()) + generate_latest(floor), mimetype=CONTENT_TYPE_LATEST)


def _check_scraper() -> None:
    """Bearer METRICS_TOKEN when one is set, else a local client not behind a proxy."""
    token = current_app.config["METRICS_TOKEN"]
    if token:
        given = request.headers.get("Authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            abort(401, "a scrape needs Authorization: Bearer <METRICS_TOKEN>")
    elif request.remote_addr not in LOCAL_ADDRESSES or "X-Forwarded-For" in request.headers:
        abort(403, "without METRICS_TOKEN only a local client may scrape /metrics")


def _process_registry() -> CollectorRegistry:
    """Every web worker's samples in multiprocess mode, else this process's own registry."""
    directory = os.environ.get(MULTIPROCESS_DIRECTORY)
    if not directory:
        return REGISTRY
    registry = CollectorRegistry(auto_describe=False)
    MultiProcessCollector(registry, path=directory)
    return registry


class FloorCollector:
    """Gauges read at scrape time from the stores every process shares."""

    def __init__(self, router: Router, connection, session):
        self.router = router
        self.connection = connection
        self.session = session

    def collect(self):
        yield self._agents()
        yield from self._queues()
        yield from self._jobs()
        yield self._pacer()
        yield from self._campaigns()

    def _agents(self) -> GaugeMetricFamily:
        counts = dict.fromkeys(AGENT_STATES, 0)
        for agent in self.router.agents():
            counts[agent.state] = counts.get(agent.state, 0) + 1
        family = GaugeMetricFamily("callcenter_agents", "Agents known to routing, by state.", labels=["state"])
        for state, count in counts.items():
            family.add_metric([state], count)
        return family

    def _queues(self):
        waiting = GaugeMetricFamily("callcenter_queue_waiting_calls", "Callers waiting for an agent now, by ACD "
                                    "queue.", labels=["queue"])
        longest = GaugeMetricFamily("callcenter_queue_longest_wait_seconds", "How long the first caller in line "
                                    "has waited, by ACD queue (0 when nobody waits).", labels=["queue"])
        for queue in self.router.queues():
            waiting.add_metric([queue], len(self.router.waiting(queue)))
            longest.add_metric([queue], self.router.longest_wait(queue))
        yield waiting
        yield longest

    def _jobs(self):
        waiting = GaugeMetricFamily("callcenter_jobs_waiting", "rq jobs waiting for a worker, by rq queue.",
                                    labels=["queue"])
        failed = GaugeMetricFamily("callcenter_jobs_failed", "rq jobs kept in the failed registry, by rq queue.",
                                   labels=["queue"])
        for queue in Queue.all(connection=self.connection):
            waiting.add_metric([queue.name], queue.count)
            failed.add_metric([queue.name], queue.failed_job_registry.count)
        yield waiting
        yield failed

    def _pacer(self) -> GaugeMetricFamily:
        family = GaugeMetricFamily("callcenter_pacer_running", "1 while a pacer holds its lease (renewed every round), "
                                   "0 once none has for a lease's length: offers do not expire, campaigns do not dial.")
        family.add_metric([], 1 if self.connection.exists(LEASE_KEY) else 0)
        return family

    def _campaigns(self):
        labels = ["campaign_id", "campaign"]
        calls = GaugeMetricFamily("callcenter_campaign_calls", "A watched campaign's dial attempts over its life, by "
                                  "outcome (the dialer's stored outcomes).", labels=[*labels, "outcome"])
        rate = GaugeMetricFamily("callcenter_campaign_abandon_rate", "A watched campaign's abandon rate over its "
                                 "profile's window, as the compliance gate computes it.", labels=labels)
        limit = GaugeMetricFamily("callcenter_campaign_abandon_limit", "The abandon rate a campaign's compliance "
                                  "profile allows.", labels=labels)
        running = GaugeMetricFamily("callcenter_campaign_running", "1 while a watched campaign is running, 0 once "
                                    "paused or stopped.", labels=labels)
        for progress in watched_progress(self.session, utcnow()):
            names = [str(progress["campaign_id"]), progress["name"]]
            for outcome in CAMPAIGN_OUTCOMES:
                calls.add_metric([*names, outcome], progress[outcome])
            rate.add_metric(names, progress["abandon_rate"])
            limit.add_metric(names, progress["abandon_limit"])
            running.add_metric(names, 1 if progress["status"] == "running" else 0)
        yield from (calls, rate, limit, running)


def empty_multiprocess_directory() -> None:
    """Start a web server's life with no samples left by an earlier one (gunicorn's on_starting)."""
    directory = os.environ.get(MULTIPROCESS_DIRECTORY)
    if directory:
        shutil.rmtree(directory, ignore_errors=True)
        Path(directory).mkdir(parents=True)


def forget_worker(pid: int) -> None:
    """A web worker exited: drop its live gauges (its counts stay in the sums) (gunicorn's child_exit)."""
    if os.environ.get(MULTIPROCESS_DIRECTORY):
        mark_process_dead(pid)
