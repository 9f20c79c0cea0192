"""Who may call every HTTP route: the app's url_map against a hand-written table of each endpoint's protection.

Twilio's signatures on /voice/* are tested in depth in tests/web/test_voice_webhooks.py (which also checks that
every voice route is behind the signature gate); here they take their place in the matrix: no session, however
privileged, opens a webhook."""

from __future__ import annotations

import re

import pytest

from crm_core.users import issue_api_token

from .conftest import ROLES

# Who may use each endpoint. public: anyone; twilio: signed webhooks only; user: anyone signed in;
# scrape: Prometheus on this host, or with METRICS_TOKEN (test clients are local);
# supervisor: supervisors and admins; admin: admins only.
# page: a signed-out visitor is sent to the login; json: a signed-out caller gets 401.
PROTECTION = {
    "static": ("public", "page"),
    "health.healthz": ("public", "page"),
    "console.login": ("public", "page"),
    "console.static": ("public", "page"),
    "console.hold_music": ("public", "page"),  # Twilio fetches it like any media, without a session
    "metrics.metrics": ("scrape", "json"),
    "console.index": ("user", "page"),
    "console.desk": ("user", "page"),
    "console.logout": ("user", "page"),
    "console.demo_call": ("user", "json"),
    "console.softphone_token": ("user", "json"),
    "console.floor": ("supervisor", "page"),
    "console.lists_page": ("supervisor", "page"),
    "console.upload_list_page": ("supervisor", "page"),
    "console.list_report_page": ("supervisor", "page"),
    "console.create_campaign_page": ("supervisor", "page"),
    "console.campaigns_page": ("supervisor", "page"),
    "console.campaign_page": ("supervisor", "page"),
    "console.save_campaign_settings_page": ("supervisor", "page"),
    "console.campaign_status_page": ("supervisor", "page"),
    "console.assign_profile_page": ("supervisor", "page"),
    "console.dnc_page": ("supervisor", "page"),
    "console.dnc_change_page": ("supervisor", "page"),
    "console.dnc_registry_page": ("supervisor", "page"),
    "console.gate_page": ("supervisor", "page"),
    "console.profiles_page": ("supervisor", "page"),
    "console.new_profile_page": ("admin", "page"),
    "console.save_profile_page": ("admin", "page"),
    "console.reports_index": ("supervisor", "page"),
    "console.report_page": ("supervisor", "page"),
    "api.search_customers": ("user", "json"),
    "api.create_customer": ("user", "json"),
    "api.update_customer": ("user", "json"),
    "api.add_note": ("user", "json"),
    "api.customer_history_by_id": ("user", "json"),
    "api.customer_history_by_phone": ("user", "json"),
    "api.list_campaigns": ("supervisor", "json"),
    "api.create_campaign_route": ("supervisor", "json"),
    "api.campaign_abandon_rate": ("supervisor", "json"),
    "api.upload_list": ("supervisor", "json"),
    "api.segment_list": ("supervisor", "json"),
    "api.show_list": ("supervisor", "json"),
    "api.rejected_rows": ("supervisor", "json"),
    "api.dnc_status": ("supervisor", "json"),
    "api.dnc_add": ("supervisor", "json"),
    "api.dnc_remove": ("supervisor", "json"),
    "api.registry_copies": ("supervisor", "json"),
    "api.registry_import": ("supervisor", "json"),
    "api.gate_lookup": ("supervisor", "json"),
    "api.list_profiles": ("supervisor", "json"),
    "api.show_profile": ("supervisor", "json"),
    "api.assign_profile": ("supervisor", "json"),
    "api.save_profile_route": ("admin", "json"),
}

# Every webhook of Twilio's (the voice blueprint) is signed: nothing else may live there.
BLUEPRINT_PROTECTION = {"voice": ("twilio", "page")}

# Who passes each protection.
ALLOWED = {
    "public": {None, *ROLES},
    "scrape": {None, *ROLES},
    "twilio": set(),
    "user": set(ROLES),
    "supervisor": {"supervisor", "admin"},
    "admin": {"admin"},
}
# Where an allowed caller of these endpoints ends up, when it is not simply the endpoint's own answer.
WHEN_LET_THROUGH = {"console.logout": "sent to login"}
# Values for path parameters: ids that exist nowhere (an allowed caller then gets 404, a refused one 403).
PATH_VALUES = {"int": "999999", "default": "nothing", "path": "console.css"}
PARAMETER = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")


def protection_of(endpoint: str) -> tuple[str, str]:
    """(protection, kind) of an endpoint, from its blueprint or the table."""
    blueprint = endpoint.partition(".")[0]
    return BLUEPRINT_PROTECTION.get(blueprint) or PROTECTION[endpoint]


def requests_of(app):
    """(endpoint, method, url) of every route and method of the app."""
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        url = PARAMETER.sub(lambda m: PATH_VALUES[m.group(1) or "default"], rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, url


def outcome(response) -> str:
    """What a caller met: sent to the login, 401, 403, or let through (any other answer, 404 and 400 included)."""
    if response.status_code in (301, 302, 303) and "/login" in response.location:
        return "sent to login"
    return {401: "401", 403: "403"}.get(response.status_code, "let through")


def expected(endpoint: str, role: str | None) -> str:
    protection, kind = protection_of(endpoint)
    if role in ALLOWED[protection]:
        return WHEN_LET_THROUGH.get(endpoint, "let through")
    if protection == "twilio" or role is not None:
        return "403"
    return "sent to login" if kind == "page" else "401"


def test_every_route_has_its_protection_written_down(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()
                 if rule.endpoint.partition(".")[0] not in BLUEPRINT_PROTECTION}
    assert endpoints - PROTECTION.keys() == set(), "classify the new endpoints in PROTECTION"
    assert PROTECTION.keys() - endpoints == set(), "remove endpoints that no longer exist from PROTECTION"


@pytest.mark.parametrize("role", [None, *ROLES], ids=["anonymous", *ROLES])
def test_each_role_reaches_exactly_the_routes_meant_for_it(app, client_as, role):
    wrong = []
    for endpoint, method, url in requests_of(app):
        if protection_of(endpoint)[0] == "public" and method == "POST":
            continue  # the login form's answers are tested in test_login_throttle.py
        client, token = client_as(role)  # a fresh session each time: logging out must not end the others
        response = client.open(url, method=method, headers={
            "X-CSRFToken": token, "Accept": "application/json" if protection_of(endpoint)[1] == "json" else "text/html"})
        response.close()
        if outcome(response) != expected(endpoint, role):
            wrong.append(f"{method} {url} ({endpoint}): {outcome(response)} ({response.status_code}), "
                         f"expected {expected(endpoint, role)}")
    assert wrong == []


@pytest.mark.parametrize("role", ROLES)
def test_an_api_token_carries_exactly_its_owners_role(app, client, role_users, db_session, role):
    token = issue_api_token(db_session, role_users[role], "tests")
    db_session.commit()
    wrong = []
    for endpoint, method, url in requests_of(app):
        if not endpoint.startswith("api."):
            continue
        response = client.open(url, method=method, headers={"Authorization": f"Bearer {token}"})
        response.close()
        if outcome(response) != expected(endpoint, role):
            wrong.append(f"{method} {url}: {outcome(response)} ({response.status_code}), expected "
                         f"{expected(endpoint, role)}")
    assert wrong == []


def test_metrics_are_refused_to_a_remote_scraper_without_the_token(client):
    client.environ_base["REMOTE_ADDR"] = "203.0.113.5"
    assert client.get("/metrics").status_code == 403
