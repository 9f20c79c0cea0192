"""Fixtures for the sandbox tests: sandbox servers, a signature-checking "customer app"
that serves TwiML, and the real twilio REST client pointed at the sandbox."""

from __future__ import annotations

import email.utils
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from flask import Flask, Response, request
from twilio.http.http_client import TwilioHttpClient
from twilio.request_validator import RequestValidator
from twilio.rest import Client
from twilio.twiml.voice_response import VoiceResponse

from twilio_sandbox import SandboxClient, create_app, serve_in_thread

ACCOUNT_SID = "AC" + "5a" * 16
AUTH_TOKEN = "sandbox-test-auth-token"
OUR_NUMBER = "+74951234567"
CUSTOMER = "+79161234567"
CLOCK_SPEED = 100.0

Handler = Callable[[dict], "VoiceResponse | str | tuple | Response"]


@dataclass
class Hit:
    """One request the customer app received."""

    path: str
    method: str
    params: dict[str, str]
    signature_valid: bool
    received_at: float


class CustomerApp:
    """A stand-in for our application: every request must carry a valid X-Twilio-Signature
    (checked with twilio's RequestValidator); each path answers from a handler."""

    def __init__(self, auth_token: str) -> None:
        self.validator = RequestValidator(auth_token)
        self.handlers: dict[str, Handler] = {}
        self.hits: list[Hit] = []
        self.changed = threading.Condition()
        self.flask = Flask("customer_app")
        self.flask.add_url_rule("/<path:path>", view_func=self._dispatch, methods=["GET", "POST"])
        self.base_url = ""

    def url(self, path: str) -> str:
        """Return the absolute URL of a path of this app."""
        return self.base_url + path

    def on(self, path: str, handler: Handler) -> None:
        """Answer requests to ``path`` with ``handler(params)``."""
        self.handlers[path] = handler

    def twiml(self, path: str, build: Callable[[VoiceResponse, dict], None]) -> None:
        """Answer ``path`` with a VoiceResponse that ``build(response, params)`` fills in."""

        def handler(params: dict) -> VoiceResponse:
            response = VoiceResponse()
            build(response, params)
            return response

        self.on(path, handler)

    def requests_to(self, path: str) -> list[dict]:
        """Return the parameters of every request to ``path`` so far."""
        with self.changed:
            return [hit.params for hit in self.hits if hit.path == path]

    def wait_for(self, path: str, count: int = 1, timeout: float = 10.0) -> list[dict]:
        """Wait (real seconds) until ``path`` was requested ``count`` times."""
        with self.changed:
            self.changed.wait_for(lambda: len([h for h in self.hits if h.path == path]) >= count, timeout)
        hits = self.requests_to(path)
        assert len(hits) >= count, f"{path} requested {len(hits)} times, expected {count}"
        return hits

    def _dispatch(self, path: str) -> Response | tuple:
        """Check the signature, record the request and answer it."""
        path = "/" + path
        valid = self.validator.validate(request.url, request.form, request.headers.get("X-Twilio-Signature", ""))
        hit = Hit(path, request.method, request.values.to_dict(), valid, time.monotonic())
        with self.changed:
            self.hits.append(hit)
            self.changed.notify_all()
        if not valid:
            return "invalid signature", 403
        handler = self.handlers.get(path)
        if handler is None:
            return "", 204
        result = handler(hit.params)
        if isinstance(result, VoiceResponse):
            return Response(str(result), mimetype="text/xml")
        return result


class SandboxHttpClient(TwilioHttpClient):
    """Sends the twilio library's requests to the sandbox instead of api.twilio.com."""

    def __init__(self, base_url: str) -> None:
        super().__init__()
        self.base_url = base_url

    def request(self, method, url, *args, **kwargs):
        """Rewrite the scheme and host, keep everything else."""
        return super().request(method, url.replace("https://api.twilio.com", self.base_url, 1), *args, **kwargs)


OPENAPI_CANDIDATES = [
    Path(__file__).resolve().parents[3] / "shared" / "reference" / "twilio" / "twilio_api_v2010.json",
    Path("/work/shared/reference/twilio/twilio_api_v2010.json"),
]
RFC_2822_FIELDS = {"date_created", "date_updated", "start_time", "end_time", "date_enqueued"}


@pytest.fixture(scope="module")
def openapi() -> dict:
    """Return Twilio's OpenAPI description of the 2010-04-01 API."""
    path = next((p for p in OPENAPI_CANDIDATES if p.exists()), None)
    if path is None:
        pytest.skip("Twilio's OpenAPI file (shared/reference/twilio) is not available")
    return json.loads(path.read_text())


@pytest.fixture
def validate(openapi):
    """Return a function that checks a JSON body against a schema of the OpenAPI file."""
    validator = pytest.importorskip("openapi_schema_validator")

    def check(instance: dict, schema_name: str) -> None:
        schema = {"$ref": f"#/components/schemas/{schema_name}", "components": openapi["components"]}
        validator.validate(instance, schema, cls=validator.OAS30Validator)
        for key in RFC_2822_FIELDS & instance.keys():
            assert instance[key] is None or email.utils.parsedate_to_datetime(instance[key]).tzinfo is not None, key

    return check


@pytest.fixture
def rest(sandbox_url: str) -> Callable[..., requests.Response]:
    """Return a function that calls the sandbox's REST API without the twilio library."""

    def call(path: str, method: str = "GET", auth=(ACCOUNT_SID, AUTH_TOKEN), **params: str) -> requests.Response:
        url = f"{sandbox_url}/2010-04-01/Accounts/{ACCOUNT_SID}{path}"
        where = "params" if method == "GET" else "data"  # query string for GET, a form otherwise
        return requests.request(method, url, auth=auth, timeout=5, **{where: params})

    return call


@pytest.fixture
def make_sandbox() -> Iterator[Callable[..., str]]:
    """Return a factory that starts a sandbox server (create_app kwargs) and returns its URL."""
    handles = []

    def make(**kwargs: object) -> str:
        kwargs.setdefault("clock_speed", CLOCK_SPEED)
        kwargs.setdefault("webhook_timeout", 5.0)
        handle = serve_in_thread(create_app({ACCOUNT_SID: AUTH_TOKEN}, **kwargs))
        handles.append(handle)
        return handle.url

    yield make
    for handle in handles:
        handle.shutdown()


@pytest.fixture
def sandbox_url(make_sandbox: Callable[..., str]) -> str:
    """Return the URL of a fast-clock sandbox with our test account."""
    return make_sandbox()


@pytest.fixture
def control(sandbox_url: str) -> Iterator[SandboxClient]:
    """Return a control API client of the sandbox."""
    with SandboxClient(sandbox_url) as client:
        yield client


@pytest.fixture
def customer() -> Iterator[CustomerApp]:
    """Return a running customer app that validates signatures and serves TwiML."""
    app = CustomerApp(AUTH_TOKEN)
    handle = serve_in_thread(app.flask)
    app.base_url = handle.url
    yield app
    handle.shutdown()
    assert all(hit.signature_valid for hit in app.hits), "a sandbox request had an invalid signature"


@pytest.fixture
def our_number(control: SandboxClient, customer: CustomerApp) -> str:
    """Register OUR_NUMBER with the customer app's /voice as its voice URL."""
    control.add_number(OUR_NUMBER, ACCOUNT_SID, customer.url("/voice"), status_callback=customer.url("/status"))
    return OUR_NUMBER


@pytest.fixture
def twilio_client(sandbox_url: str) -> Iterator[Client]:
    """Return the real twilio REST client, talking to the sandbox."""
    http_client = SandboxHttpClient(sandbox_url)
    yield Client(ACCOUNT_SID, AUTH_TOKEN, http_client=http_client)
    http_client.session.close()


def hangup_event(call: dict) -> dict:
    """Return the transcript event that ended a call (from GET /_sandbox/calls/{sid})."""
    return next(event for event in call["transcript"] if event["event"] == "hangup")


def eventually(check: Callable[[], object], timeout: float = 5.0, message: str = "condition never held"):
    """Poll ``check`` (real time) until it returns something truthy, and return that."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        assert time.monotonic() < deadline, message
        time.sleep(0.01)
