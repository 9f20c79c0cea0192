"""The dialer's JSON API: roles, list upload and reports, DNC management, profiles, the gate lookup."""

from __future__ import annotations

import csv
import io

import pytest
import sqlalchemy as sa

from crm_core.models import CallList


@pytest.fixture
def supervisor(headers_for):
    return headers_for("supervisor")


@pytest.fixture
def campaign_id(client, supervisor):
    response = client.post("/api/campaigns", headers=supervisor, json={
        "name": "Доставка", "profile": "RU", "caller_id": "+74950000000", "purpose": "service"})
    assert response.status_code == 201, response.json
    return response.json["id"]


def test_agents_are_refused_and_anonymous_callers_must_authenticate(client, api_headers):
    assert client.get("/api/campaigns", headers=api_headers).status_code == 403
    assert client.get("/api/gate?number=1").status_code == 401


def test_upload_a_list_read_its_report_and_download_the_rejected_rows(client, supervisor, campaign_id):
    data = "Телефон;ФИО\n8 912 345-67-89;Иван\nмусор;Пётр\n".encode("cp1251")
    response = client.post(f"/api/campaigns/{campaign_id}/lists", headers=supervisor, data={
        "file": (io.BytesIO(data), "клиенты.csv"), "map_phone": "Телефон"}, content_type="multipart/form-data")
    assert response.status_code == 201, response.json
    report = response.json
    assert (report["rows_total"], report["leads"], report["rejected"], report["file_name"]) == (2, 1, 1, "клиенты.csv")
    assert client.get(f"/api/lists/{report['id']}", headers=supervisor).json == report
    download = client.get(f"/api/lists/{report['id']}/rejected.csv", headers=supervisor)
    assert download.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(download.get_data(as_text=True))))
    assert rows[1][:2] == ["3", "мусор"]
    assert client.get("/api/lists/999999/rejected.csv", headers=supervisor).status_code == 404


def test_a_malformed_upload_is_refused_and_stores_nothing(client, db_session, supervisor, campaign_id):
    response = client.post(f"/api/campaigns/{campaign_id}/lists", headers=supervisor, data={
        "file": (io.BytesIO(b""), "empty.csv")}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert response.json == {"error": "validation_error", "field": "file", "message": "the file is empty"}
    assert db_session.scalar(sa.select(sa.func.count()).select_from(CallList)) == 0


def test_dnc_add_and_remove_need_a_reason_and_are_audited(client, supervisor):
    added = client.post("/api/dnc", headers=supervisor, json={"number": "8 495 123-45-67", "reason": "asked"})
    assert added.status_code == 201 and added.json["entries"][0]["source"] == "supervisor"
    refused = client.delete("/api/dnc", headers=supervisor, json={"number": "+74951234567"})
    assert refused.status_code == 400 and refused.json["field"] == "reason"
    removed = client.delete("/api/dnc", headers=supervisor, json={"number": "+74951234567", "reason": "consented"})
    assert removed.status_code == 200 and removed.json["entries"] == []
    assert [c["action"] for c in client.get("/api/dnc?number=84951234567", headers=supervisor).json["changes"]] == [
        "add", "remove"]


def test_registry_copy_upload(client, supervisor):
    response = client.post("/api/dnc/registries", headers=supervisor, data={
        "file": (io.BytesIO(b"212,5550143\n"), "dnc.txt"), "registry": "US-DNC", "registry_date": "2026-01-01",
        "region": "US"}, content_type="multipart/form-data")
    assert response.status_code == 201 and response.json["entries"] == 1
    assert client.get("/api/dnc/registries", headers=supervisor).json["registries"][0]["registry"] == "US-DNC"


def test_profiles_are_listed_and_only_admins_edit_them(client, supervisor, headers_for, campaign_id):
    codes = [p["code"] for p in client.get("/api/profiles", headers=supervisor).json["profiles"]]
    assert codes == ["DE", "FR", "RU", "UK", "US"]
    rules = client.get("/api/profiles/FR", headers=supervisor).json["rules"]
    assert rules["attempts"] == {"max_per_30_days": 4, "refusal_cooloff_days": 60}
    assert client.put("/api/profiles/FR", headers=supervisor, json={"name": "x", "rules": rules}).status_code == 403
    admin = headers_for("admin")
    bad = client.put("/api/profiles/FR", headers=admin, json={"name": "France", "rules": {**rules, "window": {}}})
    assert bad.status_code == 400 and bad.json["field"] == "rules.window.days"
    rules["attempts"]["max_per_30_days"] = 3
    saved = client.put("/api/profiles/FR", headers=admin, json={"name": "France (stricter)", "rules": rules})
    assert saved.status_code == 200 and saved.json["rules"]["attempts"]["max_per_30_days"] == 3
    moved = client.put(f"/api/campaigns/{campaign_id}/profile", headers=supervisor, json={"profile": "FR"})
    assert moved.json["profile"] == "FR"


def test_why_cant_i_call_this_number_now(client, supervisor, campaign_id):
    response = client.get("/api/gate", headers=supervisor, query_string={
        "number": "8 495 123-45-67", "campaign": campaign_id, "at": "2026-06-01T22:30+03:00"})
    assert response.status_code == 200
    decision = response.json
    assert decision["allowed"] is False and decision["audit_id"] is None
    assert decision["reasons"][0]["code"] == "outside_window"
    assert decision["local_times"] == {"Europe/Moscow": "2026-06-01T22:30:00+03:00"}
    allowed = client.get("/api/gate", headers=supervisor, query_string={
        "number": "+74951234567", "campaign": "Доставка", "at": "2026-06-01T12:00+03:00"})
    assert allowed.json["allowed"] is True and allowed.json["min_ring_seconds"] == 15
    bad = client.get("/api/gate", headers=supervisor, query_string={"number": "12", "campaign": campaign_id})
    assert bad.status_code == 400 and bad.json["field"] == "phone"


def test_abandon_rate_of_a_campaign(client, supervisor, campaign_id):
    response = client.get(f"/api/campaigns/{campaign_id}/abandon-rate?at=2026-06-01T12:00Z", headers=supervisor)
    assert response.json["rate"] == 0.0 and response.json["limit"] == 0.03
    assert response.json["window_start"] == "2026-05-31T12:00:00+00:00"
