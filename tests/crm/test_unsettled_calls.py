"""Calls still open after their final status should have come: the pacer asks the provider about these."""

from datetime import timedelta

from crm_core import calls
from crm_core.db import utcnow
from dialer import engine
from tests.dialing.conftest import add_leads, make_dialing_campaign  # noqa: F401  (the dialer's fixtures)


def test_only_open_calls_of_the_window_that_are_not_campaign_dials_are_unsettled(
        db_session, make_interaction, make_dialing_campaign, add_leads):
    now = utcnow()
    ten_minutes_ago = now - timedelta(minutes=10)
    still_open = make_interaction(None, started_at=ten_minutes_ago, status="in-progress")
    make_interaction(None, started_at=ten_minutes_ago, status="completed")
    make_interaction(None, started_at=now - timedelta(seconds=5), status="ringing")  # too recent to ask about
    make_interaction(None, started_at=now - timedelta(days=2), status="in-progress")  # older than any call lasts
    campaign = make_dialing_campaign(db_session)
    [lead] = add_leads(db_session, campaign, ["+79160000021"])
    attempt = engine.start_attempt(db_session, campaign, lead, now=now)
    attempt.call_sid = make_interaction(None, started_at=ten_minutes_ago, status="in-progress",
                                        direction="outbound").call_sid  # the dialer settles it with its attempt
    db_session.flush()

    window = {"since": now - timedelta(days=1), "before": now - timedelta(minutes=1)}
    assert calls.unsettled_calls(db_session, **window) == [still_open.call_sid]
