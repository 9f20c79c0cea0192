"""Security headers: no framing, no sniffing, same-origin referrers, our own scripts only, HTTPS kept once seen."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import agent_console

from .conftest import ROLES, csrf_token_of


def policy(response) -> dict[str, str]:
    """The Content-Security-Policy as {directive: sources}."""
    directives = (d.strip().partition(" ") for d in response.headers["Content-Security-Policy"].split(";"))
    return {name: sources for name, _, sources in directives}


@pytest.mark.parametrize("path", ["/login", "/healthz", "/console/static/console.css", "/api/customers",
                                  "/voice/incoming"])
def test_every_answer_forbids_framing_sniffing_and_foreign_scripts(client, path):
    response = client.get(path)
    response.close()
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    csp = policy(response)
    assert csp["script-src"] == "'self'"  # no inline script, no eval, no CDN
    assert csp["style-src"] == "'self'"
    assert csp["object-src"] == "'none'"
    assert csp["frame-ancestors"] == "'none'"
    assert csp["base-uri"] == "'self'"
    assert csp["form-action"] == "'self'"


@pytest.mark.parametrize("role", ROLES)
def test_console_pages_carry_the_policy(client_as, role):
    client, _ = client_as(role)
    page = client.get("/floor" if role != "agent" else "/desk")
    assert page.status_code == 200
    assert policy(page)["default-src"] == "'self'"


def test_the_policy_lets_the_softphone_reach_twilio_and_the_console_its_own_websocket(client):
    csp = policy(client.get("/login"))
    assert csp["connect-src"].split() == ["'self'", "wss://*.twilio.com", "https://*.twilio.com"]
    assert "https://sdk.twilio.com" in csp["media-src"].split()


def test_https_deployments_tell_browsers_to_stay_on_https(make_app):
    response = make_app(PUBLIC_BASE_URL="https://cc.example.com").test_client().get("/login")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_plain_http_deployments_send_no_hsts(client):
    assert "Strict-Transport-Security" not in client.get("/login").headers


@pytest.mark.parametrize("base_url, secure", [("http://127.0.0.1:5000", False), ("https://cc.example.com", True)])
def test_the_session_cookie_is_out_of_scripts_reach_and_secure_behind_https(make_app, make_user, db_session,
                                                                            base_url, secure):
    make_user("agent", username="olga")
    db_session.commit()
    client = make_app(PUBLIC_BASE_URL=base_url).test_client()
    token = csrf_token_of(client)
    response = client.post("/login", data={"username": "olga", "password": "correct horse battery",
                                           "csrf_token": token})
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert ("Secure" in cookie) == secure


TEMPLATES = Path(agent_console.__file__).parent / "templates"
# What the policy forbids in a page: inline script (other than inert JSON data), inline style, event attributes.
INLINE = re.compile(r"<script(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>|<style\b|\sstyle=|\son[a-z]+=",
                    re.IGNORECASE)


def test_no_template_needs_inline_script_or_style():
    templates = sorted(TEMPLATES.rglob("*.html"))
    assert len(templates) > 10
    inline = [f"{t.relative_to(TEMPLATES)}:{n}: {line.strip()}" for t in templates
              for n, line in enumerate(t.read_text().splitlines(), 1) if INLINE.search(line)]
    assert inline == []
