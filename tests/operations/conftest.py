"""Operations fixtures: the log lines a test produced, and a scrape of /metrics as numbers."""

from __future__ import annotations

import io
import json
import logging

import pytest
import redis
from prometheus_client.parser import text_string_to_metric_families
from redis.backoff import NoBackoff
from redis.retry import Retry

from callcenter.call_logging import log_handler
from tests.conftest import free_port
# Fixtures shared with the console and dialing tests.
from tests.console.conftest import desk_client, login_as  # noqa: F401
from tests.dialing.conftest import make_dialing_campaign, platform_process  # noqa: F401


@pytest.fixture
def log_lines():
    """Capture every INFO+ line logged during the test as the platform writes it; returns a reader that takes a
    format ("json": parsed objects, "text": strings)."""
    streams = {fmt: io.StringIO() for fmt in ("json", "text")}
    handlers = [log_handler(fmt, stream) for fmt, stream in streams.items()]
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.INFO)
    for handler in handlers:
        root.addHandler(handler)

    def read(fmt: str = "json") -> list:
        lines = streams[fmt].getvalue().splitlines()
        return [json.loads(line) for line in lines] if fmt == "json" else lines

    yield read
    for handler in handlers:
        root.removeHandler(handler)
    root.setLevel(level)


@pytest.fixture
def redis_outage():
    """Take an app's Redis down (nothing listens at its address; the client fails at once, without retries);
    it is back before the fixtures set up earlier are torn down."""
    down = []

    def take_down(app) -> None:
        down.append((app, app.extensions["redis"]))
        app.extensions["redis"] = redis.Redis(port=free_port(), retry=Retry(NoBackoff(), 0), socket_connect_timeout=2)

    yield take_down
    for app, client in down:
        app.extensions["redis"].close()
        app.extensions["redis"] = client


@pytest.fixture
def scrape(client):
    """GET /metrics as a local scraper; returns {(name, frozenset of labels): value} of every sample."""

    def get(**request) -> dict:
        response = client.get("/metrics", **request)
        assert response.status_code == 200, response.data
        assert response.mimetype == "text/plain"
        return {(sample.name, frozenset(sample.labels.items())): sample.value
                for family in text_string_to_metric_families(response.get_data(as_text=True))
                for sample in family.samples}

    return get


def sample(samples: dict, name: str, **labels) -> float:
    """One sample's value, 0 when the series does not exist yet."""
    return samples.get((name, frozenset(labels.items())), 0.0)
