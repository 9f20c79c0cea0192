"""A worker killed with SIGKILL while it holds a claimed attempt: no lead is lost, no attempt dialed twice.

Real processes: `callcenter worker` (rq, forking a work horse per job) and `callcenter pacer`, on the test
database and Redis, against the sandbox. Between the workers and the sandbox sits a slow link that holds the
call creation of two numbers, so each worker can be killed mid-dial at a known moment:
- LOST: the worker dies and its request never reaches the provider (no call exists);
- LATE: the worker dies but its request does reach the provider (the call exists, the worker never heard its
  CallSid).
"""

from __future__ import annotations

import os
import signal
import threading
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import parse_qs, parse_qsl, urlsplit

import requests
import sqlalchemy as sa
from rq import Worker
from werkzeug.wrappers import Request, Response

from crm_core import models
from crm_core.db import utcnow
from crm_core.users import create_user
from tests.conftest import children, wait_until
from dialer.jobs import pace_campaigns
from twilio_sandbox import serve_in_thread

LOST, LATE = "+79160000101", "+79160000102"
CALLEES = {LOST: "busy", LATE: "busy", "+79160000103": "no-answer", "+79160000104": "machine",
           "+79160000105": "busy", "+79160000106": "no-answer", "+79160000107": "machine",
           "+79160000108": "busy"}


@dataclass
class Hold:
    """One held request: `arrived` when a worker sent it; the test decides with `let_through` or `drop`."""

    arrived: threading.Event = field(default_factory=threading.Event)
    decided: threading.Event = field(default_factory=threading.Event)
    forward: bool = False
    answered: threading.Event = field(default_factory=threading.Event)

    def let_through(self) -> None:
        self.forward = True
        self.decided.set()
        assert self.answered.wait(10), "the provider did not answer the released request"

    def drop(self) -> None:
        self.decided.set()
        assert self.answered.wait(10)


class SlowLink:
    """The network between workers and the provider: the first call creation to each held number waits for
    the test, then reaches the provider or is lost; everything else passes straight through."""

    def __init__(self, provider_url: str, held: list[str]):
        self.provider_url = provider_url
        self.holds = {number: Hold() for number in held}
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        request = Request(environ)
        body = request.get_data()
        hold = None
        if request.method == "POST" and request.path.endswith("/Calls.json"):
            to = parse_qs(body.decode()).get("To", [""])[0]
            with self.lock:
                hold = self.holds.get(to)
                if hold is not None and hold.arrived.is_set():
                    hold = None  # only the first request to a number is held
                elif hold is not None:
                    hold.arrived.set()
        if hold is not None:
            hold.decided.wait(60)
            if not hold.forward:
                hold.answered.set()
                return Response("lost on the way", status=502)(environ, start_response)
        upstream = requests.request(
            request.method, self.provider_url + request.full_path.rstrip("?"), data=body, timeout=30,
            headers={k: v for k, v in request.headers.items() if k in ("Authorization", "Content-Type", "Accept")})
        if hold is not None:
            hold.answered.set()
        return Response(upstream.content, status=upstream.status_code,
                        content_type=upstream.headers.get("Content-Type"))(environ, start_response)


def kill_worker(pid: int) -> None:
    """SIGKILL a worker and the work horse it forked (rq puts each horse in its own process group): the
    machine running them died."""
    for horse in children(pid):
        os.kill(horse, signal.SIGKILL)
    os.kill(pid, signal.SIGKILL)


def test_a_worker_killed_mid_dial_loses_no_lead_and_dials_no_attempt_twice(
        live_platform, committed_session, console_client, redis_client, platform_process, make_dialing_campaign,
        add_leads):
    session, sandbox = committed_session, live_platform.sandbox
    campaign = make_dialing_campaign(session)
    leads = add_leads(session, campaign, list(CALLEES))
    agents = [create_user(session, username=f"killed_worker_agent{i}", full_name=f"Agent {i}", role="agent",
                          password="correct horse") for i in range(2)]
    session.commit()
    for number, behaviour in CALLEES.items():
        sandbox.add_callee(number, behaviour, answer_after=1)
    for agent in agents:
        desk = console_client(agent.id)
        assert desk.call("set_state", {"state": "available"}, namespace="/desk", timeout=5)["ok"]
    link = SlowLink(live_platform.sandbox_url, [LOST, LATE])
    link_server = serve_in_thread(link)
    try:
        through_link = {"TWILIO_API_BASE_URL": link_server.url}
        workers = {p.pid: p for p in (platform_process("worker", **through_link) for _ in range(2))}

        # The pacer's first round: two agents ready, so the first two leads (LOST and LATE) are launched.
        app = live_platform.app
        app.config["DIALER_CALLS_PER_SECOND"] = 10
        with app.app_context():
            from callcenter.db import close_session

            try:
                [launched] = pace_campaigns()
            finally:
                close_session()
        assert launched.plan.launch == 2
        for number in (LOST, LATE):
            assert link.holds[number].arrived.wait(60), f"no worker dialed {number}"

        holder = wait_until(lambda: _holders(redis_client, session), 20, "the workers never reported their jobs")
        assert set(holder) == {LOST, LATE} and set(holder.values()) == set(workers)
        claimed = {a.e164: a.status for a in session.scalars(sa.select(models.DialAttempt))}
        session.rollback()  # end the read: on SQLite an open transaction holds the one write lock
        assert claimed == {LOST: "dialing", LATE: "dialing"}

        kill_worker(holder[LOST])
        link.holds[LOST].drop()
        kill_worker(holder[LATE])
        link.holds[LATE].let_through()
        for pid in holder.values():
            assert workers[pid].wait(10) == -signal.SIGKILL

        platform_process("worker", **through_link)
        platform_process("pacer", "--interval", "0.3", "--reconcile-after", "2", DIALER_CALLS_PER_SECOND="10",
                         **through_link)
        wait_until(lambda: _campaign_settled(session, campaign.id), 90,
                   "the campaign did not settle: " + repr(_lead_states(session, campaign.id)))
    finally:
        link_server.shutdown()

    session.expire_all()
    attempts = session.scalars(sa.select(models.DialAttempt).order_by(models.DialAttempt.id)).all()
    outcome = {a.id: session.get(models.AttemptOutcome, a.id) for a in attempts}
    assert all(outcome.values()), "every attempt has its outcome"

    # No lead lost: each ends final or with a retry scheduled ahead.
    now = utcnow()
    for lead in leads:
        lead = session.get(models.Lead, lead.id)
        schedule = session.get(models.LeadSchedule, lead.id)
        assert lead.status in ("done", "closed", "scheduled"), (lead.e164, lead.status)
        if lead.status == "scheduled":
            assert schedule.next_at > now, (lead.e164, schedule.next_at)

    # No attempt dialed twice: the provider accepted at most one call per attempt id, and each call it has is
    # the call its attempt recorded.
    created = [entry for entry in sandbox.request_log()
               if entry["method"] == "POST" and entry["path"].endswith("/Calls.json") and entry["status"] == 201]
    per_attempt = Counter(int(dict(parse_qsl(urlsplit(e["params"]["Url"]).query))["attempt"]) for e in created)
    assert per_attempt and max(per_attempt.values()) == 1, per_attempt
    calls_to = Counter(c["to"] for c in sandbox.calls())
    sids = {c["sid"] for c in sandbox.calls()}
    assert {a.call_sid for a in attempts if a.call_sid} == sids
    for number in CALLEES:
        placed = [a for a in attempts if a.e164 == number and outcome[a.id].outcome != "lost"]
        assert calls_to[number] == len(placed), (number, calls_to[number], len(placed))

    # LOST: its attempt was closed as lost and its lead dialed again under a new attempt id.
    lost_attempts = [a for a in attempts if a.e164 == LOST]
    assert [outcome[a.id].outcome for a in lost_attempts] == ["lost", "busy"]
    assert lost_attempts[0].call_sid is None and lost_attempts[0].id not in per_attempt
    # A dial that never reached the provider neither uses up one of the lead's tries nor counts as placed.
    assert session.get(models.LeadSchedule, lost_attempts[0].lead_id).tries == 1
    assert lost_attempts[0].placed_at is None
    # LATE: the call the dead worker never heard of belongs to its attempt, which ended as the call did.
    [late] = [a for a in attempts if a.e164 == LATE]
    assert late.call_sid is not None and outcome[late.id].outcome == "busy" and per_attempt[late.id] == 1


def _holders(redis_client, session) -> dict[str, int] | None:
    """Which worker (pid) holds the attempt of each number, once both workers report a job."""
    busy = {w.pid: w.get_current_job_id() for w in Worker.all(connection=redis_client)}
    jobs = {pid: job for pid, job in busy.items() if job}
    if len(jobs) < 2:
        return None
    try:
        return {session.get(models.DialAttempt, int(job.rsplit("-", 1)[1])).e164: pid for pid, job in jobs.items()}
    finally:
        session.rollback()


def _campaign_settled(session, campaign_id: int) -> bool:
    """No attempt out, no lead new, being dialed or due now."""
    out = session.scalar(sa.select(sa.func.count()).select_from(models.DialAttempt).where(
        models.DialAttempt.campaign_id == campaign_id,
        models.DialAttempt.status.in_(("scheduled", "dialing"))))
    pending = session.scalar(sa.select(sa.func.count()).select_from(models.Lead).where(
        models.Lead.campaign_id == campaign_id, models.Lead.status.in_(("new", "dialing"))))
    due = session.scalar(sa.select(sa.func.count()).select_from(models.LeadSchedule).join(models.Lead).where(
        models.Lead.campaign_id == campaign_id, models.Lead.status == "scheduled",
        models.LeadSchedule.next_at <= utcnow()))
    session.rollback()
    return out == 0 and pending == 0 and due == 0


def _lead_states(session, campaign_id: int) -> list:
    try:
        return session.execute(sa.select(models.Lead.e164, models.Lead.status)
                               .where(models.Lead.campaign_id == campaign_id)).all()
    finally:
        session.rollback()
