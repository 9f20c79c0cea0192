"""Benchmark: one IVR step with an order lookup (a known caller asks for their latest order) against the bare
constant-TwiML route, same server (the Procfile's voice process), same concurrency, same run. Target: at least
0.5x the throughput.

    python bench/ivr.py --database-url postgresql://root@127.0.0.1/bench_history   # 1,000,000 customers
    python bench/ivr.py --customers 2000                                          # fresh SQLite + demo data
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from uuid import uuid4

import requests
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.throughput import run_closed_loop, summarize, throughput_report  # noqa: E402
from bench.server import WebServer, gunicorn_options, sign  # noqa: E402
from callcenter.config import SANDBOX_ACCOUNT_SID  # noqa: E402
from crm_core import models, schema  # noqa: E402
from crm_core.db import make_engine  # noqa: E402

TIMED_STEP = "/voice/ivr/input?step=offer_latest_order"


def callers_with_orders(database_url: str, customers: int, n: int) -> list[str]:
    """Numbers of customers who have orders (loading demo data into an empty database first)."""
    schema.upgrade(database_url)
    engine = make_engine(database_url)
    with engine.begin() as connection:
        empty = not connection.scalar(sa.select(sa.func.count()).select_from(models.Customer))
    if empty:
        from crm_core.demo_data import load_demo_data

        load_demo_data(engine, customers=customers, seed=1)
    with engine.begin() as connection:
        top = connection.scalar(sa.select(sa.func.max(models.Order.id)))
        step = max(1, top // (n * 2))
        numbers = connection.scalars(
            sa.select(models.PhoneNumber.e164).join(models.Order, models.Order.customer_id == models.PhoneNumber.customer_id)
            .where(models.Order.id % step == 0).distinct().limit(n)).all()
    engine.dispose()
    return list(numbers)


def call_form(call_sid: str, caller: str, **extra) -> dict:
    return {"CallSid": call_sid, "AccountSid": SANDBOX_ACCOUNT_SID, "From": caller, "To": "+74950000000",
            "Caller": caller, "Called": "+74950000000", "CallStatus": "in-progress", "ApiVersion": "2010-04-01",
            "Direction": "inbound", **extra}


def calls_at_the_timed_step(base: str, callers: list[str], workers: int) -> list[tuple[str, dict, dict]]:
    """Bring one call per caller to "your latest order, press 1" (untimed) and return the timed requests."""

    def prepare(caller: str):
        sid = "CA" + uuid4().hex
        with requests.Session() as http:
            for path, extra in (("/voice/incoming", {}), ("/voice/ivr/input?step=main_menu", {"Digits": "1"})):
                form = call_form(sid, caller, **extra)
                http.post(base + path, data=form, headers=sign(base + path, form), timeout=30).raise_for_status()
        form = call_form(sid, caller, Digits="1")
        return base + TIMED_STEP, form, sign(base + TIMED_STEP, form)

    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(prepare, callers))


def bare_requests(base: str, n: int) -> list[tuple[str, dict, dict]]:
    url = base + "/bench/bare"
    return [(url, form, sign(url, form)) for form in (call_form("CA" + uuid4().hex, "+79160000000") for _ in range(n))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="a database with customers (default: fresh SQLite + demo data)")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/12")
    parser.add_argument("--customers", type=int, default=2000, help="demo customers for a fresh database")
    parser.add_argument("--requests", type=int, default=1000, help="per round and variant")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--threads", type=int, help="gunicorn threads per worker (default: the Procfile's voice line)")
    parser.add_argument("--workers", type=int, help="gunicorn worker processes (default: the Procfile's voice line)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    database_url = args.database_url or f"sqlite:///{Path(tempfile.mkdtemp(prefix='bench-ivr-')) / 'bench.sqlite3'}"
    callers = callers_with_orders(database_url, args.customers, args.requests)
    with WebServer("bench.webhook_app:app", process="voice", database_url=database_url, redis_url=args.redis_url,
                   options=gunicorn_options(args)) as server:
        def measure(to_send: list[tuple[str, dict, dict]], expect: bytes, cpu: list[float]):
            started = server.cpu_seconds()
            result = run_closed_loop(to_send, args.concurrency, expect=expect)
            cpu.append((server.cpu_seconds() - started) / len(to_send) * 1000)
            return result

        measure(bare_requests(server.url, len(callers)), b"Hello", [])  # warm-up
        bare, step, bare_cpu, step_cpu = [], [], [], []
        for _ in range(args.rounds):  # interleaved
            bare.append(measure(bare_requests(server.url, len(callers)), b"Hello", bare_cpu))
            step.append(measure(calls_at_the_timed_step(server.url, callers, args.concurrency), b"<Say", step_cpu))
    return throughput_report(summarize("bare constant TwiML", bare), summarize("IVR step + order lookup", step),
                             bare_cpu=bare_cpu, voice_cpu=step_cpu, key="ivr_step", label="IVR step",
                             as_json=args.json, database=database_url.split(":")[0], callers=len(callers))

if __name__ == "__main__":
    sys.exit(main())
