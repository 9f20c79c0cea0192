"""Benchmark: importing a 1,000,000-row call list against a bare loop of `phonenumbers.parse` + `is_valid_number`
over the same file, same run; and the peak memory of the whole process tree during the import.
Targets: at least 1.0x the bare loop's rows per second, under 500 MB peak.

    python bench/import.py [--database-url postgresql://root@127.0.0.1/bench_import] [--rows 1000000]

The database given is emptied and migrated first: use a dedicated one.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import shutil
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import phonenumbers
import sqlalchemy as sa
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crm_core import schema  # noqa: E402
from crm_core.db import Base, make_engine  # noqa: E402
from dialer.campaigns import create_campaign  # noqa: E402
from dialer.imports import import_call_list  # noqa: E402

US_AREAS = (212, 213, 305, 312, 415, 503, 602, 617, 702, 713, 808, 907)
FIRST_NAMES = ("Иван", "Мария", "Ольга", "Пётр", "John", "Mary", "Анна", "Сергей")
CITIES = ("Москва", "Казань", "Новосибирск", "Владивосток", "New York", "Chicago")


def generate(path: Path, rows: int, seed: int) -> None:
    """A deterministic list: Russian and US numbers in the formats people type, about 4% junk and 2% repeats."""
    rnd = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f, delimiter=";")
        out.writerow(("Телефон", "ФИО", "Город", "Согласие"))
        recent: list[str] = []
        for i in range(rows):
            pick = rnd.random()
            if pick < 0.46:
                phone = rnd.choice(("8 (9{:02d}) {:03d}-{:02d}-{:02d}", "+7 9{:02d} {:03d} {:02d} {:02d}")).format(
                    rnd.randrange(100), rnd.randrange(1000), rnd.randrange(100), rnd.randrange(100))
            elif pick < 0.94:
                phone = "+1 ({}) {:03d}-{:04d}".format(rnd.choice(US_AREAS), rnd.randrange(201, 1000),
                                                       rnd.randrange(10000))
            elif pick < 0.98:
                phone = rnd.choice(("n/a", "", "12345", "+7 000", "call me", "8 800"))
            else:
                phone = rnd.choice(recent) if recent else "+7 912 000 00 00"
            if i % 97 == 0:
                recent = (recent + [phone])[-50:]
            out.writerow((phone, f"{rnd.choice(FIRST_NAMES)} {i}", rnd.choice(CITIES), rnd.choice(("да", ""))))


def bare_loop(path: Path) -> tuple[int, float]:
    """Rows per second of parse + is_valid_number over the phone column, nothing else."""
    started, valid = time.perf_counter(), 0
    with path.open(encoding="utf-8", newline="") as f:
        rows = csv.reader(f, delimiter=";")
        next(rows)
        for row in rows:
            try:
                valid += phonenumbers.is_valid_number(phonenumbers.parse(row[0], "RU"))
            except phonenumbers.NumberParseException:
                pass
    return valid, time.perf_counter() - started


class TreeMemory:
    """Samples the resident memory of this process and all its descendants (from /proc) and keeps the peak."""

    def __init__(self, interval: float = 0.1):
        self.interval, self.peak, self._stop = interval, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *_):
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.peak = max(self.peak, sum(_rss(pid) for pid in _tree(os.getpid())))


def _tree(root: int) -> list[int]:
    """root and its descendants, from the kernel's per-thread children lists (no scan of all of /proc)."""
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        found.append(pid)
        try:
            for task in os.listdir(f"/proc/{pid}/task"):
                stack.extend(int(c) for c in Path(f"/proc/{pid}/task/{task}/children").read_text().split())
        except OSError:
            continue
    return found


def _rss(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def prepare_database(url: str) -> None:
    """Empty the database and migrate it to the newest schema."""
    engine = make_engine(url)
    with engine.begin() as connection:
        Base.metadata.drop_all(connection)
        connection.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
    engine.dispose()
    schema.upgrade(url)


def cpu_seconds() -> float:
    """User + system CPU time of this process and its finished children (the import's workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def database_cpu_seconds(pid: int | None) -> float | None:
    """User + system CPU time of the PostgreSQL backend `pid` (COPY, index upkeep, foreign-key checks), or None
    when it cannot be read: SQLite, or a server on another machine."""
    if pid is None:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_import(url: str, path: Path, workers: int | None) -> tuple[dict, float, int, float | None]:
    """Import the file in one transaction; returns the list's counters, seconds, peak tree RSS and the CPU
    seconds the database backend spent on it (None if unknown)."""
    engine = make_engine(url)
    with Session(engine) as session:
        campaign = create_campaign(session, name="bench", profile_code="RU", caller_id="+74950000000",
                                   default_region="RU")
        session.commit()
        backend = (session.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar()
                   if engine.dialect.name == "postgresql" else None)
        database_cpu = database_cpu_seconds(backend)
        with TreeMemory() as memory, path.open("rb") as stream:
            started = time.perf_counter()
            call_list = import_call_list(session, stream, campaign=campaign, name="bench", default_region="RU",
                                         now=datetime.now(timezone.utc), file_name=path.name, workers=workers)
            session.commit()
            elapsed = time.perf_counter() - started
            if database_cpu is not None:
                database_cpu = database_cpu_seconds(backend) - database_cpu
        counters = {k: getattr(call_list, k) for k in ("rows_total", "leads_count", "rejected_count",
                                                        "duplicates_count", "linked_count")}
    engine.dispose()
    return counters, elapsed, memory.peak, database_cpu


def measure_round(url: str, path: Path, rows: int, workers: int | None) -> dict:
    """One round on a freshly migrated database: bare loop, import, bare loop again.

    The two bare loops are averaged: on a shared machine the load drifts during a run, and this keeps both
    sides under the same conditions. CPU seconds are what such load cannot inflate: the import's total over all
    its processes, plus the PostgreSQL backend's when it runs on this machine (it shares the same cores),
    against the bare loop's gives the ratio the import would reach with the cores to itself.
    """
    prepare_database(url)
    cpu = cpu_seconds()
    valid, bare_before = bare_loop(path)
    bare_cpu, cpu = cpu_seconds() - cpu, cpu_seconds()
    counters, import_seconds, peak, database_cpu = run_import(url, path, workers)
    import_cpu = cpu_seconds() - cpu
    _, bare_after = bare_loop(path)
    bare_rps = rows / ((bare_before + bare_after) / 2)
    import_rps = rows / import_seconds
    return {
        "bare_valid": valid, "bare_seconds": [round(bare_before, 1), round(bare_after, 1)],
        "bare_rows_per_s": round(bare_rps), "import_seconds": round(import_seconds, 1),
        "import_rows_per_s": round(import_rps), "ratio": round(import_rps / bare_rps, 2),
        "bare_cpu_seconds": round(bare_cpu, 1), "import_cpu_seconds": round(import_cpu, 1),
        "database_cpu_seconds": None if database_cpu is None else round(database_cpu, 1),
        "ratio_if_cores_free": round(bare_cpu / ((import_cpu + (database_cpu or 0)) / (os.cpu_count() or 1)), 2),
        "peak_rss_mb": round(peak / 2**20), **counters,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=1, help="the median round is reported")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, help="normalizing processes (default: one per core)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench-import-"))
    url = args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    path = workdir / "list.csv"
    generate(path, args.rows, args.seed)
    rounds = [measure_round(url, path, args.rows, args.workers) for _ in range(args.rounds)]
    median = sorted(rounds, key=lambda r: r["ratio"])[len(rounds) // 2]
    peak = max(r["peak_rss_mb"] for r in rounds)
    report = {"database": url.split(":")[0], "rows": args.rows, "file_mb": round(path.stat().st_size / 2**20, 1),
              "cores": os.cpu_count(), "target_ratio": 1.0, "target_peak_mb": 500, "median": median,
              "rounds": rounds, "peak_rss_mb": peak, "pass": median["ratio"] >= 1.0 and peak < 500}
    shutil.rmtree(workdir)
    if args.json:
        print(json.dumps(report, indent=2))
        return 0 if report["pass"] else 1
    print(f"{args.rows} rows ({report['file_mb']} MB) on {report['database']}, {report['cores']} cores, "
          f"{args.rounds} round(s)")
    for i, r in enumerate(rounds, 1):
        database = "" if r["database_cpu_seconds"] is None else f" + PostgreSQL {r['database_cpu_seconds']}"
        print(f"round {i}: bare {r['bare_rows_per_s']:6d} rows/s (bare loop {r['bare_seconds'][0]} s before, "
              f"{r['bare_seconds'][1]} s after), import {r['import_rows_per_s']:6d} rows/s ({r['import_seconds']} s, "
              f"{r['leads_count']} leads, {r['rejected_count']} rejected), ratio {r['ratio']:.2f}; CPU s bare "
              f"{r['bare_cpu_seconds']} import {r['import_cpu_seconds']}{database} -> "
              f"{r['ratio_if_cores_free']:.2f} with free cores; peak {r['peak_rss_mb']} MB")
    print(f"median ratio import/bare = {median['ratio']:.2f} (target >= 1.0); peak RSS of the process tree {peak} MB "
          f"(target < 500): {'PASS' if report['pass'] else 'FAIL'}")
    return 0 if report["pass"] else 1


if __name__ == "__main__":
    sys.exit(main())
