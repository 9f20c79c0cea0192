"""Only supervisors open the reports; every report page answers them."""

from __future__ import annotations

import pytest

from callcenter.console.reports import PAGES

REPORT_PATHS = ["/supervisor/reports", *(f"/supervisor/reports/{slug}" for slug in PAGES)]


@pytest.mark.parametrize("path", REPORT_PATHS)
def test_anonymous_visitors_are_sent_to_the_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/login" in response.location


@pytest.mark.parametrize("path", REPORT_PATHS)
def test_agents_are_refused(login_as, make_user, path):
    assert login_as(make_user("agent")).get(path).status_code == 403


@pytest.mark.parametrize("path", REPORT_PATHS)
def test_supervisors_open_every_report_page(supervisor_client, path):
    response = supervisor_client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)


def test_the_index_links_to_every_report_and_the_floor_links_to_the_index(supervisor_client):
    index = supervisor_client.get("/supervisor/reports").get_data(as_text=True)
    for slug in PAGES:
        assert f'href="/supervisor/reports/{slug}"' in index
    assert 'href="/supervisor/reports"' in supervisor_client.get("/floor").get_data(as_text=True)


def test_an_unknown_report_is_not_found(supervisor_client):
    assert supervisor_client.get("/supervisor/reports/nothing").status_code == 404
