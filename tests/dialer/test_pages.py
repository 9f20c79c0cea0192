"""Supervisor pages: lists upload and report, do-not-call management, profiles, the gate lookup."""

from __future__ import annotations

import io
import json
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from crm_core.db import utcnow
from crm_core.models import ComplianceProfile
from tests.console.conftest import login_as  # noqa: F401  (fixture)


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


def test_the_floor_links_to_every_supervisor_page(login_as, make_user):
    floor = login_as(make_user("supervisor")).get("/floor").get_data(as_text=True)
    for path in ("/supervisor/campaigns", "/supervisor/lists", "/supervisor/dnc", "/supervisor/profiles",
                 "/supervisor/gate"):
        assert f'href="{path}"' in floor


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
    download = client.get(re.search(r'href="([^"]+)" data-testid="download"', report).group(1))
    assert download.mimetype == "text/csv" and download.get_data(as_text=True).splitlines()[1].startswith("3,мусор,")
    empty = client.post("/supervisor/lists", data={
        "csrf_token": token, "campaign": campaign_id, "file": (io.BytesIO(b""), "empty.csv")},
        content_type="multipart/form-data")
    assert empty.status_code == 400 and "the file is empty" in empty.get_data(as_text=True)


def test_upload_maps_columns_the_header_does_not_name(page_client, make_campaign):
    client, token = page_client()
    campaign = make_campaign("RU")
    data = "Контакт;Клиент;Город\n+7 912 345 67 89;Иван;Москва\n".encode()
    form = {"csrf_token": token, "campaign": campaign.id, "map_phone": "Контакт", "map_name": "Клиент"}
    unmapped = client.post("/supervisor/lists", data={**form, "map_phone": "", "file": (io.BytesIO(data), "a.csv")},
                           content_type="multipart/form-data")
    assert unmapped.status_code == 400 and "no phone column" in unmapped.get_data(as_text=True)
    uploaded = client.post("/supervisor/lists", data={**form, "file": (io.BytesIO(data), "a.csv")},
                           content_type="multipart/form-data")
    report = client.get(uploaded.location).get_data(as_text=True)
    assert 'data-testid="leads">1<' in report and "phone: Контакт" in report


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
    assert "On no do-not-call list." in page
    assert re.search(r"add by Test Supervisor \d+: asked</li>.*remove by Test Supervisor \d+: consented again", page)


def test_import_a_registry_copy_and_find_a_number_on_it(page_client):
    client, token = page_client()
    yesterday = utcnow().date() - timedelta(days=1)
    form = {"csrf_token": token, "registry": "US-DNC", "region": "US"}
    future = client.post("/supervisor/dnc/registry", data={
        **form, "registry_date": (yesterday + timedelta(days=3)).isoformat(),
        "file": (io.BytesIO(b"212,5550143\n"), "dnc.txt")}, content_type="multipart/form-data")
    assert future.status_code == 400 and "cannot be in the future" in future.get_data(as_text=True)
    copy = io.BytesIO(b"212,5550143\n202-555-0199\n")
    imported = client.post("/supervisor/dnc/registry", data={
        **form, "registry_date": yesterday.isoformat(), "file": (copy, "dnc.txt")}, content_type="multipart/form-data")
    assert imported.status_code == 302
    page = client.get(imported.location).get_data(as_text=True)
    assert re.search(rf"<td>US-DNC</td><td>{yesterday}</td><td class=\"num\">2</td>", page)
    found = client.get("/supervisor/dnc", query_string={"number": "+1 212 555 0143"}).get_data(as_text=True)
    assert f"registry US-DNC, copy of {yesterday}" in found and "On no do-not-call list." not in found


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


def test_an_admin_changes_and_defines_profiles_and_a_supervisor_assigns_one(page_client, make_campaign, db_session):
    admin, token = page_client("admin")
    france = db_session.scalar(sa.select(ComplianceProfile.rules).where(ComplianceProfile.code == "FR"))
    stricter = {**france, "min_ring_seconds": 20}
    changed = admin.post("/supervisor/profiles/FR", data={"csrf_token": token, "name": "France (house rules)",
                                                          "rules": json.dumps(france)})
    assert changed.status_code == 302
    defined = admin.post("/supervisor/profiles", data={"csrf_token": token, "code": "FR-STRICT", "name": "France, 20 s",
                                                       "rules": json.dumps(stricter)})
    assert defined.status_code == 302
    again = admin.post("/supervisor/profiles", data={"csrf_token": token, "code": "FR", "name": "x",
                                                     "rules": json.dumps(france)})
    assert again.status_code == 400 and "a profile FR exists already" in again.get_data(as_text=True)
    bad = admin.post("/supervisor/profiles", data={"csrf_token": token, "code": "XX", "name": "typo",
                                                   "rules": '{"min_ring_seconds": 0}'})
    page = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "min_ring_seconds" in page and "{&#34;min_ring_seconds&#34;: 0}" in page
    page = admin.get("/supervisor/profiles").get_data(as_text=True)
    assert "FR · France (house rules)" in page and "FR-STRICT · France, 20 s" in page

    supervisor, supervisor_token = page_client("supervisor")
    campaign = make_campaign("FR")
    assigned = supervisor.post(f"/supervisor/campaigns/{campaign.id}/profile",
                               data={"csrf_token": supervisor_token, "profile": "FR-STRICT"})
    assert assigned.status_code == 302
    page = supervisor.get("/supervisor/profiles").get_data(as_text=True)
    assert re.search(rf'id="profile-{campaign.id}" name="profile">.*<option selected>FR-STRICT</option>', page)
    decision = supervisor.get("/supervisor/gate", query_string={"number": "+33142685301", "campaign": campaign.id})
    assert "profile FR-STRICT" in decision.get_data(as_text=True) and "ring at least 20 s" in decision.get_data(
        as_text=True)
