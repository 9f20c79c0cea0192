"""Fixtures for the wallboard: the hand-computed contact center of the analytics tests, and live routing."""

import pytest

from agent_console.routing import QueuedCall, Router
from tests.analytics.conftest import floor  # noqa: F401  (the hand-computed day, reused as a fixture)
from tests.console.conftest import desk_client, login_as  # noqa: F401  (Socket.IO clients of logged-in users)


@pytest.fixture
def router(redis_client):
    """The ACD on the test Redis."""
    return Router(redis_client)


@pytest.fixture
def caller_waiting(router):
    """Put a caller in `queue` since `since` (a datetime); returns the CallSid."""

    def wait(call_sid, queue, since):
        router.enqueue(QueuedCall(call_sid=call_sid, interaction_id=0, queue=queue, enqueued_at=since.timestamp()))
        return call_sid

    return wait
