"""Shared pieces of the HTTP benchmarks: a bounded closed-loop load generator and percentile reports."""

from __future__ import annotations

import statistics
import threading
import time
from dataclasses import dataclass

import requests


@dataclass
class RunResult:
    """Latencies (seconds) and wall time of one measured round."""

    latencies: list[float]
    errors: int
    wall: float

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.wall


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (0-100) by nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def run_closed_loop(requests_to_send: list[tuple[str, dict, dict]], concurrency: int, *, expect: bytes,
                    timeout: float = 30) -> RunResult:
    """POST every (url, form, headers) once with `concurrency` threads, each on its own keep-alive session.

    A response counts as an error unless it is a 200 whose body contains `expect` (a safe apology is not success).
    """
    lock = threading.Lock()
    cursor = iter(requests_to_send)
    latencies: list[float] = []
    errors = 0

    def worker() -> None:
        nonlocal errors
        session = requests.Session()
        while True:
            with lock:
                item = next(cursor, None)
            if item is None:
                break
            url, form, headers = item
            started = time.perf_counter()
            try:
                response = session.post(url, data=form, headers=headers, timeout=timeout)
                ok = response.status_code == 200 and expect in response.content
            except requests.RequestException:
                ok = False
            elapsed = time.perf_counter() - started
            with lock:
                if ok:
                    latencies.append(elapsed)
                else:
                    errors += 1
        session.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return RunResult(latencies, errors, time.perf_counter() - started)


def summarize(name: str, rounds: list[RunResult]) -> dict:
    """Throughput and latency percentiles over all rounds of one variant."""
    latencies = [x for r in rounds for x in r.latencies]
    return {
        "name": name,
        "requests": len(latencies),
        "errors": sum(r.errors for r in rounds),
        "rps": statistics.median(r.rps for r in rounds),
        "p50_ms": percentile(latencies, 50) * 1000,
        "p99_ms": percentile(latencies, 99) * 1000,
    }
