"""The app's database: one engine per process, one session per request, closed at teardown."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import click
import sqlalchemy as sa
from flask import Flask, current_app, g, request
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.exceptions import ServiceUnavailable

from crm_core import schema
from crm_core.db import make_engine, make_session_factory

log = logging.getLogger(__name__)


@dataclass
class Database:
    """The engine and the session factory of an app; tests rebind the factory to a transaction."""

    engine: Engine
    session_factory: sessionmaker


def init_app(app: Flask) -> None:
    """Create the engine (lazily connecting), register teardown and the `db` CLI group."""
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["db"] = Database(engine=engine, session_factory=make_session_factory(engine))
    app.teardown_appcontext(close_session)
    app.register_error_handler(sa.exc.OperationalError, database_unavailable)
    app.register_error_handler(sa.exc.TimeoutError, database_unavailable)
    app.cli.add_command(db_cli)


def database(app: Flask | None = None) -> Database:
    """The Database of `app` (default: the current app)."""
    return (app or current_app).extensions["db"]


def get_session() -> Session:
    """The session of the current request or job, opened on first use."""
    if "db_session" not in g:
        g.db_session = database().session_factory()
    return g.db_session


def close_session(_exc: BaseException | None = None) -> None:
    """Close the request's session; whatever was not committed is rolled back."""
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


def database_unavailable(exc: sa.exc.SQLAlchemyError):
    """The database cannot be reached or is overloaded (restarting, down, pool exhausted): answer 503 so a
    client retries, rendered as every HTTP error is; the engine's pool replaces broken connections meanwhile."""
    log.error("database unavailable for %s %s: %s", request.method, request.path, exc)
    return current_app.handle_http_exception(ServiceUnavailable("The database is unavailable; try again shortly."))


def upgrade_database(app: Flask) -> None:
    """Migrate the app's database to the newest schema (the embedded run does this on start)."""
    schema.upgrade(app.config["DATABASE_URL"])


@click.group("db")
def db_cli() -> None:
    """Database schema commands."""


@db_cli.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def upgrade_command(revision: str) -> None:
    """Apply migrations up to REVISION."""
    schema.upgrade(current_app.config["DATABASE_URL"], revision)
    click.echo(f"database at {schema.current_revision(database().engine)}")


@db_cli.command("downgrade")
@click.option("--revision", default="-1", show_default=True)
def downgrade_command(revision: str) -> None:
    """Revert migrations down to REVISION (default: one step)."""
    schema.downgrade(current_app.config["DATABASE_URL"], revision)
    click.echo(f"database at {schema.current_revision(database().engine)}")
