"""Every voice webhook, correctly signed, with missing, oversized, unicode and control-character parameters:
never a 500, always TwiML Twilio can play, and no garbage stored (see this package's conftest).

The routes are read from the voice blueprint, so a new webhook is fuzzed without touching this file."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
import sqlalchemy as sa
from flask import Flask
from hypothesis import given, strategies as st
from lxml import etree

from callcenter.voice import bp as voice_bp
from crm_core.calls import ANSWERED_BY, CALL_STATUSES
from crm_core.db import utcnow
from crm_core.models import Interaction
from dialer import engine
from tests.conftest import call_params

from .conftest import fuzz_settings, hostile_text


def voice_routes() -> list[str]:
    """Every path of the voice blueprint (registered on a bare app: only the URL map is wanted)."""
    probe = Flask("voice-routes")
    probe.register_blueprint(voice_bp)
    return sorted(rule.rule for rule in probe.url_map.iter_rules() if rule.endpoint.startswith("voice."))


call_sids = st.one_of(st.integers(0, 2 ** 128 - 1).map(lambda n: f"CA{n:032x}"), hostile_text)
numbers = st.one_of(st.sampled_from(["+79123456789", "+74950000000", "anonymous", "client:agent_1", "266696687",
                                     "sip:someone@example.com;transport=tls?x-very-long-header=yes"]), hostile_text)
small_ints = st.one_of(st.integers(-5, 50).map(str), hostile_text)


def plausible(values) -> st.SearchStrategy[str]:
    """One of the values Twilio sends for a parameter, or anything else."""
    return st.one_of(st.sampled_from(sorted(values)), hostile_text)


twilio_params = st.fixed_dictionaries({}, optional={
    "CallSid": call_sids, "AccountSid": hostile_text, "From": numbers, "To": numbers, "Caller": numbers,
    "Direction": plausible({"inbound", "outbound-api", "outbound-dial"}), "CallStatus": plausible(CALL_STATUSES),
    "Digits": plausible({"0", "1", "2", "9", "#", "*", "10045", "630099"}),
    "SpeechResult": plausible({"order 10045", "agent", "оператор", "yes"}), "Confidence": hostile_text,
    "SequenceNumber": small_ints, "CallDuration": small_ints, "QueueTime": small_ints, "QueuePosition": small_ints,
    "Timestamp": plausible({"Mon, 01 Jun 2026 12:00:00 +0000", "Mon, 01 Jun 2026 12:00:00 -0000",
                            "Fri, 31 Dec 9999 23:59:59 +1400"}),
    "AnsweredBy": plausible(ANSWERED_BY), "QueueResult": plausible({"bridged", "hangup", "leave"}),
    "DialCallStatus": plausible({"completed", "no-answer", "busy"}),
    "ErrorCode": hostile_text, "ErrorUrl": hostile_text, "RecordingUrl": hostile_text, "FinishedOnKey": hostile_text,
    "Language": hostile_text,
})


@pytest.fixture
def campaign_attempt(db_session, make_dialing_campaign, add_leads) -> int:
    """The id of a real dial attempt of a running campaign, for the dialer webhooks' `?attempt=`."""
    campaign = make_dialing_campaign(db_session)
    [lead] = add_leads(db_session, campaign, ["+79160000301"])
    attempt = engine.start_attempt(db_session, campaign, lead, now=utcnow())
    db_session.commit()
    return attempt.id


def query_strings(attempt_id: int, agent_id: int) -> st.SearchStrategy[dict]:
    """The query parameters our own TwiML puts in webhook URLs, real or not."""
    return st.fixed_dictionaries({}, optional={
        "attempt": st.one_of(st.just(str(attempt_id)), small_ints),
        "agent": st.one_of(st.just(str(agent_id)), small_ints),
        "queue": plausible({"support", "billing", "campaign-1"}), "loop": plausible({"1"}),
        "step": plausible({"main_menu", "ask_order_number", "ask_postal_code", "choose_language", "agent"}),
    })


def assert_playable_twiml(response, twiml_schema) -> None:
    """A 200 with a TwiML document Twilio accepts (<Leave>, missing from Twilio's XSD, is checked by hand)."""
    assert response.status_code == 200, response.data[:500]
    assert response.mimetype == "text/xml"
    document = etree.fromstring(response.data)
    assert document.tag == "Response"
    if document.find("Leave") is None:
        assert twiml_schema.validate(document), twiml_schema.error_log


@pytest.mark.parametrize("path", voice_routes())
def test_signed_webhook_with_hostile_parameters_answers_playable_twiml_and_stores_no_garbage(
        path, app, client, make_user, campaign_attempt, isolated, garbage, twiml_schema):
    from twilio.request_validator import RequestValidator

    validator = RequestValidator(app.config["TWILIO_AUTH_TOKEN"])
    agent = make_user("agent")

    @fuzz_settings()
    @given(params=twilio_params, query=query_strings(campaign_attempt, agent.id))
    def webhook(params, query):
        target = path + (f"?{urlencode(query)}" if query else "")
        signature = validator.compute_signature(app.config["VOICE_BASE_URL"] + target, params)
        with isolated():
            response = client.post(target, data=params, headers={"X-Twilio-Signature": signature})
            assert_playable_twiml(response, twiml_schema)
            assert garbage() == []

    webhook()


def test_a_status_callback_dated_in_the_year_9999_is_refused_and_the_call_keeps_its_status(
        twilio_post, parse_twiml, db_session):
    call_sid = "CA" + "9" * 32
    parse_twiml(twilio_post("/voice/incoming", call_params(call_sid)))
    late = call_params(call_sid, CallStatus="completed", SequenceNumber="3", CallDuration="60",
                       Timestamp="Fri, 31 Dec 9999 23:59:59 +1400")
    assert len(parse_twiml(twilio_post("/voice/status", late))) == 0
    status = db_session.scalar(sa.select(Interaction.status).where(Interaction.call_sid == call_sid))
    assert status == "ringing"
