"""Guessing passwords: failed logins for one username, or from one address, lock further attempts out; and
the login's answer does not tell which usernames exist."""

from __future__ import annotations

import logging
import time

import pytest

from crm_core.users import authenticate

from .conftest import csrf_token_of

PASSWORD = "correct horse battery"  # make_user's
LIMITS = {"LOGIN_MAX_FAILURES_PER_USERNAME": 3, "LOGIN_MAX_FAILURES_PER_ADDRESS": 5,
          "LOGIN_FAILURE_WINDOW_SECONDS": 600, "LOGIN_LOCKOUT_SECONDS": 600}


@pytest.fixture
def throttled_app(make_app):
    """The app with small limits."""
    return make_app(**LIMITS)


@pytest.fixture
def log_in(throttled_app):
    """Post the login form from `address`; returns the response."""

    def log_in_(username: str, password: str, *, address: str = "192.0.2.10", app=None):
        client = (app or throttled_app).test_client()
        client.environ_base["REMOTE_ADDR"] = address
        token = csrf_token_of(client)
        return client.post("/login", data={"username": username, "password": password, "csrf_token": token})

    return log_in_


@pytest.fixture
def olga(make_user, db_session):
    """An agent who sometimes mistypes her password."""
    user = make_user("agent", username="olga")
    db_session.commit()
    return user


def test_the_right_password_is_refused_once_a_username_is_locked_out(log_in, olga):
    for _ in range(LIMITS["LOGIN_MAX_FAILURES_PER_USERNAME"] - 1):
        assert log_in("olga", "wrong password").status_code == 401
    locking = log_in("olga", "wrong password")
    assert locking.status_code == 429

    refused = log_in("olga", PASSWORD, address="198.51.100.7")  # from another address too
    assert refused.status_code == 429
    assert "Too many failed logins. Try again in 10 minutes." in refused.get_data(as_text=True)
    assert 590 <= int(refused.headers["Retry-After"]) <= 600


def test_a_successful_login_forgives_the_usernames_earlier_failures(log_in, olga):
    for _ in range(2):
        for _ in range(LIMITS["LOGIN_MAX_FAILURES_PER_USERNAME"] - 1):
            assert log_in("olga", "wrong password", address="192.0.2.1").status_code == 401
        assert log_in("olga", PASSWORD, address="192.0.2.2").status_code == 302


def test_one_address_guessing_many_usernames_is_locked_out(log_in, olga):
    for n in range(LIMITS["LOGIN_MAX_FAILURES_PER_ADDRESS"]):
        answer = log_in(f"guess{n}", "wrong password", address="203.0.113.9")
    assert answer.status_code == 429
    assert log_in("olga", PASSWORD, address="203.0.113.9").status_code == 429
    assert log_in("olga", PASSWORD, address="192.0.2.10").status_code == 302


def test_behind_a_trusted_proxy_each_client_address_is_counted_on_its_own(make_app, log_in, olga):
    behind_proxy = make_app(TRUSTED_PROXY_COUNT=1, **LIMITS)
    floor = behind_proxy.test_client()
    floor.environ_base["REMOTE_ADDR"] = "10.0.0.1"  # the proxy
    for n in range(LIMITS["LOGIN_MAX_FAILURES_PER_ADDRESS"]):
        floor.post("/login", data={"username": f"guess{n}", "password": "wrong", "csrf_token": csrf_token_of(floor)},
                   headers={"X-Forwarded-For": "203.0.113.9"})
    agent = behind_proxy.test_client()
    agent.environ_base["REMOTE_ADDR"] = "10.0.0.1"
    answer = agent.post("/login", data={"username": "olga", "password": PASSWORD, "csrf_token": csrf_token_of(agent)},
                        headers={"X-Forwarded-For": "192.0.2.44"})
    assert answer.status_code == 302  # the guesser's address is locked out, the proxy's other clients are not


def test_without_a_trusted_proxy_a_forwarded_address_is_not_believed(log_in, throttled_app, olga):
    for n in range(LIMITS["LOGIN_MAX_FAILURES_PER_ADDRESS"]):
        client = throttled_app.test_client()
        client.environ_base["REMOTE_ADDR"] = "203.0.113.9"
        client.post("/login", data={"username": f"guess{n}", "password": "wrong", "csrf_token": csrf_token_of(client)},
                    headers={"X-Forwarded-For": f"192.0.2.{n}"})  # a guesser pretending to be many clients
    assert log_in("olga", PASSWORD, address="203.0.113.9").status_code == 429


def test_web_processes_share_the_counters(make_app, log_in, olga):
    other_process = make_app(**LIMITS)
    log_in("olga", "wrong password")
    log_in("olga", "wrong password", app=other_process)
    log_in("olga", "wrong password")
    assert log_in("olga", PASSWORD, app=other_process).status_code == 429


def test_counters_are_hashed_and_expire(log_in, redis_client, olga):
    log_in("olga-" + "x" * 50, "wrong password", address="192.0.2.77")
    keys = redis_client.keys("login:*")
    assert len(keys) == 2  # one for the username, one for the address
    for key in keys:
        assert b"olga" not in key and b"192.0.2.77" not in key and len(key) < 80
        assert 0 < redis_client.ttl(key) <= LIMITS["LOGIN_FAILURE_WINDOW_SECONDS"]


def test_a_lockout_ends_by_itself(make_app, log_in, olga):
    quick = make_app(**LIMITS | {"LOGIN_LOCKOUT_SECONDS": 1})
    for _ in range(LIMITS["LOGIN_MAX_FAILURES_PER_USERNAME"]):
        log_in("olga", "wrong password", app=quick)
    assert log_in("olga", PASSWORD, app=quick).status_code == 429
    deadline = time.monotonic() + 15
    while (answer := log_in("olga", PASSWORD, app=quick)).status_code == 429 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert answer.status_code == 302


def test_a_lockout_is_logged_without_the_password(log_in, olga, caplog):
    caplog.set_level(logging.DEBUG)
    for n in range(LIMITS["LOGIN_MAX_FAILURES_PER_USERNAME"]):
        log_in("olga", f"Secret-guess-{n}")
    lockouts = [r for r in caplog.records if "locked out" in r.getMessage()]
    assert len(lockouts) == 1
    assert "olga" in lockouts[0].getMessage() and "192.0.2.10" in lockouts[0].getMessage()
    assert not any("Secret-guess" in r.getMessage() for r in caplog.records)


def test_only_an_active_user_with_the_right_password_is_authenticated(db_session, olga, make_user):
    gone = make_user("agent", username="gone")
    gone.is_active = False
    db_session.flush()
    assert authenticate(db_session, "olga", PASSWORD) is olga
    assert authenticate(db_session, "olga", "wrong password") is None
    assert authenticate(db_session, "gone", PASSWORD) is None
    assert authenticate(db_session, "nobody", PASSWORD) is None


def test_an_unknown_username_takes_as_long_to_refuse_as_a_known_one(db_session, olga):
    times = {"olga": [], "nobody": []}
    for _ in range(5):  # interleaved, so a busy moment slows both alike
        for username, taken in times.items():
            started = time.perf_counter()
            authenticate(db_session, username, "wrong password")
            taken.append(time.perf_counter() - started)
    # The fastest of each is the least disturbed; without the hashing an unknown name answers ~50 times faster.
    assert min(times["nobody"]) > 0.2 * min(times["olga"])
