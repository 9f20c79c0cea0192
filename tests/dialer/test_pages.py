"""Supervisor pages: lists upload and report, do-not-call management, profiles, the gate lookup."""

from __future__ import annotations

import io
import re

import pytest


@pytest.fixture
def login_as(app):
    """A test client logged in as `user` (the session Flask-Login sets after a login)."""

    def login(user):
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = str(user.id)
            session["_fresh"] = True
        return client

    return login


@pytest.fixture
def page_client(login_as, make_user):
    """A console client logged in with a role, and the CSRF token of its session."""

    def make(role="supervisor"):
        client = login_as(make_user(role))
        page = client.get("/supervisor/lists")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
        return client, token

    return make


def test_agents_cannot_open_the_supervisor_pages(login_as, make_user):
    client = login_as(make_user("agent"))
    for path in ("/supervisor/lists", "/supervisor/dnc", "/supervisor/profiles", "/supervisor/gate"):
        assert client.get(path).status_code == 403


def test_create_a_campaign_upload_a_list_and_read_its_report(page_client):
    client, token = page_client()
    created = client.post("/supervisor/campaigns", data={
        "csrf_token": token, "campaign_name": "Опрос", "profile": "RU", "caller_id": "+74950000000",
        "purpose": "service", "mode": "progressive"})
    assert created.status_code == 302
    page = client.get("/supervisor/lists").get_data(as_text=True)
    campaign_id = re.search(r'<option value="(\d+)"[^>]*>\s*Опрос', page).group(1)
    data = "Телефон;ФИО\n8 912 345-67-89;Иван\nмусор;Пётр\n".encode("cp1251")
    uploaded = client.post("/supervisor/lists", data={
        "csrf_token": token, "campaign": campaign_id, "file": (io.BytesIO(data), "base.csv"), "encoding": "auto"},
        content_type="multipart/form-data")
    assert uploaded.status_code == 302
    report = client.get(uploaded.location).get_data(as_text=True)
    assert 'data-testid="leads">1<' in report and 'data-testid="rejected">1<' in report and "мусор" in report
    empty = client.post("/supervisor/lists", data={
        "csrf_token": token, "campaign": campaign_id, "file": (io.BytesIO(b""), "empty.csv")},
        content_type="multipart/form-data")
    assert empty.status_code == 400 and "the file is empty" in empty.get_data(as_text=True)


def test_add_and_remove_a_number_with_reasons(page_client):
    client, token = page_client()
    added = client.post("/supervisor/dnc", data={"csrf_token": token, "number": "8 495 123-45-67", "reason": "asked",
                                                 "action": "add"})
    assert added.status_code == 302
    assert "global list, supervisor" in client.get(added.location).get_data(as_text=True)
    refused = client.post("/supervisor/dnc", data={"csrf_token": token, "number": "+74951234567", "reason": "",
                                                   "action": "remove"})
    assert refused.status_code == 400 and "reason" in refused.get_data(as_text=True)
    removed = client.post("/supervisor/dnc", data={"csrf_token": token, "number": "+74951234567",
                                                   "reason": "consented again", "action": "remove"})
    page = client.get(removed.location).get_data(as_text=True)
    assert "On no do-not-call list." in page and "remove: consented again" in page


def test_the_gate_page_explains_a_refusal(page_client, make_campaign):
    client, _ = page_client()
    campaign = make_campaign("RU", purpose="advertising")
    page = client.get("/supervisor/gate", query_string={"number": "+74951234567", "campaign": campaign.id,
                                                        "at": "2026-06-01T22:30+03:00"}).get_data(as_text=True)
    assert 'data-allowed="no"' in page
    assert "outside_window" in page and "auto_dial_forbidden" in page and "Europe/Moscow: 2026-06-01 22:30" in page


def test_only_admins_edit_profiles(page_client):
    client, token = page_client("supervisor")
    page = client.get("/supervisor/profiles").get_data(as_text=True)
    assert 'data-testid="profile-FR"' in page and "<textarea" not in page
    assert client.post("/supervisor/profiles/FR", data={"csrf_token": token, "name": "x", "rules": "{}"}
                       ).status_code == 403
    admin, admin_token = page_client("admin")
    bad = admin.post("/supervisor/profiles/FR", data={"csrf_token": admin_token, "name": "France", "rules": "{"})
    assert bad.status_code == 400 and "not valid JSON" in bad.get_data(as_text=True)
