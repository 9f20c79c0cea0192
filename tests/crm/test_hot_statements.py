"""Statements on every call's path run straight on the driver on PostgreSQL: they must answer, refuse and be
seen exactly as when SQLAlchemy runs them."""

from datetime import timezone

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from crm_core.db import HotStatement, make_engine
from crm_core.models import Interaction

_calls = Interaction.__table__


def test_rows_come_back_with_the_columns_types_as_through_the_session(db_session, make_interaction):
    call = make_interaction(None, context={"ivr": {"step": "main_menu"}})
    read = HotStatement(sa.select(_calls.c.id, _calls.c.started_at, _calls.c.context, _calls.c.ivr_path)
                        .where(_calls.c.call_sid == sa.bindparam("call_sid")))
    row = read.first(db_session, {"call_sid": call.call_sid})
    assert row == db_session.execute(read.statement, {"call_sid": call.call_sid}).first()
    assert (row.id, row.context, row.started_at.tzinfo) == (call.id, {"ivr": {"step": "main_menu"}}, timezone.utc)
    assert read.first(db_session, {"call_sid": "CA" + "0" * 32}) is None


def test_a_refused_statement_raises_sqlalchemys_error_and_is_seen_by_the_engines_listeners(
        db_session, connection, make_interaction):
    call = make_interaction(None)
    copy = HotStatement(sa.insert(_calls).values(call_sid=sa.bindparam("call_sid"), channel="voice",
                                                 direction="inbound", status="ringing", status_sequence=-1,
                                                 context={}, ivr_path=[], started_at=call.started_at))
    seen = []

    def record(_connection, _cursor, statement, *_):
        seen.append(statement)

    sa.event.listen(connection, "before_cursor_execute", record)
    try:
        with pytest.raises(sa.exc.IntegrityError), db_session.begin_nested():
            copy.execute(db_session, {"call_sid": call.call_sid})
    finally:
        sa.event.remove(connection, "before_cursor_execute", record)
    assert any(statement.startswith("INSERT INTO interactions") for statement in seen)


def test_the_orms_pending_changes_are_flushed_first_as_through_the_session(db_session, make_interaction):
    call = make_interaction(None)
    call.language = "en"  # pending in the session, not yet written
    read = HotStatement(sa.select(_calls.c.language).where(_calls.c.id == sa.bindparam("id")))
    assert read.first(db_session, {"id": call.id}).language == "en"


def test_a_call_after_the_server_dropped_the_connection_runs_on_a_new_one(database_url, engine):
    if not database_url.startswith("postgresql"):
        pytest.skip("a PostgreSQL server's connection to drop")
    webhooks = make_engine(database_url)  # its pool keeps the one connection the server will drop
    backend = HotStatement(sa.select(sa.func.pg_backend_pid().label("pid")))
    try:
        with Session(webhooks) as session:
            dropped = backend.first(session, {}).pid
        with engine.connect() as other:
            other.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": dropped})
        with Session(webhooks) as session, pytest.raises(sa.exc.DBAPIError) as refused:
            backend.first(session, {})
        assert refused.value.connection_invalidated
        with Session(webhooks) as session:
            assert backend.first(session, {}).pid != dropped
    finally:
        webhooks.dispose()
