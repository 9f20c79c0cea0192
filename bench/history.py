"""Benchmark: the screen-pop `customer_history(phone=...)` against the same lookup written as ONE hand-tuned SQL
statement, measured in the same run on the same engine. Targets: p99 under 10 ms and within 1.5x of the
hand-written statement, with 1,000,000 customers and about 10,000,000 interactions on PostgreSQL.

    python bench/history.py --database-url postgresql://127.0.0.1/bench_history --customers 1000000 --seed 1 \\
        --samples 2000 [--load] [--json]

`--load` creates the database if needed, migrates it and loads the demo data if it has no customers (about
20 minutes for a million customers). Not a test: it prints figures, the baseline measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

import phonenumbers
import sqlalchemy as sa
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.throughput import percentile  # noqa: E402
from crm_core import models, schema  # noqa: E402
from crm_core.db import make_engine, postgres_with_psycopg  # noqa: E402
from crm_core.demo_data import load_demo_data  # noqa: E402
from crm_core.history import customer_history  # noqa: E402

PAGE_SIZE = 20
P99_TARGET_MS = 10.0
RATIO_TARGET = 1.5
# How many of the longest histories (by calls, and by orders) are always among the samples.
LONGEST = 20

# The screen-pop as one statement: profile, phones, orders with their last event, the newest page of the timeline
# (one extra row tells whether there is more), open tickets and pending callbacks, as one JSON document.
HAND_WRITTEN = sa.text("""
SELECT json_build_object(
  'customer', (SELECT row_to_json(c) FROM (
      SELECT id, kind, first_name, last_name, company_name, email, language, time_zone, segment, birthday,
             postal_code, consent_calls, consent_marketing, consent_recording, created_at
      FROM customers WHERE id = p.customer_id) c),
  'phones', (SELECT coalesce(json_agg(json_build_object('e164', e164, 'kind', kind, 'region', region,
                                                        'label', label, 'is_primary', is_primary) ORDER BY id), '[]')
             FROM phone_numbers WHERE customer_id = p.customer_id),
  'orders', (SELECT coalesce(json_agg(json_build_object(
                 'id', o.id, 'number', o.number, 'status', o.status, 'items', o.items, 'currency', o.currency,
                 'total_minor', o.total_minor, 'carrier', o.carrier, 'tracking_number', o.tracking_number,
                 'promised_delivery', o.promised_delivery, 'estimated_delivery', o.estimated_delivery,
                 'delivered_at', o.delivered_at, 'placed_at', o.placed_at, 'last_event', last.event)
               ORDER BY o.placed_at DESC, o.id DESC), '[]')
             FROM orders o
             LEFT JOIN LATERAL (
               SELECT json_build_object('status', e.status, 'description', e.description, 'location', e.location,
                                        'occurred_at', e.occurred_at) AS event
               FROM order_events e WHERE e.order_id = o.id ORDER BY e.occurred_at DESC, e.id DESC LIMIT 1
             ) last ON true
             WHERE o.customer_id = p.customer_id),
  'interactions', (SELECT coalesce(json_agg(row_to_json(i) ORDER BY i.started_at DESC, i.id DESC), '[]') FROM (
      SELECT i.id, i.channel, i.direction, i.call_sid, i.from_number, i.to_number, u.full_name AS agent, i.queue,
             i.status, i.started_at, i.answered_at, i.ended_at, i.duration_seconds, i.talk_seconds, i.disposition,
             i.notes, i.ivr_path, i.recording_url
      FROM interactions i LEFT JOIN users u ON u.id = i.agent_id
      WHERE i.customer_id = p.customer_id
      ORDER BY i.started_at DESC, i.id DESC LIMIT :page_plus_one) i),
  'open_tickets', (SELECT coalesce(json_agg(json_build_object(
                       'id', id, 'subject', subject, 'status', status, 'priority', priority,
                       'escalation_level', escalation_level, 'order_id', order_id, 'created_at', created_at)
                     ORDER BY created_at DESC), '[]')
                   FROM tickets WHERE customer_id = p.customer_id AND status IN ('open', 'pending')),
  'pending_callbacks', (SELECT coalesce(json_agg(json_build_object(
                            'id', id, 'kind', kind, 'phone', phone_e164, 'due_at', due_at, 'owner_id', owner_id,
                            'status', status, 'note', note) ORDER BY due_at), '[]')
                        FROM tasks WHERE customer_id = p.customer_id AND kind = 'callback' AND status = 'pending')
)
FROM phone_numbers p WHERE p.e164 = :e164
""")


def ensure_database(url: str) -> None:
    """CREATE DATABASE if it does not exist (connected to the server's `postgres` database)."""
    target = sa.engine.make_url(postgres_with_psycopg(url))
    server = make_engine(target.set(database="postgres").render_as_string(hide_password=False))
    try:
        with server.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            exists = connection.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                       {"name": target.database})
            if not exists:
                connection.exec_driver_sql(f'CREATE DATABASE "{target.database}"')
                print(f"created database {target.database}", file=sys.stderr)
    finally:
        server.dispose()


def load(url: str, engine, customers: int, seed: int, region: str) -> None:
    """Migrate, and load the demo data unless there are customers already."""
    ensure_database(url)
    schema.upgrade(postgres_with_psycopg(url))
    with engine.connect() as connection:
        if connection.scalar(sa.select(sa.func.count()).select_from(sa.select(models.Customer.id).limit(1).subquery())):
            print("customers present: not loading", file=sys.stderr)
            return
    started = time.perf_counter()
    last = [0.0]

    def progress(done: int, total: int) -> None:
        elapsed = time.perf_counter() - started
        if elapsed - last[0] >= 30 or done == total:
            last[0] = elapsed
            print(f"  {done:>9,}/{total:,} customers  {elapsed:7.0f} s  {done / elapsed:7.0f} customers/s",
                  file=sys.stderr, flush=True)

    summary = load_demo_data(engine, customers=customers, seed=seed, default_region=region, progress=progress)
    elapsed = time.perf_counter() - started
    rows = sum(getattr(summary, f) for f in ("customers", "phones", "orders", "order_events", "interactions",
                                              "interaction_events", "tickets", "tasks", "do_not_call"))
    print(f"loaded in {elapsed:.0f} s: {rows:,} rows ({rows / elapsed:,.0f} rows/s), {summary}", file=sys.stderr)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE")  # visibility map for index-only scans, fresh statistics


def as_caller_types_it(e164: str, default_region: str) -> str:
    """A number the way a caller (or an agent) would write it: national format at home, international abroad."""
    parsed = phonenumbers.parse(e164)
    home = phonenumbers.region_code_for_number(parsed) == default_region
    return phonenumbers.format_number(
        parsed, phonenumbers.PhoneNumberFormat.NATIONAL if home else phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def pick_samples(connection, n: int, seed: int) -> tuple[list[str], list[str]]:
    """E.164 numbers to look up, and those of the longest histories.

    Half are numbers of uniformly random customers; half are numbers of the customer of a uniformly random
    interaction, i.e. weighted by how often customers call, as real screen-pops are; and the customers with
    the most calls and the most orders are always included.
    """
    rng = random.Random(seed)
    i, o, p = models.Interaction, models.Order, models.PhoneNumber
    low, high = connection.execute(sa.select(sa.func.min(models.Customer.id), sa.func.max(models.Customer.id))).one()
    max_interaction = connection.scalar(sa.select(sa.func.max(i.id)))
    longest = list(connection.scalars(
        sa.select(i.customer_id).where(i.customer_id.is_not(None)).group_by(i.customer_id)
        .order_by(sa.func.count().desc()).limit(LONGEST)))
    longest += list(connection.scalars(
        sa.select(o.customer_id).group_by(o.customer_id).order_by(sa.func.count().desc()).limit(LONGEST)))
    random_customers = [rng.randint(low, high) for _ in range(n // 2)]
    callers = list(connection.scalars(
        sa.select(i.customer_id).where(i.id.in_([rng.randint(1, max_interaction) for _ in range(n - n // 2)]),
                                       i.customer_id.is_not(None))))
    wanted = longest + random_customers + callers
    phones: dict[int, list[str]] = {}
    for customer_id, e164 in connection.execute(
            sa.select(p.customer_id, p.e164).where(p.customer_id.in_(set(wanted))).order_by(p.id)):
        phones.setdefault(customer_id, []).append(e164)
    chosen = [rng.choice(phones[c]) for c in wanted if c in phones]
    heavy = [phones[c][0] for c in longest]
    rng.shuffle(chosen)
    return chosen[:n], heavy


def history_lookup(connection, e164: str, default_region: str) -> dict:
    """The platform's screen-pop, end to end: normalization, its queries, the dict."""
    with Session(bind=connection) as session:
        return customer_history(session, phone=as_caller_types_it(e164, default_region),
                                default_region=default_region, page_size=PAGE_SIZE).as_dict()


def hand_written_lookup(connection, e164: str) -> dict:
    """The same content from one hand-written statement, as Python objects."""
    try:
        return connection.execute(HAND_WRITTEN, {"e164": e164, "page_plus_one": PAGE_SIZE + 1}).scalar_one()
    finally:
        connection.rollback()


def same_content(history: dict, baseline: dict) -> list[str]:
    """What differs between the two answers (ids of phones, orders, interactions, tickets, callbacks)."""
    problems = []
    pairs = [("phones", "e164"), ("orders", "number"), ("open_tickets", "id"), ("pending_callbacks", "id")]
    for key, field in pairs:
        if [x[field] for x in history[key]] != [x[field] for x in baseline[key]]:
            problems.append(key)
    if [x["id"] for x in history["interactions"]] != [x["id"] for x in baseline["interactions"]][:PAGE_SIZE]:
        problems.append("interactions")
    if [o["last_event"]["status"] for o in history["orders"]] != [o["last_event"]["status"] for o in baseline["orders"]]:
        problems.append("orders.last_event")
    if history["customer"]["id"] != baseline["customer"]["id"]:
        problems.append("customer")
    return problems


def stats(latencies: list[float]) -> dict:
    """Percentiles in milliseconds."""
    return {"p50_ms": percentile(latencies, 50) * 1000, "p95_ms": percentile(latencies, 95) * 1000,
            "p99_ms": percentile(latencies, 99) * 1000, "max_ms": max(latencies) * 1000, "n": len(latencies)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="postgresql://127.0.0.1/bench_history")
    parser.add_argument("--customers", type=int, default=1_000_000, help="to load with --load")
    parser.add_argument("--seed", type=int, default=1, help="of the demo data and of the sample")
    parser.add_argument("--samples", type=int, default=2000, help="lookups per variant")
    parser.add_argument("--default-region", default="RU")
    parser.add_argument("--load", action="store_true", help="create, migrate and load the database if empty")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    engine = make_engine(args.database_url)
    if engine.dialect.name != "postgresql":
        parser.error("the hand-written baseline is PostgreSQL SQL")
    if args.load:
        load(args.database_url, engine, args.customers, args.seed, args.default_region)
    if schema.current_revision(engine) != schema.head_revision():
        parser.error("the database is not at the code's schema revision: run with --load (it migrates)")

    with engine.connect() as connection:
        sizes = {name: connection.scalar(sa.text(f"SELECT reltuples::bigint FROM pg_class WHERE relname = '{name}'"))
                 for name in ("customers", "orders", "order_events", "interactions")}
        version = connection.scalar(sa.text("SHOW server_version"))
        samples, heavy = pick_samples(connection, args.samples, args.seed)
        connection.rollback()

        mismatches = {}
        for e164 in heavy[:LONGEST] + samples[:50]:
            problems = same_content(history_lookup(connection, e164, args.default_region),
                                    hand_written_lookup(connection, e164))
            if problems:
                mismatches[e164] = problems
        connection.rollback()

        for e164 in samples:  # warm-up: both variants are then measured on a warm cache
            history_lookup(connection, e164, args.default_region)
            hand_written_lookup(connection, e164)
        connection.rollback()

        timings: dict[str, list[float]] = {"history": [], "hand_written": []}
        variants = {"history": lambda e: history_lookup(connection, e, args.default_region),
                    "hand_written": lambda e: hand_written_lookup(connection, e)}
        for n, e164 in enumerate(samples):  # interleaved, alternating which goes first
            for name in (("history", "hand_written") if n % 2 == 0 else ("hand_written", "history")):
                started = time.perf_counter()
                variants[name](e164)
                timings[name].append(time.perf_counter() - started)
            connection.rollback()
    engine.dispose()

    history, baseline = stats(timings["history"]), stats(timings["hand_written"])
    ratio = history["p99_ms"] / baseline["p99_ms"]
    report = {
        "postgresql": version, "rows": sizes, "samples": len(samples), "page_size": PAGE_SIZE,
        "load_average": os.getloadavg(), "history": history, "hand_written": baseline, "ratio_p99": ratio,
        "correctness": {"checked": len(heavy[:LONGEST]) + len(samples[:50]), "mismatches": mismatches},
        "targets": {"p99_ms": P99_TARGET_MS, "ratio_p99": RATIO_TARGET},
        "pass_p99": history["p99_ms"] < P99_TARGET_MS, "pass_ratio": ratio <= RATIO_TARGET,
    }
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        print(f"PostgreSQL {version}: {sizes['customers']:,} customers, {sizes['interactions']:,} interactions, "
              f"{sizes['orders']:,} orders, {sizes['order_events']:,} order events (estimates); "
              f"{len(samples)} lookups each, load average {report['load_average'][0]:.1f}")
        print(f"{'':<34}{'p50':>8}{'p95':>8}{'p99':>8}{'max':>8}  ms")
        for label, s in (("customer_history(phone=...)", history), ("hand-written single statement", baseline)):
            print(f"{label:<34}{s['p50_ms']:8.2f}{s['p95_ms']:8.2f}{s['p99_ms']:8.2f}{s['max_ms']:8.2f}")
        print(f"ratio p99 customer_history / hand-written = {ratio:.2f}x")
        print(f"{'PASS' if report['pass_p99'] else 'FAIL'}  p99 {history['p99_ms']:.2f} ms < {P99_TARGET_MS:g} ms")
        print(f"{'PASS' if report['pass_ratio'] else 'FAIL'}  p99 ratio {ratio:.2f}x <= {RATIO_TARGET:g}x")
        print(f"correctness: {'same content' if not mismatches else 'MISMATCH ' + repr(mismatches)} "
              f"({report['correctness']['checked']} lookups compared)")
    return 0 if report["pass_p99"] and report["pass_ratio"] and not mismatches else 1


if __name__ == "__main__":
    sys.exit(main())
