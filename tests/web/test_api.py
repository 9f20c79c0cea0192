"""The CRM JSON API: authenticated, validating, and leaving the database unchanged on bad input."""

import pytest
import sqlalchemy as sa

from crm_core import models
from crm_core.db import utcnow
from crm_core.users import issue_api_token

PROTECTED = [
    ("get", "/api/customers?q=Петров"),
    ("get", "/api/history?phone=%2B79123456789"),
    ("get", "/api/customers/1/history"),
    ("post", "/api/customers"),
    ("patch", "/api/customers/1"),
    ("post", "/api/customers/1/notes"),
]


def count(db_session, model) -> int:
    return db_session.scalar(sa.select(sa.func.count()).select_from(model))


@pytest.mark.parametrize("method, url", PROTECTED)
def test_anonymous_requests_get_401(client, method, url):
    response = getattr(client, method)(url, json={})
    assert response.status_code == 401
    assert response.json["error"] == "unauthorized"


@pytest.mark.parametrize("method, url", PROTECTED)
def test_wrong_or_revoked_token_gets_401(client, db_session, make_user, method, url):
    user = make_user()
    token = issue_api_token(db_session, user, "laptop")
    user.api_tokens[0].revoked_at = utcnow()
    db_session.commit()
    for header in (f"Bearer {token}", "Bearer cc_forged", f"Basic {token}"):
        response = getattr(client, method)(url, json={}, headers={"Authorization": header})
        assert response.status_code == 401


def test_tokens_are_stored_hashed(db_session, make_user):
    token = issue_api_token(db_session, make_user(), "laptop")
    assert db_session.scalar(sa.select(models.ApiToken.token_digest)) != token
    assert token not in str(db_session.execute(sa.select(models.ApiToken.__table__)).all())


def test_create_customer_normalizes_phones_and_finds_them_again(client, api_headers):
    body = {"first_name": "Анна", "last_name": "Кузнецова", "language": "ru", "phones": ["8 (916) 111-22-33"]}
    created = client.post("/api/customers", json=body, headers=api_headers)
    assert created.status_code == 201
    assert created.json["phones"][0]["e164"] == "+79161112233"

    history = client.get("/api/history", query_string={"phone": "+7 916 111 2233"}, headers=api_headers)
    assert history.json["known"] is True
    assert history.json["customer"]["display_name"] == "Анна Кузнецова"

    found = client.get("/api/customers", query_string={"q": "кузнец"}, headers=api_headers)
    assert [c["id"] for c in found.json["customers"]] == [created.json["id"]]


def test_search_by_order_number_and_phone(client, api_headers, make_customer, make_order):
    customer = make_customer(phones=("+79031234567",))
    order = make_order(customer, number="10077")
    for q in ("10077", "8 903 123 45 67"):
        found = client.get("/api/customers", query_string={"q": q}, headers=api_headers)
        assert [c["id"] for c in found.json["customers"]] == [customer.id], q


def test_unknown_caller_history(client, api_headers):
    response = client.get("/api/history", query_string={"phone": "+1 (415) 555-0100"}, headers=api_headers)
    assert response.status_code == 200
    assert response.json["known"] is False
    assert response.json["phone"] == "+14155550100"


@pytest.mark.parametrize(
    "body, field",
    [
        ({"first_name": "Иван", "phones": ["not a phone"]}, "phones[0]"),
        ({"first_name": "Иван", "phones": ["+7 912"]}, "phones[0]"),
        ({"first_name": "И" * 101}, "first_name"),
        ({"first_name": "Иван", "language": "xx"}, "language"),
        ({"first_name": "Иван", "birthday": "31.12.1990"}, "birthday"),
        ({"first_name": "Иван", "time_zone": "Mars/Olympus"}, "time_zone"),
        ({"first_name": "Иван", "consent_calls": "yes"}, "consent_calls"),
        ({"first_name": "Иван", "is_admin": True}, "is_admin"),
        ({"email": "a@b.c"}, "first_name"),
    ],
)
def test_invalid_customer_is_a_400_naming_the_field_and_stores_nothing(client, api_headers, db_session, body, field):
    before = count(db_session, models.Customer), count(db_session, models.PhoneNumber)
    response = client.post("/api/customers", json=body, headers=api_headers)
    assert response.status_code == 400
    assert response.json["error"] == "validation_error"
    assert response.json["field"] == field
    assert (count(db_session, models.Customer), count(db_session, models.PhoneNumber)) == before


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", b'"text"', b""])
def test_malformed_json_is_a_400(client, api_headers, db_session, raw):
    before = count(db_session, models.Customer)
    response = client.post("/api/customers", data=raw, content_type="application/json", headers=api_headers)
    assert response.status_code == 400
    assert response.json["field"] == "body"
    assert count(db_session, models.Customer) == before


def test_oversized_body_is_refused(client, api_headers, db_session):
    response = client.post("/api/customers", json={"first_name": "x" * 70_000}, headers=api_headers)
    assert response.status_code == 400
    assert count(db_session, models.Customer) == 0


def test_phone_of_another_customer_cannot_be_taken(client, api_headers, make_customer, db_session):
    make_customer(phones=("+79123456789",))
    response = client.post("/api/customers", json={"first_name": "Дубль", "phones": ["89123456789"]}, headers=api_headers)
    assert response.status_code == 400 and response.json["field"] == "phones"
    assert count(db_session, models.Customer) == 1


def test_update_changes_only_given_fields(client, api_headers, make_customer):
    customer = make_customer(segment="regular", email="old@example.com")
    response = client.patch(f"/api/customers/{customer.id}", json={"segment": "vip"}, headers=api_headers)
    assert response.status_code == 200
    assert (response.json["segment"], response.json["email"]) == ("vip", "old@example.com")


def test_update_of_missing_customer_is_404(client, api_headers):
    response = client.patch("/api/customers/99999", json={"segment": "vip"}, headers=api_headers)
    assert response.status_code == 404


def test_note_appears_on_the_timeline_with_its_author(client, api_headers, make_customer):
    customer = make_customer()
    created = client.post(f"/api/customers/{customer.id}/notes", json={"text": "Просит счёт на email"}, headers=api_headers)
    assert created.status_code == 201
    history = client.get(f"/api/customers/{customer.id}/history", headers=api_headers).json
    assert history["interactions"][0]["notes"] == "Просит счёт на email"
    assert history["interactions"][0]["agent"].startswith("Test Agent")


def test_empty_note_is_refused(client, api_headers, make_customer):
    customer = make_customer()
    response = client.post(f"/api/customers/{customer.id}/notes", json={"text": "  "}, headers=api_headers)
    assert response.status_code == 400 and response.json["field"] == "text"


def test_history_paging_parameters_are_validated(client, api_headers, make_customer):
    customer = make_customer()
    for query in ({"page_size": "abc"}, {"page_size": "0"}, {"before": "nope"}):
        response = client.get(f"/api/customers/{customer.id}/history", query_string=query, headers=api_headers)
        assert response.status_code == 400
