"""The REST API as the twilio library sees it: authentication, errors, resource shapes."""

from __future__ import annotations

import pytest
import requests
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from .conftest import ACCOUNT_SID, AUTH_TOKEN, OUR_NUMBER, SandboxHttpClient, eventually


def test_wrong_credentials_are_refused_with_20003(sandbox_url):
    http_client = SandboxHttpClient(sandbox_url)
    client = Client(ACCOUNT_SID, "not-the-token", http_client=http_client)
    try:
        with pytest.raises(TwilioRestException) as refused:
            client.calls.create(to="+79990001122", from_=OUR_NUMBER, url="http://example.com/x")
    finally:
        http_client.session.close()

    assert (refused.value.status, refused.value.code) == (401, 20003)


def test_missing_credentials_and_another_accounts_path_are_refused(sandbox_url, rest):
    anonymous = rest("/Calls.json", auth=None)
    foreign = requests.get(
        f"{sandbox_url}/2010-04-01/Accounts/AC{'0' * 32}/Calls.json", auth=(ACCOUNT_SID, AUTH_TOKEN), timeout=5
    )

    assert anonymous.status_code == foreign.status_code == 401
    assert anonymous.json()["code"] == foreign.json()["code"] == 20003


def test_unknown_resources_are_404_with_20404(twilio_client, rest):
    with pytest.raises(TwilioRestException) as missing:
        twilio_client.calls("CA" + "0" * 32).fetch()

    assert (missing.value.status, missing.value.code) == (404, 20404)
    assert rest("/Recordings.json").json()["code"] == 20404


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"From": OUR_NUMBER, "Url": "http://example.com/x"}, 21201),
        ({"To": "+79990001122", "Url": "http://example.com/x"}, 21213),
        ({"To": "+79990001122", "From": OUR_NUMBER}, 21205),
        ({"To": "not a number", "From": OUR_NUMBER, "Url": "http://example.com/x"}, 21211),
    ],
)
def test_incomplete_call_requests_are_400_with_twilios_codes(rest, params, code):
    response = rest("/Calls.json", "POST", **params)

    assert response.status_code == 400
    assert response.json()["code"] == code
    assert response.json()["message"]
    assert response.json()["more_info"].endswith(str(code))


def test_call_resources_match_twilios_schema(control, customer, twilio_client, validate, rest):
    control.add_callee("+79990001122", "human", talk_for=3)
    customer.twiml("/outbound", lambda r, p: r.pause(length=10))

    created = twilio_client.calls.create(to="+79990001122", from_=OUR_NUMBER, url=customer.url("/outbound"))
    control.wait(created.sid)
    body = rest(f"/Calls/{created.sid}.json").json()
    listing = rest("/Calls.json", PageSize="1")

    validate(body, "api.v2010.account.call")
    assert body["uri"] == f"/2010-04-01/Accounts/{ACCOUNT_SID}/Calls/{created.sid}.json"
    assert int(body["duration"]) >= 3 and body["from_formatted"] == OUR_NUMBER
    assert listing.json()["calls"][0]["sid"] == created.sid
    assert listing.json()["page_size"] == 1
    assert [c.sid for c in twilio_client.calls.list(to="+79990001122")] == [created.sid]


def test_queue_resources_match_twilios_schema(control, customer, our_number, twilio_client, validate, rest):
    customer.twiml("/voice", lambda r, p: r.enqueue("billing"))
    sid = control.place_call("+79161234567", our_number, script=[], patience=100)
    customer.wait_for("/voice")
    queue = eventually(lambda: [q for q in twilio_client.queues.list() if q.current_size == 1])[0]

    validate(rest(f"/Queues/{queue.sid}.json").json(), "api.v2010.account.queue")
    members = rest(f"/Queues/{queue.sid}/Members.json").json()["queue_members"]
    validate(members[0], "api.v2010.account.queue.member")
    assert members[0]["call_sid"] == sid
    control.hangup(sid)
    control.wait(sid)
    assert rest(f"/Queues/{queue.sid}/Members/{sid}.json").status_code == 404


def test_dequeuing_a_call_that_is_no_longer_waiting_is_refused(control, customer, our_number, twilio_client):
    customer.twiml("/voice", lambda r, p: r.enqueue("billing"))
    sid = control.place_call("+79161234567", our_number, script=[], patience=100)
    customer.wait_for("/voice")
    queue = eventually(lambda: [q for q in twilio_client.queues.list() if q.current_size == 1])[0]

    twilio_client.queues(queue.sid).members(sid).update(url=customer.url("/gone"))
    with pytest.raises(TwilioRestException) as refused:
        twilio_client.queues(queue.sid).members(sid).update(url=customer.url("/gone"))

    assert refused.value.status == 400
    control.wait(sid)


def test_queues_can_be_created_renamed_and_deleted(twilio_client):
    queue = twilio_client.queues.create(friendly_name="sales", max_size=10)

    renamed = twilio_client.queues(queue.sid).update(friendly_name="telesales")
    deleted = twilio_client.queues(queue.sid).delete()

    assert (queue.friendly_name, queue.max_size, queue.current_size) == ("sales", 10, 0)
    assert renamed.friendly_name == "telesales"
    assert deleted is True
    assert twilio_client.queues.list() == []


def test_the_request_log_records_rest_requests(control, rest):
    rest("/Calls.json", auth=(ACCOUNT_SID, "wrong"))
    rest("/Queues.json", "POST", FriendlyName="support")

    log = control.request_log()

    assert [(e["method"], e["path"], e["auth_ok"], e["status"]) for e in log] == [
        ("GET", f"/2010-04-01/Accounts/{ACCOUNT_SID}/Calls.json", False, 401),
        ("POST", f"/2010-04-01/Accounts/{ACCOUNT_SID}/Queues.json", True, 201),
    ]
    assert log[1]["params"] == {"FriendlyName": "support"}
    assert log[1]["account_sid"] == ACCOUNT_SID
