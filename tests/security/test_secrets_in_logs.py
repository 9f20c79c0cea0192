"""Secrets never reach the logs: the Twilio auth token, passwords, API tokens and what callers key in to prove
who they are, through logins, signed webhooks, an IVR call through the sandbox and the provider's REST calls."""

from __future__ import annotations

import base64
import json
import logging
import re
from datetime import datetime, timezone

import pytest
import requests
import sqlalchemy as sa

from callcenter.config import SANDBOX_ACCOUNT_SID, SANDBOX_AUTH_TOKEN
from callcenter.telephony import provider
from crm_core import models
from crm_core.users import create_user, issue_api_token

PASSWORD = "Zq-correct-horse-8841"
WRONG_PASSWORD = "Zq-wrong-guess-5150"
POSTAL_CODE = "730946"  # the delivery address's, keyed in by a caller asking about someone else's order
IVR_NUMBER = "+74950001111"
CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')
pytestmark = pytest.mark.slow


def leaks(records, secrets: dict[str, str]) -> list[str]:
    """Which secrets appear in which records (message, arguments or traceback)."""
    found = []
    for record in records:
        text = " ".join((record.getMessage(), repr(record.args), record.exc_text or "", str(record.msg)))
        found += [f"{name} in {record.name}: {text[:200]}" for name, secret in secrets.items() if secret in text]
    return found


@pytest.fixture
def ivr_number(live_platform):
    """A sandbox number whose calls go straight to the IVR."""
    url = live_platform.url
    live_platform.sandbox.add_number(IVR_NUMBER, SANDBOX_ACCOUNT_SID, voice_url=url + "/voice/ivr",
                                     voice_fallback_url=url + "/voice/fallback", status_callback=url + "/voice/status")
    return IVR_NUMBER


@pytest.fixture
def strangers_order(committed_session):
    """Order 20077 of another customer, delivered to POSTAL_CODE."""
    owner = models.Customer(first_name="Пётр", language="ru")
    owner.phones = [models.PhoneNumber(e164="+79997776655", kind="mobile")]
    committed_session.add(owner)
    committed_session.flush()
    placed = datetime(2026, 5, 1, tzinfo=timezone.utc)
    committed_session.add(models.Order(
        customer_id=owner.id, number="20077", status="in_transit", carrier="СДЭК", total_minor=250000,
        delivery_postal_code=POSTAL_CODE, placed_at=placed,
        events=[models.OrderEvent(status="in_transit", occurred_at=placed)]))
    committed_session.commit()


def test_no_flow_logs_a_secret(live_platform, committed_session, ivr_number, strangers_order, caplog):
    caplog.set_level(logging.DEBUG)
    user = create_user(committed_session, username="olga", full_name="Ольга", role="agent", password=PASSWORD)
    api_token = issue_api_token(committed_session, user, "crm")
    committed_session.commit()
    base = live_platform.url

    with requests.Session() as browser:  # a login over HTTP: a wrong password, then the right one
        for password in (WRONG_PASSWORD, PASSWORD):
            token = CSRF.search(browser.get(base + "/login").text).group(1)
            browser.post(base + "/login", data={"username": "olga", "password": password, "csrf_token": token})
        assert browser.get(base + "/desk", allow_redirects=False).status_code == 200
    assert requests.get(base + "/api/customers?q=20077", headers={"Authorization": f"Bearer {api_token}"}
                        ).status_code == 200

    # A caller asks about someone else's order and proves it with the delivery postal code (signed webhooks).
    sid = live_platform.sandbox.place_call("+79035550120", ivr_number, [
        {"press": "1"}, {"press": "1"}, {"press": "20077#"}, {"press": f"{POSTAL_CODE}#"}, {"hangup": True}],
        patience=5)
    call = live_platform.sandbox.wait(sid, timeout=60)
    assert any(e["event"] == "fetch" and "/voice/ivr/input" in e["url"] for e in call["transcript"])

    waiting = live_platform.sandbox.place_call("+79035550121", ivr_number, None, patience=300)
    with live_platform.app.app_context():  # a REST call of the provider, authenticated with the auth token
        provider().hang_up(waiting)
    assert live_platform.sandbox.wait(waiting, timeout=30)["status"] == "completed"

    basic = base64.b64encode(f"{SANDBOX_ACCOUNT_SID}:{SANDBOX_AUTH_TOKEN}".encode()).decode()
    secrets = {"auth token": SANDBOX_AUTH_TOKEN, "basic credentials": basic, "password": PASSWORD,
               "wrong password": WRONG_PASSWORD, "API token": api_token, "postal code": POSTAL_CODE}
    # The sandbox plays the caller's phone, which may well know the caller's postal code: only our logs count.
    ours = [r for r in caplog.records if not r.name.startswith("twilio_sandbox")]
    assert len(ours) > 20  # the flows did log (requests, webhooks, REST calls)
    assert leaks(ours, secrets) == []

    # Nor the call's own record: its IVR path, context and session-log events show the answer masked.
    committed_session.expire_all()
    record = committed_session.scalars(sa.select(models.Interaction).where(models.Interaction.call_sid == sid)).one()
    events = committed_session.scalars(sa.select(models.InteractionEvent.detail)
                                       .where(models.InteractionEvent.interaction_id == record.id)).all()
    stored = json.dumps([record.ivr_path, record.context, events], ensure_ascii=False)
    assert "ask_postal_code" in stored and POSTAL_CODE not in stored
