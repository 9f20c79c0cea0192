"""PostgreSQL restarted under a running web process (a private cluster: the shared server is never touched):
while it is down, webhooks answer the safe TwiML and the API a 503 JSON error at once; once it is back, the
same process serves calls and requests again, each call recorded once."""

from __future__ import annotations

import time

import pytest
import requests
import sqlalchemy as sa
from lxml import etree
from sqlalchemy.orm import Session
from twilio.request_validator import RequestValidator

from callcenter.voice.twiml import APOLOGY
from crm_core import models
from crm_core.db import make_engine
from crm_core.users import create_user, issue_api_token

from .conftest import interactions_of

CALLER = "+79161234567"
ANSWERS_WITHIN = 5.0  # seconds: failing cleanly means failing fast, not holding the request


@pytest.fixture
def private_engine(private_postgres_emptied):
    """An engine on the private cluster, for the test's own reads and writes."""
    engine = make_engine(private_postgres_emptied.url)
    yield engine
    engine.dispose()


def test_a_postgres_restart_fails_requests_cleanly_and_the_same_process_recovers(
        private_postgres_emptied, private_engine, serve_platform, redis_url, redis_client, twiml_schema):
    postgres = private_postgres_emptied
    with Session(private_engine) as session:
        token = issue_api_token(session, create_user(session, username="restart_agent", full_name="Agent",
                                                     role="agent", password="correct horse"), "fault test")
        session.commit()
    platform = serve_platform(postgres.url, redis_url)
    api = requests.Session()
    api.headers["Authorization"] = f"Bearer {token}"
    history = f"{platform.url}/api/history"

    before = platform.call_in(CALLER, [{"hangup": True}])
    assert api.get(history, params={"phone": CALLER}, timeout=10).status_code == 200

    postgres.stop()
    try:
        started = time.monotonic()
        down = api.get(history, params={"phone": CALLER}, timeout=30)
        assert time.monotonic() - started < ANSWERS_WITHIN
        assert down.status_code == 503 and down.json()["error"] == "service_unavailable", down.text

        started = time.monotonic()
        webhook = _signed_post(platform, "/voice/incoming", {"CallSid": "CA" + "f" * 32, "From": CALLER,
                                                             "To": platform.number, "Direction": "inbound"})
        assert time.monotonic() - started < ANSWERS_WITHIN
        assert webhook.status_code == 200 and webhook.headers["Content-Type"].startswith("text/xml")
        document = etree.fromstring(webhook.content)
        assert twiml_schema.validate(document), twiml_schema.error_log
        assert [say.text for say in document.iter("Say")] == list(APOLOGY.values())
        assert document.find("Enqueue") is not None  # the caller is still put through to an agent

        health = requests.get(f"{platform.url}/healthz", timeout=30)
        assert health.status_code == 503 and health.json()["checks"]["database"].startswith("error")
    finally:
        postgres.start()

    after = platform.call_in(CALLER, [{"press": "2"}, {"hangup": True}])
    assert [e["status_code"] for e in after["transcript"] if e["event"] == "fetch"] == [200, 200]
    assert "Hello! For English, press 2." in [e.get("text") for e in after["transcript"]]
    assert api.get(history, params={"phone": CALLER}, timeout=10).status_code == 200
    assert requests.get(f"{platform.url}/healthz", timeout=10).status_code == 200

    private_engine.dispose()  # the test's own pooled connection died with the server; the platform's are its job
    for call in (before, after):
        [interaction] = interactions_of(private_engine, call["sid"])
        assert interaction.status == "completed"
    with private_engine.connect() as connection:
        assert connection.scalar(sa.select(sa.func.count()).select_from(models.Interaction)) == 2


def _signed_post(platform, path: str, params: dict) -> requests.Response:
    """POST a webhook signed as Twilio signs it."""
    url = platform.app.config["VOICE_BASE_URL"] + path
    signature = RequestValidator(platform.app.config["TWILIO_AUTH_TOKEN"]).compute_signature(url, params)
    return requests.post(platform.url + path, data=params, headers={"X-Twilio-Signature": signature}, timeout=30)
