"""A campaign's live progress, checked against figures computed by hand from a built history."""

from datetime import datetime, timedelta, timezone

from crm_core import models
from dialer.progress import campaign_progress, watched_campaigns

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=timezone.utc)
MIN = timedelta(minutes=1)


def _history(db_session, make_dialing_campaign, add_leads):
    """Ten leads: one connected (20 min ago, before the pace window), one abandoned and closed, one machine and
    one no-answer due again in 5 and 10 minutes, one busy and closed, one being dialed, one refused by the gate
    (never placed), three new."""
    campaign = make_dialing_campaign(db_session)
    leads = add_leads(db_session, campaign, [f"+7916000030{i}" for i in range(10)])

    def attempt(lead, placed_ago, *, status="completed", lead_status, next_in=None, **fields):
        placed_at = NOW - placed_ago if placed_ago is not None else None
        db_session.add(models.DialAttempt(campaign_id=campaign.id, lead_id=lead.id, e164=lead.e164, mode="progressive",
                                          status=status, placed_at=placed_at, **fields))
        lead.status = lead_status
        db_session.add(models.LeadSchedule(lead_id=lead.id, campaign_id=campaign.id, tries=1,
                                           next_at=NOW + next_in if next_in else None))

    attempt(leads[0], 20 * MIN, lead_status="done", answered_at=NOW - 20 * MIN, answered_by="human",
            connected_at=NOW - 20 * MIN)
    attempt(leads[1], 10 * MIN, lead_status="closed", answered_at=NOW - 10 * MIN, answered_by="human", abandoned=True)
    attempt(leads[2], 8 * MIN, lead_status="scheduled", next_in=5 * MIN, answered_at=NOW - 8 * MIN,
            answered_by="machine")
    attempt(leads[3], 6 * MIN, status="failed", lead_status="closed")
    attempt(leads[4], 4 * MIN, status="failed", lead_status="scheduled", next_in=10 * MIN)
    attempt(leads[5], 1 * MIN, status="dialing", lead_status="dialing")
    attempt(leads[6], None, status="failed", lead_status="closed")
    db_session.flush()
    return campaign, leads


def test_progress_counts_every_dial_and_its_outcome_and_the_leads_left(
        db_session, make_dialing_campaign, add_leads):
    campaign, _ = _history(db_session, make_dialing_campaign, add_leads)

    progress = campaign_progress(db_session, campaign, NOW)

    assert (progress.dialed, progress.answered, progress.human, progress.machine) == (6, 3, 2, 1)
    assert (progress.connected, progress.abandoned) == (1, 1)
    # 3 new + 1 being dialed + 2 due again; the connected, abandoned, busy and refused leads are over.
    assert (progress.leads, progress.remaining) == (10, 6)
    # One connected and one dropped within the profile's 24 hours: 50% against RU's 3%.
    assert (progress.abandon.rate, progress.abandon.limit, progress.abandon.exceeded) == (0.5, 0.03, True)
    assert progress.as_dict()["abandon_window_hours"] == 24


def test_estimated_finish_extrapolates_the_last_fifteen_minutes_of_dials_to_the_leads_left(
        db_session, make_dialing_campaign, add_leads):
    campaign, _ = _history(db_session, make_dialing_campaign, add_leads)

    # 5 dials in the last 15 minutes, the first 10 minutes ago: 6 leads left take 10 min * 6 / 5 = 12 minutes,
    # later than both retries (5 and 10 minutes).
    assert campaign_progress(db_session, campaign, NOW).estimated_finish == NOW + 12 * MIN


def test_estimated_finish_is_never_before_the_last_scheduled_retry(db_session, make_dialing_campaign, add_leads):
    campaign, leads = _history(db_session, make_dialing_campaign, add_leads)
    db_session.get(models.LeadSchedule, leads[2].id).next_at = NOW + timedelta(hours=4)
    db_session.flush()

    assert campaign_progress(db_session, campaign, NOW).estimated_finish == NOW + timedelta(hours=4)


def test_no_estimated_finish_while_paused_or_without_a_recent_dial(db_session, make_dialing_campaign, add_leads):
    campaign, _ = _history(db_session, make_dialing_campaign, add_leads)

    assert campaign_progress(db_session, campaign, NOW + timedelta(hours=1)).estimated_finish is None
    campaign.status = "paused"
    db_session.flush()
    progress = campaign_progress(db_session, campaign, NOW)
    assert progress.estimated_finish is None and progress.as_dict()["status"] == "paused"


def test_paused_and_stopped_campaigns_are_watched_while_their_last_calls_may_finish(
        db_session, make_dialing_campaign, add_leads):
    running, _ = _history(db_session, make_dialing_campaign, add_leads)
    paused, _ = _history(db_session, make_dialing_campaign, add_leads)
    idle = make_dialing_campaign(db_session)
    paused.status, idle.status = "paused", "stopped"
    db_session.flush()

    assert {c.id for c in watched_campaigns(db_session, NOW)} == {running.id, paused.id}
    assert {c.id for c in watched_campaigns(db_session, NOW + timedelta(hours=2))} == {running.id}
