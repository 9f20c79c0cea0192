"""Throughput and latency measurement for the HTTP benchmarks: a bounded closed-loop load generator, percentiles
and the voice-vs-bare throughput report."""

from __future__ import annotations

import json
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


THROUGHPUT_TARGET = 0.5  # a voice route against the bare constant-TwiML route (issues 3 and 4)


def throughput_report(bare: dict, voice: dict, *, bare_cpu: list[float], voice_cpu: list[float], key: str,
                      label: str, as_json: bool, **context) -> int:
    """Print a voice route's summary against the bare route's, with the server's median CPU per request (all its
    workers; JSON, or a line each and the verdict), and return the exit status: 0 when the ratio reaches the
    target."""
    bare["server_cpu_ms"], voice["server_cpu_ms"] = statistics.median(bare_cpu), statistics.median(voice_cpu)
    ratio = voice["rps"] / bare["rps"]
    report = {**context, "bare": bare, key: voice, "throughput_ratio": ratio, "target": THROUGHPUT_TARGET,
              "pass": ratio >= THROUGHPUT_TARGET and voice["errors"] == 0}
    if as_json:
        print(json.dumps(report, indent=2))
    else:
        width = max(22, len(voice["name"]) + 1)
        for r in (bare, voice):
            print(f"{r['name']:<{width}} {r['rps']:8.0f} req/s  p50 {r['p50_ms']:6.1f} ms  p99 {r['p99_ms']:6.1f} ms  "
                  f"server CPU {r['server_cpu_ms']:.2f} ms/request  errors {r['errors']}")
        print(f"throughput ratio {label}/bare = {ratio:.2f} (target >= {THROUGHPUT_TARGET}): "
              f"{'PASS' if report['pass'] else 'FAIL'}")
    return 0 if report["pass"] else 1

