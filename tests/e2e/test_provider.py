"""TwilioProvider drives the real `twilio` client against the sandbox over HTTP."""

import pytest
import sqlalchemy as sa

from callcenter.telephony import TwilioProvider
from callcenter.telephony.provider import TelephonyError
from crm_core import models
from tests.conftest import wait_until


@pytest.fixture
def provider(live_platform):
    """The live platform's provider (pointed at the sandbox by TWILIO_API_BASE_URL)."""
    return live_platform.app.extensions["telephony"]


def test_placed_call_goes_through_the_real_client_and_reports_back(live_platform, provider, committed_session):
    live_platform.sandbox.add_callee("+79265550000", "human", answer_after=1, talk_for=2)
    placed = provider.place_call("+79265550000", url=live_platform.url + "/voice/outbound",
                                 status_callback=live_platform.url + "/voice/status", machine_detection="Enable")
    assert placed.sid.startswith("CA") and placed.status == "queued"
    [logged] = [r for r in live_platform.sandbox.request_log() if r["path"].endswith("/Calls.json")]
    assert logged["method"] == "POST" and logged["auth_ok"]
    assert logged["params"]["To"] == "+79265550000" and logged["params"]["From"] == live_platform.number

    call = live_platform.sandbox.wait(placed.sid)
    assert call["answered_by"] == "human"
    committed_session.expire_all()
    [interaction] = committed_session.scalars(
        sa.select(models.Interaction).where(models.Interaction.call_sid == placed.sid)).all()
    assert (interaction.direction, interaction.status, interaction.answered_by) == ("outbound", "completed", "human")
    assert interaction.answered_at is not None and interaction.ended_at is not None
    statuses = sorted((e.detail["sequence"], e.detail["status"]) for e in interaction.events if e.kind == "status")
    assert [s for _, s in statuses] == ["initiated", "ringing", "in-progress", "completed"]


def test_machine_answer_is_hung_up(live_platform, provider):
    live_platform.sandbox.add_callee("+79265550001", "machine", answer_after=1, talk_for=30)
    placed = provider.place_call("+79265550001", url=live_platform.url + "/voice/outbound",
                                 status_callback=live_platform.url + "/voice/status", machine_detection="Enable")
    call = live_platform.sandbox.wait(placed.sid)
    assert call["answered_by"].startswith("machine")
    [hangup] = [e for e in call["transcript"] if e["event"] == "hangup"]
    assert hangup["by"] != "callee"  # our TwiML hung up, the machine did not run out


def test_bad_credentials_are_refused_as_twilio_does(live_platform):
    wrong = TwilioProvider(account_sid="AC" + "5a" * 16, auth_token="wrong-token", caller_id=live_platform.number,
                           api_base_url=live_platform.sandbox_url)
    with pytest.raises(TelephonyError) as error:
        wrong.place_call("+79265550000", url="http://x/y", status_callback="http://x/z")
    assert (error.value.status, error.value.code) == (401, 20003)


def test_live_call_can_be_hung_up(live_platform, provider):
    live_platform.sandbox.add_callee("+79265550002", "human", answer_after=0.5, talk_for=600)
    placed = provider.place_call("+79265550002", url=live_platform.url + "/voice/outbound",
                                 status_callback=live_platform.url + "/voice/status")
    wait_until(lambda: live_platform.sandbox.call(placed.sid)["status"] == "in-progress")
    provider.hang_up(placed.sid)
    assert live_platform.sandbox.wait(placed.sid)["status"] == "completed"


def test_waiting_caller_is_dequeued_to_new_twiml(live_platform, provider):
    sid = live_platform.sandbox.place_call("+79035550200", live_platform.number, [{"press": "1"}, {"press": "0"}],
                                           patience=600)
    wait_until(lambda: any(e["event"] == "enqueue" for e in live_platform.sandbox.call(sid)["transcript"]))
    provider.dequeue("support", live_platform.url + "/voice/queue/wait")
    wait_until(lambda: any(e["event"] in ("dequeued", "redirect", "left_queue")
                            for e in live_platform.sandbox.call(sid)["transcript"]))
    live_platform.sandbox.hangup(sid)
    call = live_platform.sandbox.wait(sid)
    assert any(e["event"] == "left_queue" for e in call["transcript"])


def test_softphone_token_needs_an_api_key(provider):
    with pytest.raises(TelephonyError):
        provider.access_token("agent1")
    keyed = TwilioProvider(account_sid="AC" + "5a" * 16, auth_token="t", caller_id="+74950000000",
                           api_key="SK" + "0" * 32, api_secret="s" * 32, twiml_app_sid="AP" + "0" * 32)
    import jwt

    claims = jwt.decode(keyed.access_token("agent1"), "s" * 32, algorithms=["HS256"])
    assert claims["grants"]["identity"] == "agent1"
    assert claims["grants"]["voice"]["incoming"] == {"allow": True}

