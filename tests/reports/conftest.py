"""Report page fixtures: the hand-computed contact center of tests/analytics, and logged-in page clients."""

from __future__ import annotations

import pytest

from tests.analytics.conftest import floor  # noqa: F401  (fixture)
from tests.console.conftest import login_as  # noqa: F401  (fixture)


@pytest.fixture
def supervisor_client(login_as, make_user, db_session):
    """A console client logged in as a supervisor."""
    client = login_as(make_user("supervisor"))
    db_session.commit()
    return client
