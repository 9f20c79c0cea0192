"""Benchmark: `/voice/incoming` (signature check + interaction write + TwiML) against a bare constant-TwiML
route, on the same server (the Procfile's voice process), same concurrency, same run. Target: at least 0.5x the
bare throughput.

    python bench/webhook.py [--database-url postgresql://root@127.0.0.1/bench_webhook] [--requests 2000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from uuid import uuid4

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.throughput import run_closed_loop, summarize, throughput_report  # noqa: E402
from bench.server import WebServer, gunicorn_options, redis_or_embedded, sign  # noqa: E402
from callcenter.config import SANDBOX_ACCOUNT_SID  # noqa: E402
from crm_core import models, schema  # noqa: E402
from crm_core.db import make_engine  # noqa: E402

KNOWN_CALLERS = 1000


def prepare_database(url: str) -> None:
    """Migrate and give the caller-ID lookup real customers to find."""
    schema.upgrade(url)
    engine = make_engine(url)
    with engine.begin() as connection:
        if connection.scalar(sa.select(sa.func.count()).select_from(models.PhoneNumber)) < KNOWN_CALLERS:
            ids = range(1, KNOWN_CALLERS + 1)
            start = connection.scalar(sa.select(sa.func.coalesce(sa.func.max(models.Customer.id), 0)))
            connection.execute(sa.insert(models.Customer), [
                {"id": start + i, "kind": "person", "first_name": "Bench", "last_name": str(i), "language": "ru",
                 "consent_calls": False, "consent_marketing": False, "consent_recording": False,
                 "created_at": models.Customer.created_at.default.arg(None),
                 "updated_at": models.Customer.created_at.default.arg(None)} for i in ids])
            connection.execute(sa.insert(models.PhoneNumber), [
                {"customer_id": start + i, "e164": f"+7916{5000000 + start + i:07d}", "kind": "mobile",
                 "region": "RU", "is_primary": True, "created_at": models.Customer.created_at.default.arg(None)}
                for i in ids])
    engine.dispose()


def signed_requests(base: str, path: str, n: int) -> list[tuple[str, dict, dict]]:
    """n inbound-call webhooks, each a new CallSid from a known caller, signed as Twilio signs them."""
    out = []
    for i in range(n):
        caller = f"+7916{5000001 + i % KNOWN_CALLERS:07d}"
        form = {"CallSid": "CA" + uuid4().hex, "AccountSid": SANDBOX_ACCOUNT_SID, "From": caller, "To": "+74950000000",
                "Caller": caller, "Called": "+74950000000", "CallStatus": "ringing", "ApiVersion": "2010-04-01",
                "Direction": "inbound"}
        out.append((base + path, form, sign(base + path, form)))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    parser.add_argument("--redis-url", help="default: an embedded server")
    parser.add_argument("--requests", type=int, default=2000, help="per round and variant")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--threads", type=int, help="gunicorn threads per worker (default: the Procfile's voice line)")
    parser.add_argument("--workers", type=int, help="gunicorn worker processes (default: the Procfile's voice line)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench-webhook-"))
    database_url = args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    prepare_database(database_url)
    with redis_or_embedded(args.redis_url, workdir) as redis_url:
        with WebServer("bench.webhook_app:app", process="voice", database_url=database_url, redis_url=redis_url,
                       options=gunicorn_options(args)) as server:
            def measure(path: str, n: int, cpu: list[float] | None = None):
                expect = b"<Gather" if path == "/voice/incoming" else b"Hello"
                to_send = signed_requests(server.url, path, n)
                started = server.cpu_seconds()
                result = run_closed_loop(to_send, args.concurrency, expect=expect)
                if cpu is not None:
                    cpu.append((server.cpu_seconds() - started) / n * 1000)
                return result

            measure("/voice/incoming", 200)  # warm-up
            measure("/bench/bare", 200)
            bare, incoming, bare_cpu, incoming_cpu = [], [], [], []
            for _ in range(args.rounds):  # interleaved so both see the same machine state
                bare.append(measure("/bench/bare", args.requests, bare_cpu))
                incoming.append(measure("/voice/incoming", args.requests, incoming_cpu))

    return throughput_report(summarize("bare constant TwiML", bare), summarize("/voice/incoming", incoming),
                             bare_cpu=bare_cpu, voice_cpu=incoming_cpu, key="incoming", label="incoming",
                             as_json=args.json, database=database_url.split(":")[0], concurrency=args.concurrency)

if __name__ == "__main__":
    sys.exit(main())
