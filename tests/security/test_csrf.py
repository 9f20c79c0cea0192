"""Cross-site request forgery: a signed-in browser's changes must carry the session's CSRF token."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from crm_core.models import Campaign, Customer

NEW_CUSTOMER = {"first_name": "Анна", "last_name": "Смирнова", "phones": ["+79161112233"]}


def customers(db_session) -> int:
    return db_session.scalar(sa.select(sa.func.count()).select_from(Customer))


@pytest.mark.parametrize("headers", [{}, {"X-CSRFToken": "forged"}], ids=["without", "with a forged one"])
def test_a_session_json_post_without_the_token_is_refused_and_changes_nothing(client_as, db_session, headers):
    client, _ = client_as("agent")
    response = client.post("/api/customers", json=NEW_CUSTOMER, headers=headers)
    assert response.status_code == 400
    assert "CSRF" in response.get_json()["message"]
    assert customers(db_session) == 0


def test_a_session_json_post_with_the_token_is_accepted(client_as, db_session):
    client, token = client_as("agent")
    assert client.post("/api/customers", json=NEW_CUSTOMER, headers={"X-CSRFToken": token}).status_code == 201
    assert customers(db_session) == 1


def test_a_token_of_another_session_does_not_pass(client_as, db_session):
    client, _ = client_as("agent")
    _, someone_elses = client_as("supervisor")
    assert client.post("/api/customers", json=NEW_CUSTOMER, headers={"X-CSRFToken": someone_elses}).status_code == 400


def test_an_api_token_needs_no_csrf_token(client, api_headers):
    assert client.post("/api/customers", json=NEW_CUSTOMER, headers=api_headers).status_code == 201


FORM = {"campaign_name": "Опрос", "profile": "RU", "caller_id": "+74950000000", "purpose": "service",
        "mode": "progressive"}


def test_a_console_form_without_the_token_is_refused_and_changes_nothing(client_as, db_session):
    client, _ = client_as("supervisor")
    response = client.post("/supervisor/campaigns", data=FORM)
    assert response.status_code == 400
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Campaign)) == 0


def test_a_console_form_with_the_token_is_accepted(client_as, db_session):
    client, token = client_as("supervisor")
    response = client.post("/supervisor/campaigns", data=FORM | {"csrf_token": token})
    assert response.status_code == 302
    assert db_session.scalar(sa.select(Campaign.name)) == "Опрос"


def test_logging_out_needs_the_token(client_as):
    client, token = client_as("agent")
    assert client.post("/logout").status_code == 400
    assert client.get("/desk").status_code == 200  # still signed in
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/desk").status_code == 302


def test_the_login_form_needs_the_token(client, make_user, db_session):
    make_user("agent", username="olga")
    db_session.commit()
    response = client.post("/login", data={"username": "olga", "password": "correct horse battery"})
    assert response.status_code == 400
    assert client.get("/desk").status_code == 302
