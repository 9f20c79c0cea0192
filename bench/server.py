"""Run the platform the way the Procfile does (gunicorn, threads) for a benchmark, and sign Twilio requests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests
from twilio.request_validator import RequestValidator

from callcenter.config import SANDBOX_AUTH_TOKEN

ROOT = Path(__file__).resolve().parent.parent


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


def sign(url: str, form: dict) -> dict:
    """The headers Twilio would send with this form POST."""
    return {"X-Twilio-Signature": RequestValidator(SANDBOX_AUTH_TOKEN).compute_signature(url, form)}
