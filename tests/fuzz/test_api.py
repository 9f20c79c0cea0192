"""Every JSON API route with wrong types, missing fields, huge numbers, unicode, nulls and nested garbage:
never a 500; a refusal is a 4xx JSON error (a 400 names the field) and stores nothing; what is accepted is
no garbage (see this package's conftest).

The API publishes no OpenAPI document, so each route's fields are written here from its docstring; a route
missing from ROUTES fails `test_every_api_route_is_fuzzed`."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

import pytest
from hypothesis import given, strategies as st

from .conftest import fuzz_settings, hostile_text, json_value

ids = st.one_of(st.integers(-3, 10), st.integers(2 ** 31, 2 ** 80), st.integers(-(2 ** 70), -(2 ** 40)))
numbers = st.one_of(st.sampled_from(["+79123456789", "8 912 345 67 89", "+1 415 555 0100", "+74950000000"]),
                    hostile_text)
moments = st.one_of(st.sampled_from(["2026-06-01T18:30+03:00", "2026-06-01T18:30", "9999-12-31T23:59:59",
                                     "0001-01-01T00:00+14:00"]), hostile_text)


def anything_or(*values) -> st.SearchStrategy:
    """A documented value of a field, or any JSON at all."""
    return st.one_of(st.sampled_from(values), json_value) if values else json_value


CUSTOMER_FIELDS = {
    "first_name": anything_or("Иван"), "last_name": anything_or("Петров"), "company_name": anything_or("ООО Ромашка"),
    "email": anything_or("ivan@example.com"), "time_zone": anything_or("Europe/Moscow", "Mars/Olympus"),
    "segment": anything_or("vip"), "postal_code": anything_or("630099"), "consent_calls": anything_or(True),
    "consent_marketing": anything_or(False), "consent_recording": anything_or(True),
    "kind": anything_or("person", "company"), "language": anything_or("ru", "en"),
    "birthday": anything_or("1990-05-01", "1990-02-30"),
    "phones": st.one_of(st.lists(st.one_of(numbers, st.fixed_dictionaries({"number": numbers},
                                                                           optional={"label": json_value}),
                                           json_value), max_size=12), json_value),
}
PROFILE_RULES = {"window": {"hours": [["09:00", "21:00"]], "days": [0, 1, 2, 3, 4]}, "abandon": {"max_percent": 3}}


@dataclass(frozen=True)
class Route:
    """How to call one route: its method, path (with {placeholders} for path parameters), and fields."""

    method: str
    path: str
    path_params: dict = field(default_factory=dict)
    query: dict = field(default_factory=dict)
    body: dict = field(default_factory=dict)
    files: dict = field(default_factory=dict)
    form: dict = field(default_factory=dict)


csv_files = st.one_of(st.binary(max_size=300), st.sampled_from([
    b"phone,name\n+79123456789,Ivan\n=cmd|' /C calc'!A0,x\n", "\ufeffТелефон;ФИО\n8 912 345 67 89;Иван\n".encode(),
    b"", b"phone\n\x00\n", b"name\nIvan\n"]))

ROUTES = {
    "api.search_customers": Route("GET", "/api/customers", query={"q": hostile_text}),
    "api.customer_history_by_id": Route("GET", "/api/customers/{customer_id}/history", {"customer_id": ids},
                                        query={"page_size": hostile_text, "before": hostile_text}),
    "api.customer_history_by_phone": Route("GET", "/api/history", query={"phone": numbers, "page_size": hostile_text,
                                                                         "before": hostile_text}),
    "api.create_customer": Route("POST", "/api/customers", body=CUSTOMER_FIELDS),
    "api.update_customer": Route("PATCH", "/api/customers/{customer_id}", {"customer_id": ids}, body=CUSTOMER_FIELDS),
    "api.add_note": Route("POST", "/api/customers/{customer_id}/notes", {"customer_id": ids},
                          body={"text": anything_or("called back", "x" * 10_001)}),
    "api.list_campaigns": Route("GET", "/api/campaigns"),
    "api.create_campaign_route": Route("POST", "/api/campaigns", body={
        "name": anything_or("Spring sale"), "profile": anything_or("RU", "US", "XX"), "caller_id": numbers,
        "purpose": anything_or("service", "advertising"), "mode": anything_or("preview", "progressive", "predictive")}),
    "api.upload_list": Route("POST", "/api/campaigns/{campaign_id}/lists", {"campaign_id": ids},
                             files={"file": csv_files}, form={
        "name": hostile_text, "encoding": st.one_of(st.sampled_from(["auto", "utf-8", "cp1251"]), hostile_text),
        "delimiter": st.one_of(st.sampled_from([",", ";", "\t"]), hostile_text), "map_phone": hostile_text,
        "map_name": hostile_text, "map_consent": hostile_text}),
    "api.segment_list": Route("POST", "/api/campaigns/{campaign_id}/lists/segment", {"campaign_id": ids}, body={
        "name": json_value, "ordered_within_days": anything_or(30, 0, 10 ** 12), "not_contacted_days": anything_or(7),
        "segment": anything_or("vip")}),
    "api.show_list": Route("GET", "/api/lists/{list_id}", {"list_id": ids}),
    "api.rejected_rows": Route("GET", "/api/lists/{list_id}/rejected.csv", {"list_id": ids}),
    "api.dnc_status": Route("GET", "/api/dnc", query={"number": numbers}),
    "api.dnc_add": Route("POST", "/api/dnc", body={"number": anything_or("+79123456789"), "reason": json_value,
                                                   "campaign_id": anything_or(1, "1", 2 ** 70)}),
    "api.dnc_remove": Route("DELETE", "/api/dnc", body={"number": anything_or("+79123456789"), "reason": json_value,
                                                        "campaign_id": anything_or(1, "1", 2 ** 70)}),
    "api.registry_copies": Route("GET", "/api/dnc/registries"),
    "api.registry_import": Route("POST", "/api/dnc/registries", files={"file": csv_files}, form={
        "registry": st.one_of(st.sampled_from(["RU", "US", "FR"]), hostile_text),
        "registry_date": st.one_of(st.sampled_from(["2026-06-01", "2026-02-30"]), hostile_text),
        "region": st.one_of(st.sampled_from(["RU", "US"]), hostile_text)}),
    "api.list_profiles": Route("GET", "/api/profiles"),
    "api.show_profile": Route("GET", "/api/profiles/{code}", {"code": st.one_of(st.sampled_from(["RU", "US"]),
                                                                                 hostile_text)}),
    "api.save_profile_route": Route("PUT", "/api/profiles/{code}", {"code": st.one_of(st.just("T1"), hostile_text)},
                                    body={"name": json_value, "rules": anything_or(PROFILE_RULES)}),
    "api.assign_profile": Route("PUT", "/api/campaigns/{campaign_id}/profile", {"campaign_id": ids},
                                body={"profile": anything_or("RU", "US")}),
    "api.gate_lookup": Route("GET", "/api/gate", query={
        "number": numbers, "campaign": st.one_of(ids.map(str), hostile_text), "at": moments, "mode": hostile_text}),
    "api.campaign_abandon_rate": Route("GET", "/api/campaigns/{campaign_id}/abandon-rate", {"campaign_id": ids},
                                       query={"at": moments}),
}


@st.composite
def requests(draw, route: Route) -> dict:
    """Keyword arguments of the test client's `open` for one generated request of `route`."""
    path = route.path.format(**{name: quote(str(draw(values)), safe="") for name, values in route.path_params.items()})
    query = draw(st.fixed_dictionaries({}, optional=route.query))
    request = {"method": route.method, "path": path + (f"?{urlencode(query)}" if query else "")}
    if route.body:
        body = draw(st.one_of(st.fixed_dictionaries({}, optional=route.body).map(lambda b: ("json", b)),
                              st.fixed_dictionaries({}, optional=route.body | {"unexpected": json_value})
                              .map(lambda b: ("json", b)),
                              json_value.map(lambda b: ("json", b)), st.binary(max_size=50).map(lambda b: ("raw", b))))
        if body[0] == "json":
            request["json"] = body[1]
        else:
            request |= {"data": body[1], "content_type": "application/json"}
    if route.files or route.form:
        form = draw(st.fixed_dictionaries({}, optional=route.form))
        files = {name: (io.BytesIO(content), draw(st.sampled_from(["list.csv", "", "../x.csv", "ф" * 300])))
                 for name, content in draw(st.fixed_dictionaries({}, optional=route.files)).items()}
        request |= {"data": form | files, "content_type": "multipart/form-data"}
    return request


@pytest.fixture
def some_records(db_session, make_customer, make_interaction, make_dialing_campaign, add_leads):
    """A customer with a call, a running campaign with a list: real ids for the fuzzed path parameters."""
    customer = make_customer(phones=("+79123456780",))
    make_interaction(customer)
    campaign = make_dialing_campaign(db_session)
    add_leads(db_session, campaign, ["+79160000401"])
    db_session.commit()


def test_every_api_route_is_fuzzed(app):
    api_routes = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api.")}
    assert api_routes == set(ROUTES)


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_api_route_with_hostile_input_answers_a_clear_error_or_stores_clean_data(
        endpoint, client, headers_for, some_records, isolated, row_counts, garbage):
    route, admin = ROUTES[endpoint], headers_for("admin")  # admins may call every route

    @fuzz_settings()
    @given(request=requests(route))
    def call(request):
        with isolated():
            before = row_counts()
            response = client.open(headers=admin, **request)
            assert response.status_code < 500, response.data[:500]
            if response.status_code >= 400:
                error = response.get_json()
                assert error is not None and error["error"] and error["message"], response.data[:500]
                if response.status_code == 400:
                    assert error.get("field"), error
                assert row_counts() == before
            elif response.status_code >= 300:  # routing's redirect of a path with `//` to its merged form
                assert row_counts() == before
            else:
                assert response.mimetype in ("application/json", "text/csv")
                response.get_data()  # a streamed CSV is produced to the end
                assert garbage() == []

    call()


@pytest.mark.parametrize("method, path, body, status, field", [
    ("GET", "/api/campaigns/9223372036854775808/abandon-rate", None, 404, None),
    ("PATCH", "/api/customers/2147483648", {}, 404, None),
    ("GET", "/api/campaigns/{campaign}/abandon-rate?at=0001-01-01T00%3A00%2B14%3A00", None, 400, "at"),
    ("GET", "/api/gate?campaign={campaign}&number=%2B79123456789&at=9999-12-31T23%3A59%3A59", None, 400, "at"),
    ("GET", "/api/gate?campaign=99999999999999999999&number=%2B79123456789", None, 404, None),
    ("POST", "/api/customers", {"": None}, 400, "body"),
    ("POST", "/api/campaigns", {"name": True}, 400, "name"),
    ("POST", "/api/dnc", {"number": "+79123456789", "reason": [None]}, 400, "reason"),
    ("POST", "/api/dnc", {"number": "+79123456789", "reason": "asked", "campaign_id": 2 ** 70}, 404, None),
    ("PUT", "/api/campaigns/{campaign}/profile", {"profile": {"code": "RU"}}, 400, "profile"),
    ("GET", "/api/gate?campaign=%00", None, 400, "campaign"),
    ("GET", "/api/profiles/%00", None, 400, "code"),
    ("POST", "/api/customers", {"first_name": "Иван", "phones": [{"number": "+7912\x003456789"}]}, 400, "phones"),
])
def test_inputs_that_once_crashed_the_api_get_a_clear_error(client, headers_for, make_dialing_campaign, db_session,
                                                            row_counts, method, path, body, status, field):
    campaign, admin = make_dialing_campaign(db_session), headers_for("admin")
    db_session.commit()
    before = row_counts()
    response = client.open(path.format(campaign=campaign.id), method=method, json=body, headers=admin)
    assert (response.status_code, response.get_json().get("field")) == (status, field)
    assert row_counts() == before


def test_json_nested_too_deeply_is_refused_naming_the_body(client, headers_for):
    response = client.post("/api/customers", data="[" * 100_000, content_type="application/json",
                           headers=headers_for("admin"))
    assert response.status_code == 400 and response.get_json()["field"] == "body"


def test_a_registry_copy_with_a_very_long_file_name_is_imported(client, headers_for):
    response = client.post("/api/dnc/registries", headers=headers_for("admin"), content_type="multipart/form-data",
                           data={"registry": "RU", "registry_date": "2026-06-01",
                                 "file": (io.BytesIO(b"+79123456789\n"), "ф" * 300 + ".csv")})
    assert response.status_code == 201, response.get_json()


def test_a_customer_name_with_a_control_character_is_refused_naming_the_field(client, headers_for, row_counts):
    admin = headers_for("admin")
    before = row_counts()
    response = client.post("/api/customers", json={"first_name": "Ив\x07ан"}, headers=admin)
    assert (response.status_code, response.get_json()["field"]) == (400, "first_name")
    assert row_counts() == before
