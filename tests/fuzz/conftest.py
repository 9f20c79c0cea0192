"""Fuzzing fixtures: the hypothesis profile every fuzz test runs under, strategies of hostile text, an
isolated unit of work per generated example, and what "garbage" means in each table the edges write to.

Garbage, per table (rows a malformed request must never leave behind):
- interactions: a call_sid that is not Twilio's shape (CA + 32 hex digits), a status or answered_by Twilio
  never sends, a caller ID that is not printable text of at most 32 characters, a negative duration;
- phone_numbers, tasks (callbacks), dnc_entries, leads, dial_attempts: a number that is not E.164 as
  crm_core.phones.normalize_phone writes it;
- customers: a name, company, e-mail, segment or postal code with control characters (a <Say> would carry them);
- call_list_rejections: a row without a reason;
- any table: a row written by a request that was refused (4xx, or a Socket.IO acknowledgement with ok false).
"""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, settings, strategies as st

from crm_core.calls import ANSWERED_BY, CALL_SID, CALL_STATUSES, MAX_CALLER_ID
from crm_core.customers import CONTROL_CHARACTER
from crm_core.db import Base
from crm_core.errors import InvalidPhoneNumber
from crm_core.phones import normalize_phone
from tests.conftest import free_port
from tests.console.conftest import desk_client, login_as  # noqa: F401  (Socket.IO clients of logged-in users)
from tests.dialer.conftest import headers_for  # noqa: F401  (API tokens of a given role)
from tests.dialing.conftest import add_leads, make_dialing_campaign  # noqa: F401  (a running campaign to dial)

# CI runs the same examples every time (derandomized, no example database): a failure is reproducible from the
# log alone. FUZZ_PROFILE=fuzz-deep explores further on a developer's machine.
settings.register_profile(
    "fuzz", max_examples=30, deadline=None, derandomize=True, database=None, print_blob=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("fuzz-deep", settings.get_profile("fuzz"), max_examples=500, derandomize=False)


def fuzz_settings(**overrides) -> settings:
    """The fuzz profile (FUZZ_PROFILE picks another registered one), with per-test overrides."""
    return settings(settings.get_profile(os.environ.get("FUZZ_PROFILE", "fuzz")), **overrides)


# Text a hostile or broken client sends: anything printable, control characters, right-to-left and combining
# marks, long runs, numbers written every way.
control_text = st.text(st.characters(codec="utf-8", categories=("Cc", "Cf", "Zl", "Zp")), max_size=8)
hostile_text = st.one_of(
    st.text(max_size=40),
    control_text,
    st.text(st.characters(codec="utf-8"), min_size=256, max_size=1200),  # longer than any text column
    st.sampled_from(["", " ", "0", "-1", "1e309", "NaN", "null", "true", "9" * 40, "+79123456789", "8 912 345 67 89",
                     "=cmd|' /C calc'!A0", "@SUM(1+1)", "<Say>hi</Say>", "]]>", "&amp;", "\x00", "\ud7ff",
                     "‮+79123456789", "१२३", "ｏｎｅ", "CA" + "0" * 32, "CA" + "g" * 32, "../../etc/passwd"]),
)
json_scalar = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(2 ** 70), max_value=2 ** 70),
                        st.floats(allow_nan=False, allow_infinity=False), hostile_text)
json_value = st.recursive(
    json_scalar,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)),
    max_leaves=10)


@pytest.fixture
def app(make_app):
    """The app, its telephony pointed at a port nobody listens on: nothing the fuzzer sends reaches a provider."""
    return make_app(TWILIO_API_BASE_URL=f"http://127.0.0.1:{free_port()}")


@pytest.fixture
def isolated(connection, redis_client):
    """Run one generated example in its own savepoint and (unless `keep_redis`, for a connected console whose
    routing state must stay) on an empty Redis, so examples never see each other."""

    class Unit:
        def __init__(self, keep_redis: bool = False):
            self.keep_redis = keep_redis

        def __enter__(self):
            if not self.keep_redis:
                redis_client.flushdb()
            self.savepoint = connection.begin_nested()
            return self

        def __exit__(self, *exc):
            self.savepoint.rollback()
            return False

    return Unit


@pytest.fixture
def row_counts(connection):
    """Rows in each table the edges write to (to prove a refused request stored nothing)."""

    tables = Base.metadata.sorted_tables
    # One round trip for every table: this runs twice per generated example.
    statement = sa.select(*(sa.select(sa.func.count()).select_from(table).scalar_subquery() for table in tables))

    def count() -> dict[str, int]:
        return dict(zip((table.name for table in tables), connection.execute(statement).one()))

    return count


def is_e164(number: str | None) -> bool:
    """Whether a stored number is exactly what normalize_phone writes."""
    if number is None:
        return False
    try:
        return normalize_phone(number, "RU").e164 == number
    except InvalidPhoneNumber:
        return False


@pytest.fixture
def garbage(connection):
    """Describe every stored row that breaks the per-table rules in this module's docstring (empty: none)."""

    def find() -> list[str]:
        found = []
        for sid, status, answered_by, from_number, to_number, duration in connection.execute(sa.text(
                "SELECT call_sid, status, answered_by, from_number, to_number, duration_seconds FROM interactions "
                "WHERE channel = 'voice'")):
            if sid is not None and not CALL_SID.fullmatch(sid):
                found.append(f"interaction with call_sid {sid!r}")
            if status not in CALL_STATUSES:
                found.append(f"interaction {sid} with status {status!r}")
            if answered_by is not None and answered_by not in ANSWERED_BY:
                found.append(f"interaction {sid} answered by {answered_by!r}")
            for number in (from_number, to_number):
                if number is not None and (len(number) > MAX_CALLER_ID or not number.isprintable()):
                    found.append(f"interaction {sid} with caller ID {number!r}")
            if duration is not None and duration < 0:
                found.append(f"interaction {sid} lasting {duration}s")
        for table, column in (("phone_numbers", "e164"), ("tasks", "phone_e164"), ("dnc_entries", "e164"),
                              ("leads", "e164"), ("dial_attempts", "e164")):
            for (number,) in connection.execute(sa.text(f"SELECT {column} FROM {table} WHERE {column} IS NOT NULL")):
                if not is_e164(number):
                    found.append(f"{table}.{column} {number!r}")
        for row in connection.execute(sa.text(
                "SELECT id, first_name, last_name, company_name, email, segment, postal_code FROM customers")):
            if any(CONTROL_CHARACTER.search(text) for text in row[1:] if text):
                found.append(f"customer {row[0]} with control characters in {row[1:]!r}")
        for (row,) in connection.execute(sa.text(
                "SELECT row_number FROM call_list_rejections WHERE reason IS NULL OR reason = ''")):
            found.append(f"rejected row {row} without a reason")
        return found

    return find
