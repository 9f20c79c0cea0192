"""A person who answered a campaign call waits for an agent as long as the campaign's compliance profile allows."""

from lxml import etree

from crm_core.db import utcnow
from dialer import engine
from tests.conftest import call_params


def _wait(twilio_post, attempt, waited: int) -> list[tuple[str, str | None]]:
    """The verbs of the wait document after `waited` seconds in the queue, with their lengths.

    Parsed without the XSD: Twilio's schema lacks <Leave>, which is valid in wait documents."""
    params = call_params("CA" + f"{attempt.id:032x}", from_number="+74950000000", to_number=attempt.e164,
                         Direction="outbound-api", QueueTime=str(waited), QueueSid="QU" + "0" * 32)
    response = twilio_post(f"/voice/dialer/wait?attempt={attempt.id}", params)
    assert response.status_code == 200 and response.mimetype == "text/xml"
    return [(verb.tag, verb.get("length")) for verb in etree.fromstring(response.data)]


def _dialed(db_session, make_dialing_campaign, add_leads, number, **profile):
    campaign = make_dialing_campaign(db_session, **profile)
    [lead] = add_leads(db_session, campaign, [number])
    attempt = engine.start_attempt(db_session, campaign, lead, now=utcnow())
    db_session.commit()
    return attempt


def test_a_profile_with_a_five_second_connect_window_keeps_the_person_waiting_five_seconds(
        db_session, make_dialing_campaign, add_leads, twilio_post):
    attempt = _dialed(db_session, make_dialing_campaign, add_leads, "+79160000201",
                      abandon={"connect_within_seconds": 5})

    assert _wait(twilio_post, attempt, waited=3) == [("Pause", "2")]
    assert _wait(twilio_post, attempt, waited=5) == [("Leave", None)]


def test_the_standard_two_second_window_applies_under_a_profile_that_keeps_it(
        db_session, make_dialing_campaign, add_leads, twilio_post):
    attempt = _dialed(db_session, make_dialing_campaign, add_leads, "+79160000202")

    assert _wait(twilio_post, attempt, waited=1) == [("Pause", "1")]
    assert _wait(twilio_post, attempt, waited=3) == [("Leave", None)]
