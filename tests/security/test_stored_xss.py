"""Stored XSS: hostile names, notes and labels stored through the normal APIs are shown as text on every page.

Server-rendered pages rely on Jinja's autoescaping (and `tojson` for their inline data); pages drawn by
JavaScript build their DOM from text nodes (agent_console/static/dom.js), which the source scan below keeps
so, and tests/browser/test_xss_browser.py shows on a real screen-pop."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

import agent_console
from callcenter.console.report_pages import PAGES
from crm_core.users import create_user, issue_api_token

from .conftest import csrf_token_of
from .test_http_access import PARAMETER, protection_of

HOSTILE = ("<script>alert('xss')</script>", '<img src=x onerror="alert(1)">', "\"'><svg onload=alert(2)>")
# What would run if any of them reached the page unescaped.
LIVE_MARKUP = re.compile(r"<script>alert|<img src=x|<svg onload", re.IGNORECASE)
ESCAPED = "&lt;script&gt;alert("
# GET routes that render no template.
NOT_PAGES = {"metrics.metrics", "static", "console.static", "console.hold_music", "health.healthz", "console.index"}
STATIC = Path(agent_console.__file__).parent / "static"


CAMPAIGN_SETTINGS = {
    "mode": "progressive", "caller_id": "+74950000000", "machine_action": "voicemail", "safe_harbor_text": "",
    "callback_number": "+74951112233", "dispositions": ["sale", "not_interested"],
    **{f"{outcome}_{setting}": value for outcome in ("busy", "no-answer", "machine", "failed", "abandoned")
       for setting, value in (("delay_minutes", "60"), ("max_tries", "2"))},
}


def hostile(label: str) -> str:
    """A value with every payload, told apart by `label`."""
    return f"{label} {' '.join(HOSTILE)}"


@pytest.fixture
def hostile_data(client, db_session, login_as):
    """Users, a customer, notes, a campaign, lists, a do-not-call entry and a profile, all named with payloads,
    stored through the JSON API; returns the ids the pages need."""
    admin = create_user(db_session, username="admin-x", full_name=hostile("Admin"), role="admin",
                        password="correct horse battery")
    agent = create_user(db_session, username="agent-x", full_name=hostile("Agent"), role="agent",
                        password="correct horse battery")
    headers = {"Authorization": f"Bearer {issue_api_token(db_session, admin, 'xss')}"}
    db_session.commit()

    def api(method, url, **kwargs):
        response = client.open(url, method=method, headers=headers, **kwargs)
        assert response.status_code in (200, 201), response.get_data(as_text=True)
        return response.get_json()

    customer = api("POST", "/api/customers", json={
        "first_name": hostile("First"), "last_name": hostile("Last"), "segment": HOSTILE[1],
        "phones": ["+79161234567"], "consent_calls": True})
    api("POST", f"/api/customers/{customer['id']}/notes", json={"text": hostile("Note")})
    rules = api("GET", "/api/profiles/RU")["rules"]
    api("PUT", "/api/profiles/XS", json={"name": hostile("Profile"), "rules": rules})
    campaign = api("POST", "/api/campaigns", json={"name": hostile("Campaign"), "profile": "XS",
                                                   "caller_id": "+74950000000"})
    csv = f"phone;name\n+79161234568;{hostile('Lead')}\n{hostile('Rejected')};x\n".replace(",", " ")
    uploaded = api("POST", f"/api/campaigns/{campaign['id']}/lists", data={
        "name": hostile("List"), "file": (io.BytesIO(csv.encode()), "leads.csv"), "delimiter": ";"},
        content_type="multipart/form-data")
    api("POST", f"/api/campaigns/{campaign['id']}/lists/segment",
        json={"name": hostile("Segment list"), "segment": HOSTILE[1]})
    api("POST", "/api/dnc", json={"number": "+79161234569", "reason": hostile("Reason"),
                                  "campaign_id": campaign["id"]})
    console = login_as(admin)  # the campaign's script and messages are set on its page
    saved = console.post(f"/supervisor/campaigns/{campaign['id']}/settings", data=CAMPAIGN_SETTINGS | {
        "script": hostile("Script"), "voicemail_text": hostile("Voicemail"), "csrf_token": csrf_token_of(console)})
    assert saved.status_code == 302, saved.get_data(as_text=True)
    return {"admin": admin, "agent": agent, "campaign_id": campaign["id"], "list_id": uploaded["id"]}


def page_urls(app, ids: dict) -> list[str]:
    """Every console page (GET, HTML), with real ids, each report, and the pages that echo what was typed."""
    values = {"campaign_id": ids["campaign_id"], "list_id": ids["list_id"]}
    urls = []
    for rule in app.url_map.iter_rules():
        protection, kind = protection_of(rule.endpoint)
        if "GET" not in rule.methods or kind != "page" or protection == "twilio" or rule.endpoint in NOT_PAGES:
            continue
        if rule.endpoint == "console.report_page":
            urls += [f"/supervisor/reports/{slug}" for slug in PAGES]
            continue
        urls.append(PARAMETER.sub(lambda m: str(values[m.group(2)]), rule.rule))
    payload = HOSTILE[0] + HOSTILE[1] + HOSTILE[2]
    urls += [f"/supervisor/dnc?number={payload}", f"/supervisor/dnc?number=+79161234569",
             f"/supervisor/gate?campaign={ids['campaign_id']}&number={payload}&at={payload}"]
    return urls


def test_every_page_shows_stored_and_typed_payloads_as_text(app, hostile_data, login_as):
    admin, agent = login_as(hostile_data["admin"]), login_as(hostile_data["agent"])
    live, shown = [], []
    for url in page_urls(app, hostile_data):
        for client in (admin, agent):
            response = client.get(url, follow_redirects=True)
            html = response.get_data(as_text=True)
            live += [f"{url}: {m.group(0)}" for m in LIVE_MARKUP.finditer(html)]
            if ESCAPED in html:
                shown.append(url)
    assert live == []
    # The payloads did reach the pages that show these records (escaped), so the check above means something.
    for url in ("/desk", "/floor", f"/supervisor/lists/{hostile_data['list_id']}", "/supervisor/lists",
                f"/supervisor/campaigns/{hostile_data['campaign_id']}", "/supervisor/profiles",
                "/supervisor/dnc?number=+79161234569", "/supervisor/reports/agents"):
        assert url in shown, url


def test_the_login_form_shows_a_typed_username_as_text(client):
    token = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    html = client.post("/login", data={"username": HOSTILE[2], "password": "x", "csrf_token": token}).get_data(
        as_text=True)
    assert LIVE_MARKUP.search(html) is None
    assert 'value="&#34;&#39;&gt;&lt;svg onload=alert(2)&gt;"' in html


# Ways a script turns a string into markup or code. The console builds DOM with dom.js (text nodes and
# attribute values only).
HTML_SINKS = re.compile(r"\.innerHTML\b|\.outerHTML\b|insertAdjacentHTML|document\.write|\beval\(|new Function\(|"
                        r"createContextualFragment|DOMParser|setAttribute\(\s*[\"']on|\.srcdoc\b")


def test_no_console_script_parses_data_as_html():
    scripts = [p for p in STATIC.rglob("*.js") if "vendor" not in p.parts]
    assert len(scripts) > 10
    sinks = [f"{p.relative_to(STATIC)}:{n}: {line.strip()}" for p in scripts
             for n, line in enumerate(p.read_text().splitlines(), 1) if HTML_SINKS.search(line)]
    assert sinks == []
