"""Supervisor campaign pages: who may open them, settings saved or refused field by field, start/pause/stop obeyed
by the pacer's next round, and live progress pushed to supervisors over Socket.IO."""

from __future__ import annotations

import re

import pytest

from crm_core import models
from crm_core.db import utcnow
from crm_core.users import create_user
from dialer import engine
from dialer.jobs import place_attempt
from tests.console.conftest import desk_client, login_as, received  # noqa: F401  (the console's fixtures)

VALID = {
    "mode": "predictive", "caller_id": "8 (495) 123-45-67", "script": "Hello, this is Acme about your order.",
    "machine_action": "voicemail", "voicemail_text": "Please call Acme back.", "safe_harbor_text": "",
    "callback_number": "+74951112233", "dispositions": ["sale", "not_interested"],
    "busy_delay_minutes": "15", "busy_max_tries": "3", "no-answer_delay_minutes": "60", "no-answer_max_tries": "4",
    "machine_delay_minutes": "240", "machine_max_tries": "2", "failed_delay_minutes": "30", "failed_max_tries": "2",
    "abandoned_delay_minutes": "4320", "abandoned_max_tries": "2",
}


@pytest.fixture
def supervisor_page(login_as, make_user):  # noqa: F811
    """A supervisor's client and the CSRF token of its session (read from a campaign page)."""

    def open_(campaign):
        client = login_as(make_user("supervisor"))
        page = client.get(f"/supervisor/campaigns/{campaign.id}")
        assert page.status_code == 200
        return client, re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)

    return open_


def test_agents_are_refused_the_campaign_pages_and_supervisors_see_each_campaigns_progress(
        db_session, login_as, make_user, make_dialing_campaign, add_leads):  # noqa: F811
    campaign = make_dialing_campaign(db_session)
    add_leads(db_session, campaign, ["+79160000401", "+79160000402"])
    db_session.commit()

    agent = login_as(make_user("agent"))
    for path in ("/supervisor/campaigns", f"/supervisor/campaigns/{campaign.id}"):
        assert agent.get(path).status_code == 403
    token = re.search(r'name="csrf-token" content="([^"]+)"', agent.get("/desk").get_data(as_text=True)).group(1)
    for path in (f"/supervisor/campaigns/{campaign.id}/settings", f"/supervisor/campaigns/{campaign.id}/status"):
        assert agent.post(path, data=VALID | {"action": "stop", "csrf_token": token}).status_code == 403
    db_session.expire_all()
    assert db_session.get(models.Campaign, campaign.id).status == "running"

    page = login_as(make_user("supervisor")).get("/supervisor/campaigns")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    row = re.search(rf'<tr data-testid="campaign-row" data-campaign-id="{campaign.id}">.*?</tr>', html, re.S).group(0)
    assert campaign.name in row and 'data-status="running"' in row
    assert re.search(r'data-field="remaining">2 of 2<', row)
    assert re.search(r'data-field="dialed">0<', row)


def test_the_login_page_is_where_a_signed_out_visitor_goes(client):
    assert client.get("/supervisor/campaigns").headers["Location"].startswith("/login")


def test_settings_are_saved_and_a_running_campaign_dials_by_them(db_session, supervisor_page, make_dialing_campaign):
    campaign = make_dialing_campaign(db_session)
    db_session.commit()
    client, token = supervisor_page(campaign)

    saved = client.post(f"/supervisor/campaigns/{campaign.id}/settings", data=VALID | {"csrf_token": token})
    assert saved.status_code == 302
    page = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert "Settings saved" in page and 'value="+74951234567"' in page

    db_session.expire_all()
    campaign = db_session.get(models.Campaign, campaign.id)
    settings = db_session.get(models.CampaignDialing, campaign.id)
    assert (campaign.mode, campaign.caller_id) == ("predictive", "+74951234567")
    assert (settings.machine_action, settings.voicemail_text) == ("voicemail", "Please call Acme back.")
    assert settings.script == "Hello, this is Acme about your order."
    assert settings.callback_number == "+74951112233" and settings.safe_harbor_text is None
    assert settings.dispositions == ["sale", "not_interested"]
    assert settings.recycle_rules["busy"] == {"delay_seconds": 900, "max_tries": 3}
    assert settings.recycle_rules["abandoned"] == {"delay_seconds": 72 * 3600, "max_tries": 2}


def test_wrong_settings_are_refused_each_with_its_reason_and_nothing_is_saved(
        db_session, supervisor_page, make_dialing_campaign):
    campaign = make_dialing_campaign(db_session)
    db_session.commit()
    client, token = supervisor_page(campaign)

    refused = client.post(f"/supervisor/campaigns/{campaign.id}/settings", data=VALID | {
        "csrf_token": token, "caller_id": "12", "voicemail_text": " ", "busy_delay_minutes": "1",
        "machine_max_tries": "many", "dispositions": ["sale", "made_up"], "mode": "robocall"})

    assert refused.status_code == 400
    html = refused.get_data(as_text=True)
    errors = dict(re.findall(r'data-testid="error-([\w.-]+)">([^<]+)<', html))
    assert set(errors) == {"mode", "caller_id", "voicemail_text", "recycle_rules.busy", "recycle_rules.machine",
                           "dispositions"}
    assert "answering machines" in errors["voicemail_text"]
    assert "at least 2 minutes" in errors["recycle_rules.busy"]
    assert "whole numbers" in errors["recycle_rules.machine"]
    assert "made_up" in errors["dispositions"]
    assert 'id="caller_id" name="caller_id" value="12"' in html  # what was typed stays to be corrected
    assert 'aria-invalid="true" aria-describedby="caller_id-error"' in html
    db_session.expire_all()
    assert db_session.get(models.Campaign, campaign.id).mode == "progressive"
    assert db_session.get(models.CampaignDialing, campaign.id).recycle_rules == {}


def test_start_pause_and_stop_are_obeyed_by_the_next_pacer_round(
        app, db_session, supervisor_page, make_dialing_campaign, add_leads, available_agents):
    campaign = make_dialing_campaign(db_session)
    campaign.status = "draft"
    add_leads(db_session, campaign, [f"+7916000050{i}" for i in range(6)])
    db_session.commit()
    client, token = supervisor_page(campaign)
    floor = available_agents(2)

    def act(action):
        return client.post(f"/supervisor/campaigns/{campaign.id}/status", data={"csrf_token": token, "action": action})

    def pacer_round():
        enqueued = []
        engine.run_round(db_session, router=floor, enqueue=enqueued.append, now=utcnow(), cps=10)
        return enqueued

    assert pacer_round() == []  # a draft dials nothing
    assert act("start").status_code == 302
    launched = pacer_round()
    assert len(launched) == 2

    assert act("pause").status_code == 302
    assert pacer_round() == []
    # The calls launched but not yet placed are withdrawn when their jobs run; their leads wait, not tried.
    with app.app_context():
        assert [place_attempt(attempt_id) for attempt_id in launched] == ["withdrawn", "withdrawn"]
    db_session.expire_all()
    for attempt_id in launched:
        attempt = db_session.get(models.DialAttempt, attempt_id)
        assert attempt.placed_at is None and db_session.get(models.AttemptOutcome, attempt_id).outcome == "withdrawn"
        assert db_session.get(models.LeadSchedule, attempt.lead_id).tries == 0
        assert db_session.get(models.Lead, attempt.lead_id).status == "scheduled"

    assert act("start").status_code == 302
    relaunched = pacer_round()
    assert len(relaunched) == 2
    leads = {db_session.get(models.DialAttempt, a).lead_id for a in relaunched}
    assert leads == {db_session.get(models.DialAttempt, a).lead_id for a in launched}  # the withdrawn come first

    assert act("stop").status_code == 302
    assert pacer_round() == []
    again = act("start")
    assert again.status_code == 400
    assert "a stopped campaign cannot be started again" in again.get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(models.Campaign, campaign.id).status == "stopped"


def test_a_status_change_reaches_every_supervisor_watching_at_once(
        db_session, supervisor_page, make_user, make_dialing_campaign, desk_client):  # noqa: F811
    campaign = make_dialing_campaign(db_session)
    db_session.commit()
    client, token = supervisor_page(campaign)
    watcher = desk_client(make_user("supervisor"), namespace="/floor")
    watcher.get_received("/floor")

    client.post(f"/supervisor/campaigns/{campaign.id}/status", data={"csrf_token": token, "action": "pause"})

    [progress] = [p for p in received(watcher, "campaign_progress", "/floor") if p["campaign_id"] == campaign.id]
    assert progress["status"] == "paused" and progress["name"] == campaign.name


def test_the_pacer_process_pushes_progress_to_a_supervisors_console(
        live_platform, committed_session, console_client, platform_process, make_dialing_campaign, add_leads):
    campaign = make_dialing_campaign(committed_session)
    add_leads(committed_session, campaign, ["+79160000601", "+79160000602", "+79160000603"])
    supervisor = create_user(committed_session, username="progress_watcher", full_name="Watcher", role="supervisor",
                             password="correct horse")
    committed_session.commit()
    floor = console_client(supervisor.id, namespace="/floor")

    platform_process("pacer", "--interval", "0.3")

    progress = floor.inbox.wait_for("campaign_progress", timeout=30,
                                    where=lambda p: p["campaign_id"] == campaign.id)
    assert (progress["status"], progress["leads"], progress["remaining"]) == ("running", 3, 3)
    assert progress["abandon_limit"] == 0.03
