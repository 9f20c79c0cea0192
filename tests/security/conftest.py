"""Security suite fixtures: console clients of each role that carry their session's CSRF token."""

from __future__ import annotations

import re

import pytest

from tests.console.conftest import desk_client, login_as  # noqa: F401  (fixtures)

ROLES = ("agent", "supervisor", "admin")
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def csrf_token_of(client) -> str:
    """The CSRF token a console page gives this client's session (the login page, for anyone signed out)."""
    page = client.get("/desk")
    if page.status_code != 200:
        page = client.get("/login")
    return CSRF_META.search(page.get_data(as_text=True)).group(1)


@pytest.fixture
def role_users(make_user, db_session):
    """One user of each role, committed so that every request sees them."""
    users = {role: make_user(role) for role in ROLES}
    db_session.commit()
    return users


@pytest.fixture
def client_as(app, role_users, login_as):
    """A fresh test client signed in as `role` (None: signed out) with its CSRF token; returns (client, token)."""

    def client_for(role: str | None):
        client = login_as(role_users[role]) if role else app.test_client()
        return client, csrf_token_of(client)

    return client_for
