"""Migrations build the whole schema from an empty database and take it back down."""

import os

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from crm_core import models  # noqa: F401
from crm_core import schema
from crm_core.db import Base, make_engine


@pytest.fixture
def empty_database_url(tmp_path):
    """A brand-new empty database of the same kind as the test database."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
        return
    name = "callcenter_migration_test"
    admin = make_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        connection.execute(sa.text(f"CREATE DATABASE {name}"))
    yield make_url(url).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


def test_upgrade_from_empty_creates_every_table_and_downgrade_removes_them(empty_database_url):
    engine = make_engine(empty_database_url)
    assert schema.current_revision(engine) is None

    schema.upgrade(empty_database_url)
    assert schema.current_revision(engine) == schema.head_revision()
    assert set(Base.metadata.tables) <= set(sa.inspect(engine).get_table_names())

    schema.downgrade(empty_database_url, "base")
    assert set(sa.inspect(engine).get_table_names()) <= {"alembic_version"}

    schema.upgrade(empty_database_url)
    assert schema.current_revision(engine) == schema.head_revision()
    engine.dispose()


def test_models_and_migrations_agree(empty_database_url):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    schema.upgrade(empty_database_url)
    engine = make_engine(empty_database_url)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert diff == []
