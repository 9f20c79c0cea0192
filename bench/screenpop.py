"""Benchmark: latency from the enqueue webhook arriving to the agent's console receiving the screen-pop,
against a bare Socket.IO emit of the same payload, same server, same clients, same run.
Target: p99 under 100 ms and within 2x of the bare emit.

Each call opens as a real one does (`/voice/incoming`, untimed: the IVR has the call's record before it sends the
caller to the queue); the timed request is the queue's first wait-URL fetch, which routes the call.

    python bench/screenpop.py --database-url postgresql://root@127.0.0.1/bench_history --agents 200
    python bench/screenpop.py --customers 2000            # a fresh SQLite file with demo data
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import threading
import time
from pathlib import Path
from uuid import uuid4

import requests
import socketio
import sqlalchemy as sa
from twilio.request_validator import RequestValidator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.throughput import percentile  # noqa: E402
from bench.server import WebServer  # noqa: E402
from callcenter import create_app  # noqa: E402
from callcenter.config import SANDBOX_ACCOUNT_SID, SANDBOX_AUTH_TOKEN  # noqa: E402
from crm_core import models, schema  # noqa: E402
from crm_core.db import make_engine  # noqa: E402
from crm_core.users import hash_password  # noqa: E402

SECRET = "bench-screenpop"


class Agents:
    """N logged-in agent consoles; records when each offer arrives."""

    def __init__(self, url: str, cookies: dict[int, str]):
        self.arrivals: dict[str, float] = {}
        self.payloads: list[dict] = []
        self.changed = threading.Condition()
        self.clients = []
        for agent_id, cookie in cookies.items():
            client = socketio.Client(reconnection=False)
            client.on("offer", self._offer, namespace="/desk")
            client.connect(url, namespaces=["/desk"], transports=["websocket"],
                           headers={"Cookie": f"session={cookie}"}, wait_timeout=10)
            self.clients.append((agent_id, client))

    def _offer(self, data):
        with self.changed:
            self.arrivals[data["call"]["call_sid"]] = time.perf_counter()
            if len(self.payloads) < 5:
                self.payloads.append(data)
            self.changed.notify_all()

    def wait(self, key: str, timeout: float = 10) -> float:
        with self.changed:
            self.changed.wait_for(lambda: key in self.arrivals, timeout)
            return self.arrivals[key]

    def go_available(self) -> None:
        for _, client in self.clients:
            assert client.call("set_state", {"state": "available"}, namespace="/desk", timeout=10)["ok"]

    def close(self) -> None:
        for _, client in self.clients:
            client.disconnect()


def prepare(database_url: str, customers: int, agents: int) -> tuple[list[str], list[int]]:
    """Migrate, load demo data if empty, create the bench agents; return caller numbers and agent ids."""
    schema.upgrade(database_url)
    engine = make_engine(database_url)
    with engine.begin() as connection:
        empty = not connection.scalar(sa.select(sa.func.count()).select_from(models.Customer))
    if empty:
        from crm_core.demo_data import load_demo_data

        load_demo_data(engine, customers=customers, seed=1)
    with engine.begin() as connection:
        connection.execute(sa.delete(models.User).where(models.User.username.like("bench-agent-%")))
        password = hash_password("bench-password")
        connection.execute(sa.insert(models.User), [
            {"username": f"bench-agent-{i}", "full_name": f"Bench Agent {i}", "role": "agent",
             "password_hash": password, "skills": [], "languages": [], "is_active": True,
             "created_at": models.Customer.created_at.default.arg(None)} for i in range(agents)])
        agent_ids = list(connection.scalars(sa.select(models.User.id).where(
            models.User.username.like("bench-agent-%"))))
        max_id = connection.scalar(sa.select(sa.func.max(models.PhoneNumber.id)))
        rng = random.Random(7)
        ids = [rng.randint(1, max_id) for _ in range(3000)]
        phones = list(connection.scalars(sa.select(models.PhoneNumber.e164).where(models.PhoneNumber.id.in_(ids))))
    engine.dispose()
    return phones, agent_ids


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="a database with customers (default: fresh SQLite + demo data)")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/11")
    parser.add_argument("--customers", type=int, default=2000, help="demo customers for a fresh database")
    parser.add_argument("--agents", type=int, default=200)
    parser.add_argument("--samples", type=int, default=500, help="per variant")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--show-slowest", action="store_true", help="print the ten slowest samples of each")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench-screenpop-"))
    database_url = args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    phones, agent_ids = prepare(database_url, args.customers, args.agents)
    import redis

    redis.Redis.from_url(args.redis_url).flushdb()
    web = WebServer("bench.screenpop_app:app", process="web", database_url=database_url, redis_url=args.redis_url,
                    options=["--threads", str(args.agents + 56)], extra_env={
                        "SECRET_KEY": SECRET, "OFFER_TIMEOUT_SECONDS": "600",
                        "SOCKETIO_MESSAGE_QUEUE": os.environ.get("SOCKETIO_MESSAGE_QUEUE", "")})
    base = web.url
    signer = create_app({"DATABASE_URL": database_url, "SECRET_KEY": SECRET, "SOCKETIO_MESSAGE_QUEUE": "off"},
                        environ={})
    serializer = signer.session_interface.get_signing_serializer(signer)
    validator = RequestValidator(SANDBOX_AUTH_TOKEN)
    http = requests.Session()
    with web:
        agents = Agents(base, {a: serializer.dumps({"_user_id": str(a), "_fresh": True}) for a in agent_ids})
        agents.go_available()

        def webhook(path: str, params: dict) -> None:
            url = base + path
            response = http.post(url, data=params, headers={"X-Twilio-Signature": validator.compute_signature(
                url, params)}, timeout=10)
            assert response.status_code == 200, response.text

        def one_call(phone: str) -> float:
            sid = "CA" + uuid4().hex
            params = {"CallSid": sid, "AccountSid": SANDBOX_ACCOUNT_SID, "From": phone, "To": "+74950000000",
                      "CallStatus": "in-progress", "Direction": "inbound", "QueuePosition": "1"}
            webhook("/voice/incoming", params)  # untimed: the call opens (the IVR) before it reaches the queue
            started = time.perf_counter()
            webhook("/voice/queue/wait?queue=support", params)
            latency = agents.wait(sid) - started
            webhook("/voice/status", params | {"CallStatus": "completed", "SequenceNumber": "1"})  # caller hangs up
            return latency

        def one_emit(payload: dict, agent_id: int) -> float:
            key = "CA" + uuid4().hex
            body = payload | {"call": payload["call"] | {"call_sid": key}}
            started = time.perf_counter()
            http.post(f"{base}/bench/emit/{agent_id}", json=body, timeout=10).raise_for_status()
            return agents.wait(key) - started

        for phone in phones[:50]:  # warm-up (also captures real payloads for the baseline)
            one_call(phone)
        payload = max(agents.payloads, key=lambda p: len(json.dumps(p, ensure_ascii=False)))
        real, bare = [], []
        for i in range(args.samples):  # interleaved
            real.append(one_call(phones[(50 + i) % len(phones)]))
            bare.append(one_emit(payload, agent_ids[i % len(agent_ids)]))
        agents.close()

    def stats(values):
        return {"p50_ms": percentile(values, 50) * 1000, "p99_ms": percentile(values, 99) * 1000}

    if args.show_slowest:
        print("slowest bare (ms):", sorted(round(x * 1000) for x in bare)[-10:])
        print("slowest screen-pop (ms):", sorted(round(x * 1000) for x in real)[-10:])
    r, b = stats(real), stats(bare)
    ratio = r["p99_ms"] / b["p99_ms"]
    report = {"database": database_url.split(":")[0], "agents": args.agents, "samples": args.samples,
              "payload_bytes": len(json.dumps(payload, ensure_ascii=False).encode()),
              "screen_pop": r, "bare_emit": b, "p99_ratio": ratio,
              "pass": r["p99_ms"] < 100 and ratio <= 2.0}
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(f"{args.agents} agents connected, payload {report['payload_bytes']} bytes, {args.samples} samples each")
        print(f"webhook -> screen-pop  p50 {r['p50_ms']:6.1f} ms  p99 {r['p99_ms']:6.1f} ms")
        print(f"bare emit              p50 {b['p50_ms']:6.1f} ms  p99 {b['p99_ms']:6.1f} ms")
        print(f"p99 ratio {ratio:.2f} (target <= 2.0, p99 < 100 ms): {'PASS' if report['pass'] else 'FAIL'}")
    return 0 if report["pass"] else 1


if __name__ == "__main__":
    sys.exit(main())
